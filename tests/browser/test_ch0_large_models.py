"""Chapter 0 in a real browser: run the notebook, move the layers slider with the keyboard, and
see the parameter count the engine computes for the new depth."""

from __future__ import annotations

import re

import pytest

from bigmodel_widgets.engine import sizing
from tests.browser._lab import open_notebook, press_slider, run_all_cells, slider_readout

pytestmark = [pytest.mark.browser, pytest.mark.notebook]


def _shown_params(page) -> int:
    return int(page.locator(".bmw-params [data-params]").first.get_attribute("data-params"))


def test_slider_changes_parameter_count_on_screen(page, lab):
    open_notebook(page, lab, "00_large_models.ipynb")
    run_all_cells(page, timeout_s=300)
    assert _shown_params(page) == 109_482_240
    assert "109,482,240" in page.locator(".bmw-params").first.inner_text()

    press_slider(page, "layers", "ArrowRight", times=3)
    expected = sizing.count_params(sizing.preset("bert-base").with_(layers=15))
    # Each key press is a round trip to the kernel; wait for the last one to be drawn.
    page.wait_for_function(
        "(n) => document.querySelector('.bmw-params [data-params]').dataset.params === String(n)",
        arg=expected,
        timeout=30_000,
    )
    assert int(re.sub(r"\D", "", slider_readout(page, "layers"))) == 15
    assert _shown_params(page) == expected
    assert f"{expected:,}" in page.locator(".bmw-params").first.inner_text()
