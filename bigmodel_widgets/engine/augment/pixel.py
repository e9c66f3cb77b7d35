"""Pixel transforms: colour and texture changes on the warped output (float32 in [0, 1])."""

from __future__ import annotations

from . import functional as F
from .base import PixelTransform, probability, setting
from .base import uniform as _u

__all__ = [
    "Brightness",
    "Contrast",
    "Gamma",
    "HueSaturation",
    "GaussianBlur",
    "GaussianNoise",
    "Cutout",
]


class Brightness(PixelTransform):
    """Add a value drawn from ``brightness_range`` (in units of full scale)."""

    brightness_range: tuple[float, float] = setting(
        (-0.2, 0.2), "range", low=-1.0, high=1.0, doc="value added, in units of full scale"
    )

    def _sample_values(self, rng):
        return {"delta": _u(rng, self.brightness_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_brightness(image, draw.get("delta"))


class Contrast(PixelTransform):
    """Stretch (>1) or flatten (<1) the values around their mean."""

    contrast_range: tuple[float, float] = setting(
        (0.8, 1.2), "range", low=0.0, high=5.0, slider=(0.0, 3.0), doc="contrast factor"
    )

    def _sample_values(self, rng):
        return {"factor": _u(rng, self.contrast_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_contrast(image, draw.get("factor"))


class Gamma(PixelTransform):
    """Raise values to a power: >1 darkens the mid-tones, <1 brightens them."""

    gamma_range: tuple[float, float] = setting(
        (0.8, 1.25), "range", low=0.05, high=10.0, slider=(0.1, 4.0), doc="gamma exponent"
    )

    def _sample_values(self, rng):
        return {"gamma": _u(rng, self.gamma_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_gamma(image, draw.get("gamma"))


class HueSaturation(PixelTransform):
    """Turn the colour wheel and scale saturation (RGB and RGBA; gray images are left alone)."""

    hue_range: tuple[float, float] = setting(
        (-10.0, 10.0), "range", low=-180.0, high=180.0, step=1.0, doc="hue shift in degrees"
    )
    saturation_range: tuple[float, float] = setting(
        (0.8, 1.2), "range", low=0.0, high=5.0, slider=(0.0, 3.0), doc="saturation factor"
    )

    def _sample_values(self, rng):
        return {"hue": _u(rng, self.hue_range), "saturation": _u(rng, self.saturation_range)}

    def apply_pixels(self, image, draw):
        return F.adjust_hue_saturation(image, draw.get("hue"), draw.get("saturation"))


class GaussianBlur(PixelTransform):
    """Blur with a Gaussian kernel."""

    sigma_range: tuple[float, float] = setting(
        (0.5, 1.5), "range", low=0.0, high=20.0, slider=(0.0, 8.0), doc="blur sigma in pixels"
    )

    def _sample_values(self, rng):
        return {"sigma": _u(rng, self.sigma_range)}

    def apply_pixels(self, image, draw):
        return F.gaussian_blur(image, draw.get("sigma"))


class GaussianNoise(PixelTransform):
    """Add Gaussian noise (seeded by the draw, so a replay adds the same noise)."""

    std_range: tuple[float, float] = setting(
        (0.01, 0.05),
        "range",
        low=0.0,
        high=1.0,
        slider=(0.0, 0.5),
        doc="noise standard deviation, in units of full scale",
    )

    def _sample_values(self, rng):
        return {"std": _u(rng, self.std_range), "noise_seed": int(rng.integers(0, 2**31 - 1))}

    def apply_pixels(self, image, draw):
        return F.add_gaussian_noise(image, draw.get("std"), draw.get("noise_seed"))


class Cutout(PixelTransform):
    """Random erasing: square holes filled with a constant grey."""

    MAX_HOLES = 20

    p: float = probability(0.5)
    holes_range: tuple[float, float] = setting(
        (1.0, 3.0), "range", low=0.0, high=MAX_HOLES, step=1.0, doc="number of holes (rounded)"
    )
    size_range: tuple[float, float] = setting(
        (0.1, 0.25),
        "range",
        low=0.0,
        high=1.0,
        doc="hole side as a fraction of the shorter image side",
    )
    fill: float = setting(
        0.0,
        "number",
        low=0.0,
        high=1.0,
        step=0.05,
        doc="grey level of the holes, 0 black to 1 white",
    )

    def _sample_values(self, rng):
        lo, hi = int(round(self.holes_range[0])), int(round(self.holes_range[1]))
        n = int(rng.integers(lo, hi + 1))
        raw = rng.random((self.MAX_HOLES, 3))  # fixed count of draws (see Transform.sample)
        s0, s1 = self.size_range
        holes = tuple((float(a), float(b), float(s0 + c * (s1 - s0))) for a, b, c in raw[:n])
        return {"holes": holes}

    def apply_pixels(self, image, draw):
        return F.cutout(image, draw.get("holes"), self.fill)
