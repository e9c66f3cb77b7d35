"""Pixel transforms: colour and texture changes on the warped output (float32 in [0, 1])."""
from __future__ import annotations

from . import functional as F
from .base import PixelTransform
from .base import uniform as _u

__all__ = ["Brightness", "Contrast", "Gamma", "HueSaturation", "GaussianBlur", "GaussianNoise", "Cutout"]


class Brightness(PixelTransform):
    """Add a value drawn from ``brightness_range`` (in units of full scale)."""

    ranges = {"brightness_range": (-1.0, 1.0)}

    @classmethod
    def defaults(cls):
        return {"brightness_range": (-0.2, 0.2)}

    def _sample_values(self, rng):
        return {"delta": _u(rng, self.brightness_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_brightness(image, draw.get("delta"))


class Contrast(PixelTransform):
    ranges = {"contrast_range": (0.0, 5.0)}

    @classmethod
    def defaults(cls):
        return {"contrast_range": (0.8, 1.2)}

    def _sample_values(self, rng):
        return {"factor": _u(rng, self.contrast_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_contrast(image, draw.get("factor"))


class Gamma(PixelTransform):
    ranges = {"gamma_range": (0.05, 10.0)}

    @classmethod
    def defaults(cls):
        return {"gamma_range": (0.8, 1.25)}

    def _sample_values(self, rng):
        return {"gamma": _u(rng, self.gamma_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_gamma(image, draw.get("gamma"))


class HueSaturation(PixelTransform):
    ranges = {"hue_range": (-180.0, 180.0), "saturation_range": (0.0, 5.0)}

    @classmethod
    def defaults(cls):
        return {"hue_range": (-10.0, 10.0), "saturation_range": (0.8, 1.2)}

    def _sample_values(self, rng):
        return {"hue": _u(rng, self.hue_range), "saturation": _u(rng, self.saturation_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_hue_saturation(image, draw.get("hue"), draw.get("saturation"))


class GaussianBlur(PixelTransform):
    ranges = {"sigma_range": (0.0, 20.0)}

    @classmethod
    def defaults(cls):
        return {"sigma_range": (0.5, 1.5)}

    def _sample_values(self, rng):
        return {"sigma": _u(rng, self.sigma_range)}

    def apply_pixels(self, image, draw):
        return F.gaussian_blur(image, draw.get("sigma"))


class GaussianNoise(PixelTransform):
    ranges = {"std_range": (0.0, 1.0)}

    @classmethod
    def defaults(cls):
        return {"std_range": (0.01, 0.05)}

    def _sample_values(self, rng):
        return {"std": _u(rng, self.std_range), "noise_seed": int(rng.integers(0, 2**31 - 1))}

    def apply_pixels(self, image, draw):
        return F.add_gaussian_noise(image, draw.get("std"), draw.get("noise_seed"))


class Cutout(PixelTransform):
    """Random erasing: a number of square holes from ``holes_range``, sides from ``size_range``
    (fractions of the shorter side), filled with ``fill``."""

    ranges = {"holes_range": (0.0, 20.0), "size_range": (0.0, 1.0)}
    MAX_HOLES = 20

    def __init__(self, p: float = 0.5, fill: float = 0.0, **settings):
        super().__init__(p, **settings)
        if not isinstance(fill, (int, float)) or not 0.0 <= fill <= 1.0:
            raise ValueError(f"fill must be a number in [0, 1], got {fill!r}")
        self.fill = float(fill)

    @classmethod
    def defaults(cls):
        return {"holes_range": (1.0, 3.0), "size_range": (0.1, 0.25)}

    def _extra_config(self):
        return {"fill": self.fill}

    def _sample_values(self, rng):
        lo, hi = int(round(self.holes_range[0])), int(round(self.holes_range[1]))
        n = int(rng.integers(lo, hi + 1))
        raw = rng.random((self.MAX_HOLES, 3))  # fixed count of draws (see Transform.sample)
        s0, s1 = self.size_range
        holes = tuple((float(a), float(b), float(s0 + c * (s1 - s0))) for a, b, c in raw[:n])
        return {"holes": holes}

    def apply_pixels(self, image, draw):
        return F.cutout(image, draw.get("holes"), self.fill)

