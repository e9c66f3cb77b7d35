"""The one "compute once, keep on disk" helper every cache in the engine goes through.

One rule set for all of them (ARCHITECTURE.md, "One concept, one place"):

- **Key**: a canonical hash of what determines the result (``parts``), the cache's own
  ``version`` and this module's ``FORMAT_VERSION``: change any of them and the old entry is
  simply not found.
- **Atomic writes**: an entry (a file or a whole folder) is written beside its final name and
  renamed into place, so a reader sees the old entry, the new one, or none, never half.
- **Unreadable entries**: whatever ``load`` raises on an entry (truncated, zero-filled,
  garbage, foreign) is reported in one line (a :class:`CacheNote` warning and ``note``) and
  the entry is rebuilt. Never a crash.
- **Prepared, read-only caches** (a workshop's shared folder, ``BMW_SHARED_CACHE_DIR``, or a
  ``BMW_CACHE_DIR`` the user cannot write): read, never written.
- **Concurrent builders** (two kernels asking for the same model): the first builds under a
  lock file, the second says it is waiting, then loads the first one's result.
- **Progress on a hit**: ``progress(1, 1, {"cached": 1})``, so a bar shows "done" at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import uuid
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from . import backend

__all__ = [
    "FORMAT_VERSION",
    "CacheNote",
    "CacheEntry",
    "CacheOutcome",
    "cache_key",
    "fetch_or_build",
    "fingerprint_arrays",
    "shared_cache_dirs",
    "save_json",
    "load_json",
]

# Bump when the layout of every entry changes (the key scheme, the folder layout).
FORMAT_VERSION = 1
_HIT = {"cached": 1}

T = TypeVar("T")
Progress = Callable[[int, int, dict], None] | None


class CacheNote(UserWarning):
    """A one-line note about a cache: an entry rebuilt, a read-only folder, a wait."""


def _canonical(value: Any) -> Any:
    """A JSON-able, order-independent form of ``value`` for hashing."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _canonical(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, np.ndarray):
        return {
            "ndarray": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest(),
            "shape": list(value.shape),
            "dtype": str(value.dtype),
        }
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(
        f"cache key parts must be JSON-like (dict, list, str, number, array, "
        f"dataclass); got {type(value).__name__}"
    )


def fingerprint_arrays(*arrays: np.ndarray) -> str:
    """A hash of arrays' dtypes, shapes and bytes: the data part of a cache key."""
    h = hashlib.sha256()
    for arr in arrays:
        arr = np.ascontiguousarray(arr)
        h.update(f"{arr.dtype}{arr.shape}".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def cache_key(*, kind: str, parts: Mapping[str, Any], version: int) -> str:
    """A 16-hex-digit key for ``kind`` from everything that determines the result."""
    if (
        not isinstance(kind, str)
        or not kind
        or not kind.replace("-", "").replace("_", "").isalnum()
    ):
        raise ValueError(f"kind must be a short name of letters, digits, '-' or '_', got {kind!r}")
    payload = json.dumps(
        {
            "kind": kind,
            "version": int(version),
            "format": FORMAT_VERSION,
            "parts": _canonical(dict(parts)),
        },
        sort_keys=True,
        allow_nan=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def shared_cache_dirs() -> list[Path]:
    """Prepared read-only cache folders (``BMW_SHARED_CACHE_DIR``, ``os.pathsep``-separated)."""
    raw = os.environ.get("BMW_SHARED_CACHE_DIR", "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def _writable_root() -> Path | None:
    """The user's cache folder, or None when it cannot be written (a prepared cache)."""
    try:
        root = Path(backend.cache_dir())
    except OSError:
        return None
    return root if os.access(root, os.W_OK | os.X_OK) else None


def _note(message: str) -> str:
    warnings.warn(message, CacheNote, stacklevel=3)
    return message


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@dataclass(frozen=True)
class CacheOutcome(Generic[T]):
    """What :func:`fetch_or_build` gives: the value and how it was obtained."""

    value: T
    from_cache: bool
    path: Path | None  # where the entry lives (None: built in memory only)
    note: str | None = None  # the one-line note, when an entry was rebuilt or not saved


@dataclass(frozen=True)
class CacheEntry:
    """One cache entry: ``<root>/<kind>/<name>-<key><suffix>`` (a file or a folder).

    The lower-level door for caches that look up and store separately (the compression
    sweep's records); most callers want :func:`fetch_or_build`.
    """

    kind: str
    key: str
    name: str = "entry"
    suffix: str = ""

    @classmethod
    def for_parts(
        cls,
        *,
        kind: str,
        parts: Mapping[str, Any],
        version: int,
        name: str = "entry",
        suffix: str = "",
    ) -> CacheEntry:
        return cls(
            kind=kind,
            key=cache_key(kind=kind, parts=parts, version=version),
            name=name,
            suffix=suffix,
        )

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.key}{self.suffix}"

    @property
    def path(self) -> Path | None:
        """Where this entry is written (None when the cache folder is read-only)."""
        root = _writable_root()
        return None if root is None else root / self.kind / self.filename

    def candidates(self) -> list[Path]:
        """Every place the entry may be read from: the user's cache, then prepared ones."""
        try:  # the user's own cache is read even when it cannot be written
            found = [Path(backend.cache_dir()) / self.kind / self.filename]
        except OSError:
            found = []
        return found + [root / self.kind / self.filename for root in shared_cache_dirs()]

    def load(self, load: Callable[[Path], T]) -> tuple[T | None, Path | None, str | None]:
        """``(value, path, note)``: the first readable entry, or ``(None, None, note)``.

        An entry that ``load`` cannot read is noted in one line and, where writable, removed.
        """
        return self._first_readable(load, set())

    def _first_readable(
        self, load: Callable[[Path], T], bad: set
    ) -> tuple[T | None, Path | None, str | None]:
        # ``bad`` collects unreadable entries, so a second look (after waiting for the build
        # lock) neither notes a read-only one twice nor tries it again.
        note = None
        writable = self.path  # only an entry we may write is removed
        for path in self.candidates():
            if path in bad or not path.exists():
                continue
            try:
                return load(path), path, note
            except Exception as exc:  # any reader's failure means "rebuild", never a crash
                note = _note(
                    f"cache {self.kind}: {path.name} is unreadable ({_short(exc)}); rebuilding it"
                )
                bad.add(path)
                if path == writable:
                    _remove(path)
        return None, None, note

    def save(self, value: T, save: Callable[[T, Path], None]) -> Path | None:
        """Write ``value`` with ``save(value, tmp_path)`` and rename it into place.

        Returns the final path, or None (with a note) when the cache folder is read-only.
        """
        target = self.path
        if target is None:
            _note(self._read_only_note())
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{self.filename}.{uuid.uuid4().hex[:8]}.tmp{self.suffix}"
        try:
            save(value, tmp)
            if not tmp.exists():
                raise RuntimeError(f"the cache writer for {self.kind} wrote nothing to {tmp}")
            # os.replace cannot put anything over a folder, nor a folder over a file (a stale
            # entry of another layout): move the old entry aside first.
            if (target.is_dir() and not target.is_symlink()) or (tmp.is_dir() and target.exists()):
                old = target.parent / f".{self.filename}.{uuid.uuid4().hex[:8]}.old"
                with contextlib.suppress(FileNotFoundError):
                    os.replace(target, old)
                os.replace(tmp, target)
                _remove(old)
            else:
                os.replace(tmp, target)
        finally:
            if tmp.exists():
                _remove(tmp)
        return target

    def _read_only_note(self) -> str:
        return (
            f"cache {self.kind}: the cache folder is read-only; {self.filename} was "
            f"computed but not saved"
        )

    @contextlib.contextmanager
    def lock(self, *, progress: Progress = None):
        """Hold this entry's build lock; says so (note + progress) when it has to wait."""
        target = self.path
        if target is None:
            yield
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        lock_path = target.parent / f".{self.filename}.lock"
        with open(lock_path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _note(
                    f"cache {self.kind}: another process is building {self.filename}; "
                    f"waiting for it instead of building it twice"
                )
                if progress is not None:
                    progress(0, 1, {"waiting": 1})
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def fetch_or_build(
    *,
    kind: str,
    parts: Mapping[str, Any],
    version: int,
    build: Callable[[], T],
    save: Callable[[T, Path], None],
    load: Callable[[Path], T],
    name: str = "entry",
    suffix: str = "",
    progress: Progress = None,
    use_cache: bool = True,
) -> CacheOutcome[T]:
    """Load the entry for ``parts`` or build it (once, even across processes) and save it.

    ``build()`` makes the value (and reports its own progress); ``save(value, path)`` writes
    it to ``path`` (a file, or a folder it creates); ``load(path)`` reads it back and raises
    on anything it cannot use. ``suffix`` keeps the extension a writer needs (``.keras``).
    With ``use_cache=False`` the value is built and nothing is read or written.
    """
    if not use_cache:
        return CacheOutcome(build(), False, None)
    entry = CacheEntry.for_parts(kind=kind, parts=parts, version=version, name=name, suffix=suffix)
    bad: set = set()
    value, path, note = entry._first_readable(load, bad)
    if path is not None:
        if progress is not None:
            progress(1, 1, dict(_HIT))
        return CacheOutcome(value, True, path, note)
    with entry.lock(progress=progress):
        # Another process may have built it meanwhile.
        value, path, again = entry._first_readable(load, bad)
        if path is not None:
            if progress is not None:
                progress(1, 1, dict(_HIT))
            return CacheOutcome(value, True, path, note or again)
        value = build()
        saved = entry.save(value, save)
    if saved is None:
        note = note or entry._read_only_note()
    return CacheOutcome(value, False, saved, note)


def save_json(value: Any, path: Path) -> None:
    """A ``save`` for :func:`fetch_or_build`: JSON, flushed to disk."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(value, fh)
        fh.flush()
        os.fsync(fh.fileno())


def load_json(path: Path) -> Any:
    """A ``load`` for :func:`fetch_or_build`: JSON, or an error on anything unreadable."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
