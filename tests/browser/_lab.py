"""Helpers for browser tests: open a notebook in JupyterLab, run it, read widget values.

The server runs with ``--expose-app-in-browser`` so tests can call JupyterLab commands through
``window.jupyterapp`` (as Galata does) instead of clicking menus.
"""

from __future__ import annotations

import time

__all__ = [
    "open_notebook",
    "run_all_cells",
    "wait_idle",
    "slider_handle",
    "slider_readout",
    "press_slider",
]

_WAIT_DONE_JS = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.sessionContext || !w.sessionContext.session) return 'no-session';
  const kernel = w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return 'busy';
  const cells = w.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type === 'code' && c.sharedModel.getSource().trim() && c.executionCount == null) return 'pending';
  }
  return 'done';
}
"""


_READY_JS = """
(name) => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.context || !w.context.isReady || !w.context.path.endsWith(name)) return false;
  if (!w.content.model || w.content.model.cells.length === 0) return false;
  const s = w.sessionContext && w.sessionContext.session;
  return !!(s && s.kernel && s.kernel.status === 'idle');
}
"""


def open_notebook(page, lab, name: str, timeout_s: float = 120) -> None:
    """Open ``name`` (relative to the served folder) and wait for its kernel to be idle."""
    page.goto(f"{lab.url}lab/tree/{name}?token={lab.token}")
    # The document's content, not just its kernel, must be ready before tests read cells.
    page.wait_for_function(_READY_JS, arg=name, timeout=timeout_s * 1000)


def run_all_cells(page, timeout_s: float = 600) -> None:
    """Run every cell and wait until all have executed and the kernel is idle again."""
    # Start the command without awaiting its promise (it resolves only when every cell is done).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    wait_idle(page, timeout_s)
    tracebacks = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
    if tracebacks.count():
        raise AssertionError("a cell raised:\n" + tracebacks.first.inner_text()[:3000])


def wait_idle(page, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    state = ""
    while time.monotonic() < deadline:
        state = page.evaluate(_WAIT_DONE_JS)
        if state == "done":
            return
        time.sleep(0.5)
    raise TimeoutError(f"notebook did not finish within {timeout_s}s (last state: {state})")


def slider_handle(page, description: str):
    """The draggable handle of the ipywidgets slider whose description is ``description``."""
    box = (
        page.locator(".widget-slider")
        .filter(has=page.locator(".widget-label", has_text=description))
        .first
    )
    return box.locator(".noUi-handle").first


def slider_readout(page, description: str) -> str:
    box = (
        page.locator(".widget-slider")
        .filter(has=page.locator(".widget-label", has_text=description))
        .first
    )
    return box.locator(".widget-readout").first.inner_text().strip()


def press_slider(page, description: str, key: str = "ArrowRight", times: int = 1) -> None:
    """Move a slider with the keyboard, as a person using the arrow keys would."""
    handle = slider_handle(page, description)
    handle.scroll_into_view_if_needed()
    handle.click()
    for _ in range(times):
        handle.press(key)
