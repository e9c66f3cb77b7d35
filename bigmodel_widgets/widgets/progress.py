"""A progress bar for engine work: ``progress = ProgressBar("training"); engine.fit(..., progress=progress)``.

Engine functions take a plain ``progress(done, total, info)`` callable; this widget is one.
Setting traits from a worker thread reaches the browser live (STACK.md), so it works for
background work too.
"""
from __future__ import annotations

import time

import ipywidgets as w

__all__ = ["ProgressBar"]


class ProgressBar(w.HBox):
    def __init__(self, description: str = "working"):
        self.bar = w.IntProgress(value=0, min=0, max=1, description=description,
                                 style={"description_width": "initial"})
        self.label = w.Label("")
        super().__init__([self.bar, self.label])
        self._start = None

    def __call__(self, done: int, total: int, info: dict | None = None) -> None:
        if self._start is None or done == 0:
            self._start = time.monotonic()
        self.bar.max = max(int(total), 1)
        self.bar.value = min(int(done), self.bar.max)
        elapsed = time.monotonic() - self._start
        eta = elapsed / done * (total - done) if done else float("nan")
        shown = ", ".join(f"{k} {v:.4g}" for k, v in (info or {}).items()
                          if isinstance(v, (int, float)))
        self.label.value = (f"{done}/{total}  {elapsed:.0f}s elapsed"
                            + (f", ~{eta:.0f}s left" if done and done < total else "")
                            + (f"  ({shown})" if shown else ""))
        self.bar.bar_style = "success" if done >= total else ""
