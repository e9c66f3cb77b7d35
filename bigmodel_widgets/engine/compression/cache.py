"""On-disk cache of experiment records: one JSON file per point, written atomically.

Key = hash of (architecture + weights, data, config, engine version). A writer writes a temp
file in the same folder and ``os.replace``s it, so a concurrent reader sees either no file or a
whole one; a corrupt or foreign file reads as a miss and is recomputed.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile

from .. import backend

__all__ = ["FORMAT_VERSION", "ResultCache", "cache_key"]

# Bump when the way records are computed changes, so old results are not reused.
FORMAT_VERSION = 1


def cache_key(model_fingerprint: str, data_fingerprint: str, config: dict) -> str:
    payload = json.dumps({"model": model_fingerprint, "data": data_fingerprint, "config": config,
                          "version": FORMAT_VERSION}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


class ResultCache:
    """``get(key) -> dict | None`` and ``put(key, record)`` over a folder of JSON files."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = os.fspath(root) if root is not None else os.path.join(
            backend.cache_dir(), "compression", "results")
        os.makedirs(self.root, exist_ok=True)
        self.corrupt_reads = 0  # how many damaged files were found (and will be recomputed)

    def path(self, key: str) -> str:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"key must be a hex digest, got {key!r}")
        return os.path.join(self.root, f"{key}.json")

    def get(self, key: str) -> dict | None:
        path = self.path(key)
        try:
            with open(path, encoding="utf-8") as fh:
                stored = json.load(fh)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, UnicodeDecodeError):
            self.corrupt_reads += 1
            return None
        if (not isinstance(stored, dict) or stored.get("key") != key
                or stored.get("version") != FORMAT_VERSION or not isinstance(stored.get("record"), dict)):
            self.corrupt_reads += 1
            return None
        return stored["record"]

    def put(self, key: str, record: dict) -> None:
        target = self.path(key)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "version": FORMAT_VERSION, "record": record}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return sum(1 for n in os.listdir(self.root) if n.endswith(".json") and not n.startswith("."))

    def clear(self) -> None:
        for name in os.listdir(self.root):
            if name.endswith((".json", ".tmp")):
                os.unlink(os.path.join(self.root, name))
