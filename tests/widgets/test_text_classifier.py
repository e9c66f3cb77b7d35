"""TextClassifier driven from Python: its result equals the direct engine call."""

from __future__ import annotations

import inspect

import pytest

from bigmodel_widgets.engine.tasks import nlp
from bigmodel_widgets.engine.tasks.nlp import explain as nlp_explain
from bigmodel_widgets.engine.tasks.nlp import long_text
from bigmodel_widgets.widgets.text_classifier import TextClassifier, text_classifier


class _LogitsOnly(nlp.TextClassifierBase):
    """Any non-Keras classifier (like a .tflite one): logits only, no attentions to show."""

    kind = "logits only"

    def __init__(self, keras_clf):
        super().__init__(keras_clf.tokenizer, keras_clf.max_length)
        self._inner = keras_clf

    def logits(self, encoded):
        return self._inner.logits(encoded)


@pytest.fixture(scope="module")
def models():
    short = nlp.BertTextClassifier.from_checkpoint(max_length=16)
    longer = nlp.BertTextClassifier(short.model, short.tokenizer, max_length=32)
    return {"fp32 L16": short, "fp32 L32": longer, "logits only": _LogitsOnly(short)}


def test_result_equals_the_engine_call(models):
    tc = TextClassifier(models)
    tc.text.value = "A gorgeous, heartfelt film."
    assert tc.result == nlp_explain.classify(
        models["fp32 L16"], "A gorgeous, heartfelt film.", "occlusion"
    )
    assert 'data-prob="' in tc.probabilities_view.value and ">film<" in tc.tokens_view.value
    tc.method.value = "attention"
    assert tc.result == nlp_explain.classify(models["fp32 L16"], tc.text.value, "attention")
    tc.method.value = "none"
    assert tc.result == nlp_explain.classify(models["fp32 L16"], tc.text.value, None)


def test_switching_models_and_truncation_notice(models):
    tc = text_classifier(models, text="terrific " * 20)
    assert tc.result.truncated and "truncated" in tc.tokens_view.value
    tc.model.value = "fp32 L32"
    assert tc.result == nlp_explain.classify(models["fp32 L32"], tc.text.value, "occlusion")
    assert len(tc.result.tokens) == 22 and not tc.result.truncated  # 20 words + [CLS] + [SEP]
    assert "fp32 L16" in tc.compare_view.value and "logits only" in tc.compare_view.value


def test_button_reclassifies(models):
    tc = TextClassifier(models["fp32 L16"])
    tc.result = None
    tc.classify_button.click()
    assert tc.result == nlp_explain.classify(models["fp32 L16"], tc.text.value, "occlusion")
    assert tc.compare_view.value == ""  # one model: nothing to compare


def test_bad_input_shows_a_message_and_the_widget_keeps_working(models):
    tc = TextClassifier(models)
    tc.text.value = "   "
    assert tc.result is None and "empty" in tc.errors.message
    tc.model.value = "logits only"
    tc.method.value = "attention"
    tc.text.value = "Dull."
    assert tc.result is None and "Keras" in tc.errors.message
    tc.method.value = "occlusion"
    assert tc.errors.message == "" and tc.result.model == "logits only"


LONG = "A dull, plodding first act. " * 6 + "But the last hour is a gorgeous, moving triumph. " * 3


def test_windows_view_equals_classify_long(models):
    tc = TextClassifier(models, text=LONG)
    assert isinstance(tc.result, nlp.TextPrediction) and tc.result.truncated
    assert tc.windows_view.value == "" and tc.aggregate.disabled
    tc.strategy.value = "windows"
    clf = models["fp32 L16"]
    expected = long_text.classify_long(clf, LONG, strategy="windows", aggregate="mean")
    assert tc.result == expected and not tc.aggregate.disabled
    assert len(expected.windows) > 3 and expected.coverage == 1.0
    html = tc.windows_view.value
    assert html.count('class="bmw-window"') == len(expected.windows)
    for win in expected.windows:
        assert f'data-index="{win.index}" data-label="{win.label}"' in html
        assert f'data-drove="{str(win.drove).lower()}"' in html
    assert "gorgeous" in html and 'data-prob="' in tc.probabilities_view.value
    shown = f'data-prob="{expected.probabilities[expected.label]:.6f}"'
    assert shown in tc.probabilities_view.value
    tc.aggregate.value = "vote"
    assert tc.result == long_text.classify_long(clf, LONG, strategy="windows", aggregate="vote")
    tc.aggregate.value = "confidence"
    assert tc.result == long_text.classify_long(clf, LONG, aggregate="confidence")
    assert tc.progress.bar.value == tc.progress.bar.max  # the windows reported progress


def test_head_tail_and_back_to_truncate(models):
    tc = TextClassifier(models, text=LONG, strategy="head_tail")
    clf = models["fp32 L16"]
    assert tc.result == long_text.classify_long(clf, LONG, strategy="head_tail")
    assert tc.result.windows[0].spans[1][1] == tc.result.n_wordpieces - 2  # reads the end
    assert "read" in tc.windows_view.value and "fp32 L32" in tc.compare_view.value
    tc.model.value = "logits only"  # a TFLite-like model runs the windows too
    assert tc.result == long_text.classify_long(models["logits only"], LONG, strategy="head_tail")
    tc.strategy.value = "truncate"
    assert tc.result == nlp_explain.classify(models["logits only"], LONG, "occlusion")
    assert tc.windows_view.value == ""


def test_long_strategy_on_empty_text_shows_a_message(models):
    tc = TextClassifier(models["fp32 L16"], strategy="windows")
    tc.text.value = ""
    assert tc.result is None and "empty" in tc.errors.message and tc.windows_view.value == ""
    tc.text.value = "Fine."
    assert tc.errors.message == "" and len(tc.result.windows) == 1


def test_bad_arguments():
    with pytest.raises(ValueError, match="strategy"):
        TextClassifier({"x": nlp.TextClassifierBase(None)}, strategy="middle")
    with pytest.raises(ValueError, match="aggregate"):
        TextClassifier({"x": nlp.TextClassifierBase(None)}, aggregate="max")
    with pytest.raises(TypeError, match="models"):
        TextClassifier({"x": "not a model"})
    with pytest.raises(TypeError, match="models"):
        TextClassifier({})
    with pytest.raises(TypeError, match="colour"):
        TextClassifier({}, colour="red")


def test_explicit_keyword_only_signature(models):
    for fn in (TextClassifier, text_classifier):
        params = inspect.signature(fn).parameters
        assert list(params) == ["models", "text", "method", "compare", "strategy", "aggregate"]
        assert all(p.kind is p.KEYWORD_ONLY for name, p in params.items() if name != "models")
        assert fn.__doc__
    tc = text_classifier(models, method=None, compare=False)
    assert tc.method.value == "none" and tc.result.scores is None and tc.compare_view.value == ""
    assert "<table" in TextClassifier(models).compare_view.value  # compare: more than one model
    with pytest.raises(ValueError, match="method"):
        TextClassifier(models, method="saliency")
    with pytest.raises(TypeError, match="compare"):
        TextClassifier(models, compare="yes")
