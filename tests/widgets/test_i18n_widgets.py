"""With Chinese chosen, the translated widgets show Chinese labels and Chinese errors
(issue 17); with English, the very same widgets keep their English text."""

from __future__ import annotations

import pytest

import bigmodel_widgets as bmw


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


# ---- chapters 0 and 1: nothing English left with Chinese chosen (issue 17) -----------------
# Names that stay as they are: authors cited in the assumptions, datasheet names and units,
# the sizing presets and the transforms' class names (identifiers a user types).
def _names():
    from bigmodel_widgets.engine import sizing
    from bigmodel_widgets.engine.augment import TRANSFORMS

    return ("Kaplan", "Korthikanti", "TOPS", "Ada", *sizing.PRESETS, *TRANSFORMS)


def test_model_size_calculator_leaves_no_english(zh):
    from tests.widgets._visible_text import english_left, visible_strings

    calc = bmw.ModelSizeCalculator(preset="llama3-8b")  # B-sized FLOPs, a KV-head slider
    assert english_left(visible_strings(calc), names=_names()) == []
    calc.heads.value = 7  # an error in the error area
    assert calc.errors.message and english_left(visible_strings(calc), names=_names()) == []
    assert "GFLOPs" in calc.gpu_view.value and "Korthikanti 等" in calc.gpu_view.value
    with pytest.raises(ValueError, match="没有预设模型"):
        bmw.ModelSizeCalculator(preset="gpt5")


def test_context_explorer_leaves_no_english(zh, monkeypatch):
    from bigmodel_widgets.engine import sizing
    from tests.widgets._visible_text import english_left, visible_strings

    for gpu in sizing.GPUS:  # each GPU's datasheet note is in the assumptions
        ex = bmw.ContextExplorer(preset="llama2-7b", gpu=gpu, quick=True)
        assert english_left(visible_strings(ex), names=_names()) == [], gpu
    assert "受内存带宽限制" in ex.serving_view.value and "数据手册" in ex.notes_view.value
    ex = bmw.ContextExplorer(preset="gpt3-175b", gpu="t4", quick=True)  # weights do not fit
    assert "放不进" in ex.errors.message
    assert english_left(visible_strings(ex), names=_names()) == []
    # after a measurement (the cheap way: a stand-in context_lab, as above), with its "how"
    import sys
    import types

    from bigmodel_widgets.engine.i18n import t

    def measure_forward(*, contexts, quick, progress):
        fields = dict(repeats=3, batch=1, weight_bytes="90,866,688", passes=7, reads=4, writes=3)
        fields.update(bandwidth="9.5", mib=256, small=16, calls=5, fit=128, old=1)
        how = t(
            "ctx.how",
            clock=t("ctx.clock.cpu"),
            clock_name=t("ctx.clock_name.cpu"),
            threads=t("ctx.threads", n=2),
            **fields,
        )
        return {
            "contexts": list(contexts),
            "forward_ms": [1.0 + c / 100 for c in contexts],
            "predicted_ms": [1.1 + c / 100 for c in contexts],
            "max_rel_error": 0.1,
            "how": how,
        }

    fake = types.ModuleType("bigmodel_widgets.engine.context_lab")
    fake.measure_forward = measure_forward
    monkeypatch.setitem(sys.modules, "bigmodel_widgets.engine.context_lab", fake)
    import bigmodel_widgets.engine as engine_pkg

    monkeypatch.setattr(engine_pkg, "context_lab", fake, raising=False)
    ex = bmw.ContextExplorer(context=256, quick=True)
    ex.measure_button.click()
    assert ex.errors.message == "" and "中位数" in ex.measure_text.value
    assert english_left(visible_strings(ex), names=(*_names(), "NumPy")) == []


def test_augmentation_preview_leaves_no_english(zh):
    from tests.widgets._visible_text import english_left, visible_strings

    view = bmw.AugmentationPreview(photo="astronaut", rows=1, cols=2, tile=64)
    for control in view.controls.values():
        control.enabled.value = True  # every transform drawn: every caption name shown
    assert "Rotate 旋转（角度=" in view.captions.value
    assert english_left(visible_strings(view), names=_names()) == []
    assert view.upload_bytes(b"", name="empty.png") is None  # after an upload error
    assert "文件是空的" in view.errors.message
    assert english_left(visible_strings(view), names=_names()) == []
    rotate = view.controls["Rotate"]
    assert rotate.enabled.description == "Rotate 旋转"
    assert rotate.settings["angle_range"].tooltip == "旋转角度（度），均匀抽样"


def test_chapter_0_and_1_english_is_unchanged():
    from bigmodel_widgets.engine import sizing
    from bigmodel_widgets.engine.augment import TRANSFORMS
    from bigmodel_widgets.engine.i18n import catalog

    bmw.set_language("en")
    try:
        view = bmw.AugmentationPreview(photo="astronaut", rows=1, cols=1, tile=64)
        rotate = view.controls["Rotate"]
        assert rotate.enabled.description == "Rotate"
        assert rotate.settings["angle_range"].description == "Rotate angle"
        assert (
            rotate.settings["p"].tooltip == "probability that this transform is applied to an image"
        )
        assert view.photo._options_labels[0] == "(uploaded)"
        assert "Rotate(angle=" in view.captions.value
        ex = bmw.ContextExplorer(preset="llama2-7b", gpu="l4", quick=True)
        assert "(compute-bound prefill)" in ex.serving_view.value
        assert "weights at fp16: 2 bytes per parameter" in ex.notes_view.value
        calc = bmw.ModelSizeCalculator(preset="llama3-8b")
        assert "48.18 BFLOPs" in calc.gpu_view.value
    finally:
        bmw.set_language(None)
    # the catalog's English is the engine's own text, word for word (they cannot drift apart)
    en = catalog("en")
    for key, gpu in sizing.GPUS.items():
        assert en[f"sizing.source.{key}"] == gpu.source
    for name, cls in TRANSFORMS.items():
        for s in cls.settings:
            key = "aug.doc.p" if s.name == "p" else f"aug.doc.{name}.{s.name}"
            assert en[key] == s.doc, key
        assert en[f"aug.tf.{name}"] == name
