"""Per-layer sensitivity and int8 error: a deliberately fragile layer is ranked first."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets import keras
from bigmodel_widgets.engine import compression as comp


def _fragile_setup():
    """Dense 'robust' (90 % zeros, weights on a coarse grid) -> Dense 'fragile' (dense weights,
    plus one huge weight on a unit that is always 0). Pruning 80 % of 'robust' removes only
    zeros; pruning 'fragile' removes most of its signal, and rounding it to 4 bits on a scale
    set by the huge weight wipes out every other weight."""
    k = keras()
    rng = np.random.default_rng(0)
    model = k.Sequential(
        [
            k.layers.InputLayer((12,)),
            k.layers.Dense(16, activation="relu", name="robust"),
            k.layers.Dense(3, name="fragile"),
        ]
    )
    robust = np.where(rng.random((12, 16)) < 0.1, rng.choice([-1.0, 1.0], (12, 16)), 0.0)
    robust[:, 0] = 0.0
    robust_bias = np.zeros(16)
    robust_bias[0] = -1.0  # unit 0 is always 0 after the relu
    fragile = rng.choice([-1.0, 1.0], (16, 3)) * rng.uniform(0.5, 1.5, (16, 3))
    fragile[0] = [1000.0, 0.0, 0.0]
    model.set_weights([robust, robust_bias, fragile, np.zeros(3)])
    x = rng.normal(size=(400, 12)).astype(np.float32)
    y = np.argmax(model.predict(x, verbose=0), axis=1)  # the model's own answers: accuracy 1
    return model, comp.Dataset(x, y, x, y)


@pytest.mark.parametrize("method", comp.SENSITIVITY_METHODS)
def test_the_fragile_layer_is_ranked_first(method):
    model, ds = _fragile_setup()
    before = [w.copy() for w in model.get_weights()]
    rows = comp.layer_sensitivity(model, ds, method=method, sparsity=0.8, bits=4)
    assert [r["layer"] for r in rows] == ["fragile", "robust"]
    assert rows[0]["drop_pts"] > 20 and abs(rows[1]["drop_pts"]) < 1e-9
    assert rows[0]["base_accuracy"] == 1.0 and rows[0]["params"] == 48
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # measured on a clone: the base is untouched


def test_sensitivity_checks_its_arguments():
    model, ds = _fragile_setup()
    with pytest.raises(ValueError, match="method"):
        comp.layer_sensitivity(model, ds, method="melt")
    with pytest.raises(ValueError, match="sparsity"):
        comp.layer_sensitivity(model, ds, sparsity=1.0)
    with pytest.raises(TypeError, match="n_test"):
        comp.layer_sensitivity(model, ds, n_test=1.5)


def test_quantization_error_and_keeping_the_worst_tensor_float(tiny):
    rep = tiny.data.representative(32)
    rows = comp.quantization_error(
        comp.keras_converter(tiny.base, rep), comp.representative_samples(rep)
    )
    steps = [r["error_steps"] for r in rows]
    assert rows and steps == sorted(steps, reverse=True) and all(s >= 0 for s in steps)
    assert {"tensor", "op", "rmse", "scale", "elements"} <= set(rows[0])
    worst = rows[0]["tensor"]
    blob = comp.selective_int8(
        comp.keras_converter(tiny.base, rep), comp.representative_samples(rep), [worst]
    )
    dtypes = {t.name: t.dtype for t in comp.summarize_tflite(blob).tensors}
    assert dtypes[worst] == "FLOAT32"  # kept in float
    assert "INT8" in dtypes.values()  # the rest is int8
    acc = comp.tflite_accuracy(blob, tiny.data.x_test, tiny.data.y_test)
    assert acc > 0.5
