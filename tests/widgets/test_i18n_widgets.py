"""With Chinese chosen, the translated widgets show Chinese labels and Chinese errors
(issue 17); with English, the very same widgets keep their English text."""

from __future__ import annotations

import pytest

import bigmodel_widgets as bmw


@pytest.fixture
def zh():
    bmw.set_language("zh")
    yield
    bmw.set_language(None)


def test_model_size_calculator_in_chinese(zh):
    calc = bmw.ModelSizeCalculator(preset="gpt2")
    assert calc.layers.description == "层数" and calc.precision.description == "推理精度"
    assert "个参数" in calc.params_label.value and "所需 GPU 数" in calc.gpu_view.value
    calc.heads.value = 7  # 768 is not divisible by 7: a bad setting
    assert calc.errors.message.startswith("无法估算这个模型")


def test_context_explorer_in_chinese(zh):
    ex = bmw.ContextExplorer(preset="gpt2", gpu="l4", quick=True)
    assert (
        ex.context.description == "上下文（词元）"
        and ex.measure_button.description == "在本机上测量"
    )
    assert "能放下的最长上下文" in ex.longest_view.value
    assert "推理显存" in ex.memory_view.value


def test_augmentation_preview_shows_a_chinese_error_for_a_bad_upload(zh):
    view = bmw.AugmentationPreview(photo="astronaut", rows=1, cols=1, tile=64)
    assert view.resample.description == "重新抽样" and view.photo.description == "照片"
    assert view.upload_bytes(b"<html><body>not a picture</body></html>", name="cat.jpg") is None
    assert view.errors.message.startswith("cat.jpg：这是一个网页")
    assert view.upload_bytes(b"", name="empty.png") is None
    assert "文件是空的" in view.errors.message
    assert "种子" in view.status.value


def test_progress_bar_and_error_area_in_chinese(zh):
    bar = bmw.ProgressBar(auto_display=False)
    assert bar.bar.description == "处理中"
    bar(1, 4, {})
    assert "已用" in bar.label.value and "约剩" in bar.label.value
    bar(0, 1, {"cached": True})
    assert bar.label.value == "已从缓存加载"
    from bigmodel_widgets.widgets._base import CompositeWidget

    box = CompositeWidget()
    with box.guard("加载"):
        raise RuntimeError("boom")
    assert box.errors.message == "加载失败：RuntimeError: boom"


def test_english_stays_as_it_was():
    bmw.set_language("en")
    try:
        calc = bmw.ModelSizeCalculator(preset="gpt2")
        assert calc.layers.description == "layers" and "parameters" in calc.params_label.value
        assert bmw.ProgressBar(auto_display=False).bar.description == "working"
    finally:
        bmw.set_language(None)


def test_context_explorer_measurement_in_chinese(zh, monkeypatch):
    import sys
    import types
    import warnings

    def measure_forward(*, contexts, quick, progress):
        progress(1, 1, {})
        return {
            "contexts": list(contexts),
            "forward_ms": [1.0 + c / 100 for c in contexts],
            "predicted_ms": [1.1 + c / 100 for c in contexts],
            "max_rel_error": 0.1,
        }

    fake = types.ModuleType("bigmodel_widgets.engine.context_lab")
    fake.measure_forward = measure_forward
    monkeypatch.setitem(sys.modules, "bigmodel_widgets.engine.context_lab", fake)
    import bigmodel_widgets.engine as engine_pkg

    monkeypatch.setattr(engine_pkg, "context_lab", fake, raising=False)
    ex = bmw.ContextExplorer(context=256, quick=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Glyph missing" warning: the plot picks its text
        ex.measure_button.click()
    assert ex.errors.message == "" and ex.measure_view.value[:4] == b"\x89PNG"
    assert "实测毫秒" in ex.measure_text.value and "最大预测误差" in ex.measure_text.value
