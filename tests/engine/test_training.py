from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import training


def test_stratified_split_is_balanced_disjoint_and_seeded():
    y = np.repeat(np.arange(10), 50)
    a, b = training.stratified_split(y, (0.8, 0.2), seed=3)
    assert len(a) == 400 and len(b) == 100 and not set(a) & set(b)
    assert np.bincount(y[b]).tolist() == [10] * 10
    again = training.stratified_split(y, (0.8, 0.2), seed=3)
    assert np.array_equal(a, again[0])
    assert not np.array_equal(a, training.stratified_split(y, (0.8, 0.2), seed=4)[0])


@pytest.mark.parametrize("fractions", [(0.5, 0.4), (1.2, -0.2), (0.0, 1.0)])
def test_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        training.stratified_split(np.arange(10) % 2, fractions)


def test_progress_callback_reports_each_epoch():
    from bigmodel_widgets.engine.backend import keras

    k = keras()
    seen = []
    model = k.Sequential([k.layers.Input((4,)), k.layers.Dense(2)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((8, 4)), np.zeros((8, 2)), epochs=3, verbose=0,
              callbacks=[training.keras_progress_callback(lambda d, t, i: seen.append((d, t)), 3)])
    assert seen == [(1, 3), (2, 3), (3, 3)]
