"""Chapter 2 in a real browser: the device dashboard keeps drawing while another cell is busy
training for more than 10 s (trait updates from the sampler thread reach Chromium live), the
training's epochs appear as marks on the chart during the cell, and the exported CSV has the
tagged rows.

A tiny notebook using only the public API is written into the served temp folder, so the busy
cell lasts long enough in quick mode; the chapter notebook itself is run by the notebook tests.
"""

from __future__ import annotations

import csv
import re
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.browser._lab import open_notebook, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]

NAME = "ch2_live_dashboard.ipynb"
CELLS = [
    "import bigmodel_widgets as bmw\ndash = bmw.device_dashboard(interval=0.5)\ndash",
    # keras_callback loads TensorFlow: before the clock starts, and train at least once.
    "marks = dash.keras_callback(batch_size=64, run='mlp')\n"
    "import time\nt_start = time.time()\nt0 = time.monotonic()\n"
    "while True:\n"
    "    bmw.train_mlp('default', global_batch=64, epochs=2, steps_per_epoch=10, "
    "callbacks=[marks])\n"
    "    if time.monotonic() - t0 >= 12:\n"
    "        break\n"
    "print(f'TRAINING {t_start * 1000:.0f} {time.time() * 1000:.0f}')",
    "dash.stop()\npaths = dash.export('ch2_dashboard_run')\n"
    "print('EXPORTED', len(dash.sampler.history()), paths[0].name)",
]

_STATE_JS = """
() => {
  const chart = document.querySelector('.bmw-live-chart');
  return {draws: chart ? Number(chart.dataset.draws) : -1, now: Date.now(),
          epochs: chart ? Number(chart.dataset.epochMarks || 0) : 0,
          lines: document.querySelectorAll('.bmw-live-chart line.bmw-mark-epoch').length};
}
"""


def _output(page, text: str):
    """A cell's stdout containing ``text`` then a digit, case-sensitively (the cell's source
    contains it too, and the chart's "training" panel would match a case-blind search)."""
    return page.locator(
        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stdout']",
        has_text=re.compile(re.escape(text) + r"\d"),
    )


def test_dashboard_updates_during_a_busy_training_cell(page, lab):
    nbformat.write(
        new_notebook(
            cells=[new_code_cell(c) for c in CELLS],
            metadata={
                "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
            },
        ),
        str(lab.root / NAME),
    )
    open_notebook(page, lab, NAME)
    # Fire and forget: returning the command's promise would make evaluate() wait for the run.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.locator(".bmw-live-chart svg.bmw-panel").first.wait_for(timeout=120_000)

    # What the browser shows, timestamped by the browser, until the notebook is done.
    timeline, deadline = [], time.monotonic() + 300
    while time.monotonic() < deadline and not _output(page, "TRAINING ").count():
        timeline.append(page.evaluate(_STATE_JS))
        time.sleep(0.25)
    wait_idle(page, 60)
    text = _output(page, "TRAINING ").inner_text()
    t_start, t_end = (int(v) for v in re.search(r"TRAINING (\d+) (\d+)", text).groups())
    busy_s = (t_end - t_start) / 1000
    assert busy_s >= 10, f"the training cell lasted only {busy_s:.1f} s"
    during = {p["draws"] for p in timeline if t_start <= p["now"] <= t_end}
    updates = len(during) - 1
    assert updates >= 5, (
        f"chart redrew {updates} times during {busy_s:.1f} s of training; timeline {timeline[:80]}"
    )

    # Epoch marks were on the chart while the training cell ran (numbers, drawn as SVG lines).
    marked = [p for p in timeline if t_start <= p["now"] <= t_end and p["epochs"] > 0]
    assert marked and max(p["lines"] for p in marked) > 0, f"no epoch marks: {timeline[-5:]}"

    # The exported CSV has one row per sample, tagged with the run and its epochs.
    _output(page, "EXPORTED ").first.wait_for(timeout=60_000)
    n_samples = int(re.search(r"EXPORTED (\d+)", _output(page, "EXPORTED ").inner_text()).group(1))
    rows = list(csv.DictReader((lab.root / "ch2_dashboard_run.csv").open()))
    assert len(rows) == n_samples > 0
    tagged = [r for r in rows if r["run"] == "mlp"]
    assert tagged and {r["epoch"] for r in tagged} >= {"1"}, rows[:5]
    assert any(r["samples_per_s"] for r in tagged)

    chart_text = page.locator(".bmw-live-chart").first.text_content()
    assert "CPU:" in chart_text and "%" in chart_text  # numbers drawn, not an image
    gpu_line = page.locator(".bmw-gpu-status").first.inner_text()
    assert "GPU" in gpu_line and (
        "not available" in gpu_line or "no GPU" in gpu_line or "GPU(s)" in gpu_line
    )
