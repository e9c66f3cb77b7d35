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
    "run_in_kernel",
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
    if (c.type !== 'code') continue;
    // Read from the model: the page renders a traceback with the stderr mime type, as it does a
    // warning. JupyterLab stops a run at a cell that raised: the cells after it never run.
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      if (o.output_type === 'error') return {state: 'error', error: o};
    }
    if (c.sharedModel.getSource().trim() && c.executionCount == null) return 'pending';
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
    wait_idle(page, timeout_s)  # raises with the traceback if a cell raised


def wait_idle(page, timeout_s: float = 600) -> None:
    """Wait until every cell has run and the kernel is idle; raise at once if a cell raised."""
    deadline = time.monotonic() + timeout_s
    state = ""
    while time.monotonic() < deadline:
        state = page.evaluate(_WAIT_DONE_JS)
        if state == "done":
            return
        if isinstance(state, dict):
            raise AssertionError("a cell raised:\n" + _output_text(state["error"])[-3000:])
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


# Straight to the notebook's kernel (as a cell would run, without one): the reply does not depend
# on the page inserting, scrolling to or rendering a cell. Resolves with the outputs, or after
# timeout_ms with what had arrived and what the kernel was doing.
_KERNEL_EXECUTE_JS = """
([code, timeoutMs]) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const outputs = [];
  const future = kernel.requestExecute({code, store_history: false});
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type;
    if (['stream', 'error', 'execute_result', 'display_data'].includes(type)) {
      outputs.push(Object.assign({output_type: type}, msg.content));
    }
  };
  const timeout = new Promise((resolve) => setTimeout(
    () => resolve({done: false, kernel: kernel.status, outputs}), timeoutMs));
  return Promise.race([future.done.then(() => ({done: true, outputs})), timeout]);
}
"""


def _output_text(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("text", "")
    if kind == "error":
        return "\n".join([f"{output.get('ename')}: {output.get('evalue')}", *output["traceback"]])
    return output.get("data", {}).get("text/plain", "")


def run_in_kernel(page, code: str, *, timeout_s: float = 300) -> str:
    """Run ``code`` in the open notebook's kernel and return its text output.

    Raises AssertionError with the traceback if the code raised, and TimeoutError with what had
    arrived and the kernel's status if it did not finish in time.
    """
    state = page.evaluate(_KERNEL_EXECUTE_JS, [code, int(timeout_s * 1000)])
    text = "".join(_output_text(o) for o in state["outputs"])
    if not state["done"]:
        raise TimeoutError(
            f"the kernel did not finish within {timeout_s}s (status {state['kernel']}): {text[-2000:]}"
        )
    if any(o["output_type"] == "error" for o in state["outputs"]):
        raise AssertionError("the code raised:\n" + text[-3000:])
    return text
