"""The one held-out split of the 5,000 real MNIST digits, shared by chapters 2, 3 and 5.

Every chapter that trains on digits uses the same stratified 80/20 split (seed 0 by default), so
an accuracy in one notebook is comparable with one in another. Parsing the catalogue's CSV takes
seconds and every worker process of chapter 2 needs the split, so it is kept in the engine
cache (``engine/cache.py``) as an ``.npz`` and in memory once loaded.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import backend, cache, data
from .checks import fraction, non_negative_int
from .training import stratified_split

__all__ = ["DigitSplit", "mnist5k_split"]

_VERSION = 1  # bump when the split or its file layout changes


@dataclass(frozen=True, eq=False)
class DigitSplit:
    """Raw digits: images (N, 28, 28) uint8 and int64 labels, train and held-out test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    seed: int = 0

    def fingerprint(self) -> str:
        """A hash of the arrays: the data part of a cache key."""
        return cache.fingerprint_arrays(self.x_train, self.y_train, self.x_test, self.y_test)

    def scaled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(x_train, y_train, x_test, y_test)`` with images as float32 in [0, 1]."""
        return (
            self.x_train.astype(np.float32) / 255.0,
            self.y_train,
            self.x_test.astype(np.float32) / 255.0,
            self.y_test,
        )


def _save(split: DigitSplit, path: Path) -> None:
    with open(path, "wb") as fh:
        np.savez(
            fh,
            x_train=split.x_train,
            y_train=split.y_train,
            x_test=split.x_test,
            y_test=split.y_test,
            seed=np.int64(split.seed),
        )


def _load(path: Path) -> DigitSplit:
    with np.load(path) as z:
        split = DigitSplit(z["x_train"], z["y_train"], z["x_test"], z["y_test"], int(z["seed"]))
    for x, y in ((split.x_train, split.y_train), (split.x_test, split.y_test)):
        if x.dtype != np.uint8 or x.shape[1:] != (28, 28) or len(x) != len(y) or not len(y):
            raise ValueError(f"not a digit split: images {x.shape} {x.dtype}, labels {y.shape}")
    return split


@functools.lru_cache(maxsize=4)
def _cached_split(seed: int, test_fraction: float, folders: tuple[str, ...]) -> DigitSplit:
    # ``folders`` (the cache folders looked in) is part of the key: a process that switches
    # BMW_CACHE_DIR (a workshop's `prepare`) must reach that folder, not an older copy.
    def build() -> DigitSplit:
        x, y = data.load_mnist5k()
        train, test = stratified_split(y, (1.0 - test_fraction, test_fraction), seed=seed)
        return DigitSplit(x[train], y[train], x[test], y[test], seed)

    return cache.fetch_or_build(
        kind="mnist5k-split",
        version=_VERSION,
        name="mnist5k",
        suffix=".npz",
        parts={"seed": seed, "test_fraction": test_fraction},
        build=build,
        save=_save,
        load=_load,
    ).value


def mnist5k_split(*, seed: int = 0, test_fraction: float = 0.2) -> DigitSplit:
    """The MNIST-5k digits split stratified into train and held-out test (same class balance).

    The same ``seed`` gives the same split in every chapter and every process.
    """
    seed = non_negative_int(seed, name="seed")
    test_fraction = fraction(test_fraction, name="test_fraction")
    folders = (backend.cache_dir(), *map(str, cache.shared_cache_dirs()))
    return _cached_split(seed, test_fraction, folders)


# Forget the in-memory copies (the disk entry stays): for tests and after editing the data.
mnist5k_split.cache_clear = _cached_split.cache_clear
