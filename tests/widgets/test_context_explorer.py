"""ContextExplorer shows exactly what the sizing engine computes, and survives bad settings."""

from __future__ import annotations

import inspect
import sys
import types

import pytest

from bigmodel_widgets import ContextExplorer, context_explorer
from bigmodel_widgets.engine import sizing


def _engine(ex: ContextExplorer) -> dict:
    return sizing.context_report(
        sizing.preset(ex.model.value),
        gpu=ex.gpu.value,
        context=ex.context.value,
        batch=ex.batch.value,
        weight_precision=ex.weight_precision.value,
        kv_precision=ex.kv_precision.value,
    )


def test_defaults_show_the_engine_report():
    ex = ContextExplorer()
    r = sizing.context_report(sizing.preset("llama2-7b"), gpu="a100-80gb-sxm", context=4096)
    assert ex.result == r
    assert f'data-max-context="{r["max_context"]}"' in ex.longest_view.value
    assert f"{r['max_context']:,} tokens" in ex.longest_view.value
    assert f'data-total="{r["memory"]["total"]}"' in ex.memory_view.value
    assert f'data-gpu-memory="{80 * 2**30}"' in ex.memory_view.value
    assert f"{r['serving']['decode_tokens_per_s']:,.1f} tokens/s" in ex.serving_view.value
    assert f"{r['crossover_context']:,} tokens" in ex.flops_view.value
    assert ex.errors.message == ""


def test_moving_each_control_recomputes_with_the_engine():
    ex = ContextExplorer()
    before = ex.memory_view.value, ex.longest_view.value
    ex.context.value = 32768
    assert ex.result == _engine(ex)
    assert ex.memory_view.value != before[0] and ex.longest_view.value != before[1]
    ex.batch.value = 4
    ex.kv_precision.value = "int4"
    ex.weight_precision.value = "int8"
    ex.gpu.value = "l4"
    ex.model.value = "llama3-8b"
    assert ex.result == _engine(ex)
    assert f'data-max-context="{ex.result["max_context"]}"' in ex.longest_view.value
    assert f"{ex.result['flops']['attention_share']:.6f}" in ex.flops_view.value


def test_the_context_slider_has_log_steps_and_keeps_an_exact_value():
    ex = ContextExplorer(context=5000)
    values = [v for _, v in ex.context.options]
    assert 5000 in values and 4096 in values and 6144 in values and values == sorted(values)
    assert ex.context.continuous_update is False and ex.result["context"] == 5000


def test_weights_bigger_than_the_gpu_show_a_message_and_recover():
    ex = ContextExplorer(gpu="t4")
    ex.weight_precision.value = "fp32"
    assert "do not fit the NVIDIA T4" in ex.errors.message
    assert ex.result["max_context"] is None and "none" in ex.longest_view.value
    assert "does NOT fit" in ex.memory_view.value
    ex.weight_precision.value = "int4"
    assert ex.errors.message == "" and ex.result["max_context"] > 0


def test_an_encoder_does_not_decode():
    ex = ContextExplorer(preset="minilm-l6", context=1024)
    assert "does not generate" in ex.serving_view.value
    assert "trained for 512 positions" in ex.longest_view.value


def test_measure_button_plots_measured_against_predicted(monkeypatch):
    calls = []

    def measure_forward(*, contexts, quick, progress):
        calls.append((tuple(contexts), quick))
        progress(1, 1, {})
        return {
            "contexts": list(contexts),
            "forward_ms": [1.0 + c / 100 for c in contexts],
            "predicted_ms": [1.1 + c / 100 for c in contexts],
        }

    fake = types.ModuleType("bigmodel_widgets.engine.context_lab")
    fake.measure_forward = measure_forward
    monkeypatch.setitem(sys.modules, "bigmodel_widgets.engine.context_lab", fake)
    import bigmodel_widgets.engine as engine_pkg

    monkeypatch.setattr(engine_pkg, "context_lab", fake, raising=False)
    ex = ContextExplorer(context=256, quick=True)
    ex.measure_button.click()
    assert calls == [((32, 64, 128, 256), True)]
    assert ex.measured["contexts"] == [32, 64, 128, 256]
    assert ex.measure_view.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "bmw-measured" in ex.measure_text.value and ex.errors.message == ""
    assert not ex.measure_button.disabled


def test_measure_failure_goes_to_the_error_area(monkeypatch):
    fake = types.ModuleType("bigmodel_widgets.engine.context_lab")

    def broken(*, contexts, quick, progress):
        raise ValueError("no MiniLM here")

    fake.measure_forward = broken
    monkeypatch.setitem(sys.modules, "bigmodel_widgets.engine.context_lab", fake)
    import bigmodel_widgets.engine as engine_pkg

    monkeypatch.setattr(engine_pkg, "context_lab", fake, raising=False)
    ex = ContextExplorer(context=16)
    assert ex.measure_contexts() == [32, 64, 128]
    ex.measure_button.click()
    assert "no MiniLM here" in ex.errors.message and not ex.measure_button.disabled


@pytest.mark.parametrize(
    "kwargs,exc,name",
    [
        ({"preset": "text-cnn"}, ValueError, "preset"),
        ({"gpu": "a200"}, ValueError, "gpu"),
        ({"context": 0}, ValueError, "context"),
        ({"context": 10**9}, ValueError, "context"),
        ({"context": 512.0}, TypeError, "context"),
        ({"batch": 1000}, ValueError, "batch"),
        ({"weight_precision": "fp8"}, ValueError, "weight_precision"),
        ({"kv_precision": "fp6"}, ValueError, "kv_precision"),
        ({"quick": 1}, TypeError, "quick"),
    ],
)
def test_bad_settings_are_refused(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        ContextExplorer(**kwargs)


def test_keyword_only_typed_signature_and_one_call_helper():
    for fn in (ContextExplorer.__init__, context_explorer):
        params = inspect.signature(fn).parameters.values()
        assert not [p for p in params if p.kind is p.VAR_KEYWORD]
        assert {"gpu", "context", "weight_precision", "kv_precision", "quick"} <= {
            p.name for p in params
        }
        assert fn.__doc__
    with pytest.raises(TypeError):
        ContextExplorer("gpt2")
    ex = context_explorer("gpt2", gpu="t4", context=1024, quick=True)
    assert ex.result == _engine(ex) and ex.quick is True


def test_config_round_trip():
    ex = ContextExplorer(preset="llama3-8b", gpu="h100-sxm", context=12288, batch=3)
    ex.kv_precision.value = "fp8"
    again = ContextExplorer.from_config(ex.to_config())
    assert again.result == ex.result and again.to_config() == ex.to_config()
    with pytest.raises(TypeError):
        ContextExplorer.from_config({"layers": 3})
