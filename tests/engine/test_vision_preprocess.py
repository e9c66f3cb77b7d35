"""Chapter 5: the text's inference path made correct, and the digit path (no TensorFlow here)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from bigmodel_widgets.engine import data
from bigmodel_widgets.engine import images as io
from bigmodel_widgets.engine.tasks.vision import preprocess as pp


def test_prepare_photo_shape_range_and_rgb():
    batch = pp.prepare_photo(io.sample_path("digit_photo_7.jpg"), size=32)
    assert batch.shape == (1, 32, 32, 3) and batch.dtype == np.float32
    assert batch.min() >= 0.0 and batch.max() <= 1.0


def test_resize_picks_area_to_shrink_and_cubic_to_enlarge():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (64, 64), dtype=np.uint8)
    assert np.array_equal(
        pp.resize(img, (16, 16)), cv2.resize(img, (16, 16), interpolation=cv2.INTER_AREA)
    )
    assert np.array_equal(
        pp.resize(img, (128, 128)), cv2.resize(img, (128, 128), interpolation=cv2.INTER_CUBIC)
    )
    with pytest.raises(ValueError, match="size"):
        pp.resize(img, (0, 5))
    with pytest.raises(TypeError, match="size"):
        pp.resize(img, 16)


def _mnist_digit(i=0):
    x, y = data.load_mnist5k()
    return x[i], int(y[i])


def test_digit_path_reproduces_the_mnist_recipe():
    # MNIST digits blown up to 200x200 and printed dark on white come back close to themselves.
    x, _ = data.load_mnist5k()
    corrs = []
    for digit in x[::500]:
        big = 255 - cv2.resize(digit, (200, 200), interpolation=cv2.INTER_CUBIC)
        prep = pp.prepare_digit(big, size=32)
        assert prep.inverted is True
        assert prep.batch.shape == (1, 32, 32, 3) and prep.batch.dtype == np.float32
        got = prep.batch[0, 2:30, 2:30, 0]
        corrs.append(np.corrcoef(got.ravel(), digit.ravel().astype(np.float32))[0, 1])
    assert np.mean(corrs) > 0.75 and min(corrs) > 0.5, corrs
    assert list(prep.steps)[:3] == ["input", "gray", "white on black"]


def test_digit_is_centred_by_mass_whatever_its_position():
    img = np.zeros((100, 100), np.uint8)
    cv2.circle(img, (15, 80), 8, 255, -1)  # a blob in the bottom-left corner
    prep = pp.prepare_digit(img, size=32)
    assert prep.inverted is False  # dark background: kept as is
    m = prep.steps["centred 28x28"].astype(float)
    cy = (m.sum(1) @ np.arange(28)) / m.sum()
    cx = (m.sum(0) @ np.arange(28)) / m.sum()
    assert abs(cy - 13.5) <= 1 and abs(cx - 13.5) <= 1
    ys, xs = np.nonzero(m)
    assert max(np.ptp(ys), np.ptp(xs)) + 1 == pp.DIGIT_BOX


@pytest.mark.parametrize("name", ["digit_photo_7.jpg", "digit_rgba_3.png", "digit_16bit_5.png"])
def test_every_sample_kind_gives_a_centred_digit(name):
    prep = pp.prepare_digit(io.sample_path(name))
    assert prep.inverted is True  # all samples are dark ink on light paper
    assert prep.batch[0, :2].max() == 0 and prep.batch[0, -2:].max() == 0  # the pad is empty
    assert prep.batch.max() > 0.9  # ink reaches full white


def test_blank_canvas_and_blank_file_say_no_digit():
    with pytest.raises(io.ImageInputError, match="no digit"):
        pp.prepare_digit(np.full((64, 64, 4), 0, np.uint8))  # a fully transparent canvas
    with pytest.raises(io.ImageInputError, match="no digit"):
        pp.prepare_digit(io.sample_path("blank.png"))
    with pytest.raises(ValueError, match="size"):
        pp.prepare_digit(np.zeros((40, 40)), size=16)


def test_huge_array_is_worked_on_at_bounded_size():
    img = np.full((3000, 2000), 255, np.uint8)
    cv2.putText(img, "4", (400, 2400), cv2.FONT_HERSHEY_SIMPLEX, 60, 0, 200)
    prep = pp.prepare_digit(img)
    assert max(prep.steps["gray"].shape) == 512
    assert prep.batch.shape == (1, 32, 32, 3)


def test_top_k_orders_and_validates():
    assert pp.top_k([0.1, 0.6, 0.3], k=2) == [(1, 0.6), (2, 0.3)]
    assert len(pp.top_k(np.ones(10) / 10, k=20)) == 10
    with pytest.raises(ValueError, match="k must"):
        pp.top_k([0.5, 0.5], k=0)


def test_specks_of_dust_do_not_stretch_the_crop():
    img = np.full((200, 200), 255, np.uint8)
    cv2.line(img, (100, 60), (100, 160), 0, 14)  # the digit
    clean = pp.prepare_digit(img).steps["cropped"].shape
    img[5:8, 5:8] = 0  # a speck far away in the corner
    assert pp.prepare_digit(img).steps["cropped"].shape == clean
