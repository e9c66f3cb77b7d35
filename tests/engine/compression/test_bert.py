"""The BERT sweep: points validated, measured in the interpreter, cached, and resumable."""

from __future__ import annotations

import pytest

from bigmodel_widgets.engine import compression as comp

from ._tiny_bert import tiny_bert_setup


def test_points_are_validated():
    assert comp.BertPoint("int8_selective", ["b", "a", "a"]).keep_float == ("a", "b")
    assert comp.BertPoint("int8_selective", ["x"]).label == "int8, 1 kept float"
    with pytest.raises(ValueError, match="mode"):
        comp.BertPoint("int4")
    with pytest.raises(ValueError, match="int8_selective"):
        comp.BertPoint("int8", ["x"])
    with pytest.raises(TypeError, match="keep_float"):
        comp.BertPoint("int8_selective", "x")


def test_an_interrupted_bert_sweep_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    setup = tiny_bert_setup()
    first = comp.BertSweep(setup, modes=("fp32", "float16"))

    def stop_after_one(done, total, info):
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        first.run(progress=stop_after_one)
    assert first.computed == 1 and len(list((tmp_path / "compression-bert").glob("*.json"))) == 1
    again = comp.BertSweep(setup, modes=("fp32", "float16"))  # a new kernel, the same cache
    seen = []
    again.observe(seen.append)
    records = again.run()
    assert again.computed == 1  # only the point the interrupt left out
    fp32, half = records
    assert fp32 == first.cached(comp.BertPoint("fp32")) and fp32["ratio"] == 1.0
    assert half["label"] == "float16" and 1.7 < half["ratio"] < 2.3
    assert half["n_test"] == len(setup.texts) and 0 <= half["accuracy"] <= 1
    assert half["latency_us"] > 0 and [r["label"] for r in seen] == ["fp32", "float16"]
    assert comp.BertSweep(setup).cached(comp.BertPoint("float16")) == half  # a pure lookup
    assert comp.BertSweep(setup).cached(comp.BertPoint("dynamic")) is None
