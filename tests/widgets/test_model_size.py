"""ModelSizeCalculator shows exactly what the sizing engine computes, and survives bad settings."""

from __future__ import annotations

import pytest

from bigmodel_widgets import ModelSizeCalculator
from bigmodel_widgets.engine import sizing


def test_preset_shows_engine_count():
    calc = ModelSizeCalculator(preset="bert-base")
    assert calc.report == sizing.estimate(sizing.preset("bert-base"))
    assert 'data-params="109482240"' in calc.params_label.value
    assert "109,482,240" in calc.params_label.value


def test_moving_a_slider_recomputes_with_the_engine():
    calc = ModelSizeCalculator(preset="gpt2")
    calc.layers.value = 24
    calc.precision.value = "int4"
    expected = sizing.estimate(
        sizing.preset("gpt2").with_(layers=24, name="custom"), precision="int4"
    )
    assert calc.preset.value == "custom"
    assert calc.report == expected
    assert f'data-params="{expected.params}"' in calc.params_label.value
    for g, need in expected.gpus.items():
        assert f"<th>{g} GB</th>" in calc.gpu_view.value
        assert f"<td>{need['serve']}</td>" in calc.gpu_view.value


def test_llama_uses_kv_heads():
    calc = ModelSizeCalculator(preset="llama3-8b")
    assert calc.report.params == 8_030_261_248 and not calc.kv_heads.disabled
    calc.kv_heads.value = 32  # full multi-head attention: more K/V parameters
    assert calc.report.params == sizing.count_params(sizing.preset("llama3-8b").with_(kv_heads=32))
    calc.kind.value = "encoder"
    assert calc.kv_heads.disabled


def test_inconsistent_settings_show_an_error_and_recover():
    calc = ModelSizeCalculator(preset="bert-base")
    calc.heads.value = 7
    assert "divisible" in calc.errors.message and calc.report is None
    assert "not available" in calc.params_label.value
    calc.heads.value = 8
    assert calc.errors.message == "" and calc.report.params == sizing.count_params(calc.config())


def test_config_round_trip():
    calc = ModelSizeCalculator(preset="llama2-7b", precision="int8", batch=4)
    calc.seq_len.value = 2048
    again = ModelSizeCalculator.from_config(calc.to_config())
    assert again.report == calc.report


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="valid presets"):
        ModelSizeCalculator(preset="gpt-17")
    with pytest.raises(TypeError, match="unexpected"):
        ModelSizeCalculator(layers=3)


def test_keyword_only_typed_signature_without_kwargs():
    import inspect

    from bigmodel_widgets import model_size_calculator

    for fn in (ModelSizeCalculator.__init__, model_size_calculator):
        params = inspect.signature(fn).parameters.values()
        assert not [p for p in params if p.kind is p.VAR_KEYWORD]
        assert {"preset", "precision", "batch"} <= {p.name for p in params}
        assert fn.__doc__
    with pytest.raises(TypeError):
        ModelSizeCalculator("gpt2")  # keyword-only
    calc = model_size_calculator("gpt2", precision="int8", batch=2)
    assert calc.report == sizing.estimate(sizing.preset("gpt2"), precision="int8", batch=2)


@pytest.mark.parametrize(
    "kwargs,exc,name",
    [
        ({"precision": "fp8"}, ValueError, "precision"),
        ({"batch": 0}, ValueError, "batch"),
        ({"batch": 1000}, ValueError, "batch"),
        ({"batch": 2.0}, TypeError, "batch"),
        ({"batch": True}, TypeError, "batch"),
    ],
)
def test_bad_settings_are_refused_not_clipped_by_a_slider(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        ModelSizeCalculator(**kwargs)


def test_memory_bars_are_drawn_by_the_shared_html_helper():
    calc = ModelSizeCalculator(preset="gpt2")
    view = calc.memory_view.value
    assert view.count('class="bmw-stacked"') == 2 and 'class="bmw-memory"' in view
    r = calc.report
    assert f'title="kv_cache: {sizing.format_bytes(r.inference["kv_cache"])}"' in view
    assert f"<td>{sizing.format_bytes(r.training['total'])}</td>" in view
    assert 'class="bmw-gpus"' in calc.gpu_view.value


def test_kv_precision_is_separate_from_the_weights():
    calc = ModelSizeCalculator(preset="llama2-7b", precision="int4", kv_precision="fp8")
    assert calc.report == sizing.estimate(
        sizing.preset("llama2-7b"), precision="int4", kv_precision="fp8"
    )
    calc.kv_precision.value = "int4"
    assert calc.preset.value == "llama2-7b"  # a precision is not a change of shape
    assert calc.report.inference["kv_cache"] == sizing.kv_cache_bytes(
        sizing.preset("llama2-7b"), context=4096, precision="int4"
    )
    again = ModelSizeCalculator.from_config(calc.to_config())
    assert again.report == calc.report and again.kv_precision.value == "int4"
    with pytest.raises(ValueError, match="kv_precision"):
        ModelSizeCalculator(kv_precision="fp6")
