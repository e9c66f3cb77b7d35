"""Chapter 5's ImageClassifier, driven from Python: its results equal the engine's."""

from __future__ import annotations

import base64

import cv2
import numpy as np
import pytest

from bigmodel_widgets.engine import images as io
from bigmodel_widgets.engine.tasks import vision as V
from bigmodel_widgets.engine.tasks.vision import preprocess as pp
from bigmodel_widgets.widgets.image_classifier import DrawingCanvas, ImageClassifier


@pytest.fixture(scope="module")
def model():
    return V.build_cnn("text", seed=1)  # untrained: the view must match it, right or wrong


@pytest.fixture(scope="module")
def small_data():
    d = V.load_digit_data()
    return V.DigitSplit(d.x_train[:10], d.y_train[:10], d.x_test[:40], d.y_test[:40])


@pytest.fixture
def clf(model, small_data):
    return ImageClassifier(model, data=small_data, k=3)


def _data_url(img: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", img)[1]).decode()


def _same(pred, ref):
    assert pred is not None and ref is not None
    assert np.allclose(pred.probs, ref.probs) and pred.top == ref.top


def test_test_image_slider_shows_the_engine_prediction(clf, model, small_data):
    clf.test_index.value = 7
    _same(clf.prediction, pp.classify_digit(model, small_data.x_test[7], k=3))
    assert f'predicted <b class="bmw-predicted">{clf.prediction.label}</b>' in clf.source_view.value
    assert len(clf.steps_view.children) == len(clf.prediction.prep.steps)
    assert clf.topk_view.value.count("bmw-topk-row") == 3
    clf.k.value = 5  # re-runs the last input with the new k
    _same(clf.prediction, pp.classify_digit(model, small_data.x_test[7], k=5))
    assert clf.topk_view.value.count("bmw-topk-row") == 5


def test_drawing_on_the_canvas_classifies_it(clf, model):
    img = np.full((200, 200), 255, np.uint8)
    cv2.line(img, (100, 30), (100, 170), 0, 16)  # a "1", dark on white like the canvas
    clf.canvas.png = _data_url(img)
    _same(clf.prediction, pp.classify_digit(model, img, k=3))
    assert clf.prediction.prep.inverted and clf.errors.message == ""
    clf.clear_button.click()
    assert clf.canvas.png == "" and clf.canvas.clear_count == 1
    assert clf.prediction is None and clf.topk_view.value == ""


def test_empty_canvas_is_a_message_and_the_widget_keeps_working(clf, model, small_data):
    assert clf.classify_drawing() is None
    assert "canvas is empty" in clf.errors.message
    clf.canvas.png = _data_url(np.full((200, 200), 255, np.uint8))  # white, nothing drawn
    assert clf.prediction is None and "no digit found" in clf.errors.message
    clf.test_index.value = 3
    _same(clf.prediction, pp.classify_digit(model, small_data.x_test[3], k=3))
    assert clf.errors.message == ""


def test_upload_shows_the_engine_prediction(clf, model):
    path = io.sample_path("digit_photo_7.jpg")
    clf.upload_bytes(path.read_bytes(), "digit_photo_7.jpg")
    _same(clf.prediction, pp.classify_digit(model, path, k=3))
    assert "digit_photo_7.jpg" in clf.source_view.value


@pytest.mark.parametrize(
    "name, message",
    [
        ("truncated.jpg", "truncated"),
        ("not_an_image.png", "not an image"),
        ("one_pixel.png", "1x1"),
        ("blank.png", "no digit"),
    ],
)
def test_bad_uploads_show_a_message_and_the_widget_keeps_working(clf, model, name, message):
    clf.upload_bytes(io.sample_path(name).read_bytes(), name)
    assert clf.prediction is None and message in clf.errors.message
    assert name in clf.errors.message and "no prediction" in clf.source_view.value
    ok = io.sample_path("digit_16bit_5.png")
    clf.upload_bytes(ok.read_bytes(), ok.name)
    _same(clf.prediction, pp.classify_digit(model, ok, k=3))
    assert clf.errors.message == ""


def test_invert_choice_is_passed_to_the_engine(clf, model, small_data):
    clf.test_index.value = 2
    clf.invert.value = "yes"  # forcing inversion of a white-on-black digit
    _same(clf.prediction, pp.classify_digit(model, small_data.x_test[2], k=3, invert=True))
    assert clf.prediction.prep.inverted


def test_confusion_matrix_and_mistakes_equal_the_engine(clf, model, small_data):
    clf.evaluate_button.click()
    ref = V.evaluate(model, small_data.x_test, small_data.y_test)
    assert np.array_equal(clf.evaluation.confusion, ref.confusion)
    assert clf.evaluation.accuracy == ref.accuracy
    assert len(clf.wrong_view.children) == min(16, len(ref.wrong))
    assert "bmw-confusion" in clf.confusion_view.value


def test_constructor_validates(model, small_data):
    with pytest.raises(TypeError, match="unexpected keyword"):
        ImageClassifier(model, data=small_data, colour="red")
    with pytest.raises(TypeError, match="Keras model"):
        ImageClassifier("model.h5", data=small_data)
    with pytest.raises(ValueError, match="k must"):
        ImageClassifier(model, data=small_data, k=11)
    with pytest.raises(TypeError, match="k must"):
        ImageClassifier(model, data=small_data, k="3")


def test_signatures_are_explicit():
    import inspect

    from bigmodel_widgets.widgets.image_classifier import image_classifier

    for fn in (ImageClassifier.__init__, image_classifier):
        params = inspect.signature(fn).parameters
        assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
        assert {"data", "k", "canvas_size", "show_wrong", "mode"} <= set(params)
        keyword_only = ("data", "k", "canvas_size", "mode")
        assert all(params[n].kind is params[n].KEYWORD_ONLY for n in keyword_only)


def test_confusion_view_shades_each_cell(clf, model, small_data):
    ev = clf.show_evaluation()
    html = clf.confusion_view.value
    assert html.count("<tr>") == 11 and "true \\ pred" in html
    assert f">{int(ev.confusion[0, 0])}</td>" in html and "rgb(" in html


def test_canvas_rejects_non_image_payloads():
    canvas = DrawingCanvas()
    canvas.png = "data:text/plain;base64,aGVsbG8="
    with pytest.raises(io.ImageInputError, match="data URL"):
        canvas.png_bytes()


def test_one_call_helper_uses_the_cached_trained_model(small_data):
    from bigmodel_widgets.widgets.image_classifier import image_classifier

    seen = []
    clf = image_classifier(
        kind="text",
        data=small_data,
        k=2,  # quick mode: 1 epoch, then cached
        progress=lambda d, t, i: seen.append(i),
    )
    assert seen
    cached = V.pretrained_cnn("text", quick=True)
    x = V.digits_to_input(small_data.x_test[:5])
    assert np.array_equal(np.asarray(clf.model(x)), np.asarray(cached(x)))
    assert clf.k.value == 2


# ---- number mode: a row of digits --------------------------------------------------------
def _three_digits() -> np.ndarray:
    """A '1', a '7' and a '0' drawn dark on a white 600x200 canvas, as a person would."""
    img = np.full((200, 600), 255, np.uint8)
    cv2.line(img, (100, 40), (100, 160), 0, 16)
    cv2.polylines(img, [np.array([[220, 45], [320, 45], [260, 160]])], False, 0, 16)
    cv2.ellipse(img, (460, 100), (45, 60), 0, 0, 360, 0, 16)
    return img


def _same_reading(reading, ref):
    assert reading is not None and ref is not None
    assert reading.text == ref.text and reading.boxes == ref.boxes
    for a, b in zip(reading.digits, ref.digits):
        assert np.allclose(a.probs, b.probs) and a.top == b.top


@pytest.fixture
def nclf(model, small_data):
    return ImageClassifier(model, data=small_data, k=3, mode="number")


def test_number_mode_reads_a_drawing_of_three_digits(nclf, model):
    assert (nclf.canvas.width, nclf.canvas.height) == (600, 200)
    img = _three_digits()
    nclf.canvas.png = _data_url(img)
    ref = V.read_number(model, img, k=3)
    _same_reading(nclf.reading, ref)
    assert len(ref.text) == 3 and nclf.prediction is None and nclf.errors.message == ""
    assert f'class="bmw-number" style="font-size:1.3em">{ref.text}</b>' in nclf.source_view.value
    assert nclf.topk_view.value.count("bmw-digits-row") == 3
    assert len(nclf.steps_view.children) == 1 + 3  # the boxed image, then each digit


def test_number_mode_errors_show_and_the_widget_keeps_working(nclf, model):
    nclf.canvas.png = _data_url(np.full((200, 600), 255, np.uint8))
    assert nclf.reading is None and "no digits found" in nclf.errors.message
    bar = np.full((200, 600), 255, np.uint8)
    cv2.line(bar, (30, 100), (570, 100), 0, 16)
    nclf.upload_bytes(cv2.imencode(".png", bar)[1].tobytes(), "scribble.png")
    assert nclf.reading is None and "too wide to split" in nclf.errors.message
    assert "no number read" in nclf.source_view.value
    nclf.upload_bytes(cv2.imencode(".png", _three_digits())[1].tobytes(), "three.png")
    _same_reading(nclf.reading, V.read_number(model, _three_digits()))
    assert nclf.errors.message == ""


def test_the_mode_toggle_switches_canvas_and_reader(clf, model, small_data):
    clf.test_index.value = 3
    assert clf.prediction is not None and clf.canvas.width == 0
    clf.mode.value = "number"  # the slider now builds a number from 4 test digits
    img, _ = V.make_number(small_data.x_test[3:7], seed=3)
    _same_reading(clf.reading, V.read_number(model, img))
    assert clf.prediction is None and (clf.canvas.width, clf.canvas.height) == (600, 200)
    assert "true number" in clf.source_view.value
    clf.k.value = 2  # re-reads with the new k
    assert all(len(d.top) == 2 for d in clf.reading.digits)
    clf.mode.value = "digit"
    _same(clf.prediction, pp.classify_digit(model, small_data.x_test[3], k=2))
    assert clf.reading is None and clf.canvas.width == 0


def test_mode_is_checked(model, small_data):
    with pytest.raises(ValueError, match="mode"):
        ImageClassifier(model, data=small_data, mode="word")
