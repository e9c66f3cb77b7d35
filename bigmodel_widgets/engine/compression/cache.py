"""The sweep's result cache: one JSON entry per point, through the engine's one cache helper.

Each point is a core :class:`~bigmodel_widgets.engine.cache.CacheEntry` of kind
``compression-sweep``: its key is the canonical hash of (model fingerprint, data fingerprint,
config, ``RECORD_VERSION``), it is written atomically, a prepared read-only cache
(``BMW_SHARED_CACHE_DIR``) is read, and an unreadable entry (truncated, zero-filled, garbage,
a foreign or incomplete record) is noted in one line and reads as a miss, so the sweep
recomputes that point and nothing else.
"""

from __future__ import annotations

import contextlib
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import backend, cache
from .._aliases import module_aliases

__all__ = ["RECORD_VERSION", "ResultCache", "point_key", "check_record"]

# Kept for one release (``engine.cache`` has the core's cache_key and FORMAT_VERSION).
__getattr__ = module_aliases(
    __name__, {"cache_key": "point_key", "FORMAT_VERSION": "RECORD_VERSION"}
)

# Bump when the way records are computed changes, so old results are not reused.
RECORD_VERSION = 1

_KIND = "compression-sweep"
_NAME, _SUFFIX = "point", ".json"

# Every field a view or a benchmark reads from a record, with the type it must have.
_FIELDS: dict[str, Any] = {
    "label": str,
    "config": dict,
    "raw_bytes": numbers.Integral,
    "gzip_bytes": numbers.Integral,
    "ratio": numbers.Real,
    "accuracy": numbers.Real,
    "acc_drop_pts": numbers.Real,
    "latency_us": numbers.Real,
    "layer_sparsity": dict,
    "histogram": dict,
}


def point_key(model_fingerprint: str, data_fingerprint: str, config: Mapping[str, Any]) -> str:
    """The cache key of one sweep point (hex): model, data, config and the record version."""
    return cache.cache_key(
        kind="compression-sweep",
        version=RECORD_VERSION,
        parts={"model": model_fingerprint, "data": data_fingerprint, "config": dict(config)},
    )


def check_record(record: Any) -> dict:
    """``record`` when it has every field a view reads, with the right types; else ValueError."""
    if not isinstance(record, dict):
        raise ValueError(f"a sweep record must be a dict, got {type(record).__name__}")
    for name, kind in _FIELDS.items():
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"sweep record field {name!r} is missing or not a {kind.__name__}")
    if not isinstance(record["histogram"].get("counts"), list):
        raise ValueError("sweep record field 'histogram' has no 'counts' list")
    return record


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError(f"key must be a hex digest, got {key!r}")
    return key


@dataclass(frozen=True)
class _PointEntry(cache.CacheEntry):
    """A core entry that lives in a folder the caller chose (``root``) when one is given."""

    root: str | None = None

    @property
    def path(self) -> Path | None:
        if self.root is None:
            return super().path
        writable = os.access(self.root, os.W_OK | os.X_OK)
        return Path(self.root) / self.filename if writable else None

    def candidates(self) -> list[Path]:
        if self.root is None:
            return super().candidates()
        return [Path(self.root) / self.filename]


class ResultCache:
    """``get(key) -> record | None`` and ``put(key, record)``, one core cache entry per point.

    ``root=None`` (the default) keeps points in the engine cache (``BMW_CACHE_DIR``, and reads
    prepared ``BMW_SHARED_CACHE_DIR`` folders); a ``root`` folder keeps them there instead
    (tests, benchmarks that must start empty).
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self._root = None if root is None else os.fspath(root)
        if self._root is not None:
            os.makedirs(self._root, exist_ok=True)
        self.corrupt_reads = 0  # damaged entries found (each one is recomputed)

    @property
    def root(self) -> str:
        """The folder points are written to."""
        if self._root is not None:
            return self._root
        return os.path.join(backend.cache_dir(), _KIND)

    def _entry(self, key: str) -> _PointEntry:
        return _PointEntry(
            kind=_KIND, key=_check_key(key), name=_NAME, suffix=_SUFFIX, root=self._root
        )

    def path(self, key: str) -> str:
        """Where the point ``key`` is (or would be) written."""
        entry = self._entry(key)
        target = entry.path if entry.path is not None else entry.candidates()[0]
        return os.fspath(target)

    def get(self, key: str) -> dict | None:
        """The stored record, or None when absent or unreadable (noted in one line)."""

        def load(path: Path) -> dict:
            stored = cache.load_json(path)
            if (
                not isinstance(stored, dict)
                or stored.get("key") != key
                or stored.get("version") != RECORD_VERSION
            ):
                raise ValueError("not a sweep point stored under this key and record version")
            return check_record(stored.get("record"))

        record, _path, note = self._entry(key).load(load)
        if note is not None:
            self.corrupt_reads += 1
        return record

    def put(self, key: str, record: dict) -> None:
        """Store ``record`` under ``key`` atomically (a reader sees the old entry or the new)."""
        entry = self._entry(key)
        payload = {"key": key, "version": RECORD_VERSION, "record": check_record(record)}
        entry.save(payload, cache.save_json)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def _files(self) -> list[Path]:
        folder = Path(self.root)
        if not folder.is_dir():
            return []
        return [
            p
            for p in folder.iterdir()
            if p.name.startswith(f"{_NAME}-") and p.name.endswith(_SUFFIX)
        ]

    def __len__(self) -> int:
        return len(self._files())

    def clear(self) -> None:
        """Remove every stored point (and any leftover temporary file)."""
        folder = Path(self.root)
        leftovers = [p for p in folder.glob(".*.tmp*")] if folder.is_dir() else []
        for path in self._files() + leftovers:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
