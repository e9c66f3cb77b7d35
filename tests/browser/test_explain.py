"""Explanations in a real browser: draw a digit and see its heat map; pick a layer and a head
and see the attention view change (the kernel's matrix); and no request leaves 127.0.0.1.

The test writes its own small notebook (quick models: the cached quick CNN, MiniLM with its
untrained head, whose attention is the pretrained one) into the served folder.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import nbformat
import pytest

from tests.browser._lab import open_notebook, run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

_CELLS = [
    "import bigmodel_widgets as bmw\nQUICK = bmw.quick_mode()",
    "model = bmw.vision.pretrained_cnn('text', quick=QUICK)\n"
    "clf = bmw.ImageClassifier(model)\nclf.explain.value = 'Grad-CAM'\nclf",
    "bert = bmw.BertTextClassifier.from_checkpoint(max_length=16)\n"
    "view = bmw.AttentionView(bert, text='A gorgeous, heartfelt film.')\nview",
]

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


def _kernel(page, code: str):
    out = page.evaluate(_KERNEL_EXEC_JS, f"import json\nprint(json.dumps({code}))")
    return json.loads(out.strip().splitlines()[-1])


def test_heat_map_attention_view_and_no_outside_request(page, lab):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in _CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(lab.root / "explain_check.ipynb"))
    hosts = []
    page.on("request", lambda req: hosts.append(urlparse(req.url)))

    open_notebook(page, lab, "explain_check.ipynb")
    run_all_cells(page, timeout_s=420)

    canvas = page.locator(".bmw-draw-canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, top, h = box["x"] + box["width"] / 2, box["y"] + 0.15 * box["height"], box["height"]
    page.mouse.move(x, top)
    page.mouse.down()
    page.mouse.move(x, top + 0.7 * h, steps=12)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelectorAll('.bmw-explain-view img').length === 2", timeout=60_000
    )
    method = _kernel(page, "clf.explanation.method if clf.explanation else None")
    assert method == "grad-cam"
    assert "your drawing" in page.locator(".bmw-source").first.inner_text()

    view = page.locator(".bmw-attention").first
    view.scroll_into_view_if_needed()
    before = view.get_attribute("data-checksum")
    assert view.get_attribute("data-layer") == "5"  # MiniLM's last layer, mean of heads
    page.locator(".widget-dropdown", has_text="layer").locator("select").select_option(label="1")
    page.locator(".widget-dropdown", has_text="head").locator("select").select_option(label="3")
    page.wait_for_function(
        "() => { const v = document.querySelector('.bmw-attention');"
        " return v && v.dataset.layer === '1' && v.dataset.head === '3'; }",
        timeout=30_000,
    )
    after = page.locator(".bmw-attention").first.get_attribute("data-checksum")
    assert after != before
    shown = _kernel(page, "[view.layer.value, view.head.value, view.matrix.shape[0]]")
    assert shown[:2] == [1, "3"] and shown[2] == len(view.locator("tr").all()) - 1

    outside = sorted(
        {u.netloc for u in hosts if u.scheme in ("http", "https", "ws", "wss")}
        - {urlparse(lab.url).netloc}
    )
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert any(u.hostname == "127.0.0.1" for u in hosts)
