"""Chapter 4, long inputs: windows, head + tail, aggregators, long documents, bad input.

A fake classifier with the real tokenizer keeps these fast: its fresh logit is the number of
"good" minus the number of "bad" wordpieces in the window, so every window's probabilities are
known in advance.
"""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine.tasks import nlp
from bigmodel_widgets.engine.tasks.nlp import exercises as ex
from bigmodel_widgets.engine.tasks.nlp import long_documents as ld
from bigmodel_widgets.engine.tasks.nlp import long_text as lt


class CountingClassifier(nlp.TextClassifierBase):
    """logits = [0, #good - #bad] per window; records every batch it is given."""

    kind = "counting fake"

    def __init__(self, tokenizer, max_length=8):
        super().__init__(tokenizer, max_length)
        self.good = tokenizer.convert_tokens_to_ids("good")
        self.bad = tokenizer.convert_tokens_to_ids("bad")
        self.batches = []

    def logits(self, encoded):
        ids = encoded["input_ids"]
        assert ids.shape[1] == self.max_length  # fixed shape, like a .tflite model
        self.batches.append(ids.copy())
        score = (ids == self.good).sum(axis=1) - (ids == self.bad).sum(axis=1)
        return np.stack([np.zeros(len(ids)), score.astype(float)], axis=1)


@pytest.fixture(scope="module")
def tokenizer():
    return nlp.load_tokenizer()


@pytest.fixture()
def fake(tokenizer):
    return CountingClassifier(tokenizer, max_length=8)  # 6 wordpieces of text per window


LETTERS = "a b c d e f g h i j"  # ten one-wordpiece words


def test_window_spans_exact():
    assert lt.window_spans(10, window=4, stride=2) == ((0, 4), (2, 6), (4, 8), (6, 10))
    # the last window is aligned to the end: no short tail window, nothing unread
    assert lt.window_spans(11, window=4, stride=3) == ((0, 4), (3, 7), (6, 10), (7, 11))
    assert lt.window_spans(10, window=5, stride=5) == ((0, 5), (5, 10))
    assert lt.window_spans(3, window=4, stride=2) == ((0, 3),)  # it fits: one window


def test_plan_head_tail_and_truncate():
    assert lt.plan_windows(20, strategy="head_tail", window=8, head=2) == (((0, 2), (14, 20)),)
    assert lt.plan_windows(20, strategy="head_tail", window=8, head=0) == (((12, 20),),)
    assert lt.plan_windows(5, strategy="head_tail", window=8, head=2) == (((0, 5),),)
    assert lt.plan_windows(20, strategy="truncate", window=8) == (((0, 8),),)


def test_windows_over_real_wordpieces(fake):
    pred = lt.classify_long(fake, LETTERS, window=4, stride=2)
    assert [w.spans for w in pred.windows] == [((0, 4),), ((2, 6),), ((4, 8),), ((6, 10),)]
    assert [w.excerpt for w in pred.windows] == ["a b c d", "c d e f", "e f g h", "g h i j"]
    assert [w.chars for w in pred.windows] == [((0, 7),), ((4, 11),), ((8, 15),), ((12, 19),)]
    assert pred.n_wordpieces == 12 and pred.coverage == 1.0 and pred.note == ""
    # each window is [CLS] piece [SEP] [PAD]..., padded to max_length
    tok = fake.tokenizer
    row = fake.batches[0][1]
    assert (
        tok.convert_ids_to_tokens(row.tolist())
        == ["[CLS]", "c", "d", "e", "f", "[SEP]"] + ["[PAD]"] * 2
    )


def test_head_tail_excerpt_and_truncate_equals_predict(fake):
    text = "good " + "x " * 20 + "bad bad"
    ht = lt.classify_long(fake, text, strategy="head_tail", head=1)
    assert ht.windows[0].spans == ((0, 1), (18, 23))  # 23 wordpieces
    assert ht.windows[0].excerpt == "good … x x x bad bad"
    assert ht.label == "rotten" and ht.coverage == pytest.approx(6 / 23)
    tr = lt.classify_long(fake, text, strategy="truncate")
    np.testing.assert_allclose(
        list(tr.probabilities.values()), fake.predict_proba([text])[0], rtol=1e-12
    )
    assert tr.truncated and "read 6" in tr.note


def test_aggregators_on_known_probabilities():
    p = np.array([[0.9, 0.1], [0.4, 0.6], [0.45, 0.55]])
    mean, w, best = lt.aggregate_windows(p, "mean")
    np.testing.assert_allclose(mean, [1.75 / 3, 1.25 / 3])
    assert best == 0 and np.allclose(w, 1 / 3)
    conf, w, best = lt.aggregate_windows(p, "confidence")
    np.testing.assert_allclose(w, np.array([0.8, 0.2, 0.1]) / 1.1)
    np.testing.assert_allclose(conf, w @ p)
    assert best == 0
    shares, w, best = lt.aggregate_windows(p, "vote")
    np.testing.assert_allclose(shares, [1 / 3, 2 / 3])
    assert best == 1  # two windows say fresh, though the mean says rotten
    # a tie in votes is broken by the mean probabilities
    assert lt.aggregate_windows(np.array([[0.9, 0.1], [0.4, 0.6]]), "vote")[2] == 0
    # all margins 0: equal weights, no division by zero
    _, w, _ = lt.aggregate_windows(np.full((4, 2), 0.5), "confidence")
    np.testing.assert_allclose(w, 0.25)


def test_windows_drive_the_result(fake):
    text = "good good x x x x x x bad x x x"  # 12 wordpieces, windows of 6, stride 6
    pred = lt.classify_long(fake, text, stride=6, aggregate="confidence")
    assert [w.spans for w in pred.windows] == [((0, 6),), ((6, 12),)]
    assert [w.label for w in pred.windows] == ["fresh", "rotten"]
    assert pred.label == "fresh" and [w.drove for w in pred.windows] == [True, False]
    assert pred.weights[0] > pred.weights[1] and sum(pred.weights) == pytest.approx(1)
    expected, _, _ = lt.aggregate_windows(pred.window_probabilities, "confidence")
    np.testing.assert_allclose(list(pred.probabilities.values()), expected)


def test_result_is_deterministic_and_ignores_seconds(fake):
    a = lt.classify_long(fake, LETTERS, window=4, stride=2)
    b = lt.classify_long(fake, LETTERS, window=4, stride=2)
    assert a == b  # seconds differ, but are not compared


def test_a_100000_word_text_is_bounded(fake):
    text = " ".join(["good", "film", "bad", "plot", "x"] * 20_000)  # 100,000 words
    seen = []
    pred = lt.classify_long(
        fake, text, max_windows=40, batch_size=16, progress=lambda d, t, i: seen.append((d, t))
    )
    assert pred.n_wordpieces == 100_002 and pred.n_windows_total == 33_333
    assert len(pred.windows) == 40 and sum(len(b) for b in fake.batches) == 40
    assert "40 evenly spaced" in pred.note and pred.coverage < 0.01
    assert pred.windows[0].spans == ((0, 6),) and pred.windows[-1].spans == ((99_994, 100_000),)
    assert seen == [(16, 40), (32, 40), (40, 40)]


def test_wordpieces_in_chunks_equal_the_whole_text(tokenizer):
    text = "An unwatchable, overwrought melodrama!  Still... Spielberg's best? " * 30
    ids, offsets = lt.wordpieces(tokenizer, text, chunk_chars=100)
    whole = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    assert ids.tolist() == whole["input_ids"]
    assert [tuple(o) for o in offsets.tolist()] == [tuple(o) for o in whole["offset_mapping"]]


@pytest.mark.parametrize(
    "settings, exc, match",
    [
        ({"stride": 7, "window": 4}, ValueError, "stride"),
        ({"window": 7}, ValueError, "max_length - 2"),
        ({"window": 0}, ValueError, "window"),
        ({"window": 2.5}, TypeError, "window"),
        ({"stride": 0}, ValueError, "stride"),
        ({"strategy": "truncate", "stride": 2}, ValueError, "stride applies"),
        ({"strategy": "windows", "head": 2}, ValueError, "head applies"),
        ({"strategy": "head_tail", "head": 9}, ValueError, "head"),
        ({"strategy": "middle"}, ValueError, "strategy"),
        ({"aggregate": "max"}, ValueError, "aggregate"),
        ({"max_windows": 0}, ValueError, "max_windows"),
        ({"batch_size": 0}, ValueError, "batch_size"),
    ],
)
def test_bad_settings(fake, settings, exc, match):
    with pytest.raises(exc, match=match):
        lt.classify_long(fake, LETTERS, **settings)


@pytest.mark.parametrize(
    "text, exc", [("", ValueError), ("   ", ValueError), (None, TypeError), (b"x", TypeError)]
)
def test_empty_or_wrong_text(fake, text, exc):
    with pytest.raises(exc, match="text"):
        lt.classify_long(fake, text)


def test_text_without_wordpieces_and_oversized_text(fake, tokenizer):
    with pytest.raises(ValueError, match="no wordpieces"):
        lt.classify_long(fake, "\x00\x01")
    with pytest.raises(ValueError, match="max_chars"):
        lt.wordpieces(tokenizer, "word " * 30, max_chars=100)
    with pytest.raises(TypeError, match="clf"):
        lt.classify_long("not a model", LETTERS)


def test_exercise_checks_compute_the_answer():
    assert ex.check_window_spans(
        [(0, 4), (2, 6), (4, 8), (6, 10)], n_wordpieces=10, window=4, stride=2
    ).ok
    wrong = ex.check_window_spans(
        [(0, 4), (2, 6), (4, 8), (6, 9)], n_wordpieces=10, window=4, stride=2
    )
    assert not wrong.ok and "window 3" in str(wrong) and wrong.hint
    assert "not yet" in str(wrong) and "(6, 10)" not in str(wrong)  # a hint, never the answer
    short = ex.check_window_spans([(0, 4), (6, 10)], n_wordpieces=10, window=4, stride=2)
    assert not short and "4 windows" not in str(short) and "you gave 2" in str(short)
    assert not ex.check_window_spans("nonsense", n_wordpieces=10, window=4, stride=2).ok
    p = [[0.9, 0.1], [0.4, 0.6]]
    assert ex.check_aggregate([0.65, 0.35], p, rule="mean").ok
    bad = ex.check_aggregate([0.5, 0.5], p, rule="mean")
    assert not bad.ok and "0.65" not in str(bad) and bad.hint in str(bad)
    assert ex.check_aggregate([0.8, 0.2], p, rule="confidence").ok  # weights 0.8 and 0.2


# ---- long documents --------------------------------------------------------------------------
SNIPPETS = [f"good review {i}." for i in range(12)] + [f"bad review {i}." for i in range(12)]
SNIPPET_LABELS = np.array([1] * 12 + [0] * 12)


def test_documents_are_deterministic_and_labelled_by_majority():
    for kind in ld.KINDS:
        a = ld.long_documents(SNIPPETS, SNIPPET_LABELS, n_docs=30, snippets=(5, 8), kind=kind)
        assert a == ld.long_documents(
            SNIPPETS, SNIPPET_LABELS, n_docs=30, snippets=(5, 8), kind=kind
        )
        assert a != ld.long_documents(
            SNIPPETS, SNIPPET_LABELS, n_docs=30, snippets=(5, 8), kind=kind, seed=1
        )
        for doc in a:
            k = len(doc.snippet_labels)
            assert 5 <= k <= 8 and len(doc.text.split(".")) == k + 1
            votes = sum(lab == doc.label for lab in doc.snippet_labels)
            if kind == "single":
                assert votes == k
            else:
                assert k / 2 < votes < k  # a strict majority, and really mixed
            for lab, part in zip(doc.snippet_labels, doc.text.split(".")[:-1]):
                assert part.strip().startswith("good" if lab == 1 else "bad")
        assert {d.label for d in a} == {0, 1}


def test_bad_document_settings():
    with pytest.raises(ValueError, match="snippets min"):
        ld.long_documents(SNIPPETS, SNIPPET_LABELS, snippets=(2, 4), kind="mixed")
    with pytest.raises(ValueError, match="at least 13"):
        ld.long_documents(SNIPPETS, SNIPPET_LABELS, snippets=(5, 13))
    with pytest.raises(ValueError, match="two classes"):
        ld.long_documents(SNIPPETS, np.zeros(24), snippets=(5, 8))
    with pytest.raises(ValueError, match="kind"):
        ld.long_documents(SNIPPETS, SNIPPET_LABELS, kind="both")


def test_evaluate_long_documents_with_the_fake(tokenizer):
    fake = CountingClassifier(tokenizer, max_length=8)
    seen = []
    out = ld.evaluate_long_documents(
        fake,
        SNIPPETS,
        SNIPPET_LABELS,
        n_docs=10,
        snippets=(5, 6),
        max_lengths=(),
        progress=lambda d, t, i: seen.append((d, t)),
    )
    assert set(out["single"]) == {
        "truncate",
        "head_tail",
        "windows/mean",
        "windows/confidence",
        "windows/vote",
    }
    # every window of a single-label document holds only good (or only bad) words
    assert out["single"]["windows/mean"]["accuracy"] == 1.0
    assert out["single"]["windows/mean"]["windows_per_doc"] > 1
    assert out["single"]["truncate"]["windows_per_doc"] == 1
    assert out["snippets"] == [5, 6] and out["n_docs"] == 10 and out["max_length_cost"] == {}
    assert seen[-1] == (2 * 10 * 3, 2 * 10 * 3)
    with pytest.raises(ValueError, match="Keras"):
        ld.evaluate_long_documents(fake, SNIPPETS, SNIPPET_LABELS, n_docs=2, max_lengths=(16,))
    # the cost of reading more: truncation at max_length on the first cost_docs documents
    out = ld.evaluate_long_documents(
        fake,
        SNIPPETS,
        SNIPPET_LABELS,
        n_docs=6,
        strategies=("windows",),
        max_lengths=(8,),
        cost_docs=4,
    )
    assert set(out["max_length_cost"]["mixed"]) == {"n_docs", "8"}
    assert out["max_length_cost"]["mixed"]["n_docs"] == 4


def test_many_texts_share_batches_and_equal_one_by_one(fake):
    texts = [LETTERS, "good " * 13, "bad x " * 9, "good"]
    many = lt.classify_long_many(fake, texts, window=4, stride=2, batch_size=5)
    assert many == [lt.classify_long(fake, t, window=4, stride=2) for t in texts]
    assert [len(b) for b in fake.batches[:4]] == [5, 5, 5, 4]  # 4 + 6 + 8 + 1 windows
    with pytest.raises(TypeError, match="texts"):
        lt.classify_long_many(fake, "one text")


def test_exercises_return_the_engine_record():
    from bigmodel_widgets.engine.exercises import ExerciseCheck

    check = ex.check_window_spans([(0, 3)], n_wordpieces=3, window=4, stride=2)
    assert isinstance(check, ExerciseCheck) and check and check.expected == ((0, 3),)
