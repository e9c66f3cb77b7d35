"""A progress bar for engine work: ``engine.fit(..., progress=bmw.ProgressBar("training"))``.

Engine functions take a plain ``progress(done, total, info)`` callable; this widget is one. It
shows itself the first time work reports progress (unless it was displayed already, or
``auto_display=False``), so a long cell never runs without feedback just because nobody called
``display(bar)``. Setting traits from a worker thread reaches the browser live (STACK.md), so
it works for background work too.
"""

from __future__ import annotations

import time

import ipywidgets as w

from ..engine.i18n import t
from ..engine.i18n.msg_progress import EN as _KEY_NAMES

__all__ = ["ProgressBar"]


def _key(name: str) -> str:
    # the engine's info keys (loss, epoch …) in the active language; unknown ones as they are
    key = f"progress.key.{name}"
    return t(key) if key in _KEY_NAMES else name


class ProgressBar(w.HBox):
    """A bar, ``done/total``, elapsed and remaining time, and the numbers in ``info``."""

    def __init__(self, description: str | None = None, *, auto_display: bool = True) -> None:
        """``description`` labels the bar ("working" in the active language by default);
        ``auto_display=False`` leaves showing it to the caller."""
        if description is None:
            description = t("progress.working")
        self.bar = w.IntProgress(
            value=0, min=0, max=1, description=description, style={"description_width": "initial"}
        )
        self.label = w.Label("")
        super().__init__([self.bar, self.label])
        self.auto_display = auto_display
        self.shown = False  # True once displayed, by us or by the caller
        self._start: float | None = None

    def _repr_mimebundle_(self, **kwargs):  # called by IPython's display(): remember it
        self.shown = True
        return super()._repr_mimebundle_(**kwargs)

    def _show_once(self) -> None:
        if self.shown or not self.auto_display:
            return
        self.shown = True
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # plain Python: nothing to show a widget in
            return
        if get_ipython() is not None:
            display(self)

    def __call__(self, done: int, total: int, info: dict | None = None) -> None:
        self._show_once()
        if self._start is None or done == 0:
            self._start = time.monotonic()
        self.bar.max = max(int(total), 1)
        self.bar.value = min(int(done), self.bar.max)
        elapsed = time.monotonic() - self._start
        eta = elapsed / done * (total - done) if done else float("nan")
        info = info or {}
        if info.get("cached"):
            self.label.value = t("progress.cached")
        elif info.get("waiting"):
            self.label.value = t("progress.waiting")
        else:
            shown = ", ".join(
                f"{_key(k)} {v:.4g}"
                for k, v in info.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            )
            self.label.value = (
                t("progress.elapsed", done=done, total=total, elapsed=f"{elapsed:.0f}")
                + (t("progress.left", eta=f"{eta:.0f}") if done and done < total else "")
                + (f"  ({shown})" if shown else "")
            )
        self.bar.bar_style = "success" if done >= total else ""
