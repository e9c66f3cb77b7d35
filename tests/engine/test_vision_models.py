"""Chapter 5: the text's CNN, training with an augmentation hook, save/load, evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import images as io
from bigmodel_widgets.engine.tasks import vision as V
from bigmodel_widgets.engine.tasks.vision import preprocess as pp


@pytest.fixture(scope="module")
def digits():
    return V.load_digit_data()


@pytest.fixture(scope="module")
def tiny(digits):
    """The text's CNN trained for one epoch on 300 images, with a counting augmentation hook."""
    calls, seen = [], []

    def augment(batch, rng):
        calls.append(batch.shape)
        return 255 - batch  # visible effect: training sees inverted digits

    result = V.train_cnn(
        "text",
        digits,
        epochs=1,
        max_train=300,
        augment=augment,
        progress=lambda d, t, info: seen.append((d, t, info)),
    )
    return result, calls, seen


def test_the_texts_cnn_has_the_texts_layers():
    model = V.build_cnn("text")
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 10)
    assert model.layers[0].filters == 32 and model.layers[0].kernel_size == (3, 3)
    assert model.count_params() == 32 * 27 + 32 + 15 * 15 * 32 * 10 + 10
    strong = V.build_cnn("strong")
    assert strong.output_shape == (None, 10) and strong.count_params() > model.count_params()
    with pytest.raises(ValueError, match="kind"):
        V.build_cnn("resnet")


def test_split_is_stratified_and_held_out(digits):
    assert len(digits.x_train) == 4000 and len(digits.x_test) == 1000
    assert np.all(np.bincount(digits.y_test) == 100)
    x = V.digits_to_input(digits.x_test[:2])
    assert x.shape == (2, 32, 32, 3) and x.dtype == np.float32 and x.max() <= 1.0
    assert np.all(x[:, :2] == 0)  # padded, not stretched
    with pytest.raises(ValueError, match="28, 28"):
        V.digits_to_input(np.zeros((2, 32, 32)))


def test_training_reports_progress_and_applies_the_hook(tiny):
    result, calls, seen = tiny
    assert [(d, t) for d, t, _ in seen] == [(1, 1)] and "loss" in seen[0][2]
    # every training image at least once (Keras may peek at the first batch for its shapes)
    assert 300 <= sum(shape[0] for shape in calls) <= 300 + 64
    assert len(result.epoch_s) == 1 and result.epoch_s[0] > 0
    assert result.info == {
        "train_images": 300,
        "epochs": 1,
        "schedule": "cosine",
        "learning_rate": 2e-3,
    }
    assert result.augment == {"name": "augment"}


def test_evaluation_matches_a_direct_computation(tiny, digits):
    model = tiny[0].model
    ev = V.evaluate(model, digits.x_test, digits.y_test)
    probs = np.asarray(model.predict(V.digits_to_input(digits.x_test), verbose=0))
    assert np.allclose(ev.probs, probs, atol=1e-5)
    pred = probs.argmax(1)
    assert ev.accuracy == pytest.approx(np.mean(pred == digits.y_test))
    assert ev.confusion.sum() == 1000 and np.trace(ev.confusion) == np.sum(pred == digits.y_test)
    assert set(ev.wrong.tolist()) == set(np.flatnonzero(pred != digits.y_test).tolist())
    conf = ev.probs[ev.wrong, ev.predicted[ev.wrong]]
    assert np.all(np.diff(conf) <= 0)  # most confident mistakes first
    with pytest.raises(ValueError, match="equal length"):
        V.evaluate(model, digits.x_test[:3], digits.y_test[:2])


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_save_load_round_trip_gives_identical_predictions(tiny, digits, tmp_path, suffix):
    model = tiny[0].model
    path = V.save_model(model, tmp_path / f"model{suffix}")
    again = V.load_model(path)
    x = V.digits_to_input(digits.x_test[:50])
    assert np.array_equal(np.asarray(model(x)), np.asarray(again(x)))
    with pytest.raises(ValueError, match=".h5 or .keras"):
        V.save_model(model, tmp_path / "model.pb")
    with pytest.raises(ValueError, match="not found"):
        V.load_model(tmp_path / "missing.h5")


def test_classify_digit_is_prepare_then_predict(tiny):
    model = tiny[0].model
    path = io.sample_path("digit_photo_7.jpg")
    pred = pp.classify_digit(model, path, k=3)
    probs = np.asarray(model(pp.prepare_digit(path).batch))[0]
    assert np.allclose(pred.probs, probs) and pred.top == pp.top_k(probs, 3)
    assert pred.label == int(np.argmax(probs))
    with pytest.raises(ValueError, match="batch axis"):
        pp.predict_probs(model, np.zeros((32, 32, 3)))
    with pytest.raises(ValueError, match="expects"):
        pp.predict_probs(model, np.zeros((1, 28, 28, 3)))


def test_bad_training_arguments(digits):
    with pytest.raises(TypeError, match="augment"):
        V.train_cnn("text", digits, epochs=1, augment="flip")
    with pytest.raises(ValueError, match="epochs"):
        V.train_cnn("text", digits, epochs=0)
    with pytest.raises(TypeError, match="epochs"):
        V.train_cnn("text", digits, epochs=1.5)
    with pytest.raises(ValueError, match="max_train"):
        V.train_cnn("text", digits, epochs=1, max_train=0)
    with pytest.raises(ValueError, match="same shape"):
        V.train_cnn("text", digits, epochs=1, max_train=64, augment=lambda b, r: b[:, :20])


def test_random_affine_is_seeded_and_keeps_shape(digits):
    aug = V.random_affine()
    batch = digits.x_train[:8]
    a = aug(batch, np.random.default_rng(1))
    b = aug(batch, np.random.default_rng(1))
    assert a.shape == batch.shape and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, batch)
    assert aug.config["name"] == "random_affine"
    with pytest.raises(ValueError):
        V.random_affine(scale=(1.2, 1.0))


def test_pretrained_cnn_trains_once_then_loads_from_cache(monkeypatch):
    calls = []
    first = V.pretrained_cnn(
        "text", epochs=1, max_train=200, progress=lambda d, t, i: calls.append(i)
    )
    second = V.pretrained_cnn(
        "text", epochs=1, max_train=200, progress=lambda d, t, i: calls.append(i)
    )
    assert calls[-1] == {"cached": 1} and "loss" in calls[0]
    x = np.zeros((1, 32, 32, 3), np.float32)
    assert np.array_equal(np.asarray(first(x)), np.asarray(second(x)))


def test_pretrained_cnn_key_follows_what_quick_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    hits = []

    def progress(done, total, info):
        hits.append(info.get("cached", 0))

    V.pretrained_cnn("text", quick=True, progress=progress)  # 1 epoch on QUICK_TRAIN images
    assert hits[-1] == 0
    V.pretrained_cnn("text", epochs=1, max_train=V.QUICK_TRAIN, progress=progress)
    assert hits[-1] == 1, "the same resolved settings are the same entry"
    V.pretrained_cnn("text", epochs=1, max_train=V.QUICK_TRAIN // 2, progress=progress)
    assert hits[-1] == 0, "a smaller training set is another entry"
    assert len(list((tmp_path / "vision-cnn").glob("text_cnn-*.keras"))) == 2
    V.pretrained_cnn("text", epochs=1, max_train=64, use_cache=False)
    assert len(list((tmp_path / "vision-cnn").glob("text_cnn-*.keras"))) == 2


def test_seed_kind_is_the_text_kind_for_one_release(digits):
    with pytest.warns(DeprecationWarning, match="'text'"):
        model = V.build_cnn("seed")
    assert model.name == "text_cnn"
    with pytest.warns(DeprecationWarning):
        assert V.recipe_augment("seed").config == V.recipe_augment("text").config
    assert V.MODEL_KINDS == ("text", "strong") and set(V.RECIPES) == set(V.MODEL_KINDS)


def test_old_record_names_are_aliases():
    from bigmodel_widgets.engine import splits

    assert V.DigitData is splits.DigitSplit and V.Prediction is V.DigitPrediction
    assert V.TrainResult is V.CnnTrainResult and V.Evaluation is V.DigitEvaluation
    assert "Prediction" not in V.__all__ and "TrainResult" not in V.__all__


def test_the_digits_are_the_cores_mnist5k_split(digits):
    from bigmodel_widgets.engine import splits

    core = splits.mnist5k_split(seed=0)
    assert isinstance(digits, splits.DigitSplit)
    assert digits.fingerprint() == core.fingerprint()
    with pytest.raises(ValueError, match="test_fraction"):
        V.load_digit_data(test_fraction=1.0)


def test_chapter1_pipeline_is_a_training_hook(digits):
    from bigmodel_widgets.engine import augment as aug

    batch = digits.x_train[:6]
    a = V.pipeline_augment()(batch, np.random.default_rng(0))
    b = V.pipeline_augment()(batch, np.random.default_rng(0))  # a fresh pipeline, same seed
    assert a.shape == batch.shape and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, batch)
    hook = V.pipeline_augment(aug.Pipeline([aug.Rotate(angle_range=(90, 90))], seed=0))
    got = hook(batch[:1], np.random.default_rng(0))[0].astype(int)
    # A quarter turn, whichever sign and pixel-centre convention chapter 1 uses (±1 px).
    mismatch = min(
        np.mean(np.abs(got - np.roll(np.rot90(batch[0], k), shift, axis)) > 60)
        for k in (1, 3)
        for shift in (-1, 0, 1)
        for axis in (0, 1)
    )
    assert mismatch < 0.02
    assert hook.config["name"] == "pipeline"
    with pytest.raises(ValueError, match="size"):
        V.pipeline_augment(aug.text_pipeline())  # the text's crop halves the image
    with pytest.raises(TypeError, match="Pipeline"):
        V.pipeline_augment(V.random_affine())


def test_recipes_are_complete_and_validated(digits):
    for kind in V.MODEL_KINDS:
        assert set(V.RECIPES[kind]) == {
            "epochs",
            "batch_size",
            "learning_rate",
            "schedule",
            "augment",
        }
        assert V.recipe_augment(kind).config["name"] == "random_affine"
    with pytest.raises(ValueError, match="schedule"):
        V.train_cnn("text", digits, epochs=1, schedule="step")
    with pytest.raises(ValueError, match="learning_rate"):
        V.train_cnn("text", digits, epochs=1, learning_rate=0)
