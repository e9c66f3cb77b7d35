"""Immutable, timestamped device samples and the "not available" sentinel (ARCHITECTURE rule 8).

A metric that cannot be read is ``NA``, never 0: ``NA`` is falsy, prints as ``n/a`` and turns
into ``None`` (a gap in a chart, ``null`` in JSON) through :func:`as_number`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["NA", "NotAvailable", "is_na", "as_number", "GPUSample", "Snapshot", "merge"]


class NotAvailable:
    """The single value for "this metric could not be read here"."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "n/a"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):  # pickles (and deep-copies) back to the singleton
        return (NotAvailable, ())


NA = NotAvailable()
Metric = float | int | NotAvailable


def is_na(value: Any) -> bool:
    return value is NA


def as_number(value: Any) -> float | None:
    """A float for charts and JSON; ``None`` for NA or NaN so nothing shows a made-up 0."""
    if value is NA or value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _from_number(value: Any) -> Metric:
    """``None`` (how NA travels in JSON) back to NA; whole floats stay floats."""
    return NA if value is None else value


def _percent(used: Metric, total: Metric) -> Metric:
    """used / total in percent; NA when either is unreadable or the total is zero."""
    if is_na(used) or is_na(total) or not total:
        return NA
    return 100.0 * used / total


@dataclass(frozen=True)
class GPUSample:
    """One GPU at one instant. ``source`` says who read it: "nvml", "tensorflow" or "fake"."""

    index: int
    name: str = "n/a"
    source: str = "nvml"
    util_percent: Metric = NA
    mem_used_bytes: Metric = NA
    mem_total_bytes: Metric = NA
    temperature_c: Metric = NA
    power_w: Metric = NA
    tf_mem_current_bytes: Metric = NA  # what TensorFlow's allocator holds (get_memory_info)
    tf_mem_peak_bytes: Metric = NA
    process_mem_bytes: Metric = NA  # what this process holds on the GPU (NVML, where offered)

    @property
    def mem_percent(self) -> Metric:
        return _percent(self.mem_used_bytes, self.mem_total_bytes)

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["mem_percent"] = self.mem_percent
        return {
            k: (as_number(v) if k not in ("index", "name", "source") else v) for k, v in out.items()
        }

    @classmethod
    def from_dict(cls, d: dict) -> GPUSample:
        """The inverse of :meth:`to_dict` (``None`` back to NA)."""
        return cls(
            **{
                k: (d[k] if k in ("index", "name", "source") else _from_number(d.get(k)))
                for k in cls.__dataclass_fields__
                if k in d
            }
        )


@dataclass(frozen=True)
class Snapshot:
    """Everything one sampling tick read. ``notes`` explain each NA (e.g. "NVML not available")."""

    time: float  # time.time(), for people
    monotonic: float  # time.monotonic(), for intervals
    cpu_percent: Metric = NA
    cpu_per_core: tuple = ()
    ram_used_bytes: Metric = NA
    ram_total_bytes: Metric = NA
    process_rss_bytes: Metric = NA
    gpus: tuple = ()
    notes: tuple = field(default=())

    @property
    def ram_percent(self) -> Metric:
        return _percent(self.ram_used_bytes, self.ram_total_bytes)

    def to_dict(self) -> dict:
        return {
            "time": self.time,
            "monotonic": self.monotonic,
            "cpu_percent": as_number(self.cpu_percent),
            "cpu_per_core": [as_number(v) for v in self.cpu_per_core],
            "ram_used_bytes": as_number(self.ram_used_bytes),
            "ram_total_bytes": as_number(self.ram_total_bytes),
            "ram_percent": as_number(self.ram_percent),
            "process_rss_bytes": as_number(self.process_rss_bytes),
            "gpus": [g.to_dict() for g in self.gpus],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Snapshot:
        """The inverse of :meth:`to_dict` (``None`` back to NA): reloads an exported run."""
        return cls(
            time=float(d["time"]),
            monotonic=float(d["monotonic"]),
            cpu_percent=_from_number(d.get("cpu_percent")),
            cpu_per_core=tuple(_from_number(v) for v in d.get("cpu_per_core", ())),
            ram_used_bytes=_from_number(d.get("ram_used_bytes")),
            ram_total_bytes=_from_number(d.get("ram_total_bytes")),
            process_rss_bytes=_from_number(d.get("process_rss_bytes")),
            gpus=tuple(GPUSample.from_dict(g) for g in d.get("gpus", ())),
            notes=tuple(d.get("notes", ())),
        )


def merge(time_s: float, monotonic_s: float, readings: list[dict]) -> Snapshot:
    """Combine the partial readings of several backends into one Snapshot.

    GPUs with the same index are merged field by field (NVML gives utilisation, TensorFlow its
    allocator's bytes), so one GPU is one entry whoever read it.
    """
    fields: dict = {}
    gpus: dict[int, GPUSample] = {}
    notes: list[str] = []
    for reading in readings:
        for key, value in reading.items():
            if key == "notes":
                notes.extend(value)
            elif key == "gpus":
                for g in value:
                    old = gpus.get(g.index)
                    if old is None:
                        gpus[g.index] = g
                    else:
                        update = {
                            k: getattr(g, k)
                            for k in g.__dataclass_fields__
                            if k not in ("index", "source")
                            and not is_na(getattr(g, k))
                            and not (k == "name" and getattr(g, k) == "n/a")
                        }
                        gpus[g.index] = replace(old, **update)
            elif key not in fields or is_na(fields[key]):
                fields[key] = value
    return Snapshot(
        time=time_s,
        monotonic=monotonic_s,
        gpus=tuple(gpus[i] for i in sorted(gpus)),
        notes=tuple(notes),
        **fields,
    )
