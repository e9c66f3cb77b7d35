"""Training events for the device dashboard: run names, epoch marks and a samples/s series.

A :class:`TrainingLog` is a plain engine object (no thread, no UI). Training code reports to it
through a context manager (``with log.run("mirrored"): ...``), a tf_keras callback
(``log.keras_callback(batch_size=64)``) or direct calls (``log.epoch(2)``, ``log.samples(64)``).
Views read :meth:`TrainingLog.events` and :meth:`TrainingLog.throughput`; every record carries
the same monotonic clock as device Snapshots, so marks line up with the device charts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from ..checks import number_in_range, positive_int
from ..i18n import t

__all__ = ["TrainingEvent", "Throughput", "TrainingLog", "EVENT_KINDS"]

EVENT_KINDS = ("run_start", "epoch", "run_end", "mark")


@dataclass(frozen=True)
class TrainingEvent:
    """Something that happened in training at one instant (``kind`` in EVENT_KINDS)."""

    time: float
    monotonic: float
    kind: str
    run: str
    label: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainingEvent:
        return cls(float(d["time"]), float(d["monotonic"]), d["kind"], d["run"], d["label"])


@dataclass(frozen=True)
class Throughput:
    """Samples per second measured over the interval that ended at ``monotonic``."""

    time: float
    monotonic: float
    run: str
    samples_per_s: float

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Throughput:
        return cls(float(d["time"]), float(d["monotonic"]), d["run"], float(d["samples_per_s"]))


class TrainingLog:
    """Thread-safe record of training runs. ``window`` (s): samples/s is averaged over at least
    this long, so a fast loop gives a few points per second, not thousands."""

    def __init__(self, *, window: float = 0.5, max_records: int = 10_000) -> None:
        self._window = number_in_range(window, name="window", low=0, low_open=True)
        self._max = positive_int(max_records, name="max_records")
        self._lock = threading.Lock()
        self._events: list[TrainingEvent] = []
        self._throughput: list[Throughput] = []
        self._listeners: list[Callable[[object], None]] = []
        self._run: str | None = None
        self._count = 0
        self._since: float | None = None
        self.closed = False

    # --- reading --------------------------------------------------------------------------
    @property
    def current_run(self) -> str | None:
        """The run in progress (None between runs)."""
        return self._run

    def events(self) -> list[TrainingEvent]:
        with self._lock:
            return list(self._events)

    def throughput(self) -> list[Throughput]:
        with self._lock:
            return list(self._throughput)

    def run_at(self, monotonic: float) -> str | None:
        """The run in progress at ``monotonic`` (tags a device snapshot), or None."""
        current = None
        for e in self.events():
            if e.monotonic > monotonic:
                break
            if e.kind == "run_start":
                current = e.run
            elif e.kind == "run_end":
                current = None
        return current

    def epoch_at(self, monotonic: float) -> int | None:
        """The last epoch mark at or before ``monotonic`` within the run then in progress."""
        epoch = None
        for e in self.events():
            if e.monotonic > monotonic:
                break
            if e.kind == "run_start":
                epoch = None
            elif e.kind == "epoch":
                epoch = int(e.label.split()[-1])
        return epoch

    # --- listeners (views) ----------------------------------------------------------------
    def add_listener(self, fn: Callable[[object], None]) -> None:
        """``fn(record)`` after every event or throughput point (on the caller's thread)."""
        if not callable(fn):
            raise TypeError(f"listener must be callable, got {type(fn).__name__}")
        with self._lock:
            self._listeners.append(fn)

    def remove_listener(self, fn) -> None:
        with self._lock:
            if fn in self._listeners:
                self._listeners.remove(fn)

    def close(self) -> None:
        """Drop every listener; later reports are ignored (a closed dashboard's callback)."""
        with self._lock:
            self._listeners.clear()
            self.closed = True

    def _add(self, record, target: list) -> None:
        with self._lock:
            if self.closed:
                return
            target.append(record)
            del target[: max(0, len(target) - self._max)]
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(record)
            except Exception:  # a broken view must never stop training
                pass

    # --- reporting ------------------------------------------------------------------------
    def mark(self, label: str, *, kind: str = "mark") -> TrainingEvent:
        """Record an event now (``kind`` in EVENT_KINDS) in the current run."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"kind must be one of {EVENT_KINDS}, got {kind!r}")
        event = TrainingEvent(time.time(), time.monotonic(), kind, self._run or "", str(label))
        self._add(event, self._events)
        return event

    def start_run(self, name: str) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(t("dash.run_name", name=repr(name)))
        if self._run is not None:
            self.end_run()
        self._run, self._count, self._since = name, 0, time.monotonic()
        self.mark(name, kind="run_start")

    def end_run(self) -> None:
        if self._run is None:
            return
        self._flush(time.monotonic())
        self.mark(self._run, kind="run_end")
        self._run = None

    @contextmanager
    def run(self, name: str):
        """``with log.run("name"):`` marks the start and end of a training run (even on error)."""
        self.start_run(name)
        try:
            yield self
        finally:
            self.end_run()

    def epoch(self, number: int) -> None:
        """Mark the start of epoch ``number`` (1-based)."""
        self.mark(f"epoch {positive_int(number, name='epoch')}", kind="epoch")

    def samples(self, count: int) -> None:
        """``count`` more samples were processed; adds a samples/s point every ``window`` s."""
        now = time.monotonic()
        if self._since is None:
            self._since, self._count = now, 0
        self._count += int(count)
        if now - self._since >= self._window:
            self._flush(now)

    def _flush(self, now: float) -> None:
        if self._since is None or self._count == 0 or now <= self._since:
            return
        rate = self._count / (now - self._since)
        self._since, self._count = now, 0
        self._add(Throughput(time.time(), now, self._run or "", round(rate, 2)), self._throughput)

    def reset_clock(self) -> None:
        """Start the samples/s interval now (after a pause, e.g. compilation)."""
        self._since, self._count = time.monotonic(), 0

    # --- tf_keras -------------------------------------------------------------------------
    def keras_callback(self, *, batch_size: int, run: str | None = None):
        """A tf_keras Callback: a run named ``run`` (default "fit N"; inside ``with
        log.run(...)`` the enclosing run), epoch marks, and samples/s counting ``batch_size``
        samples per batch."""
        from .. import backend

        keras = backend.keras()
        log = self
        size = positive_int(batch_size, name="batch_size")

        class _Marks(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                starts = sum(e.kind == "run_start" for e in log.events())
                self._own = log.current_run is None or run is not None
                if self._own:
                    log.start_run(run or f"fit {starts + 1}")

            def on_epoch_begin(self, epoch, logs=None):
                log.epoch(epoch + 1)
                log.reset_clock()

            def on_train_batch_end(self, batch, logs=None):
                log.samples(size)

            def on_train_end(self, logs=None):
                if self._own:
                    log.end_run()

        return _Marks()

    def __repr__(self) -> str:
        return (
            f"TrainingLog(run={self._run!r}, {len(self._events)} events, "
            f"{len(self._throughput)} samples/s points)"
        )
