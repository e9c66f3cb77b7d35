"""Chapter 5 in a real browser: run the notebook, draw a digit on the canvas with the mouse,
see a prediction, check it is the kernel's; then upload a photo of a digit and a broken file."""

from __future__ import annotations

import json

import pytest

from bigmodel_widgets.engine.images import sample_path
from tests.browser._lab import open_notebook, run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

_KERNEL_EXEC_JS = """
async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let out = "";
  const future = kernel.requestExecute({code, store_history: false});
  future.onIOPub = (msg) => { if (msg.header.msg_type === "stream") out += msg.content.text; };
  await future.done;
  return out;
}
"""


def _kernel_top(page) -> list:
    out = page.evaluate(
        _KERNEL_EXEC_JS,
        "import json; print(json.dumps(clf.prediction.top if clf.prediction else None))",
    )
    return json.loads(out.strip().splitlines()[-1])


def _shown(page) -> tuple[str, list[str]]:
    source = page.locator(".bmw-source").first.inner_text()
    rows = page.locator(".bmw-topk-view .bmw-topk-row").all_inner_texts()
    return source, rows


def _upload(page, name: str) -> None:
    """Click the upload button and pick a file in the chooser, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.locator("button.widget-upload, .widget-upload").first.click()
    chooser.value.set_files(str(sample_path(name)))


def test_draw_and_upload_a_digit_and_see_the_prediction(page, lab):
    open_notebook(page, lab, "05_computer_vision.ipynb")
    run_all_cells(page, timeout_s=420)

    canvas = page.locator(".bmw-draw-canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, top, h = box["x"] + box["width"] / 2, box["y"] + 0.15 * box["height"], box["height"]
    page.mouse.move(x - 0.1 * box["width"], top + 0.1 * h)  # a "1": a short flag, then down
    page.mouse.down()
    page.mouse.move(x, top, steps=4)
    page.mouse.move(x, top + 0.7 * h, steps=12)
    page.mouse.up()

    page.wait_for_function(
        "() => (document.querySelector('.bmw-source') || {}).innerText?.includes('your drawing')",
        timeout=30_000,
    )
    top = _kernel_top(page)
    assert top is not None and len(top) == 3
    # The headline and the bars on screen show the kernel's top-k for the drawing.
    page.wait_for_function(
        "(want) => Array.from(document.querySelectorAll('.bmw-topk-view .bmw-topk-row'))"
        ".map(r => r.innerText.trim().split(/\\s+/)[0]).join(',') === want",
        arg=",".join(str(c) for c, _ in top),
        timeout=30_000,
    )
    source, rows = _shown(page)
    predicted = page.locator(".bmw-source .bmw-predicted").first.inner_text().strip()
    assert "your drawing" in source and predicted == str(top[0][0]) and len(rows) == 3

    # Upload a photo of a digit through the file input, then a broken file.
    _upload(page, "digit_photo_7.jpg")
    page.wait_for_function(
        "() => document.querySelector('.bmw-source').innerText.includes('digit_photo_7.jpg')",
        timeout=30_000,
    )
    assert page.locator(".bmw-source .bmw-predicted").first.inner_text().strip().isdigit()
    _upload(page, "truncated.jpg")
    error = page.locator(".bmw-error").filter(has_text="truncated").first
    error.wait_for(timeout=30_000)
    assert "truncated.jpg" in error.inner_text()
