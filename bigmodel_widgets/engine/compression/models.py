"""The default chapter-3 model (a small CNN on real MNIST digits), its data, and cloning.

The base model is trained once and its weights kept in the engine cache (``engine/cache.py``);
every experiment works on a clone because tfmot wraps (and then trains) the base model's own
layers. The digits are the project's one MNIST-5k split (``engine/splits.py``), so accuracies
here compare with chapters 2 and 5.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import backend, cache, checks, splits, training
from ..training import Progress
from ._validate import check_tf_keras_model

__all__ = [
    "Dataset",
    "CompressionSetup",
    "digits_data",
    "build_digits_cnn",
    "clone",
    "compile_for_training",
    "fit",
    "architecture",
    "fingerprint",
    "default_setup",
    "BASE_MODELS",
    "strong_digits_cnn",
]

# "strong": chapter 5's strong CNN (held-out accuracy about 0.986), the default base every ratio
# is measured against; "small": the chapter's original small CNN (about 0.963), kept to compare.
BASE_MODELS = ("strong", "small")

_BASE_VERSION = 1  # bump when the base model's training recipe changes
_BATCH, _LEARNING_RATE = 64, 1e-3


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train/test arrays: images float32 in [0, 1] with a channel axis, integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def __post_init__(self):
        for a, b, what in (
            (self.x_train, self.y_train, "train"),
            (self.x_test, self.y_test, "test"),
        ):
            if len(a) != len(b) or len(a) == 0:
                raise ValueError(
                    f"{what} images and labels must be non-empty and the same length, "
                    f"got {len(a)} and {len(b)}"
                )

    def fingerprint(self) -> str:
        """A hash of the four arrays: the data part of every cache key."""
        return cache.fingerprint_arrays(self.x_train, self.y_train, self.x_test, self.y_test)

    def representative(self, n: int = 100) -> np.ndarray:
        """The first ``n`` training images: the calibration set for full-int8 conversion."""
        return self.x_train[: checks.positive_int(n, name="n")]


@dataclass(eq=False)
class CompressionSetup:
    """A trained base model and the data every experiment uses."""

    base: object
    data: Dataset
    name: str = "model"


def _optional_count(value, name: str) -> int | None:
    return None if value is None else checks.positive_int(value, name=name)


def digits_data(*, n_train: int | None = None, n_test: int | None = None, seed: int = 0) -> Dataset:
    """The shared MNIST-5k split (80/20, balanced classes) with a channel axis.

    ``n_train``/``n_test`` keep the first images of each part (a quick run's subset).
    """
    n_train = _optional_count(n_train, "n_train")
    n_test = _optional_count(n_test, "n_test")
    x_train, y_train, x_test, y_test = splits.mnist5k_split(seed=seed).scaled()
    return Dataset(
        x_train[:n_train, ..., None], y_train[:n_train], x_test[:n_test, ..., None], y_test[:n_test]
    )


def build_digits_cnn(input_shape=(28, 28, 1), classes: int = 10, seed: int = 0):
    """Conv(16)-Pool-Conv(32)-Pool-Dense(128)-Dense: 108,618 parameters, 94 % in one Dense layer.

    Like most real networks, most weights sit in a few big layers, which is where pruning,
    clustering and quantization find their savings.
    """
    keras = backend.keras()
    init = keras.initializers
    return keras.Sequential(
        [
            keras.layers.InputLayer(input_shape),
            keras.layers.Conv2D(
                16, 3, activation="relu", kernel_initializer=init.GlorotUniform(seed)
            ),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(
                32, 3, activation="relu", kernel_initializer=init.GlorotUniform(seed + 1)
            ),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(
                128, activation="relu", kernel_initializer=init.GlorotUniform(seed + 2)
            ),
            keras.layers.Dense(classes, kernel_initializer=init.GlorotUniform(seed + 3)),
        ],
        name="digits_cnn",
    )


def clone(base):
    """A fresh copy with the same architecture and weights, so tfmot never touches ``base``."""
    check_tf_keras_model(base, "base")
    keras = backend.keras()
    model = keras.models.clone_model(base)
    model.set_weights(base.get_weights())
    return model


def compile_for_training(model, learning_rate: float = _LEARNING_RATE) -> None:
    """Adam + sparse cross-entropy on logits, the loss every compression stage fine-tunes with."""
    keras = backend.keras()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )


def fit(
    model,
    ds: Dataset,
    *,
    epochs: int,
    batch_size: int = _BATCH,
    callbacks=(),
    progress: Progress = None,
):
    """Train on ``ds`` with a fixed seed; ``progress(done, total, logs)`` after each epoch."""
    epochs = checks.non_negative_int(epochs, name="epochs")
    if epochs == 0:
        return model
    batch_size = checks.positive_int(batch_size, name="batch_size")
    training.set_seed(0)
    clock = training.training_clock(progress=progress, epochs=epochs)
    model.fit(
        ds.x_train,
        ds.y_train,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        shuffle=True,
        callbacks=[*callbacks, clock],
    )
    return model


def architecture(model) -> dict:
    """The model's JSON config with layer names replaced by their position.

    Keras numbers unnamed layers per process (``dense_7``), so the same network built in two
    kernels has two different ``to_json()``; a cache key must not depend on that.
    """
    spec = json.loads(model.to_json())
    names = {model.name: "model"}
    for i, layer in enumerate(spec.get("config", {}).get("layers", [])):
        name = layer.get("config", {}).get("name", layer.get("name"))
        if isinstance(name, str):
            names.setdefault(name, f"layer{i}")

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    return rename(spec)


def fingerprint(model) -> str:
    """Hash of architecture and weights: the model part of every cache key."""
    h = hashlib.sha256(json.dumps(architecture(model), sort_keys=True).encode())
    h.update(cache.fingerprint_arrays(*model.get_weights()).encode())
    return h.hexdigest()


def _load_base(path: Path):
    model = build_digits_cnn()
    model.load_weights(str(path))  # raises on a truncated, zero-filled or foreign file
    return model


def _as_logits(model):
    """The same network and weights with a linear last layer (softmax -> logits).

    Chapter 5's CNN ends in a softmax; compression fine-tunes with a from-logits loss, and the
    arg-max (so the accuracy) does not change.
    """
    keras = backend.keras()
    last = model.layers[-1]

    def copy(layer):
        config = layer.get_config()
        if layer is last and config.get("activation") == "softmax":
            config["activation"] = "linear"
        return layer.__class__.from_config(config)

    out = keras.models.clone_model(model, clone_function=copy)
    out.set_weights(model.get_weights())
    return out


def strong_digits_cnn(*, quick: bool = False, progress: Progress = None, epochs: int | None = None):
    """Chapter 5's strong CNN (its cached, recipe-trained model) with logits outputs.

    Reused, not copied: :func:`engine.tasks.vision.pretrained_cnn` trains it once (20 epochs
    with the recipe's augmentation) and keeps it in the engine cache; ``quick=True`` is its
    quick model (one epoch on a few hundred digits).
    """
    from ..tasks import vision

    model = vision.pretrained_cnn(
        "strong",
        augment=vision.recipe_augment("strong"),
        quick=checks.boolean(quick, name="quick"),
        epochs=epochs,
        progress=progress,
    )
    return _as_logits(model)


def _strong_data(quick: bool) -> Dataset:
    from ..tasks import vision

    split = splits.mnist5k_split(seed=0)
    n_train, n_test = (2000, 500) if quick else (None, None)
    return Dataset(
        vision.digits_to_input(split.x_train[:n_train]),
        split.y_train[:n_train],
        vision.digits_to_input(split.x_test[:n_test]),
        split.y_test[:n_test],
    )


def default_setup(
    *,
    quick: bool = False,
    progress: Progress = None,
    epochs: int | None = None,
    model: str = "strong",
) -> CompressionSetup:
    """The chapter's base model and data (weights cached on disk).

    ``model="strong"`` (default): chapter 5's strong CNN (32x32x3 inputs, about 0.986 held-out
    accuracy when fully trained), so every ratio is measured against a model worth deploying.
    ``model="small"``: the original small CNN on 28x28 digits (16 epochs on 4,000 digits).
    ``quick=True``: a short training and the first 2,000 / 500 digits, so notebooks and tests
    stay fast. A cache hit reports ``progress(1, 1, {"cached": 1})``.
    """
    quick = checks.boolean(quick, name="quick")
    checks.one_of(model, name="model", choices=BASE_MODELS)
    if model == "strong":
        base = strong_digits_cnn(quick=quick, progress=progress, epochs=epochs)
        return CompressionSetup(base, _strong_data(quick), "strong_cnn")
    ds = digits_data(n_train=2000, n_test=500) if quick else digits_data()
    epochs = (2 if quick else 16) if epochs is None else checks.positive_int(epochs, name="epochs")

    def build():
        model = build_digits_cnn()
        compile_for_training(model)
        return fit(model, ds, epochs=epochs, progress=progress)

    outcome = cache.fetch_or_build(
        kind="compression-base",
        version=_BASE_VERSION,
        name="digits-cnn",
        suffix=".weights.h5",
        parts={
            "architecture": architecture(build_digits_cnn()),
            "data": ds.fingerprint(),
            "epochs": epochs,
            "batch_size": _BATCH,
            "learning_rate": _LEARNING_RATE,
        },
        build=build,
        save=lambda model, path: model.save_weights(str(path)),
        load=_load_base,
        progress=progress,
    )
    return CompressionSetup(outcome.value, ds, "digits_cnn")
