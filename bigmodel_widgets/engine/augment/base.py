"""Transform base classes and the frozen Draw record every transform samples (rule 4)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import functional as F

__all__ = ["Draw", "Transform", "GeometricTransform", "PixelTransform", "uniform"]


@dataclass(frozen=True)
class Draw:
    """What one transform drew for one image: replaying it gives the same pixels."""

    name: str
    applied: bool
    values: tuple = ()  # ((key, value), ...) with hashable values

    @classmethod
    def of(cls, name: str, applied: bool = True, **values) -> "Draw":
        return cls(name, applied, tuple(sorted((k, _freeze(v)) for k, v in values.items())))

    def get(self, key: str):
        for k, v in self.values:  # a few entries: a scan beats building a dict
            if k == key:
                return v
        raise KeyError(f"{self.name} drew no {key!r}; it drew {[k for k, _ in self.values]}")

    def to_dict(self) -> dict:
        return {"name": self.name, "applied": self.applied, "values": {k: _thaw(v) for k, v in self.values}}

    @classmethod
    def from_dict(cls, d: dict) -> "Draw":
        return cls.of(d["name"], bool(d["applied"]), **d.get("values", {}))


def _freeze(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return tuple(_freeze(x) for x in v)
    return v.item() if isinstance(v, np.generic) else v


def _thaw(v):
    return [_thaw(x) for x in v] if isinstance(v, tuple) else v


class Transform:
    """Base: a probability ``p`` and ``*_range`` settings (each a validated (min, max) pair)."""

    kind = "pixel"
    ranges: dict = {}  # setting name -> (lowest allowed, highest allowed) for validation and sliders

    def __init__(self, p: float = 1.0, **settings):
        self.p = F.check_p(p)
        for key, (lo, hi) in self.ranges.items():
            setattr(self, key, F.check_range(settings.pop(key, self.defaults()[key]), key, lo, hi))
        if settings:
            raise TypeError(f"{type(self).__name__}() got unexpected setting(s) {sorted(settings)}")

    @classmethod
    def defaults(cls) -> dict:
        return {}

    @property
    def name(self) -> str:
        return type(self).__name__

    def sample(self, rng: np.random.Generator) -> Draw:
        """Draw whether this transform applies and its values. Always draws the same count of
        numbers, so switching one transform off does not shift the others' draws."""
        applied = bool(rng.random() < self.p)
        values = self._sample_values(rng)  # already plain, hashable Python values
        return Draw(type(self).__name__, applied, tuple(sorted(values.items())))

    def _sample_values(self, rng) -> dict:
        return {}

    def to_config(self) -> dict:
        params = {"p": self.p}
        params.update({k: list(getattr(self, k)) for k in self.ranges})
        params.update(self._extra_config())
        return {"name": self.name, "params": params}

    def _extra_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={tuple(v) if isinstance(v, list) else v!r}" for k, v in self.to_config()["params"].items())
        return f"{self.name}({args})"

def uniform(rng, r) -> float:
    return float(rng.uniform(r[0], r[1]))


class GeometricTransform(Transform):
    kind = "geometric"

    def geometry(self, draw: Draw, h: int, w: int) -> tuple[np.ndarray, int, int]:
        """3x3 matrix from the current (h, w) frame to the new frame, and the new frame's size."""
        raise NotImplementedError


class PixelTransform(Transform):
    kind = "pixel"

    def apply_pixels(self, image: np.ndarray, draw: Draw) -> np.ndarray:
        """``image`` is float32 in [0, 1]."""
        raise NotImplementedError

