"""Transform base classes, the settings table, and the frozen Draw record every transform samples.

Each transform declares its settings once, as dataclass fields made by :func:`setting`::

    class Rotate(GeometricTransform):
        angle_range: Range = setting((-30.0, 30.0), "range", low=-180, high=180, step=1.0,
                                     doc="rotation angle in degrees, drawn uniformly")

That one line is the settings table's row (``Rotate.settings``, a tuple of :class:`Setting`): it
makes the explicit keyword-only ``__init__`` parameter (so Shift-Tab and ``help()`` show it),
its default and validation (with ``engine/checks.py``), ``to_config``/``from_config``, the
class docstring's settings list, and the AugmentationPreview's slider.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .. import checks

__all__ = [
    "Draw",
    "Setting",
    "setting",
    "probability",
    "Range",
    "Transform",
    "GeometricTransform",
    "PixelTransform",
    "uniform",
]

Range = tuple[float, float]
KINDS = ("probability", "number", "int", "range", "optional_range", "size")


@dataclass(frozen=True)
class Draw:
    """What one transform drew for one image: replaying it gives the same pixels."""

    name: str
    applied: bool
    values: tuple = ()  # ((key, value), ...) with hashable values

    @classmethod
    def of(cls, name: str, values: dict | None = None, *, applied: bool = True) -> Draw:
        """A Draw from a dict of drawn values (lists and arrays become tuples)."""
        items = (values or {}).items()
        return cls(name, applied, tuple(sorted((k, _freeze(v)) for k, v in items)))

    def get(self, key: str):
        for k, v in self.values:  # a few entries: a scan beats building a dict
            if k == key:
                return v
        raise KeyError(f"{self.name} drew no {key!r}; it drew {[k for k, _ in self.values]}")

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "applied": self.applied,
            "values": {k: _thaw(v) for k, v in self.values},
        }

    @classmethod
    def from_dict(cls, d: dict) -> Draw:
        return cls.of(d["name"], d.get("values", {}), applied=bool(d["applied"]))


def _freeze(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return tuple(_freeze(x) for x in v)
    return v.item() if isinstance(v, np.generic) else v


def _thaw(v):
    return [_thaw(x) for x in v] if isinstance(v, tuple) else v


@dataclass(frozen=True)
class Setting:
    """One row of a transform's settings table (see the module docstring).

    ``kind`` is one of: ``probability``; ``number`` (a float in [low, high]); ``int``;
    ``range`` (a (min, max) pair within [low, high]); ``optional_range`` (None or a range);
    ``size`` (pixels as an int, or a fraction of the frame as a float in (0, 1]).
    """

    name: str
    default: Any
    kind: str
    low: float | None = None
    high: float | None = None
    doc: str = ""
    step: float | None = None  # slider step; None: 1/200 of the slider's span
    slider: tuple[float, float] | None = None  # slider limits when (low, high) is too wide

    def check(self, value: Any) -> Any:
        """The value, validated and normalised (floats, tuples); TypeError/ValueError if bad."""
        n, lo, hi = self.name, self.low, self.high
        if self.kind == "probability":
            return checks.number_in_range(value, name=n, low=0.0, high=1.0)
        if self.kind == "number":
            return checks.number_in_range(value, name=n, low=lo, high=hi)
        if self.kind == "int":
            return checks.int_in_range(value, name=n, low=lo, high=hi)
        if self.kind == "optional_range" and value is None:
            return None
        if self.kind in ("range", "optional_range"):
            return checks.number_range(value, name=n, low=lo, high=hi)
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):  # size in px
            return checks.positive_int(value, name=n)
        if isinstance(value, (float, np.floating)):
            return checks.number_in_range(value, name=n, low=0.0, high=1.0, low_open=True)
        raise TypeError(
            f"{n} must be an int (pixels) or a float in (0, 1] (a fraction of the "
            f"frame), got {value!r} ({type(value).__name__})"
        )

    def to_json(self, value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    def slider_limits(self) -> tuple[float, float, float]:
        """(lowest, highest, step) for a slider over this setting."""
        if self.slider is not None:
            lo, hi = self.slider
        elif self.kind in ("probability", "size", "optional_range"):
            lo, hi = (0.05 if self.kind == "size" else 0.0), 1.0
        else:
            lo, hi = self.low, self.high
        step = self.step if self.step is not None else (hi - lo) / 200
        return lo, hi, step

    def describe(self) -> str:
        """One line for the docstring: name, meaning, allowed values, default."""
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        allowed = {
            "probability": "a probability in [0, 1]",
            "number": f"a number in [{lo}, {hi}]",
            "int": f"an int in [{lo}, {hi}]",
            "range": f"(min, max) within [{lo}, {hi}]",
            "optional_range": f"None (anywhere) or (min, max) within [{lo}, {hi}]",
            "size": "pixels (int) or a fraction of the frame (float in (0, 1])",
        }[self.kind]
        return f"{self.name}: {self.doc} ({allowed}); default {self.default!r}"


def setting(
    default: Any,
    kind: str,
    *,
    low: float | None = None,
    high: float | None = None,
    doc: str = "",
    step: float | None = None,
    slider: tuple[float, float] | None = None,
) -> Any:
    """Declare one setting of a transform (a dataclass field carrying its :class:`Setting`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    row = Setting("", default, kind, low, high, doc, step, slider)
    return dataclasses.field(default=default, metadata={"setting": row})


def probability(default: float) -> Any:
    return setting(
        default,
        "probability",
        step=0.05,
        doc="probability that this transform is applied to an image",
    )


def _table(cls: type) -> tuple[Setting, ...]:
    return tuple(
        dataclasses.replace(f.metadata["setting"], name=f.name) for f in dataclasses.fields(cls)
    )


def _document(cls: type) -> str:
    head = (cls.__dict__.get("__doc__") or f"The {cls.__name__} transform.").rstrip()
    rows = "\n".join(f"        {s.describe()}" for s in cls.settings)
    return f"{head}\n\n    Settings (the table is ``{cls.__name__}.settings``):\n{rows}\n"


_DATACLASS = {"kw_only": True, "eq": False, "repr": False}  # identity equality, our own repr


@dataclass(**_DATACLASS)
class Transform:
    """Base of every transform: a probability ``p`` and the settings of its table."""

    kind = "pixel"
    settings: ClassVar[tuple[Setting, ...]] = ()  # the table, made from the fields (_table)
    p: float = probability(1.0)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(**_DATACLASS)(cls)  # writes the explicit __init__ from the fields
        cls.settings = _table(cls)
        cls.__doc__ = _document(cls)

    def __post_init__(self) -> None:
        for s in self.settings:
            setattr(self, s.name, s.check(getattr(self, s.name)))

    @classmethod
    def defaults(cls) -> dict:
        """Every setting's default, by name."""
        return {s.name: s.default for s in cls.settings}

    @property
    def name(self) -> str:
        return type(self).__name__

    def sample(self, rng: np.random.Generator) -> Draw:
        """Draw whether this transform applies and its values. Always draws the same count of
        numbers, so switching one transform off does not shift the others' draws."""
        applied = bool(rng.random() < self.p)
        values = self._sample_values(rng)  # already plain, hashable Python values
        return Draw(type(self).__name__, applied, tuple(sorted(values.items())))

    def _sample_values(self, rng: np.random.Generator) -> dict:
        return {}

    def to_config(self) -> dict:
        """``{"name": ..., "params": {...}}``, JSON-able; ``from_config`` reads it back."""
        return {
            "name": self.name,
            "params": {s.name: s.to_json(getattr(self, s.name)) for s in self.settings},
        }

    @classmethod
    def from_config(cls, config: dict) -> Transform:
        if not isinstance(config, dict) or config.get("name") != cls.__name__:
            raise ValueError(
                f"a {cls.__name__} config is {{'name': {cls.__name__!r}, "
                f"'params': {{...}}}}, got {config!r}"
            )
        params = dict(config.get("params") or {})
        unknown = sorted(set(params) - {s.name for s in cls.settings})
        if unknown:
            raise ValueError(
                f"{cls.__name__} has no setting(s) {unknown}; its settings are "
                f"{[s.name for s in cls.settings]}"
            )
        return cls(**params)

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={tuple(v) if isinstance(v, list) else v!r}"
            for k, v in self.to_config()["params"].items()
        )
        return f"{self.name}({args})"


Transform.settings = _table(Transform)


def uniform(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1]))


class GeometricTransform(Transform):
    """A transform that moves pixels: it returns a 3x3 matrix for the one fused warp."""

    kind = "geometric"

    def geometry(self, draw: Draw, h: int, w: int) -> tuple[np.ndarray, int, int]:
        """3x3 matrix from the current (h, w) frame to the new frame, and the new frame's size."""
        raise NotImplementedError


class PixelTransform(Transform):
    """A transform that changes colours of the warped output."""

    kind = "pixel"

    def apply_pixels(self, image: np.ndarray, draw: Draw) -> np.ndarray:
        """``image`` is float32 in [0, 1]."""
        raise NotImplementedError
