"""Chapter 5: every kind of input becomes RGB uint8 or a clear ImageInputError (no TensorFlow)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from bigmodel_widgets.engine import images as io
from bigmodel_widgets.engine.tasks.vision import preprocess as pp


def test_jpeg_path_is_rgb_not_bgr(tmp_path):
    bgr = np.zeros((20, 30, 3), np.uint8)
    bgr[..., 2] = 255  # pure red in OpenCV's BGR order
    path = tmp_path / "red.png"
    cv2.imwrite(str(path), bgr)
    rgb = io.read_image(path)
    assert rgb.shape == (20, 30, 3) and rgb.dtype == np.uint8
    assert rgb[0, 0].tolist() == [255, 0, 0]


def test_gray_file_becomes_three_equal_channels(tmp_path):
    gray = np.arange(400, dtype=np.uint8).reshape(20, 20)
    cv2.imwrite(str(tmp_path / "g.png"), gray)
    rgb = io.read_image(tmp_path / "g.png")
    assert rgb.shape == (20, 20, 3)
    assert np.array_equal(rgb[..., 0], gray) and np.array_equal(rgb[..., 2], gray)


def test_rgba_is_composited_over_white():
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:5, :, 3] = 255  # top half opaque black, bottom half transparent
    rgb = io.to_rgb(rgba)
    assert rgb[0, 0].tolist() == [0, 0, 0] and rgb[9, 9].tolist() == [255, 255, 255]


def test_rgba_sample_file_reads_as_dark_ink_on_white():
    rgb = io.read_image(io.sample_path("digit_rgba_3.png"))
    assert rgb.shape[2] == 3 and np.median(rgb) > 200 and rgb.min() < 80


def test_sixteen_bit_png_keeps_its_contrast():
    raw = cv2.imread(str(io.sample_path("digit_16bit_5.png")), cv2.IMREAD_UNCHANGED)
    assert raw.dtype == np.uint16  # the sample really is 16-bit
    rgb = io.read_image(io.sample_path("digit_16bit_5.png"))
    assert rgb.dtype == np.uint8
    assert np.array_equal(rgb[..., 0], (raw >> 8).astype(np.uint8))


def test_float_and_bool_arrays():
    assert io.to_rgb(np.full((9, 9), 0.5))[0, 0].tolist() == [128, 128, 128]
    assert io.to_rgb(np.ones((9, 9), bool))[0, 0, 0] == 255
    with pytest.raises(io.ImageInputError, match="NaN"):
        io.to_rgb(np.full((9, 9), np.nan))


def test_bytes_upload_decodes_like_the_file():
    path = io.sample_path("digit_photo_7.jpg")
    assert np.array_equal(pp.load_any(path.read_bytes()), io.read_image(path))


@pytest.mark.parametrize("name, message", [
    ("truncated.jpg", "truncated"),
    ("not_an_image.png", "not an image"),
    ("one_pixel.png", "1x1 pixels"),
])
def test_broken_sample_files_give_clear_errors(name, message):
    with pytest.raises(io.ImageInputError, match=message):
        io.read_image(io.sample_path(name))


def test_missing_file_and_wrong_types(tmp_path):
    with pytest.raises(io.ImageInputError, match="not found"):
        io.read_image(tmp_path / "nope.jpg")
    with pytest.raises(io.ImageInputError, match="empty"):
        io.decode_image(b"")
    with pytest.raises(TypeError, match="path"):
        io.read_image(42)
    with pytest.raises(TypeError, match="image must be"):
        pp.load_any(3.5)
    with pytest.raises(io.ImageInputError, match="shape"):
        io.to_rgb(np.zeros((10, 10, 2), np.uint8))
    with pytest.raises(io.ImageInputError, match="no sample named"):
        io.sample_path("missing.png")


def test_truncated_png_is_detected():
    data = cv2.imencode(".png", np.full((50, 50), 7, np.uint8))[1].tobytes()
    with pytest.raises(io.ImageInputError, match="PNG is truncated"):
        io.decode_image(data[:-20])


def test_huge_image_is_decoded_reduced(monkeypatch):
    # A header announcing more pixels than allowed is decoded at 1/2..1/8 scale, not in full.
    monkeypatch.setattr(io, "MAX_PIXELS", 100 * 100)
    data = cv2.imencode(".png", np.full((300, 300, 3), 200, np.uint8))[1].tobytes()
    img = io.decode_image(data, name="big.png")
    assert img.shape[0] * img.shape[1] <= 100 * 100 and img.shape[2] == 3
    monkeypatch.setattr(io, "MAX_PIXELS", 20 * 20)
    with pytest.raises(io.ImageInputError, match="1/8 scale"):
        io.decode_image(data, name="big.png")


def test_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 10)
    (tmp_path / "a.png").write_bytes(b"x" * 11)
    with pytest.raises(io.ImageInputError, match="limit"):
        io.read_image(tmp_path / "a.png")
