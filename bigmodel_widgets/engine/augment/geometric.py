"""Geometric transforms: each returns a 3x3 matrix and its new frame size, so the pipeline can
fuse them all into a single warp."""
from __future__ import annotations

import math

import numpy as np

from . import functional as F
from .base import Draw, GeometricTransform
from .base import uniform as _u

__all__ = ["Rotate", "RandomCrop", "HorizontalFlip", "VerticalFlip", "Scale", "Translate", "Shear",
           "Perspective", "Resize"]


class Rotate(GeometricTransform):
    """Rotation about the image centre, same output size (the text's first step)."""

    ranges = {"angle_range": (-180.0, 180.0)}

    @classmethod
    def defaults(cls):
        return {"angle_range": (-30.0, 30.0)}

    def _sample_values(self, rng):
        return {"angle": _u(rng, self.angle_range)}

    def geometry(self, draw, h, w):
        return F.rotation(draw.get("angle"), w / 2, h / 2), h, w  # the text's centre (w/2, h/2)


class RandomCrop(GeometricTransform):
    """Crop ``height`` x ``width`` (pixels, or a fraction of the frame when a float <= 1) at an
    offset drawn from ``x_range``/``y_range`` (fractions of W/H; None = anywhere it fits).
    ``RandomCrop(0.5, 0.5, x_range=(0, 0.25), y_range=(0, 0.25))`` is the text's crop."""

    def __init__(self, height=0.5, width=0.5, x_range=None, y_range=None, p: float = 1.0):
        super().__init__(p)
        for key, v in (("height", height), ("width", width)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0 or (isinstance(v, float) and v > 1):
                raise ValueError(f"{key} must be a positive int (pixels) or a float in (0, 1], got {v!r}")
        self.height, self.width = height, width
        self.x_range = None if x_range is None else F.check_range(x_range, "x_range", 0.0, 1.0)
        self.y_range = None if y_range is None else F.check_range(y_range, "y_range", 0.0, 1.0)

    def _extra_config(self):
        return {"height": self.height, "width": self.width,
                "x_range": None if self.x_range is None else list(self.x_range),
                "y_range": None if self.y_range is None else list(self.y_range)}

    def _sample_values(self, rng):
        # Fractions of the offset range; the pixel offset is floor(u * n) like randint(0, n).
        return {"u": float(rng.random()), "v": float(rng.random())}

    @staticmethod
    def size_of(v, full: int, key: str) -> int:
        size = v if isinstance(v, int) else max(1, int(v * full))
        if size > full:
            raise ValueError(f"crop {key} {size} is larger than the image ({full} px)")
        return size

    @staticmethod
    def _offset(u: float, full: int, size: int, r) -> int:
        lo, n = (0, full - size + 1) if r is None else (int(r[0] * full), max(1, int((r[1] - r[0]) * full)))
        off = lo + min(int(math.floor(u * n)), n - 1)
        return min(off, full - size)

    def offsets(self, draw: Draw, h: int, w: int) -> tuple[int, int, int, int]:
        """(x, y, crop_h, crop_w) in pixels for this frame."""
        ch, cw = self.size_of(self.height, h, "height"), self.size_of(self.width, w, "width")
        return (self._offset(draw.get("u"), w, cw, self.x_range),
                self._offset(draw.get("v"), h, ch, self.y_range), ch, cw)

    def geometry(self, draw, h, w):
        x, y, ch, cw = self.offsets(draw, h, w)
        return F.translation(-x, -y), ch, cw


class HorizontalFlip(GeometricTransform):
    def __init__(self, p: float = 0.5):
        super().__init__(p)

    def geometry(self, draw, h, w):
        return F.hflip(w), h, w


class VerticalFlip(GeometricTransform):
    def __init__(self, p: float = 0.5):
        super().__init__(p)

    def geometry(self, draw, h, w):
        return F.vflip(h), h, w


class Scale(GeometricTransform):
    """Zoom about the centre by a factor drawn from ``scale_range`` (>1 zooms in)."""

    ranges = {"scale_range": (0.05, 20.0)}

    @classmethod
    def defaults(cls):
        return {"scale_range": (0.8, 1.2)}

    def _sample_values(self, rng):
        return {"scale": _u(rng, self.scale_range)}

    def geometry(self, draw, h, w):
        s = draw.get("scale")
        return F.scaling(s, s, (w - 1) / 2, (h - 1) / 2), h, w


class Translate(GeometricTransform):
    """Shift by fractions of the width/height drawn from ``x_range``/``y_range``."""

    ranges = {"x_range": (-1.0, 1.0), "y_range": (-1.0, 1.0)}

    @classmethod
    def defaults(cls):
        return {"x_range": (-0.1, 0.1), "y_range": (-0.1, 0.1)}

    def _sample_values(self, rng):
        return {"dx": _u(rng, self.x_range), "dy": _u(rng, self.y_range)}

    def geometry(self, draw, h, w):
        return F.translation(draw.get("dx") * w, draw.get("dy") * h), h, w


class Shear(GeometricTransform):
    """Shear about the centre by angles (degrees) drawn from ``x_range``/``y_range``."""

    ranges = {"x_range": (-60.0, 60.0), "y_range": (-60.0, 60.0)}

    @classmethod
    def defaults(cls):
        return {"x_range": (-10.0, 10.0), "y_range": (0.0, 0.0)}

    def _sample_values(self, rng):
        return {"sx": _u(rng, self.x_range), "sy": _u(rng, self.y_range)}

    def geometry(self, draw, h, w):
        return F.shear(draw.get("sx"), draw.get("sy"), (w - 1) / 2, (h - 1) / 2), h, w


class Perspective(GeometricTransform):
    """Move each corner inwards/outwards by up to a fraction drawn from ``distortion_range``."""

    ranges = {"distortion_range": (0.0, 0.4)}

    @classmethod
    def defaults(cls):
        return {"distortion_range": (0.0, 0.1)}

    def _sample_values(self, rng):
        d = _u(rng, self.distortion_range)
        return {"offsets": tuple(float(v) for v in rng.uniform(-d, d, size=8))}

    def geometry(self, draw, h, w):
        return F.perspective(draw.get("offsets"), h, w), h, w


class Resize(GeometricTransform):
    """Resize to ``height`` x ``width`` pixels (deterministic; part of the single warp)."""

    def __init__(self, height: int = 224, width: int = 224, p: float = 1.0):
        super().__init__(p)
        for key, v in (("height", height), ("width", width)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{key} must be a positive int, got {v!r}")
        self.height, self.width = height, width

    def _extra_config(self):
        return {"height": self.height, "width": self.width}

    def geometry(self, draw, h, w):
        sx, sy = self.width / w, self.height / h
        # pixel-centre aligned, as cv2.resize does
        return F.translation(-0.5, -0.5) @ np.diag([sx, sy, 1.0]) @ F.translation(0.5, 0.5), self.height, self.width

