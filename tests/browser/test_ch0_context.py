"""Chapter 0's "maximum input" part in a real browser: run the notebook, move the context
explorer's context slider with the keyboard and see the memory bars and the "longest context"
line redrawn with the engine's figures; then measure MiniLM on this machine (quick mode)."""

from __future__ import annotations

import pytest

from bigmodel_widgets.engine import sizing
from tests.browser._lab import open_notebook, press_slider, run_all_cells, slider_readout

pytestmark = [pytest.mark.browser, pytest.mark.notebook]


def _engine(context: int) -> dict:
    return sizing.context_report(sizing.preset("llama2-7b"), gpu="a100-80gb-sxm", context=context)


def test_context_slider_moves_bars_and_longest_context(page, lab):
    open_notebook(page, lab, "00_large_models.ipynb")
    run_all_cells(page, timeout_s=300)
    longest = page.locator(".bmw-longest").first
    longest.scroll_into_view_if_needed()
    start = _engine(4096)
    assert int(longest.get_attribute("data-max-context")) == start["max_context"]
    assert "4,096 tokens use" in longest.inner_text()
    bars = page.locator("svg.bmw-context-memory").first
    assert int(bars.get_attribute("data-total")) == start["memory"]["total"]

    press_slider(page, "context (tokens)", "ArrowRight", times=2)  # 4,096 -> 6,144 -> 8,192
    after = _engine(8192)
    page.wait_for_function(
        "(n) => document.querySelector('svg.bmw-context-memory').dataset.total === String(n)",
        arg=after["memory"]["total"],
        timeout=30_000,
    )
    assert slider_readout(page, "context (tokens)") == "8,192"
    assert "8,192 tokens use" in longest.inner_text()
    assert f"{after['max_context']:,} tokens" in longest.inner_text()
    rects = page.locator("svg.bmw-context-memory rect title").all_text_contents()
    assert f"kv_cache: {sizing.format_bytes(after['memory']['kv_cache'])}" in rects

    button = page.locator(".widget-button", has_text="measure on this machine").first
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_function(
        "() => document.querySelector('.bmw-measured') !== null"
        " || document.querySelector('.bmw-error') !== null",
        timeout=300_000,
    )
    errors = page.locator(".bmw-error")
    assert errors.count() == 0, errors.first.inner_text()
    rows = page.locator(".bmw-measured tr").all_inner_texts()
    assert len(rows) >= 4 and rows[1].split()[0] == "32"  # header + 32, 64, 128 at least
