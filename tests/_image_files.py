"""Image files for the decoder tests, made on the fly (nothing large is committed).

``write_png_bomb`` writes a valid 20,000 x 20,000 all-black grey PNG of a few hundred KB while
holding only one row in memory: the zlib stream is compressed row by row.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["write_png_bomb", "INPUTS", "write_input"]

BOMB_SIDE = 20_000


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def write_png_bomb(path: Path, side: int = BOMB_SIDE) -> Path:
    """A valid ``side`` x ``side`` 8-bit grey PNG of zeros (400 MB of pixels in ~400 KB)."""
    comp = zlib.compressobj(9)
    row = bytes(side + 1)  # filter type 0, then `side` zero pixels
    idat = b"".join([comp.compress(row) for _ in range(side)] + [comp.flush()])
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
    return path


def _digit(dtype=np.uint8, scale: float = 255) -> np.ndarray:
    """A dark "7"-ish stroke on a light 40x48 background: accepted by every path."""
    img = np.full((48, 40), 0.9, np.float32)
    img[8:12, 8:32] = 0.1
    for i in range(28):
        img[12 + i, 28 - i // 2 : 32 - i // 2] = 0.1
    return (img * scale).astype(dtype)


def _encode(ext: str, img: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(ext, img)
    assert ok, ext
    return buf.tobytes()


def _truncated_jpeg() -> bytes:
    data = _encode(".jpg", np.dstack([_digit()] * 3))
    return data[: len(data) // 2]


def _rgba_png() -> bytes:
    rgba = np.zeros((48, 40, 4), np.uint8)
    rgba[..., 3] = 255 - _digit()  # black ink where the digit is, transparent elsewhere
    return _encode(".png", rgba)


def _float_tiff() -> bytes:
    import tempfile

    import cv2

    # cv2.imencode cannot write float TIFF into memory on every build: go through a file.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.tiff"
        assert cv2.imwrite(str(path), _digit(np.float32, 1.0))
        return path.read_bytes()


# name -> a function returning the file's bytes (the bomb is written separately: it is large)
INPUTS = {
    "truncated.jpg": _truncated_jpeg,
    "page.jpg": lambda: (
        b"<!DOCTYPE html>\n<html><head><title>cat</title></head><body></body></html>\n"
    ),
    "one_pixel.png": lambda: _encode(".png", np.zeros((1, 1), np.uint8)),
    "sixteen_bit.png": lambda: _encode(".png", _digit(np.uint16, 65535)),
    "float.tiff": _float_tiff,
    "rgba.png": _rgba_png,
}


def write_input(folder: Path, name: str) -> Path:
    """Write the input called ``name`` (a key of INPUTS, or "bomb.png") into ``folder``."""
    path = folder / name
    if name == "bomb.png":
        return write_png_bomb(path)
    path.write_bytes(INPUTS[name]())
    return path
