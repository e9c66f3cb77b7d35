"""Chapter 6 engine: the spoken-digit data, padding/masking, both models, training and caching."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine.tasks import speech
from bigmodel_widgets.engine.tasks.speech import models as speech_models


@pytest.fixture(scope="module")
def split():
    return speech.load_split(seed=0)


@pytest.fixture(scope="module")
def small():
    return speech.load_split(seed=0, limit=160)


@pytest.fixture(scope="module")
def recognizer(small):
    return speech.train(small, "text", epochs=1, batch_size=32)


def test_split_is_fixed_balanced_and_disjoint(split):
    assert len(split.x_train) == 2400 and len(split.x_test) == 600
    assert np.bincount(split.y_test).tolist() == [60] * 10
    again = speech.load_split(seed=0)
    assert np.array_equal(again.y_test, split.y_test) and split.key() == again.key()
    assert all(np.array_equal(a, b) for a, b in zip(again.x_test, split.x_test))
    other = speech.load_split(seed=1)
    assert other.key() != split.key()
    train_ids = {s.tobytes() for s in split.x_train}
    assert not any(s.tobytes() in train_ids for s in split.x_test)


def test_sequences_vary_in_length_and_stats_come_from_training_data(split):
    lengths = {len(s) for s in split.x_train}
    assert min(lengths) >= speech.MIN_FRAMES and len(lengths) > 30
    frames = np.concatenate(split.x_train)
    np.testing.assert_allclose(split.mean, frames.mean(0), rtol=1e-4)
    assert split.mean.shape == split.std.shape == (13,)


def test_pad_batch_pads_with_zeros_and_cuts():
    seqs = [np.ones((3, 13), np.float32), 2 * np.ones((5, 13), np.float32)]
    padded = speech.pad_batch(seqs)
    assert padded.shape == (2, 5, 13)
    assert (padded[0, 3:] == 0).all() and (padded[0, :3] == 1).all()
    assert speech.pad_batch(seqs, max_frames=4).shape == (2, 4, 13)
    with pytest.raises(ValueError):
        speech.pad_batch([])


@pytest.mark.parametrize(
    "bad, match",
    [
        ([np.ones((2, 13))], "at least 3"),
        ([np.ones((10, 22))], r"expected \(frames, 13\)"),
        ([np.full((10, 13), np.nan)], "NaN"),
        ([np.vstack([np.ones((5, 13)), np.zeros((1, 13))])], "all-zero frame"),
        ([np.ones(13)], "shape"),
    ],
)
def test_check_sequences_names_the_problem(bad, match):
    with pytest.raises(ValueError, match=match):
        speech.check_sequences(bad)


def test_check_sequences_rejects_an_empty_list():
    with pytest.raises(TypeError, match="non-empty"):
        speech.check_sequences([])


@pytest.mark.parametrize("kind", speech_models.MODEL_KINDS)
def test_models_accept_any_length_and_ignore_padding(kind):
    model = speech_models.build_model(kind)
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(t, 13)).astype(np.float32) for t in (3, 4, 7, 18, 92)]
    batch = model(speech.pad_batch(seqs), training=False).numpy()
    assert batch.shape == (5, 10)
    np.testing.assert_allclose(batch.sum(1), 1.0, atol=1e-5)
    for i, s in enumerate(seqs):  # alone (no padding) == inside a padded batch
        alone = model(s[None], training=False).numpy()[0]
        np.testing.assert_allclose(alone, batch[i], atol=1e-5)


def test_text_model_keeps_the_texts_layers():
    model = speech_models.build_model("text")
    conv = model.get_layer("block1_conv")
    assert conv.kernel_size == (3,) and model.get_layer("pool1").pool_size == (2,)
    assert model.input_shape == (None, None, 13)
    assert not any(type(layer).__name__ == "Flatten" for layer in model.layers)


def test_build_model_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
        speech_models.build_model("lstm")
    with pytest.raises(ValueError, match="n_features"):
        speech_models.build_model("strong", n_features=0)


def test_training_reports_progress_and_predicts_probabilities(small):
    seen = []
    rec = speech.train(small, "text", epochs=2, progress=lambda d, t, i: seen.append((d, t, i)))
    assert [(d, t) for d, t, _ in seen] == [(1, 2), (2, 2)] and "loss" in seen[0][2]
    assert len(rec.history["loss"]) == 2 and rec.train_s > 0
    probs = rec.predict_proba(small.x_test[:7])
    assert probs.shape == (7, 10)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    pred = rec.predict(small.x_test[0])
    assert pred.digit == int(np.argmax(probs[0])) and len(pred.top(3)) == 3
    ev = rec.evaluate(small.x_test, small.y_test)
    assert ev["n"] == len(small.y_test) and np.sum(ev["confusion"]) == ev["n"]
    assert ev["accuracy"] == pytest.approx(np.trace(ev["confusion"]) / ev["n"])


def test_recognizer_rejects_a_too_short_sequence(recognizer):
    with pytest.raises(ValueError, match="kernel_size"):
        recognizer.predict(np.ones((2, 13), np.float32))


def test_training_learns_beyond_chance(split):
    # 2 epochs of the strong model on a 600-recording subset: well above the 10% of guessing.
    sub = speech.load_split(seed=0, limit=600)
    rec = speech.train(sub, "strong", epochs=2)
    assert rec.evaluate(split.x_test[:200], split.y_test[:200])["accuracy"] > 0.4


def test_trained_recognizer_caches_weights(small):
    calls = []
    first = speech.trained_recognizer("text", epochs=1, split=small)
    second = speech.trained_recognizer(
        "text", epochs=1, split=small, progress=lambda d, t, i: calls.append(i)
    )
    assert calls == [{"cached": 1}]
    np.testing.assert_allclose(
        first.predict_proba(small.x_test[:5]), second.predict_proba(small.x_test[:5]), atol=1e-6
    )
    assert second.history == first.history and second.train_s == first.train_s


def test_trained_recognizer_is_one_folder_entry_keyed_by_what_decides_it(
    small, tmp_path, monkeypatch
):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    hits = []

    def progress(done, total, info):
        hits.append(info.get("cached", 0))

    def entries():  # not the build locks (dot files)
        return [p for p in (tmp_path / "speech-recognizer").iterdir() if not p.name.startswith(".")]

    speech.trained_recognizer("text", quick=True, split=small, progress=progress)
    (entry,) = entries()
    assert entry.is_dir() and sorted(p.name for p in entry.iterdir()) == [
        "meta.json",
        "model.weights.h5",
    ]
    speech.trained_recognizer("text", epochs=speech.QUICK_EPOCHS, split=small, progress=progress)
    assert hits[-1] == 1, "quick=True is QUICK_EPOCHS epochs: the same entry"
    speech.trained_recognizer("text", epochs=1, split=small, progress=progress)
    assert hits[-1] == 0, "another epoch count is another entry"
    other = speech.load_split(seed=1, limit=160)
    speech.trained_recognizer("text", epochs=1, split=other, progress=progress)
    assert hits[-1] == 0, "another split is another entry"
    assert len(entries()) == 3
    speech.trained_recognizer("text", epochs=1, split=small, use_cache=False)
    assert len(entries()) == 3


def test_old_kind_and_record_names_work_for_one_release(small):
    with pytest.warns(DeprecationWarning, match="'text'"):
        model = speech_models.build_model("text_fixed")
    assert model.name == "text" and speech_models.MODEL_KINDS == ("text", "strong")
    assert speech.Prediction is speech.SpeechPrediction and "Prediction" not in speech.__all__


def test_train_rejects_bad_arguments(small):
    with pytest.raises(ValueError, match="kind"):
        speech.train(small, "rnn")
    with pytest.raises(ValueError, match="epochs"):
        speech.train(small, epochs=0)
    with pytest.raises(ValueError, match="test_fraction"):
        speech.load_split(test_fraction=1.5)
    with pytest.raises(TypeError, match="epochs"):
        speech.train(small, epochs=1.5)
    with pytest.raises(TypeError, match="SpeechSplit"):
        speech.train([np.ones((5, 13))], epochs=1)
    with pytest.raises(ValueError, match="limit"):
        speech.load_split(limit=5)
