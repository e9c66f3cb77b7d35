"""The explain views driven from Python: each shows exactly the engine's explanation."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import explain
from bigmodel_widgets.engine.tasks import nlp, speech, vision
from bigmodel_widgets.engine.tasks.nlp import explain as nlp_explain
from bigmodel_widgets.widgets.attention_view import AttentionView
from bigmodel_widgets.widgets.image_classifier import ImageClassifier
from bigmodel_widgets.widgets.speech_explorer import SpeechExplorer
from bigmodel_widgets.widgets.text_classifier import TextClassifier
from tests.engine.explain import _tiny


@pytest.fixture(scope="module")
def tiny_bert():
    return nlp.tiny_classifier(layers=3, max_length=16)


def test_image_classifier_heat_map_equals_the_engine(tmp_path):
    model = vision.build_cnn("text")
    ic = ImageClassifier(model)
    ic.explain.value = "Grad-CAM"
    ic.test_index.value = 3
    x = ic.prediction.prep.batch[0]
    want = explain.grad_cam(model, x, target=ic.prediction.label)
    np.testing.assert_allclose(ic.explanation.attributions, want.attributions, rtol=1e-5)
    assert len(ic.explain_view.children) == 2
    ic.explain.value = "integrated gradients"
    assert ic.explanation.method == "integrated gradients"
    ic.explain.value = "none"
    assert ic.explanation is None and not ic.explain_view.children


def test_image_classifier_without_convolution_says_so():
    from bigmodel_widgets.engine import backend

    k = backend.keras()
    dense = k.Sequential([k.layers.Flatten(input_shape=(32, 32, 3)), k.layers.Dense(10, "softmax")])
    ic = ImageClassifier(dense)
    ic.test_index.value = 1
    ic.explain.value = "Grad-CAM"
    assert "Conv2D" in ic.errors.message and ic.explanation is None
    ic.explain.value = "integrated gradients"  # works on any model; the error clears
    assert ic.errors.message == "" and ic.explanation is not None


def test_attention_view_layer_and_head(tiny_bert):
    view = AttentionView(tiny_bert, text="a gorgeous film")
    maps = nlp_explain.attention_maps(tiny_bert, "a gorgeous film")
    assert view.layer.value == 2 and view.head.value == "mean"
    np.testing.assert_allclose(view.matrix, maps.weights[2].mean(0))
    before = view.view.value
    view.layer.value, view.head.value = 0, "1"
    np.testing.assert_allclose(view.matrix, maps.weights[0, 1])
    assert view.view.value != before and 'data-layer="0"' in view.view.value
    view.text.value = "   "
    assert "empty" in view.errors.message and view.matrix is None


def test_attention_view_wrong_kind_shows_a_message(tiny_bert):
    class LogitsOnly(nlp.TextClassifierBase):
        def logits(self, encoded):
            return tiny_bert.logits(encoded)

    view = AttentionView(LogitsOnly(tiny_bert.tokenizer, 16), text="fine")
    assert "Keras BERT" in view.errors.message and view.maps is None


def test_text_classifier_ig_and_attention(tiny_bert):
    tc = TextClassifier(tiny_bert, method="integrated gradients", text="a gorgeous film")
    assert tc.result == nlp_explain.classify(tiny_bert, "a gorgeous film", "integrated gradients")
    assert tc.attention is not None and tc.attention.maps.tokens == tc.result.tokens
    tc.text.value = "a dull plot"
    assert tc.attention.text.value == "a dull plot"


def test_speech_explorer_saliency_equals_the_engine():
    split = speech.load_split(seed=0, limit=10)
    rec = _tiny.frame_recognizer()
    ex = SpeechExplorer(rec, split=split)
    assert ex.explanation is None and ex.saliency_view.value == b""
    ex.explain.value = True
    want = explain.speech_integrated_gradients(rec, split.x_test[0])
    np.testing.assert_allclose(ex.explanation.attributions, want.attributions, rtol=1e-5)
    assert "data-top-frame" in ex.saliency_info.value and ex.saliency_view.value
    ex.example.value = 2
    assert ex.explanation is not None
