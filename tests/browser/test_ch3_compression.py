"""Chapter 3 in a real browser: run the notebook, move the sparsity slider with the keyboard,
and see the size of that point, as the engine cached it, on screen; then switch the explorer
to BERT, click "keep this layer float" and see a new point land on the plot."""

from __future__ import annotations

import pytest

from tests.browser._lab import open_notebook, press_slider, run_all_cells, slider_readout

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]

_SIZE = ".bmw-compression-summary .bmw-compression-size"
_PLOT = "svg.bmw-pareto"


def _shown_gzip(page) -> str:
    return page.locator(_SIZE).first.get_attribute("data-gzip")


def test_sparsity_slider_changes_the_size_shown(page, lab):
    open_notebook(page, lab, "03_model_compression.ipynb")
    run_all_cells(page, timeout_s=900)
    assert slider_readout(page, "sparsity") == "0%"
    before = _shown_gzip(page)
    assert before and int(before) > 0

    press_slider(page, "sparsity", "ArrowRight", times=1)
    page.wait_for_function(
        f"() => document.querySelector({_SIZE!r}).dataset.gzip !== {before!r}", timeout=60_000
    )
    assert slider_readout(page, "sparsity") == "50%"
    shown = int(_shown_gzip(page))

    # The kernel wrote its sweep to the shared cache: the number on screen is the engine's record.
    from bigmodel_widgets import compression

    sweep = compression.Sweep(
        compression.default_setup(quick=True), compression.default_spec(quick=True)
    )
    record = sweep.cached(compression.CompressionConfig(sparsity=0.5, epochs=sweep.spec.epochs))
    assert record is not None and shown == record["gzip_bytes"] < int(before)
    text = page.locator(_SIZE).first.inner_text()
    assert f"{record['ratio']:.2f}x" in text

    # BERT in the same explorer: its points on the plot, then one more kept-float point.
    page.locator(".widget-toggle-button", has_text="BERT (MiniLM)").first.click()
    page.wait_for_function(
        "() => document.querySelector('.bmw-compression-summary').innerText.includes('BERT')",
        timeout=60_000,
    )
    points = int(page.locator(_PLOT).first.get_attribute("data-points"))
    assert points >= 2  # fp32 and dynamic, measured by the notebook
    # Quick mode leaves the int8 error per layer to this button (the quantization debugger).
    page.locator(".widget-button", has_text="why each layer shrinks").first.click()
    page.wait_for_function("() => document.querySelector('.bmw-qerror') !== null", timeout=900_000)
    page.locator(".widget-button", has_text="keep this layer float").first.click()
    page.wait_for_function(
        f"() => Number(document.querySelector({_PLOT!r}).dataset.points) > {points}",
        timeout=900_000,  # one int8 conversion of MiniLM with a layer kept in float
    )
    # The plot and the summary are two widgets: wait for the summary to show the new point too.
    page.wait_for_function(
        "() => { const s = document.querySelector('.bmw-compression-summary');"
        " return s.innerText.includes('int8, 1 kept float')"
        " && s.querySelector('.bmw-compression-size').innerText.includes('smaller than'); }",
        timeout=60_000,
    )
