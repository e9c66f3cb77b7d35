"""The one TensorFlow / Keras / Hugging Face bootstrap (ARCHITECTURE.md rule 3).

Importing this module only sets environment variables; TensorFlow itself loads on the first
call to :func:`tf` or :func:`keras`. Everything in the project that needs TensorFlow gets it
from here, so ``tf.keras`` is always tf_keras (Keras 2), the only Keras tfmot accepts.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "tf",
    "keras",
    "tfmot",
    "tf_keras_active",
    "KerasMismatchError",
    "quick_mode",
    "cache_dir",
]

# Before TensorFlow is first imported: Keras 2 for tf.keras, no hub access, quiet C++ logs.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # bit-identical results run to run


class KerasMismatchError(RuntimeError):
    """TensorFlow was imported before the bootstrap, so ``tf.keras`` is Keras 3."""


def tf():
    """Return the ``tensorflow`` module, imported after the bootstrap."""
    already = "tensorflow" in sys.modules
    import tensorflow

    if not already:
        tensorflow.get_logger().setLevel("ERROR")
    return tensorflow


def keras():
    """Return tf_keras (Keras 2), checking that ``tf.keras`` resolves to it too."""
    tensorflow = tf()
    import tf_keras

    if not tf_keras_active():
        raise KerasMismatchError(
            "tf.keras is Keras 3 in this process: TensorFlow was imported before "
            "bigmodel_widgets set TF_USE_LEGACY_KERAS=1. Restart the kernel and import "
            "bigmodel_widgets before tensorflow (tfmot only works with tf_keras models)."
        )
    del tensorflow
    return tf_keras


def tfmot():
    """Return ``tensorflow_model_optimization``, imported after the bootstrap.

    tfmot imports TensorFlow and binds to whichever Keras ``tf.keras`` is at that moment, so it
    must come after :func:`keras` has checked that this is tf_keras (the only Keras it accepts).
    """
    keras()
    import tensorflow_model_optimization

    return tensorflow_model_optimization


def tf_keras_active() -> bool:
    """True when ``tf.keras`` is tf_keras (Keras 2) in this process."""
    tensorflow = tf()
    return tensorflow.keras.__name__.startswith("tf_keras") or getattr(
        tensorflow.keras, "__version__", "3"
    ).startswith("2.")


def quick_mode() -> bool:
    """True when ``BMW_QUICK=1``: notebooks and tests train for a few steps only."""
    return os.environ.get("BMW_QUICK", "0").strip().lower() in {"1", "true", "yes", "on"}


def cache_dir() -> str:
    """Where trained weights and sweep caches go (never the repository): ``BMW_CACHE_DIR``."""
    path = os.environ.get("BMW_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "bigmodel_widgets"
    )
    os.makedirs(path, exist_ok=True)
    return path
