"""Chapter 4 engine: a few fine-tuning steps, the cached model, corruption, and TFLite."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from bigmodel_widgets.engine import cache
from bigmodel_widgets.engine.tasks import nlp
from bigmodel_widgets.engine.tasks.nlp import explain as nlp_explain
from bigmodel_widgets.engine.tasks.nlp import tflite as nlp_tflite
from bigmodel_widgets.engine.tasks.nlp import training as nlp_train

pytestmark = pytest.mark.slow  # trains and converts the real 22.7 M-parameter model (briefly)

# The quick-mode run the notebook uses (4 steps at 32 wordpieces), so within one pytest session
# the notebook and browser tests find this model and its .tflite in the shared cache.
CFG = nlp_train.FineTuneConfig.quick()


@pytest.fixture(scope="module")
def trained():
    shutil.rmtree(nlp_train.cache_path(CFG), ignore_errors=True)  # train here, whatever ran before
    calls = []
    clf, info = nlp_train.finetuned_classifier(
        CFG, progress=lambda d, t, i: calls.append((d, t, i))
    )
    return clf, info, calls


def test_fine_tune_reports_each_step_and_evaluates(trained):
    clf, info, calls = trained
    assert [(d, t) for d, t, _ in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert "loss" in calls[-1][2] and calls[-1][2]["epoch"] == 1
    assert not info["from_cache"] and info["n_test"] == 64 and 0 <= info["test_accuracy"] <= 1
    assert len(info["epoch_s"]) == 1 and info["epoch_s"][0] > 0


def test_the_same_config_trains_the_same_weights(trained):
    # op determinism + one seed for the head, dropout and batch order: a rerun is identical
    clf, info, _ = trained
    again, again_info = nlp_train.finetuned_classifier(CFG, use_cache=False)
    assert not again_info["from_cache"] and again_info["best_epoch"] == info["best_epoch"] == 1
    for a, b in zip(clf.model.get_weights(), again.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert again_info["history"] == info["history"]


def test_fine_tuning_moves_the_pretrained_weights(trained):
    clf, _, _ = trained
    pretrained = nlp.BertTextClassifier.from_checkpoint(max_length=16)  # deterministic encoder
    before = pretrained.model.bert.encoder.layer[0].get_weights()
    after = clf.model.bert.encoder.layer[0].get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(before, after))
    # ... but only slightly: two small Adam steps, not a different model
    assert all(np.abs(a - b).max() < 0.01 for a, b in zip(before, after))


def test_cached_model_loads_with_the_same_predictions(trained):
    clf, _, _ = trained
    again, info = nlp_train.finetuned_classifier(CFG)
    assert info["from_cache"] and "retrained_because" not in info
    texts = ["a triumph", "a slog from start to finish"]
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-5)
    assert again.max_length == 32


def test_corrupt_cached_model_is_retrained_not_a_crash(trained):
    path = nlp_train.cache_path(CFG)
    (path / "tf_model.h5").write_bytes(b"not an hdf5 file")
    with pytest.raises(OSError, match=r"tf_model\.h5"):
        nlp.BertTextClassifier.load(path)
    with pytest.warns(cache.CacheNote, match="unreadable"):
        clf, info = nlp_train.finetuned_classifier(CFG)
    assert not info["from_cache"] and "unreadable" in info["retrained_because"]
    assert "\n" not in info["retrained_because"]  # one line
    assert nlp.BertTextClassifier.load(path).max_length == 32  # the cache is whole again


def test_a_file_damaged_after_saving_is_refused(trained, tmp_path):
    clf, _, _ = trained
    folder = clf.save(tmp_path / "copy")
    assert nlp.BertTextClassifier.load(folder).max_length == 32
    vocab = folder / "vocab.txt"  # a tokenizer file the tokenizer would happily read garbled
    vocab.write_text(vocab.read_text() + "unexpectedword\n")
    with pytest.raises(OSError, match="checksum"):
        nlp.BertTextClassifier.load(folder)


def test_dynamic_range_tflite_agrees_and_is_smaller(trained):
    clf, _, _ = trained
    texts, labels = nlp_train.rotten_tomatoes_splits(CFG)["test"]
    report = nlp_tflite.compression_report(
        clf, texts, labels, modes=("dynamic",), cache_key=CFG.key()
    )
    row = report["rows"][0]
    lite = report["models"]["dynamic"]
    # int8 weights: about a quarter of 22.7 M float32 parameters
    assert row["bytes"] < 0.3 * clf.model.count_params() * 4
    assert row["size_ratio"] is None and row["latency_ms"] > 0 and row["n"] == 64
    p_keras, p_lite = clf.predict_proba(texts), lite.predict_proba(texts)
    # Probabilities, not accuracy: a quick-mode model sits near 0.5, where tiny quantization
    # differences flip many of 64 answers (a 17-point accuracy swing was seen in CI).
    np.testing.assert_allclose(p_lite, p_keras, atol=0.05)
    assert row["accuracy"] == pytest.approx(
        float(np.mean(p_lite.argmax(axis=1) == np.asarray(labels)))
    )
    # the converter is not run again: the cached bytes come back, and say so
    hits = []
    first = nlp_tflite.convert(clf, "dynamic", cache_key=CFG.key())
    assert (
        nlp_tflite.convert(
            clf, "dynamic", cache_key=CFG.key(), progress=lambda d, t, i: hits.append(i)
        )
        == first
    )
    assert hits == [{"cached": 1}]
    occ = nlp_explain.classify(lite, "a triumph of style", "occlusion")
    assert len(occ.scores) == len(occ.tokens) and occ.model == nlp_tflite.MODES["dynamic"]
    with pytest.raises(ValueError, match="Keras"):
        nlp_explain.classify(lite, "a triumph", "attention")
    with pytest.raises(ValueError, match="mode"):
        nlp_tflite.convert(clf, "int4")


def test_old_names_still_work_for_one_release(trained):
    clf, _, _ = trained
    texts, labels = ["a triumph", "a slog"], [1, 0]
    with pytest.warns(DeprecationWarning, match="evaluate_text_classifier"):
        old = nlp_train.evaluate
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the new names never warn
        assert old is nlp_train.evaluate_text_classifier
        assert old(clf, texts, labels)["n"] == 2
    for module in (nlp, nlp.classifier):
        with pytest.warns(DeprecationWarning, match="TextPrediction"):
            assert module.Prediction is nlp.TextPrediction
        assert "Prediction" not in module.__all__
