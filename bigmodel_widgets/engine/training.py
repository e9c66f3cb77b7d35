"""Pieces every chapter's training shares: seeded splits, progress reporting, quick-mode sizes.

Progress is a plain callable ``progress(done, total, info: dict)``; the engine never draws a
bar itself (widgets and the CLI do), so engine code stays UI-free (ARCHITECTURE.md rule 1).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from . import backend

__all__ = [
    "Progress",
    "stratified_split",
    "TrainingClock",
    "training_clock",
    "keras_progress_callback",
    "epochs_for",
    "set_seed",
]

Progress = Callable[[int, int, dict], None] | None


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


class TrainingClock:
    """What one training run measured: seconds per epoch and step timestamps.

    ``steps`` holds a ``time.perf_counter()`` stamp after every batch; ``samples_per_s``
    skips the first step (graph tracing) and needs two timed steps after it.
    """

    def __init__(self) -> None:
        self.epoch_seconds: list[float] = []
        self.steps: list[float] = []
        self.stopped_early = False

    def samples_per_s(self, batch_size: int) -> float | None:
        if len(self.steps) < 3:
            return None
        return (len(self.steps) - 2) * batch_size / (self.steps[-1] - self.steps[1])


def training_clock(
    *,
    progress: Progress = None,
    epochs: int,
    steps_per_epoch: int | None = None,
    clock: TrainingClock | None = None,
):
    """The one tf_keras Callback for timing and reporting training, used by every chapter.

    Reports ``progress(done, total, logs)`` after each epoch, or after each batch when
    ``steps_per_epoch`` is given (one epoch of BERT is minutes on a laptop CPU), with the
    logs and the epoch number. Times go into ``clock`` (a :class:`TrainingClock`; read it as
    ``callback.clock``). A ``progress`` that raises KeyboardInterrupt (the notebook's stop
    button inside a progress bar) stops training cleanly: the weights so far are kept.
    """
    keras = backend.keras()
    clock = clock if clock is not None else TrainingClock()
    per_step = steps_per_epoch is not None
    total = epochs * steps_per_epoch if per_step else epochs

    class _TrainingClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.done = 0
            self.epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()
            self.epoch = epoch

        def _report(self, logs) -> None:
            if progress is None:
                return
            info = {
                k: float(v)
                for k, v in (logs or {}).items()
                if isinstance(v, (int, float, np.floating, np.integer))
            }
            info["epoch"] = self.epoch + 1
            try:
                progress(self.done, total, info)
            except KeyboardInterrupt:
                clock.stopped_early = True
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            clock.steps.append(time.perf_counter())
            if per_step:
                self.done += 1
                self._report(logs)

        def on_epoch_end(self, epoch, logs=None):
            clock.epoch_seconds.append(time.perf_counter() - self.t0)
            if not per_step:
                self.done = epoch + 1
                self._report(logs)

    callback = _TrainingClock()
    callback.clock = clock
    return callback


def keras_progress_callback(progress: Progress, epochs: int):
    """Kept for one release: use :func:`training_clock` (``progress`` per epoch)."""
    return training_clock(progress=progress, epochs=epochs)
