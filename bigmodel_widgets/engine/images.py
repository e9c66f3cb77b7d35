"""Reading images safely: the one decoder for files, bytes and uploads.

``cv2.imread`` returns None on a missing or unreadable file, gives BGR, and happily decodes a
truncated JPEG into a half-grey picture. Here every input (``read_image`` for a path,
``decode_image`` for bytes, which is what every upload button calls) becomes an RGB uint8 array or
a clear :class:`ImageInputError` (a ValueError). Messages name the input once, then say what is
wrong and what to do: ``"x.png: the PNG is truncated ...; export it again"``.

Memory stays bounded: the size is read from the header before any pixel is decoded. A
decompression bomb (a 20,000 x 20,000 PNG of a few hundred KB) is refused from its header; only
a baseline JPEG is decoded reduced (1/2, 1/4 or 1/8), because only there does libjpeg really
decode less (PNG, TIFF and progressive JPEG allocate the full image whatever the flag says).
"""

from __future__ import annotations

import io
import os
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .i18n import t

__all__ = [
    "ImageInputError",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MIN_SIDE",
    "read_image",
    "decode_image",
    "to_rgb",
    "sample_path",
    "SAMPLES_DIR",
]

MAX_FILE_BYTES = 64 * 1024 * 1024  # refuse to read more than this from disk or an upload
MAX_PIXELS = 16_000_000  # the largest image decoded (about 48 MB as RGB); larger ones are refused
MIN_SIDE = 8  # smaller than this carries no recognisable shape
# The project's own sample images (made by scripts/make_samples.py), shipped inside the package
# as package data, so an installed (non-editable) copy has them too.
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


class ImageInputError(ValueError):
    """An input that is not a usable image; the message says why and what to do."""


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as RGB uint8 (H, W, 3), or raise ImageInputError naming the file.

    Same verdicts and messages as :func:`decode_image` on the file's bytes (an upload).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(t("img.path_type", type=type(path).__name__))
    p = Path(path)
    if not p.exists():
        raise ImageInputError(t("img.not_found", name=p))
    if not p.is_file():
        raise ImageInputError(t("img.not_a_file", name=p))
    _check_file_size(p.stat().st_size, p.name)  # before reading it into memory
    return decode_image(p.read_bytes(), name=p.name)


def sample_path(name: str) -> Path:
    """Path of one of the project's sample images (good and deliberately broken ones)."""
    path = SAMPLES_DIR / name
    if not SAMPLES_DIR.is_dir():
        raise ImageInputError(t("img.no_samples", folder=SAMPLES_DIR))
    if not path.is_file() or path.suffix == ".py":
        names = sorted(p.name for p in SAMPLES_DIR.iterdir() if p.suffix != ".py")
        raise ImageInputError(t("img.no_sample", name=repr(name), names=", ".join(names)))
    return path


def _check_file_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        mb, limit = f"{size / 2**20:.0f}", f"{MAX_FILE_BYTES / 2**20:.0f}"
        raise ImageInputError(t("img.file_too_big", name=name, mb=mb, limit=limit))


@dataclass(frozen=True)
class _Header:
    """What the file header says, read without decoding a pixel."""

    format: str  # Pillow's name: "PNG", "JPEG", "TIFF" ...
    width: int | None  # None when Pillow refused the header as a bomb (it gives only a count)
    height: int | None
    pixels: int
    progressive: bool = False  # a progressive JPEG needs full-size buffers even when reduced


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PILLOW_BOMB = re.compile(r"\((\d+) pixels\)")  # "Image size (N pixels) exceeds limit ..."


def _read_header(data: bytes) -> _Header | None:
    """The image's format and size from its header only; None when no image format matches."""
    if data[:8] == _PNG_SIGNATURE and data[12:16] == b"IHDR" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])  # PNG: IHDR is always the first chunk
        return _Header("PNG", w, h, w * h)
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # bomb warnings (our limit is lower), corrupt EXIF ...
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:  # reads the header, not the pixels
                w, h = im.size
                return _Header(str(im.format), w, h, w * h, bool(im.info.get("progressive")))
    except Image.DecompressionBombError as exc:  # far above our limit: its count is enough
        found = _PILLOW_BOMB.search(str(exc))
        return _Header("image", None, None, int(found.group(1)) if found else 2**62)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError):
        return None  # not an image format we know, or a header too damaged to read


def _not_an_image(data: bytes, name: str) -> ImageInputError:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return ImageInputError(t("img.html", name=name))
    return ImageInputError(t("img.not_image", name=name))


def _truncation(data: bytes, name: str) -> ImageInputError | None:
    """A JPEG or PNG that is cut short. OpenCV decodes such files without complaint."""
    if data[:3] == b"\xff\xd8\xff" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        kind, missing = "JPEG", t("img.no_eoi")
    elif data[:8] == _PNG_SIGNATURE and b"IEND" not in data[-16:]:
        kind, missing = "PNG", t("img.no_iend")
    else:
        return None
    return ImageInputError(t("img.truncated", name=name, kind=kind, missing=missing))


def _too_many_pixels(
    name: str, width: int | None, height: int | None, pixels: int, limit: int
) -> ImageInputError:
    size = f"{width}x{height}" if width is not None else f"{pixels:,}"
    return ImageInputError(t("img.too_many_pixels", name=name, size=size, limit=f"{limit:,}"))


def _decode_flags(header: _Header, name: str) -> int:
    """cv2.imdecode flags that keep the decoded image within MAX_PIXELS, or refuse it."""
    import cv2

    if header.pixels <= MAX_PIXELS:
        return cv2.IMREAD_UNCHANGED
    if header.format == "JPEG" and not header.progressive:
        # libjpeg scales baseline JPEGs while decoding (DCT scaling): memory follows the output.
        for factor, flag in (
            (2, cv2.IMREAD_REDUCED_COLOR_2),
            (4, cv2.IMREAD_REDUCED_COLOR_4),
            (8, cv2.IMREAD_REDUCED_COLOR_8),
        ):
            if header.pixels / factor**2 <= MAX_PIXELS:
                return flag | cv2.IMREAD_IGNORE_ORIENTATION  # like IMREAD_UNCHANGED
        limit = MAX_PIXELS * 64
    else:
        limit = MAX_PIXELS
    raise _too_many_pixels(name, header.width, header.height, header.pixels, limit)


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """Decode encoded bytes (PNG, JPEG, BMP, TIFF, WebP, GIF) to RGB uint8 (H, W, 3).

    ``name`` (a file name) starts every error message. The header is checked before any
    pixel is decoded, so a decompression bomb costs no memory.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(t("img.data_type", type=type(data).__name__))
    data = bytes(data)
    if not data:
        raise ImageInputError(t("img.empty", name=name))
    _check_file_size(len(data), name)
    truncated = _truncation(data, name)  # first: a file cut inside its header is truncated too
    if truncated is not None:
        raise truncated
    header = _read_header(data)
    if header is None:
        raise _not_an_image(data, name)
    flags = _decode_flags(header, name)
    import cv2

    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # our message says it
    try:
        img = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    except cv2.error:
        img = None
    finally:
        cv2.utils.logging.setLogLevel(level)
    if img is None:  # cv2 signals failure with None, not an exception
        raise ImageInputError(t("img.damaged", name=name, format=header.format))
    if img.ndim == 3 and img.shape[2] == 3:
        img = img[..., ::-1]  # OpenCV decodes to BGR
    elif img.ndim == 3 and img.shape[2] == 4:
        img = img[..., [2, 1, 0, 3]]  # BGRA -> RGBA
    return to_rgb(img, name=name)


def _to_uint8(img: np.ndarray, name: str) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.bool_:
        return img.astype(np.uint8) * 255
    if img.dtype == np.uint16:
        return (img >> 8).astype(np.uint8)  # 16-bit PNG/TIFF: keep the top 8 bits
    if np.issubdtype(img.dtype, np.floating):
        if not np.all(np.isfinite(img)):
            raise ImageInputError(t("img.nan", name=name))
        hi = float(img.max()) if img.size else 0.0
        scale = 255.0 if hi <= 1.0 else 1.0  # floats in [0, 1] or already in [0, 255]
        return np.clip(np.rint(img * scale), 0, 255).astype(np.uint8)
    if np.issubdtype(img.dtype, np.integer):
        return np.clip(img, 0, 255).astype(np.uint8)
    raise TypeError(t("img.pixel_type", name=name, dtype=img.dtype))


def to_rgb(img: np.ndarray, name: str = "image") -> np.ndarray:
    """Any image array (gray, gray+1, RGB, RGBA; uint8/uint16/bool/float) -> RGB uint8.

    Arrays are taken as RGB(A), as NumPy, PIL and matplotlib give them; RGBA is composited
    over white so a drawing on a transparent background reads as dark ink on paper.
    """
    if not isinstance(img, np.ndarray):
        raise TypeError(t("img.array_type", name=name, type=type(img).__name__))
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (3, 4)):
        raise ImageInputError(t("img.bad_shape", name=name, shape=img.shape))
    h, w = img.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise ImageInputError(t("img.too_small", name=name, w=w, h=h, side=MIN_SIDE))
    if h * w > MAX_PIXELS:
        raise _too_many_pixels(name, w, h, h * w, MAX_PIXELS)
    img = _to_uint8(img, name)
    if img.ndim == 2:
        return np.ascontiguousarray(np.repeat(img[..., None], 3, axis=2))
    if img.shape[2] == 4:
        alpha = img[..., 3:4].astype(np.float32) / 255.0
        rgb = img[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
        return np.rint(rgb).astype(np.uint8)
    return np.ascontiguousarray(img)
