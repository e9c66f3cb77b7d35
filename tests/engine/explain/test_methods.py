"""Every explanation method ranks the known region, token or frame of a tiny model first."""

from __future__ import annotations

import numpy as np
import pytest

import bigmodel_widgets as bmw
from bigmodel_widgets.engine import explain
from bigmodel_widgets.engine.tasks.nlp import explain as text_explain
from tests.engine.explain import _tiny

REGION_PIXELS = {r * 8 + c for r in range(2, 4) for c in range(5, 7)}


@pytest.fixture(scope="module")
def cnn():
    return _tiny.region_cnn()


@pytest.fixture(scope="module")
def bert():
    return _tiny.keyword_bert()


def _predict(model):
    return lambda batch: np.asarray(model(np.asarray(batch, np.float32), training=False))


def test_grad_cam_ranks_the_region_first(cnn):
    x = _tiny.region_image()
    exp = explain.grad_cam(cnn, x)
    assert exp.target == 1 and exp.attributions.shape == (8, 8)
    assert set(exp.top(4)) == REGION_PIXELS
    assert exp.settings["layer"] == "conv" and exp.settings["score"] == "logit"
    assert explain.conv_layers(cnn) == ["conv"]


def test_integrated_gradients_ranks_the_region_first_and_is_complete(cnn):
    exp = explain.integrated_gradients(cnn, _tiny.region_image(), steps=32)
    assert set(exp.top(4)) == REGION_PIXELS and exp.detail.shape == (8, 8, 3)
    assert exp.completeness["error"] < 0.05
    assert exp.settings["steps"] == 32 and exp.settings["baseline"] == "zeros"


def test_occlusion_through_any_predict_callable(cnn):
    exp = explain.occlusion_image(_predict(cnn), _tiny.region_image(), patch=1)
    assert set(exp.top(4)) == REGION_PIXELS and exp.settings["cells"] == 64


def test_deletion_curve_beats_random_order(cnn):
    x = _tiny.region_image()
    exp = explain.integrated_gradients(cnn, x, steps=16)
    ranked = explain.deletion_curve(_predict(cnn), x, exp.attributions, target=1, steps=16)
    rand = explain.deletion_curve(
        _predict(cnn),
        x,
        exp.attributions,
        target=1,
        steps=16,
        order="random",
        rng=np.random.default_rng(0),
    )
    assert ranked["scores"][0] == pytest.approx(exp.score, rel=1e-5)
    assert ranked["auc"] < rand["auc"] and len(ranked["fractions"]) == 17


def test_speech_ig_ranks_the_key_frame_first():
    rec = _tiny.frame_recognizer()
    exp = explain.speech_integrated_gradients(rec, _tiny.frame_sequence())
    assert exp.target == 3 and exp.attributions.shape == (20,)
    assert exp.top(1) == [_tiny.KEY_FRAME] and exp.detail.shape == (20, 13)
    assert exp.completeness["error"] < 0.05 and "padding" in exp.settings["baseline"]


def test_text_ig_and_occlusion_rank_the_key_word_first(bert):
    texts, _ = _tiny.keyword_texts(6, seed=5)
    for text in texts[1::2]:  # the ones with the key word
        exp = text_explain.integrated_gradients(bert, text, steps=32)
        assert exp.units[exp.top(1)[0]] == _tiny.KEY_WORD, (text, exp.attributions)
        assert exp.attributions[0] == 0 and exp.attributions[-1] == 0  # [CLS], [SEP] kept
        assert exp.completeness["error"] < 0.05
        occ = text_explain.occlusion(bert, text)
        assert exp.units[int(np.argmax(occ))] == _tiny.KEY_WORD


def test_attention_every_layer_and_head_rows_sum_to_one(bert):
    maps = text_explain.attention_maps(bert, "the movie was excellent")
    assert maps.shape == (2, 2, 6, 6) and maps.tokens[0] == "[CLS]"
    np.testing.assert_allclose(maps.weights.sum(axis=-1), 1.0, atol=1e-5)
    assert maps.head(1, 0).shape == (6, 6)
    np.testing.assert_allclose(
        bert.cls_attention("the movie was excellent"), maps.weights[-1, :, 0].mean(0)
    )
    pred = text_explain.classify(bert, "the movie was excellent", "integrated gradients")
    assert pred.method == "integrated gradients" and len(pred.scores) == 6
    with pytest.raises(ValueError, match="layer"):
        maps.head(2, 0)


def test_agreement_spearman_and_flags():
    a = np.arange(10.0)
    assert explain.spearman(a, a * 3 + 1) == pytest.approx(1.0)
    assert explain.spearman(a, -a) == pytest.approx(-1.0)
    np.testing.assert_allclose(explain.ranks([3, 1, 3]), [2.5, 1.0, 2.5])
    out = explain.compare([a, a], [a, -a], threshold=0.5)
    assert out["flagged"] == [1] and out["median"] == pytest.approx(0.0)
    flat = explain.compare([a], [np.zeros(10)])  # nothing moved: no ranks, not "disagreeing"
    assert flat["constant"] == [0] and flat["flagged"] == []


def test_exercises_compute_their_answer(cnn, bert):
    from bigmodel_widgets.engine.explain import exercises

    rec, seq = _tiny.frame_recognizer(), _tiny.frame_sequence()
    assert exercises.check_top_frame(_tiny.KEY_FRAME + 1, recognizer=rec, seq=seq)
    far = exercises.check_top_frame(0, recognizer=rec, seq=seq)
    assert not far and "not yet" in far.message and str(_tiny.KEY_FRAME) not in far.message
    assert not exercises.check_top_frame("x", recognizer=rec, seq=seq)
    text = _tiny.keyword_texts(2, seed=5)[0][1]
    assert exercises.check_top_token(_tiny.KEY_WORD, classifier=bert, text=text)
    wrong = exercises.check_top_token("the", classifier=bert, text=text)
    assert not wrong and _tiny.KEY_WORD not in wrong.message and wrong.hint
    verdict = exercises.check_deletion_winner("grad-cam", model=cnn, image=_tiny.region_image())
    other = exercises.check_deletion_winner(
        "integrated gradients", model=cnn, image=_tiny.region_image()
    )
    assert bool(verdict) != bool(other)
    right, wrong = (verdict, other) if verdict else (other, verdict)
    assert "deletion AUC" in right.message  # the figures only once the answer is right
    assert "AUC" not in wrong.message and "not yet" in wrong.message and wrong.hint
    # the registry asks the same question (ch4.top_token, ch5.deletion_winner, ch6.top_frame)
    assert bmw.exercises.check(
        "ch6.top_frame", _tiny.KEY_FRAME, inputs={"recognizer": rec, "seq": seq}
    )
    assert bmw.exercises.check(
        "ch4.top_token", _tiny.KEY_WORD.upper(), inputs={"classifier": bert, "text": text}
    )
    inputs = {"model": cnn, "image": _tiny.region_image()}
    assert bmw.exercises.check("ch5.deletion_winner", right.expected, inputs=inputs)
