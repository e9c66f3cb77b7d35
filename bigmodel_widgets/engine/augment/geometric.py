"""Geometric transforms: each returns a 3x3 matrix and its new frame size, so the pipeline can
fuse them all into a single warp."""

from __future__ import annotations

import math

import numpy as np

from . import functional as F
from .base import Draw, GeometricTransform, probability, setting
from .base import uniform as _u

__all__ = [
    "Rotate",
    "RandomCrop",
    "HorizontalFlip",
    "VerticalFlip",
    "Scale",
    "Translate",
    "Shear",
    "Perspective",
    "Resize",
]


class Rotate(GeometricTransform):
    """Rotation about the image centre, same output size (the text's first step)."""

    angle_range: tuple[float, float] = setting(
        (-30.0, 30.0),
        "range",
        low=-180.0,
        high=180.0,
        step=1.0,
        doc="rotation angle in degrees, drawn uniformly",
    )

    def _sample_values(self, rng):
        return {"angle": _u(rng, self.angle_range)}

    def geometry(self, draw, h, w):
        return F.rotation(draw.get("angle"), w / 2, h / 2), h, w  # the text's centre (w/2, h/2)


class RandomCrop(GeometricTransform):
    """Crop ``height`` x ``width`` at an offset drawn from ``x_range``/``y_range``.
    ``RandomCrop(height=0.5, width=0.5, x_range=(0, 0.25), y_range=(0, 0.25))`` is the
    text's crop."""

    height: int | float = setting(0.5, "size", step=0.05, doc="crop height")
    width: int | float = setting(0.5, "size", step=0.05, doc="crop width")
    x_range: tuple[float, float] | None = setting(
        None,
        "optional_range",
        low=0.0,
        high=1.0,
        step=0.01,
        doc="left edge as a fraction of the width, drawn uniformly",
    )
    y_range: tuple[float, float] | None = setting(
        None,
        "optional_range",
        low=0.0,
        high=1.0,
        step=0.01,
        doc="top edge as a fraction of the height, drawn uniformly",
    )

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
        lo, n = (
            (0, full - size + 1)
            if r is None
            else (int(r[0] * full), max(1, int((r[1] - r[0]) * full)))
        )
        off = lo + min(int(math.floor(u * n)), n - 1)
        return min(off, full - size)

    def offsets(self, draw: Draw, h: int, w: int) -> tuple[int, int, int, int]:
        """(x, y, crop_h, crop_w) in pixels for this frame."""
        ch, cw = self.size_of(self.height, h, "height"), self.size_of(self.width, w, "width")
        return (
            self._offset(draw.get("u"), w, cw, self.x_range),
            self._offset(draw.get("v"), h, ch, self.y_range),
            ch,
            cw,
        )

    def geometry(self, draw, h, w):
        x, y, ch, cw = self.offsets(draw, h, w)
        return F.translation(-x, -y), ch, cw


class HorizontalFlip(GeometricTransform):
    """Mirror left-right."""

    p: float = probability(0.5)

    def geometry(self, draw, h, w):
        return F.hflip(w), h, w


class VerticalFlip(GeometricTransform):
    """Mirror top-bottom (upside down: wrong for most photos, right for microscopy)."""

    p: float = probability(0.5)

    def geometry(self, draw, h, w):
        return F.vflip(h), h, w


class Scale(GeometricTransform):
    """Zoom about the centre by a factor drawn from ``scale_range`` (>1 zooms in)."""

    scale_range: tuple[float, float] = setting(
        (0.8, 1.2),
        "range",
        low=0.05,
        high=20.0,
        slider=(0.25, 3.0),
        doc="zoom factor, drawn uniformly",
    )

    def _sample_values(self, rng):
        return {"scale": _u(rng, self.scale_range)}

    def geometry(self, draw, h, w):
        s = draw.get("scale")
        return F.scaling(s, s, (w - 1) / 2, (h - 1) / 2), h, w


class Translate(GeometricTransform):
    """Shift by fractions of the width/height drawn from ``x_range``/``y_range``."""

    x_range: tuple[float, float] = setting(
        (-0.1, 0.1), "range", low=-1.0, high=1.0, doc="horizontal shift as a fraction of the width"
    )
    y_range: tuple[float, float] = setting(
        (-0.1, 0.1), "range", low=-1.0, high=1.0, doc="vertical shift as a fraction of the height"
    )

    def _sample_values(self, rng):
        return {"dx": _u(rng, self.x_range), "dy": _u(rng, self.y_range)}

    def geometry(self, draw, h, w):
        return F.translation(draw.get("dx") * w, draw.get("dy") * h), h, w


class Shear(GeometricTransform):
    """Shear about the centre by angles (degrees) drawn from ``x_range``/``y_range``."""

    x_range: tuple[float, float] = setting(
        (-10.0, 10.0), "range", low=-60.0, high=60.0, doc="horizontal shear angle in degrees"
    )
    y_range: tuple[float, float] = setting(
        (0.0, 0.0), "range", low=-60.0, high=60.0, doc="vertical shear angle in degrees"
    )

    def _sample_values(self, rng):
        return {"sx": _u(rng, self.x_range), "sy": _u(rng, self.y_range)}

    def geometry(self, draw, h, w):
        return F.shear(draw.get("sx"), draw.get("sy"), (w - 1) / 2, (h - 1) / 2), h, w


class Perspective(GeometricTransform):
    """Move each corner inwards/outwards by up to a fraction drawn from ``distortion_range``."""

    distortion_range: tuple[float, float] = setting(
        (0.0, 0.1), "range", low=0.0, high=0.4, doc="largest corner move as a fraction of the size"
    )

    def _sample_values(self, rng):
        d = _u(rng, self.distortion_range)
        return {"offsets": tuple(float(v) for v in rng.uniform(-d, d, size=8))}

    def geometry(self, draw, h, w):
        return F.perspective(draw.get("offsets"), h, w), h, w


class Resize(GeometricTransform):
    """Resize to ``height`` x ``width`` pixels (deterministic; part of the single warp)."""

    height: int = setting(224, "int", low=1, slider=(8, 512), step=1, doc="output height in pixels")
    width: int = setting(224, "int", low=1, slider=(8, 512), step=1, doc="output width in pixels")

    def geometry(self, draw, h, w):
        sx, sy = self.width / w, self.height / h
        # pixel-centre aligned, as cv2.resize does
        m = F.translation(-0.5, -0.5) @ np.diag([sx, sy, 1.0]) @ F.translation(0.5, 0.5)
        return m, self.height, self.width
