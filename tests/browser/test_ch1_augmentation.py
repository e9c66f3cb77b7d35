"""Chapter 1 in a real browser: run notebook 01 up to the AugmentationPreview, move its seed
slider with the keyboard, and see the kernel redraw the preview grid on screen."""

from __future__ import annotations

import re

import pytest

from tests.browser._lab import open_notebook, press_slider, slider_readout

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

NOTEBOOK = "01_data_augmentation.ipynb"

# Run the cells up to and including the widget's (the CNN experiment after it is not needed here).
_RUN_UP_TO_WIDGET_JS = """
() => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const cells = panel.content.model.cells;
  let k = -1;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).sharedModel.getSource().includes('bmw.AugmentationPreview(')) { k = i; break; }
  }
  if (k < 0) return -1;
  panel.content.activeCellIndex = k + 1;
  app.commands.execute('notebook:run-all-above');
  return k;
}
"""

_STATUS = ".bmw-aug-status"


def _grid_src(page) -> str:
    return page.locator("img.bmw-aug-grid").first.get_attribute("src") or ""


def test_seed_slider_redraws_the_preview(page, lab):
    open_notebook(page, lab, NOTEBOOK)
    assert page.evaluate(_RUN_UP_TO_WIDGET_JS) > 0
    page.wait_for_selector(f"{_STATUS}:has-text('seed 0:')", timeout=240_000)
    page.wait_for_function(
        "() => { const i = document.querySelector('img.bmw-aug-grid');"
        " return i && i.naturalWidth > 0; }",
        timeout=60_000,
    )
    before_src = _grid_src(page)
    before_params = page.locator(".bmw-aug-params").first.inner_text()
    assert "Rotate(angle=" in before_params and "RandomCrop(" in before_params

    press_slider(page, "seed", "ArrowRight", times=2)
    page.wait_for_selector(f"{_STATUS}:has-text('seed 2:')", timeout=60_000)
    assert int(re.sub(r"\D", "", slider_readout(page, "seed"))) == 2
    page.wait_for_function(
        "(old) => { const i = document.querySelector('img.bmw-aug-grid');"
        " return i && i.src !== old && i.naturalWidth > 0; }",
        arg=before_src,
        timeout=30_000,
    )
    after_params = page.locator(".bmw-aug-params").first.inner_text()
    assert after_params != before_params  # the kernel drew new parameters for the new seed
    assert "9 samples" in page.locator(_STATUS).first.inner_text()
