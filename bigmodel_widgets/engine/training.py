"""Pieces every chapter's training shares: seeded splits, progress reporting, quick-mode sizes.

Progress is a plain callable ``progress(done, total, info: dict)``; the engine never draws a
bar itself (widgets and the CLI do), so engine code stays UI-free (ARCHITECTURE.md rule 1).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from . import backend

__all__ = ["Progress", "stratified_split", "keras_progress_callback", "epochs_for", "set_seed"]

Progress = Optional[Callable[[int, int, dict], None]]


def set_seed(seed: int) -> None:
    """Seed TensorFlow's and Python's generators for repeatable training (not the global NumPy)."""
    import random

    random.seed(seed)
    backend.tf().random.set_seed(seed)
    backend.keras().utils.set_random_seed(seed)


def stratified_split(y, fractions=(0.8, 0.2), seed: int = 0) -> list[np.ndarray]:
    """Index arrays, one per fraction, each holding the same class balance; fixed by ``seed``."""
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0:
        raise ValueError(f"y must be a non-empty 1-D label array, got shape {y.shape}")
    fractions = np.asarray(fractions, dtype=float)
    if np.any(fractions <= 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and sum to 1, got {fractions.tolist()}")
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        cuts = np.round(np.cumsum(fractions)[:-1] * len(idx)).astype(int)
        for part, chunk in zip(parts, np.split(idx, cuts)):
            part.append(chunk)
    return [rng.permutation(np.concatenate(p)) for p in parts]


def epochs_for(full: int, quick: int = 1) -> int:
    """``quick`` epochs in quick mode (BMW_QUICK=1, tests and CI), else ``full``."""
    return quick if backend.quick_mode() else full


def keras_progress_callback(progress: Progress, epochs: int):
    """A tf_keras Callback that reports each finished epoch to ``progress(done, total, logs)``.

    Also stops training cleanly when the callable raises KeyboardInterrupt (weights so far kept).
    """
    keras = backend.keras()

    class _Report(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if progress is not None:
                progress(epoch + 1, epochs, {k: float(v) for k, v in (logs or {}).items()})

    return _Report()
