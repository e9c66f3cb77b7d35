"""The one image decoder: every input becomes RGB uint8 or a clear ImageInputError (no TensorFlow)."""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap

import cv2
import numpy as np
import pytest

from bigmodel_widgets.engine import images as io
from bigmodel_widgets.engine.tasks.vision import preprocess as pp
from tests._image_files import write_png_bomb


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


@pytest.mark.parametrize(
    "name, message",
    [
        ("truncated.jpg", "truncated"),
        ("not_an_image.png", "not an image"),
        ("one_pixel.png", "1x1 pixels"),
    ],
)
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


def _jpeg(side: int, progressive: bool = False) -> bytes:
    img = np.zeros((side, side, 3), np.uint8)
    img[::5] = 200
    params = [cv2.IMWRITE_JPEG_PROGRESSIVE, 1] if progressive else []
    return cv2.imencode(".jpg", img, params)[1].tobytes()


def test_big_baseline_jpeg_is_decoded_reduced(monkeypatch):
    # libjpeg decodes a baseline JPEG at 1/2..1/8 scale with memory that follows the output.
    monkeypatch.setattr(io, "MAX_PIXELS", 100 * 100)
    img = io.decode_image(_jpeg(300), name="big.jpg")
    assert img.shape[0] * img.shape[1] <= 100 * 100 and img.shape == (75, 75, 3)
    monkeypatch.setattr(io, "MAX_PIXELS", 20 * 20)  # even 1/8 is too big
    with pytest.raises(
        io.ImageInputError,
        match=r"^big.jpg: 300x300 pixels is more than the "
        r"25,600-pixel limit; shrink it",
    ):
        io.decode_image(_jpeg(300), name="big.jpg")


def test_png_and_progressive_jpeg_over_the_limit_are_refused_not_reduced(monkeypatch):
    # Reduced decoding saves nothing for these (cv2 and libjpeg allocate the full image first),
    # so they are refused from the header, and OpenCV never sees them.
    monkeypatch.setattr(io, "MAX_PIXELS", 100 * 100)
    monkeypatch.setattr(cv2, "imdecode", _must_not_decode)
    png = np.zeros((300, 300), np.uint8)
    for data, name in (
        (cv2.imencode(".png", png)[1].tobytes(), "big.png"),
        (_jpeg(300, progressive=True), "big.jpg"),
    ):
        with pytest.raises(
            io.ImageInputError, match=f"^{name}: 300x300 pixels is more than the 10,000-pixel limit"
        ):
            io.decode_image(data, name=name)


def _must_not_decode(*args, **kwargs):
    raise AssertionError("the bomb reached cv2.imdecode")


def test_bomb_is_refused_from_its_header(tmp_path, monkeypatch):
    monkeypatch.setattr(cv2, "imdecode", _must_not_decode)
    path = write_png_bomb(tmp_path / "bomb.png")
    assert path.stat().st_size < 1_000_000  # a few hundred KB for 400 megapixels
    with pytest.raises(io.ImageInputError) as info:
        io.read_image(path)
    assert str(info.value) == (
        "bomb.png: 20000x20000 pixels is more than the 16,000,000-pixel "
        "limit; shrink it (for example to 4000 pixels on the longer side) "
        "and try again"
    )


def test_pillow_bomb_error_becomes_our_message(monkeypatch):
    # A BMP header announcing 20000x20000: Pillow itself refuses it with DecompressionBombError.
    header = struct.pack("<2sIHHI", b"BM", 54, 0, 0, 54)
    header += struct.pack("<IiiHHIIiiII", 40, 20000, 20000, 1, 24, 0, 0, 2835, 2835, 0, 0)
    monkeypatch.setattr(cv2, "imdecode", _must_not_decode)
    with pytest.raises(io.ImageInputError, match=r"^huge.bmp: 400,000,000 pixels is more than "):
        io.decode_image(header + bytes(64), name="huge.bmp")
    # below Pillow's own limit but above ours: refused with the size Pillow read
    small = header.replace(struct.pack("<ii", 20000, 20000), struct.pack("<ii", 5000, 5000))
    with pytest.raises(io.ImageInputError, match=r"^huge.bmp: 5000x5000 pixels is more than "):
        io.decode_image(small + bytes(64), name="huge.bmp")


def test_messages_name_the_input_once_then_say_what_to_do():
    cases = {
        b"": "empty",
        b"<!doctype html><html></html>": "web page (HTML)",
        b"hello": "not an image",
        _jpeg(40)[:300]: "truncated",
    }
    for data, what in cases.items():
        with pytest.raises(io.ImageInputError) as info:
            io.decode_image(data, name="x.png")
        msg = str(info.value)
        assert msg.startswith("x.png: ") and msg.count("x.png") == 1 and what in msg, msg
        assert ";" in msg  # what is wrong; what to do


def test_bomb_peak_memory_stays_small(tmp_path):
    """Refusing the bomb costs < 100 MB above the process's baseline (measured in a child)."""
    path = write_png_bomb(tmp_path / "bomb.png")
    child = textwrap.dedent("""
        import resource, sys
        import cv2, numpy, PIL.Image
        from bigmodel_widgets.engine import images

        def status(key):
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) * 1024
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

        images.decode_image(cv2.imencode(".png", numpy.zeros((9, 9), numpy.uint8))[1].tobytes())
        baseline = status("VmRSS")  # after imports and one small decode
        try:
            images.read_image(sys.argv[1])
        except images.ImageInputError as exc:
            print("refused:", exc, file=sys.stderr)
        else:
            raise SystemExit("the bomb was accepted")
        print(status("VmHWM") - baseline)
    """)
    out = subprocess.run(
        [sys.executable, "-c", child, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "refused: bomb.png: 20000x20000 pixels" in out.stderr
    grown = int(out.stdout.split()[-1])
    assert grown < 100 * 2**20, f"the bomb cost {grown / 2**20:.0f} MB of peak memory"


def test_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 10)
    (tmp_path / "a.png").write_bytes(b"x" * 11)
    with pytest.raises(io.ImageInputError, match="limit"):
        io.read_image(tmp_path / "a.png")
