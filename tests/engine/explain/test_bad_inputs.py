"""Bad inputs to the explanation methods: a clear message, never a stack of TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import explain
from bigmodel_widgets.engine.explain import ExplainError
from bigmodel_widgets.engine.tasks.nlp import explain as text_explain
from tests.engine.explain import _tiny


def test_grad_cam_needs_a_convolution():
    with pytest.raises(ExplainError, match="needs a Conv2D layer.*integrated gradients"):
        explain.grad_cam(_tiny.dense_only(), _tiny.region_image())


def test_grad_cam_unknown_layer_and_wrong_shape():
    cnn = _tiny.region_cnn()
    with pytest.raises(ExplainError, match="not a Conv2D layer"):
        explain.grad_cam(cnn, _tiny.region_image(), layer="probs")
    with pytest.raises(ExplainError, match="expects"):
        explain.grad_cam(cnn, np.zeros((1, 8, 8, 3)))
    with pytest.raises(ValueError, match="target"):
        explain.grad_cam(cnn, _tiny.region_image(), target=5)


def test_model_of_the_wrong_kind():
    with pytest.raises(ExplainError, match="Keras model"):
        explain.integrated_gradients(object(), np.zeros((8, 8, 3)))
    with pytest.raises(ExplainError, match="SpeechRecognizer"):
        explain.speech_integrated_gradients(_tiny.region_cnn(), np.ones((10, 13)))
    with pytest.raises(ExplainError, match="Keras BERT"):
        text_explain.integrated_gradients(object(), "fine")
    with pytest.raises(ExplainError, match="Keras BERT"):
        text_explain.attention_maps(object(), "fine")


def test_silence_and_nan():
    rec = _tiny.frame_recognizer()
    with pytest.raises(ExplainError, match="silence"):
        explain.speech_integrated_gradients(rec, np.full((20, 13), 0.5, np.float32))
    with pytest.raises(ValueError, match="all-zero frame"):
        explain.speech_integrated_gradients(rec, np.zeros((20, 13), np.float32))
    bad = _tiny.region_image()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ExplainError, match="NaN"):
        explain.integrated_gradients(_tiny.region_cnn(), bad)


def test_empty_text():
    from bigmodel_widgets.engine.tasks import nlp

    clf = nlp.BertTextClassifier(None, nlp.load_tokenizer(), max_length=16)
    with pytest.raises(ValueError, match="empty"):
        text_explain.integrated_gradients(clf, "   ")


def test_bad_settings():
    x = _tiny.region_image()
    with pytest.raises(ValueError, match="steps"):
        explain.integrated_gradients(_tiny.region_cnn(), x, steps=1)
    with pytest.raises(ExplainError, match="do not match"):
        explain.deletion_curve(lambda b: b, x, np.zeros((3, 3)), target=0)
    with pytest.raises(TypeError, match="rng"):
        explain.deletion_curve(lambda b: b, x, np.zeros((8, 8)), target=0, order="random")
    with pytest.raises(ExplainError, match="same size"):
        explain.spearman([1, 2], [1, 2, 3])
