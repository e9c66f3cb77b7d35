"""TextClassifier driven from Python: its result equals the direct engine call."""

from __future__ import annotations

import inspect

import pytest

from bigmodel_widgets.engine.tasks import nlp
from bigmodel_widgets.engine.tasks.nlp import explain as nlp_explain
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


def test_bad_arguments():
    with pytest.raises(TypeError, match="models"):
        TextClassifier({"x": "not a model"})
    with pytest.raises(TypeError, match="models"):
        TextClassifier({})
    with pytest.raises(TypeError, match="colour"):
        TextClassifier({}, colour="red")


def test_explicit_keyword_only_signature(models):
    for fn in (TextClassifier, text_classifier):
        params = inspect.signature(fn).parameters
        assert list(params) == ["models", "text", "method", "compare"]
        assert all(p.kind is p.KEYWORD_ONLY for name, p in params.items() if name != "models")
        assert fn.__doc__
    tc = text_classifier(models, method=None, compare=False)
    assert tc.method.value == "none" and tc.result.scores is None and tc.compare_view.value == ""
    assert "<table" in TextClassifier(models).compare_view.value  # compare: more than one model
    with pytest.raises(ValueError, match="method"):
        TextClassifier(models, method="saliency")
    with pytest.raises(TypeError, match="compare"):
        TextClassifier(models, compare="yes")
