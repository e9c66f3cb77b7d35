"""The English notebooks whose chapter tests drive only part of them (chapter 1 runs up to its
widget, chapter 2's dashboard test uses a notebook of its own) run top to bottom in the Lab too,
so every notebook of both editions runs in a real browser (issue 17). The others run whole in
their chapter tests (test_ch0_*, test_ch3_* … test_ch6_*)."""

from __future__ import annotations

import pytest

from tests.browser._lab import open_notebook, run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]


@pytest.mark.parametrize("name", ["01_data_augmentation.ipynb", "02_parallel_computing.ipynb"])
def test_notebook_runs_top_to_bottom(page, lab, name):
    open_notebook(page, lab, name)
    run_all_cells(page, timeout_s=600)  # raises with the traceback if any cell failed
    assert page.locator(".jp-OutputArea-output").count() > 0
