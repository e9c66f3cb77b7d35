"""The chapter's base model and data: the shared MNIST-5k split, a cached base model, one tfmot door."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import bigmodel_widgets
from bigmodel_widgets.engine import backend, litert, splits
from bigmodel_widgets.engine import compression as comp
from bigmodel_widgets.engine.compression import measure

ENGINE = Path(bigmodel_widgets.__file__).parent / "engine"


def test_digits_data_is_the_shared_mnist5k_split():
    ds = comp.digits_data()
    x_train, y_train, x_test, y_test = splits.mnist5k_split(seed=0).scaled()
    assert ds.x_train.shape == (4000, 28, 28, 1) and ds.x_train.dtype == np.float32
    np.testing.assert_array_equal(ds.x_train[..., 0], x_train)
    np.testing.assert_array_equal(ds.y_test, y_test)
    small = comp.digits_data(n_train=100, n_test=20)
    np.testing.assert_array_equal(small.x_train, ds.x_train[:100])
    assert len(small.y_test) == 20 and small.fingerprint() != ds.fingerprint()
    with pytest.raises(ValueError, match="n_train"):
        comp.digits_data(n_train=0)


def test_default_setup_is_cached_and_reports_a_hit(tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    calls = []
    first = comp.default_setup(
        quick=True, epochs=1, model="small", progress=lambda d, t, i: calls.append((d, t))
    )
    assert calls == [(1, 1)] and len(first.data.x_train) == 2000 and len(first.data.y_test) == 500
    assert list((tmp_path / "compression-base").glob("digits-cnn-*.weights.h5"))
    hits = []
    again = comp.default_setup(
        quick=True, epochs=1, model="small", progress=lambda d, t, i: hits.append(i)
    )
    assert hits == [{"cached": 1}]
    assert comp.fingerprint(again.base) == comp.fingerprint(first.base)
    with pytest.raises(TypeError, match="quick"):
        comp.default_setup(quick=1)


def test_the_default_base_is_chapter_5s_strong_cnn_with_logits(tmp_path, monkeypatch):
    from bigmodel_widgets.engine.tasks import vision

    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    setup = comp.default_setup(quick=True, epochs=1)
    assert setup.name == "strong_cnn" and setup.data.x_test.shape[1:] == (32, 32, 3)
    assert len(setup.data.x_train) == 2000 and len(setup.data.y_test) == 500
    assert list((tmp_path / "vision-cnn").glob("strong_cnn-*.keras"))  # chapter 5's cache entry
    strong = vision.pretrained_cnn(
        "strong", augment=vision.recipe_augment("strong"), quick=True, epochs=1
    )
    x = setup.data.x_test[:8]
    probs, logits = strong.predict(x, verbose=0), setup.base.predict(x, verbose=0)
    assert setup.base.layers[-1].get_config()["activation"] == "linear"
    np.testing.assert_allclose(
        probs, np.exp(logits) / np.exp(logits).sum(1, keepdims=True), atol=1e-5
    )
    with pytest.raises(ValueError, match="model"):
        comp.default_setup(quick=True, model="huge")


def test_fingerprint_ignores_how_keras_numbered_the_layers():
    a, b = comp.build_digits_cnn(), comp.build_digits_cnn()
    assert [layer.name for layer in a.layers] != [layer.name for layer in b.layers]
    assert comp.fingerprint(a) == comp.fingerprint(b)
    b.set_weights([w + 1 for w in b.get_weights()])
    assert comp.fingerprint(a) != comp.fingerprint(b)


def test_one_tfmot_door_after_the_bootstrap():
    tfmot = backend.tfmot()
    assert hasattr(tfmot.sparsity.keras, "prune_low_magnitude") and backend.tf_keras_active()
    importers = [
        p.relative_to(ENGINE).as_posix()
        for p in ENGINE.rglob("*.py")
        if "import tensorflow_model_optimization" in p.read_text()
    ]
    assert importers == ["backend.py"]


def test_old_names_still_work_for_one_release(tiny):
    olds = {
        (comp, "evaluate_tflite"): comp.tflite_accuracy,
        (measure, "evaluate_tflite"): comp.tflite_accuracy,
        (measure, "interpreter"): litert.interpreter,
        (comp, "cache_key"): comp.point_key,
        (comp.cache, "cache_key"): comp.point_key,
    }
    for (module, old), new in olds.items():
        with pytest.warns(DeprecationWarning, match=new.__name__):
            assert getattr(module, old) is new
        assert old not in module.__all__
    blob = comp.convert(tiny.base)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the new names never warn
        assert litert.interpreter(blob).get_input_details()[0]["shape"].tolist() == [1, 8, 8, 1]
        assert 0 <= comp.tflite_accuracy(blob, tiny.data.x_test, tiny.data.y_test) <= 1
