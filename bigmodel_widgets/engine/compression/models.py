"""The default chapter-3 model (a small CNN on real MNIST digits), its data, and cloning.

The base model is trained once and its weights cached in ``cache_dir()``; every experiment
works on a clone because tfmot wraps (and then trains) the base model's own layers.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import numpy as np

from ..files import atomic_path
from .. import backend, data, training
from ._validate import check_tf_keras_model

__all__ = ["Dataset", "CompressionSetup", "digits_data", "build_digits_cnn", "clone",
           "compile_for_training", "fit", "fingerprint", "default_setup"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train/test arrays: images float32 in [0, 1] with a channel axis, integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def __post_init__(self):
        for a, b, what in ((self.x_train, self.y_train, "train"), (self.x_test, self.y_test, "test")):
            if len(a) != len(b) or len(a) == 0:
                raise ValueError(f"{what} images and labels must be non-empty and the same length, "
                                 f"got {len(a)} and {len(b)}")

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for arr in (self.x_train, self.y_train, self.x_test, self.y_test):
            arr = np.ascontiguousarray(arr)
            h.update(f"{arr.dtype}{arr.shape}".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    def representative(self, n: int = 100) -> np.ndarray:
        """The first ``n`` training images: the calibration set for full-int8 conversion."""
        return self.x_train[:n]


@dataclass(eq=False)
class CompressionSetup:
    """A trained base model and the data every experiment uses."""

    base: object
    data: Dataset
    name: str = "model"


def digits_data(n_train: int | None = None, n_test: int | None = None, seed: int = 0) -> Dataset:
    """mnist5k split 80/20 with balanced classes; optional subsets for quick runs."""
    x, y = data.load_mnist5k()
    x = (x.astype(np.float32) / 255.0)[..., None]
    train, test = training.stratified_split(y, (0.8, 0.2), seed=seed)
    train, test = train[:n_train], test[:n_test]
    return Dataset(x[train], y[train], x[test], y[test])


def build_digits_cnn(input_shape=(28, 28, 1), classes: int = 10, seed: int = 0):
    """Conv(16)-Pool-Conv(32)-Pool-Dense(128)-Dense: 108,618 parameters, 94 % in one Dense layer.

    Like most real networks, most weights sit in a few big layers, which is where pruning,
    clustering and quantization find their savings.
    """
    keras = backend.keras()
    init = keras.initializers
    return keras.Sequential([
        keras.layers.InputLayer(input_shape),
        keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer=init.GlorotUniform(seed)),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu", kernel_initializer=init.GlorotUniform(seed + 1)),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu", kernel_initializer=init.GlorotUniform(seed + 2)),
        keras.layers.Dense(classes, kernel_initializer=init.GlorotUniform(seed + 3)),
    ], name="digits_cnn")


def clone(base):
    """A fresh copy with the same architecture and weights, so tfmot never touches ``base``."""
    check_tf_keras_model(base, "base")
    keras = backend.keras()
    model = keras.models.clone_model(base)
    model.set_weights(base.get_weights())
    return model


def compile_for_training(model, learning_rate: float = 1e-3) -> None:
    keras = backend.keras()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])


def fit(model, ds: Dataset, epochs: int, batch_size: int = 64, callbacks=(), progress=None):
    """Train on ``ds`` with a fixed seed; ``progress(done, total, logs)`` after each epoch."""
    if epochs <= 0:
        return model
    training.set_seed(0)
    cbs = list(callbacks)
    if progress is not None:
        cbs.append(training.keras_progress_callback(progress, epochs))
    model.fit(ds.x_train, ds.y_train, epochs=epochs, batch_size=batch_size, verbose=0,
              shuffle=True, callbacks=cbs)
    return model


def fingerprint(model) -> str:
    """Hash of architecture and weights: the model part of every cache key."""
    h = hashlib.sha256(model.to_json().encode())
    for w in model.get_weights():
        h.update(np.ascontiguousarray(w).tobytes())
    return h.hexdigest()


def default_setup(quick: bool | None = None, progress=None, epochs: int | None = None) -> CompressionSetup:
    """The chapter's base model, trained on mnist5k (weights cached; quick mode: a small subset).

    Full mode trains 16 epochs on 4,000 digits (where held-out accuracy has plateaued); quick mode (``BMW_QUICK=1``) 2 epochs on 2,000 so notebooks and tests stay fast.
    """
    quick = backend.quick_mode() if quick is None else quick
    ds = digits_data(2000, 500) if quick else digits_data()
    epochs = epochs if epochs is not None else (2 if quick else 16)
    keras = backend.keras()
    model = build_digits_cnn()
    key = hashlib.sha256((model.to_json() + ds.fingerprint() + f"e{epochs}").encode()).hexdigest()[:16]
    path = os.path.join(backend.cache_dir(), "compression", f"base-{key}.weights.h5")
    if os.path.exists(path):
        try:
            model.load_weights(path)
            if progress is not None:
                progress(epochs, epochs, {"cached": 1})
            return CompressionSetup(model, ds, "digits_cnn")
        except (OSError, ValueError):  # a half-written or foreign file: retrain
            model = build_digits_cnn()
    training.set_seed(0)
    compile_for_training(model)
    fit(model, ds, epochs, progress=progress)
    with atomic_path(path, suffix=".weights.h5") as tmp:
        model.save_weights(tmp)
    del keras
    return CompressionSetup(model, ds, "digits_cnn")
