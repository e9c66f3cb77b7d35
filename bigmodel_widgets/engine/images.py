"""Reading images safely: the text's ``cv2.imread`` made correct for every input a student brings.

``cv2.imread`` returns None on a missing or unreadable file, gives BGR, and happily decodes a
truncated JPEG into a half-grey picture. Here every input becomes an RGB uint8 array or a clear
:class:`ImageInputError` (a ValueError) that says what was wrong. Memory stays bounded: the size
is read from the header first and huge images are decoded at 1/2, 1/4 or 1/8 scale.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

__all__ = ["ImageInputError", "MAX_FILE_BYTES", "MAX_PIXELS", "MIN_SIDE", "read_image",
           "decode_image", "to_rgb", "sample_path", "SAMPLES_DIR"]

MAX_FILE_BYTES = 64 * 1024 * 1024  # refuse to read more than this from disk or an upload
MAX_PIXELS = 16_000_000  # decoded images are reduced until they fit (about 48 MB as RGB)
MIN_SIDE = 8  # smaller than this carries no recognisable shape
# The project's own sample images (made by data/samples/make_samples.py), in the checkout.
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"


class ImageInputError(ValueError):
    """An input that is not a usable image; the message says why and what to do."""


def read_image(path) -> np.ndarray:
    """Read an image file as RGB uint8 (H, W, 3), or raise ImageInputError naming the file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if not p.exists():
        raise ImageInputError(f"image file not found: {p}")
    if not p.is_file():
        raise ImageInputError(f"not a file: {p}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImageInputError(f"{p.name} is {size / 2**20:.0f} MB; the limit is "
                              f"{MAX_FILE_BYTES / 2**20:.0f} MB")
    return decode_image(p.read_bytes(), name=p.name)


def sample_path(name: str) -> Path:
    """Path of one of the project's sample images (good and deliberately broken ones)."""
    path = SAMPLES_DIR / name
    if not SAMPLES_DIR.is_dir():
        raise ImageInputError(f"sample folder {SAMPLES_DIR} is missing: run "
                              f"python data/samples/make_samples.py in the repository")
    if not path.is_file() or path.suffix == ".py":
        names = sorted(p.name for p in SAMPLES_DIR.iterdir() if p.suffix != ".py")
        raise ImageInputError(f"no sample named {name!r}; available: {', '.join(names)}")
    return path


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the file header without decoding pixels; None if unknown."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:  # not a format Pillow knows: OpenCV will decide below
        return None


def _truncation(data: bytes) -> str | None:
    """Why a JPEG or PNG is cut short, or None. OpenCV decodes such files without complaint."""
    if data[:3] == b"\xff\xd8\xff" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "the JPEG is truncated (no end-of-image marker): the file was cut short"
    if data[:8] == b"\x89PNG\r\n\x1a\n" and b"IEND" not in data[-16:]:
        return "the PNG is truncated (no IEND chunk): the file was cut short"
    return None


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """Decode encoded bytes (PNG, JPEG, BMP, TIFF, WebP ...) to RGB uint8 (H, W, 3)."""
    import cv2

    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ImageInputError(f"{name} is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise ImageInputError(f"{name} is {len(data) / 2**20:.0f} MB; the limit is "
                              f"{MAX_FILE_BYTES / 2**20:.0f} MB")
    why = _truncation(data)
    if why:
        raise ImageInputError(f"{name}: {why}")
    buf = np.frombuffer(data, np.uint8)
    wh = _header_size(data)
    flags = cv2.IMREAD_UNCHANGED
    if wh is not None and wh[0] * wh[1] > MAX_PIXELS:
        # Decode at reduced scale so a 100-megapixel photo never needs gigabytes.
        for factor, flag in ((2, cv2.IMREAD_REDUCED_COLOR_2), (4, cv2.IMREAD_REDUCED_COLOR_4),
                             (8, cv2.IMREAD_REDUCED_COLOR_8)):
            if wh[0] * wh[1] / factor**2 <= MAX_PIXELS:
                flags = flag
                break
        else:
            raise ImageInputError(f"{name} is {wh[0]}x{wh[1]} pixels; even at 1/8 scale that "
                                  f"exceeds {MAX_PIXELS:,} pixels")
    img = cv2.imdecode(buf, flags)
    if img is None:  # cv2 signals failure with None, not an exception
        raise ImageInputError(f"{name} is not an image OpenCV can decode (PNG, JPEG, BMP, "
                              f"TIFF, WebP ...); is it really an image file?")
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
            raise ImageInputError(f"{name} contains NaN or infinite values")
        hi = float(img.max()) if img.size else 0.0
        scale = 255.0 if hi <= 1.0 else 1.0  # floats in [0, 1] or already in [0, 255]
        return np.clip(np.rint(img * scale), 0, 255).astype(np.uint8)
    if np.issubdtype(img.dtype, np.integer):
        return np.clip(img, 0, 255).astype(np.uint8)
    raise TypeError(f"{name}: unsupported pixel type {img.dtype}")


def to_rgb(img, name: str = "image") -> np.ndarray:
    """Any image array (gray, gray+1, RGB, RGBA; uint8/uint16/bool/float) -> RGB uint8.

    Arrays are taken as RGB(A), as NumPy, PIL and matplotlib give them; RGBA is composited
    over white so a drawing on a transparent background reads as dark ink on paper.
    """
    if not isinstance(img, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(img).__name__}")
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (3, 4)):
        raise ImageInputError(f"{name} has shape {img.shape}; expected (H, W), (H, W, 3) "
                              f"or (H, W, 4)")
    h, w = img.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise ImageInputError(f"{name} is only {w}x{h} pixels; at least {MIN_SIDE}x{MIN_SIDE} "
                              f"is needed to see a shape")
    if h * w > MAX_PIXELS:
        raise ImageInputError(f"{name} is {w}x{h} pixels; the limit is {MAX_PIXELS:,}")
    img = _to_uint8(img, name)
    if img.ndim == 2:
        return np.ascontiguousarray(np.repeat(img[..., None], 3, axis=2))
    if img.shape[2] == 4:
        alpha = img[..., 3:4].astype(np.float32) / 255.0
        rgb = img[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
        return np.rint(rgb).astype(np.uint8)
    return np.ascontiguousarray(img)
