"""Bad input gets a clear error that names the argument, before tfmot fails obscurely."""

import numpy as np
import pytest

from bigmodel_widgets import keras
from bigmodel_widgets.engine.compression import (
    CompressionConfig,
    SweepSpec,
    cluster,
    convert,
    prune,
)


def test_keras3_model_is_refused_with_an_explanation(tiny):
    keras3 = pytest.importorskip("keras")
    if not keras3.__version__.startswith("3"):
        pytest.skip("the keras package here is not Keras 3")
    model = keras3.Sequential(
        [keras3.Input((8, 8, 1)), keras3.layers.Flatten(), keras3.layers.Dense(10)]
    )
    with pytest.raises(TypeError, match="tf_keras"):
        cluster(model, tiny.data, 4)
    with pytest.raises(TypeError, match="Keras 3"):
        prune(model, tiny.data, 0.5)


def test_subclassed_model_is_refused_for_pruning(tiny):
    k = keras()

    class Sub(k.Model):
        def __init__(self):
            super().__init__()
            self.flat = k.layers.Flatten()
            self.out = k.layers.Dense(10)

        def call(self, x):
            return self.out(self.flat(x))

    model = Sub()
    model(np.zeros((1, 8, 8, 1), np.float32))
    with pytest.raises(TypeError, match="subclassed"):
        prune(model, tiny.data, 0.5)


@pytest.mark.parametrize("bad", [1.0, 1.5, -0.1])
def test_sparsity_outside_unit_interval(tiny, bad):
    with pytest.raises(ValueError, match="sparsity"):
        prune(tiny.base, tiny.data, bad)
    with pytest.raises(ValueError, match="sparsity"):
        CompressionConfig(sparsity=bad)


def test_sparsity_must_be_a_number():
    with pytest.raises(TypeError, match="sparsity"):
        CompressionConfig(sparsity="0.5")


@pytest.mark.parametrize("bad", [1, -3])
def test_fewer_than_two_clusters(tiny, bad):
    with pytest.raises(ValueError, match="clusters"):
        cluster(tiny.base, tiny.data, bad)
    with pytest.raises(ValueError, match="clusters"):
        CompressionConfig(clusters=bad)


def test_representative_of_the_wrong_shape(tiny):
    with pytest.raises(ValueError, match=r"representative must have shape \(n, 8, 8, 1\)"):
        convert(tiny.base, "int8", np.zeros((4, 28, 28, 1), np.float32))
    with pytest.raises(ValueError, match="representative"):
        convert(tiny.base, "int8", None)


def test_config_rejects_inconsistent_combinations():
    with pytest.raises(ValueError, match="quant"):
        CompressionConfig(quant="int4")
    with pytest.raises(ValueError, match="qat"):
        CompressionConfig(qat=True, quant="dynamic")
    with pytest.raises(ValueError, match="2:4"):
        CompressionConfig(sparsity=0.8, structure="2:4")
    with pytest.raises(ValueError, match="int8_io"):
        CompressionConfig(int8_io=True)
    with pytest.raises(ValueError, match="unknown"):
        CompressionConfig.from_config({"sparsity": 0.5, "colour": "red"})
    with pytest.raises(ValueError, match="sparsities"):
        SweepSpec(sparsities=())


def test_config_round_trip_and_labels():
    cfg = CompressionConfig(sparsity=0.8, quant="dynamic")
    assert CompressionConfig.from_config(cfg.to_config()) == cfg
    assert cfg.label == "prune80+dynamic"
    assert CompressionConfig().label == "baseline"
    assert CompressionConfig(clusters=16).label == "cluster16"
    assert CompressionConfig(qat=True, quant="int8").label == "qat-int8"
    assert (
        CompressionConfig(sparsity=0.5, structure="2:4", quant="int8", int8_io=True).label
        == "prune50-2:4+int8-io"
    )
    spec = SweepSpec(
        sparsities=(0.0, 0.5), clusters=(0,), quant_modes=("none", "int8"), qat=(False, True)
    )
    assert SweepSpec.from_config(spec.to_config()) == spec
    assert [c.label for c in spec.configs()] == [
        "baseline",
        "int8",
        "qat-int8",
        "prune50",
        "prune50+int8",
        "prune50+qat-int8",
    ]
