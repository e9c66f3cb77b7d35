"""A background sampler: one thread reads the backends every ``interval`` seconds into a bounded
history of Snapshots and calls plain callbacks (ARCHITECTURE rules 5 and 8).

Sampling (backends), scheduling (this thread) and rendering (whoever subscribes) stay separate.
The thread is a daemon, stops on ``stop()``/``close()``/leaving ``with``, and a backend or
callback that raises is recorded in the snapshot's notes / ``errors``, never kills the loop.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from ..checks import number_in_range, positive_int
from ..i18n import t
from .backends import Backend, default_backends
from .snapshot import Snapshot, merge

__all__ = ["Sampler", "check_interval", "THREAD_NAME"]

THREAD_NAME = "bmw-sampler"


def check_interval(interval: float) -> float:
    """``interval`` as a positive finite float, else a ValueError/TypeError naming it."""
    return number_in_range(interval, name=t("dash.interval_name"), low=0, low_open=True)


class Sampler:
    """``Sampler(backends, interval=0.5, history=240)``; ``start()``/``stop()`` or ``with``."""

    def __init__(
        self,
        backends: Iterable[Backend] | None = None,
        *,
        interval: float = 0.5,
        history: int = 240,
    ):
        history = positive_int(history, name="history")
        self._interval = check_interval(interval)
        self.backends = list(default_backends() if backends is None else backends)
        for b in self.backends:
            if not callable(getattr(b, "read", None)):
                raise TypeError(f"backends must have a read() method, got {type(b).__name__}")
        self._history: deque[Snapshot] = deque(maxlen=history)
        self._callbacks: list[Callable[[Snapshot], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._paused = False
        self._thread: threading.Thread | None = None
        self.errors: deque[str] = deque(maxlen=20)  # callback failures, newest last

    # --- configuration -------------------------------------------------------------------
    @property
    def interval(self) -> float:
        return self._interval

    @interval.setter
    def interval(self, value) -> None:
        self._interval = check_interval(value)
        self._wake.set()  # apply now rather than after the old, maybe long, wait

    @property
    def history_size(self) -> int:
        return self._history.maxlen

    # --- callbacks -----------------------------------------------------------------------
    def add_callback(self, fn: Callable[[Snapshot], None]) -> None:
        if not callable(fn):
            raise TypeError(f"callback must be callable, got {type(fn).__name__}")
        with self._lock:
            self._callbacks.append(fn)

    def remove_callback(self, fn) -> None:
        with self._lock:
            if fn in self._callbacks:
                self._callbacks.remove(fn)

    # --- sampling ------------------------------------------------------------------------
    def sample(self) -> Snapshot:
        """Read every backend once, store the snapshot, call the callbacks, return it."""
        readings = []
        for backend in self.backends:
            try:
                readings.append(backend.read())
            except Exception as exc:  # a dying backend: its metrics stay NA, the note says why
                readings.append(
                    {
                        "notes": (
                            f"{getattr(backend, 'name', type(backend).__name__)} "
                            f"failed: {type(exc).__name__}: {exc}",
                        )
                    }
                )
        snap = merge(time.time(), time.monotonic(), readings)
        with self._lock:
            self._history.append(snap)
            callbacks = list(self._callbacks)
        for fn in callbacks:
            try:
                fn(snap)
            except Exception as exc:  # a broken view must not stop the sampling for the others
                self.errors.append(f"{getattr(fn, '__name__', fn)}: {type(exc).__name__}: {exc}")
        return snap

    def history(self) -> list[Snapshot]:
        with self._lock:
            return list(self._history)

    @property
    def latest(self) -> Snapshot | None:
        with self._lock:
            return self._history[-1] if self._history else None

    def clear(self) -> None:
        with self._lock:
            self._history.clear()

    # --- the thread ----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self._wake.set()

    def start(self) -> Sampler:
        if self.running:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=THREAD_NAME, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def close(self) -> None:
        """Stop the thread and release the backends (NVML handles)."""
        self.stop()
        for backend in self.backends:
            close = getattr(backend, "close", None)
            if close is not None:
                close()

    def _loop(self) -> None:
        next_t = time.monotonic()
        while not self._stop.is_set():
            if not self._paused:
                self.sample()
            next_t = max(next_t + self._interval, time.monotonic())
            self._wake.clear()
            if self._wake.wait(max(0.0, next_t - time.monotonic())):
                next_t = time.monotonic()  # woken by stop/resume/new interval

    def __enter__(self) -> Sampler:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()  # also on KeyboardInterrupt: the sampler ends stopped, no stray thread

    def __repr__(self) -> str:
        state = "paused" if self._paused else ("running" if self.running else "stopped")
        return (
            f"Sampler({state}, interval={self._interval}s, "
            f"{len(self._history)}/{self._history.maxlen} snapshots)"
        )
