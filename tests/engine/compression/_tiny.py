"""A tiny tf_keras model on scikit-learn's 8x8 digits: compression tests run in seconds."""

from __future__ import annotations

import numpy as np

from bigmodel_widgets import data, keras
from bigmodel_widgets.engine.compression import CompressionSetup, Dataset, models


def tiny_dataset(n_train: int = 600, n_test: int = 200) -> Dataset:
    x, y = data.load_digits8x8()
    x = (x / 16.0).astype(np.float32)[..., None]
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(y))
    tr, te = idx[:n_train], idx[n_train : n_train + n_test]
    return Dataset(x[tr], y[tr], x[te], y[te])


def tiny_model():
    k = keras()
    return k.Sequential(
        [
            k.layers.InputLayer((8, 8, 1)),
            k.layers.Conv2D(
                8, 3, activation="relu", kernel_initializer=k.initializers.GlorotUniform(0)
            ),
            k.layers.Flatten(),
            k.layers.Dense(
                32, activation="relu", kernel_initializer=k.initializers.GlorotUniform(1)
            ),
            k.layers.Dense(10, kernel_initializer=k.initializers.GlorotUniform(2)),
        ],
        name="tiny",
    )


def tiny_setup(epochs: int = 8) -> CompressionSetup:
    ds = tiny_dataset()
    model = tiny_model()
    models.compile_for_training(model, 3e-3)
    models.fit(model, ds, epochs=epochs, batch_size=32)
    return CompressionSetup(model, ds, "tiny")
