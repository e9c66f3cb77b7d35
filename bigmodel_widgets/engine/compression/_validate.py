"""Compression's domain checks (a tf_keras graph model, sparsity, clusters, calibration data).

Generic int and number checks are the core's (``engine/checks.py``); these add what only
compression knows, and explain it before tfmot fails obscurely.
"""

from __future__ import annotations

import numpy as np

from .. import backend, checks

__all__ = ["check_tf_keras_model", "check_sparsity", "check_clusters", "check_representative"]


def check_tf_keras_model(model, arg: str = "model", *, graph_only: bool = True) -> None:
    """Raise TypeError unless ``model`` is a tf_keras (Keras 2) Sequential/functional model.

    tfmot silently returns None for a Keras 3 model in ``cluster_weights`` and fails deep
    inside for subclassed models, so we refuse both up front with an explanation.
    """
    keras = backend.keras()
    if not isinstance(model, keras.Model):
        module = type(model).__module__
        if module.startswith("keras"):
            raise TypeError(
                f"{arg} is a Keras 3 model ({module}.{type(model).__name__}); tfmot only works "
                "with tf_keras (Keras 2) models. Build it with bmw.keras() (tf_keras), e.g. "
                "keras = bmw.keras(); keras.Sequential([...]), and import bigmodel_widgets "
                "before tensorflow so that tf.keras is tf_keras."
            )
        raise TypeError(f"{arg} must be a tf_keras Model, got {type(model).__name__}")
    if graph_only and type(model).__name__ not in {"Sequential", "Functional"}:
        raise TypeError(
            f"{arg} is a subclassed model ({type(model).__name__}); tfmot can only wrap the layers "
            "of Sequential or functional tf_keras models. Rebuild it with keras.Sequential or "
            "the functional API (or compress it with post-training quantization alone)."
        )
    if not model.built:
        raise ValueError(f"{arg} is not built: give its first layer an input shape")


def check_sparsity(sparsity, arg: str = "sparsity") -> float:
    """A fraction of weights set to zero: a number in [0, 1) (the core check, compression's range)."""
    return checks.number_in_range(sparsity, name=arg, low=0.0, high=1.0, high_open=True)


def check_clusters(n, arg: str = "clusters") -> int:
    """Centroids per kernel: 0 (no clustering) or an int >= 2."""
    n = checks.non_negative_int(n, name=arg)
    if n == 1:
        raise ValueError(f"{arg} must be 0 (no clustering) or an int >= 2, got 1")
    return n


def check_representative(x, input_shape, arg: str = "representative") -> np.ndarray:
    """A float32 array of samples whose shape (without batch) matches the model input."""
    x = np.asarray(x)
    want = tuple(int(d) for d in input_shape[1:])
    if x.ndim != len(want) + 1 or tuple(x.shape[1:]) != want:
        raise ValueError(
            f"{arg} must have shape (n, {', '.join(map(str, want))}) to match the "
            f"model input, got {x.shape}"
        )
    if len(x) == 0:
        raise ValueError(f"{arg} must hold at least one sample")
    return x.astype(np.float32)
