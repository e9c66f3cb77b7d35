"""The compression, NLP, vision and explanation widgets in Chinese (issue 17): with Chinese
chosen no English prose is left in them, in their typical states (after a run or a
prediction, after a bad input: a Chinese error); with English nothing Chinese shows."""

from __future__ import annotations

import re
import types

import cv2
import numpy as np
import pytest

import bigmodel_widgets as bmw
from bigmodel_widgets.engine import compression
from bigmodel_widgets.engine.tasks import nlp
from bigmodel_widgets.engine.tasks import vision as V
from bigmodel_widgets.widgets._compression_bert import BertControls
from bigmodel_widgets.widgets._explain_view import saliency_caption
from bigmodel_widgets.widgets.attention_view import AttentionView
from bigmodel_widgets.widgets.compression_explorer import CompressionExplorer
from bigmodel_widgets.widgets.image_classifier import ImageClassifier
from bigmodel_widgets.widgets.text_classifier import TextClassifier
from tests.engine.compression._tiny import tiny_setup
from tests.widgets._visible_text import CJK, english_left, visible_strings

# Technical names only: the file format, TFLite op codes and tensor names (the tiny model's
# own "tiny/dense/MatMul" ...)
_OPS = ("gzip", "QUANTIZE", "DEQUANTIZE", "RESHAPE", "tiny", "MatMul", "BiasAdd")
_OPS += ("StatefulPartitionedCall",)
_BERT_TENSOR = ("attention", "query")  # bert/layer_._0/attention/query
_FORMATS = ("BMP", "TIFF", "WebP", "GIF")  # the image formats the decoder names
_SENTENCE = "a gorgeous film"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    spec = compression.SweepSpec(
        sparsities=(0.0,), clusters=(0,), quant_modes=("none",), qat=(False,), epochs=1
    )
    cache = compression.ResultCache(tmp_path_factory.mktemp("zh-compression"))
    sw = compression.Sweep(tiny_setup(epochs=2), spec, cache=cache, latency_repeats=2)
    sw.run()
    return sw


@pytest.fixture(scope="module")
def tiny_bert():
    return nlp.tiny_classifier(layers=2, max_length=16)


@pytest.fixture(scope="module")
def digits():
    d = V.load_digit_data()
    model = V.build_cnn("text", seed=1)  # untrained: only the text is checked here
    return model, V.DigitSplit(d.x_train[:10], d.y_train[:10], d.x_test[:20], d.y_test[:20])


def _no_english(widget, *names: str) -> None:
    left = english_left(visible_strings(widget), names=names)
    assert left == [], "\n".join(left)


def _no_chinese(widget) -> None:
    assert not [s for s in visible_strings(widget) if CJK.search(s)]


def test_compression_explorer_in_chinese(zh, sweep):
    ex = CompressionExplorer(sweep)
    assert ex.sparsity.description == "稀疏度" and ex.compute_button.description == "计算这个点"
    assert ex.quant.options[0] == ("不量化", "none")  # the values stay the engine's
    assert "基线" in ex.summary.value and "帕累托前沿" in ex.plot.value
    _no_english(ex, *_OPS)
    ex.quant.value = "dynamic"  # a conversion only: no training
    assert "尚未计算" in ex.summary.value
    ex.compute_button.click()
    assert ex.record["label"] == "dynamic" and "压缩比" in ex.summary.value
    assert "动态范围" in ex.summary.value
    ex.tolerance.value = 100.0
    assert "最小模型" in ex.best_view.value
    ex.diff_button.click()
    ex.sensitivity_button.click()
    assert ex.errors.message == "" and "模型内部有何变化" in ex.diff_view.value
    _no_english(ex, *_OPS)
    ex.qat.value = True  # QAT needs int8: a Chinese message
    assert ex.errors.message.startswith("组合无效") and "量化感知训练" in ex.errors.message
    _no_english(ex, *_OPS)
    ex.structure.value = "2:4"
    ex.qat.value = False
    ex.sparsity.value = 0.0
    assert "稀疏度必须是 50%" in ex.errors.message
    _no_english(ex, *_OPS)
    ex.close()


def test_bert_controls_in_chinese(zh):
    rows = [{"tensor": "bert/layer_._0/attention/query", "error_steps": 2.5, "op": "CONV_2D"}]
    fake = types.SimpleNamespace(cached_layer_errors=lambda: rows, layer_errors=lambda: rows)
    box = BertControls(fake, on_change=lambda: None, on_compute=lambda action: None)
    assert box.keep_button.description == "这一层保留为浮点"
    record = {
        "label": "int8, 1 kept float",
        "gzip_bytes": 9 << 20,
        "raw_bytes": 20 << 20,
        "ratio": 3.9,
        "accuracy": 0.81,
        "acc_drop_pts": 0.5,
        "n_test": 64,
        "latency_ms": 4.2,
    }
    box.errors_view.value += box.summary(record) + box.summary(None)
    assert "1 个层保留为浮点" in box.errors_view.value
    _no_english(box, *_BERT_TENSOR)


def test_text_classifier_and_attention_in_chinese(zh, tiny_bert):
    tc = TextClassifier(tiny_bert, text=_SENTENCE)
    # the sentence (data), BERT's [MASK] token, and the progress bar's info key (see _OPS)
    words = (*_SENTENCE.split(), "MASK", "windows")
    assert tc.classify_button.description == "分类" and tc.method.label.startswith("遮挡法")
    assert tc.result.label in ("fresh", "rotten")  # the engine's label, shown in Chinese
    assert ("好评" in tc.probabilities_view.value) and ("子词" in tc.tokens_view.value)
    _no_english(tc, *words)
    tc.strategy.value = "windows"
    assert "读取了" in tc.windows_view.value
    _no_english(tc, *words)
    tc.text.value = "   "  # empty: a Chinese error
    assert tc.errors.message.startswith("无法对这段文本分类") and "是空的" in tc.errors.message
    _no_english(tc, *words)
    view = AttentionView(tiny_bert, text=_SENTENCE)
    assert view.head.label == "平均" and "第 1 层" in view.view.value
    _no_english(view, *words)


def test_image_classifier_in_chinese(zh, digits):
    model, data = digits
    ic = ImageClassifier(model, data=data, k=3)
    assert ic.evaluate_button.description == "混淆矩阵" and ic.invert.label == "自动"
    ic.test_index.value = 3
    assert "预测为" in ic.source_view.value
    ic.explain.value = "Grad-CAM"
    ic.evaluate_button.click()
    assert ic.errors.message == "" and "留出集准确率" in ic.confusion_view.value
    _no_english(ic)
    ic.explain.value = "none"
    ic.classify_drawing()  # nothing drawn
    assert ic.errors.message.startswith("读取画布") and "画布是空的" in ic.errors.message
    ic.upload_bytes(np.zeros(10, np.uint8).tobytes(), "blank.png")
    assert "blank.png" in ic.errors.message and "没有预测结果" in ic.source_view.value
    _no_english(ic, *_FORMATS)
    ic.mode.value = "number"
    ic.test_index.value = 4
    assert ic.reading is not None and "位" in ic.source_view.value
    _no_english(ic)
    blank = cv2.imencode(".png", np.full((40, 120), 255, np.uint8))[1].tobytes()
    ic.upload_bytes(blank, "white.png")
    assert "图像是空白的" in ic.errors.message
    _no_english(ic)


def test_grad_cam_without_convolution_says_so_in_chinese(zh):
    k = bmw.keras()
    dense = k.Sequential([k.layers.Flatten(input_shape=(32, 32, 3)), k.layers.Dense(10)])
    data = V.load_digit_data()
    ic = ImageClassifier(
        dense,
        data=V.DigitSplit(data.x_train[:5], data.y_train[:5], data.x_test[:5], data.y_test[:5]),
    )
    ic.explain.value = "Grad-CAM"
    ic.test_index.value = 1
    assert "需要 Conv2D 层" in ic.errors.message and ic.explanation is None
    _no_english(ic, dense.name)
    ic.explain.value = "integrated gradients"
    assert ic.errors.message == "" and ic.explanation is not None
    _no_english(ic)


def test_saliency_caption_in_chinese(zh):
    exp = types.SimpleNamespace(
        target=7,
        top=lambda n: [3, 1, 4][:n],
        completeness={"sum": 1.0, "delta": 0.98, "error": 0.02},
    )
    caption = saliency_caption(exp)
    assert "归因" in caption and english_left([re.sub(r"<[^>]+>", " ", caption)]) == []


def test_english_shows_no_chinese(sweep, tiny_bert, digits):
    bmw.set_language("en")
    try:
        ex = CompressionExplorer(sweep)
        assert ex.sparsity.description == "sparsity" and "Pareto front" in ex.plot.value
        _no_chinese(ex)
        ex.close()
        tc = TextClassifier(tiny_bert, text=_SENTENCE)
        assert "wordpieces" in tc.tokens_view.value
        _no_chinese(tc)
        model, data = digits
        ic = ImageClassifier(model, data=data)
        ic.test_index.value = 2
        assert "predicted" in ic.source_view.value
        _no_chinese(ic)
    finally:
        bmw.set_language(None)
