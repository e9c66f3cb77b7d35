"""Chapter 5 in a real browser: run the notebook, draw a digit on the canvas with the mouse,
see a prediction, check it is the kernel's; then upload a photo of a digit and a broken file;
then draw three digits on the number-mode canvas and read the number the kernel read."""

from __future__ import annotations

import json
import math

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
    # the first classifier's bars (the notebook shows more classifiers further down)
    rows = page.locator(".bmw-topk-view").first.locator(".bmw-topk-row").all_inner_texts()
    return source, rows


def _upload(page, name: str) -> None:
    """Click the upload button and pick a file in the chooser, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.locator("button.widget-upload, .widget-upload").first.click()
    chooser.value.set_files(str(sample_path(name)))


def _stroke(page, box, points) -> None:
    """One mouse stroke through ``points`` given as fractions of the canvas box."""
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


def _draw_and_read_three_digits(page) -> None:
    """A 1, a 7 and a 0 on the wide canvas (number mode): the number on screen is the
    kernel's reading, with one bar per digit."""
    canvas = page.locator('.bmw-draw-canvas[width="600"]').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["width"] > 2 * box["height"]  # the number canvas is wide
    _stroke(page, box, [(0.17, 0.2), (0.17, 0.8)])
    _stroke(page, box, [(0.36, 0.22), (0.53, 0.22), (0.43, 0.8)])
    ellipse = [
        (0.77 + 0.07 * math.cos(t * math.pi / 12), 0.5 + 0.3 * math.sin(t * math.pi / 12))
        for t in range(25)
    ]
    _stroke(page, box, ellipse)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.bmw-source'))"
        ".some(e => e.innerText.includes('your drawing') && e.querySelector('.bmw-number')"
        " && e.querySelector('.bmw-number').innerText.trim().length === 3)",
        timeout=30_000,
    )
    out = page.evaluate(
        _KERNEL_EXEC_JS,
        "import json; print(json.dumps(nclf.reading.text if nclf.reading else None))",
    )
    text = json.loads(out.strip().splitlines()[-1])
    assert text is not None and len(text) == 3
    page.wait_for_function(
        "(want) => Array.from(document.querySelectorAll('.bmw-number'))"
        ".some(e => e.innerText.trim() === want)",
        arg=text,
        timeout=30_000,
    )
    assert page.locator(".bmw-digits .bmw-digits-row").count() == 3


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
        "(want) => Array.from(document.querySelector('.bmw-topk-view')"
        ".querySelectorAll('.bmw-topk-row'))"
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

    _draw_and_read_three_digits(page)
