"""The harness itself: a notebook whose cell raises must fail ``run_all_cells`` at once, with the
traceback (JupyterLab renders a traceback as stderr text, so the page alone cannot tell), and
``run_in_kernel`` must return what the kernel printed or say what it raised."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.browser._lab import open_notebook, run_all_cells, run_in_kernel

pytestmark = [pytest.mark.browser]


def test_a_cell_that_raises_fails_the_run_with_its_traceback(page, lab):
    cells = ["import warnings; warnings.warn('only a warning')", "1 / 0", "print('never runs')"]
    nbformat.write(
        new_notebook(
            cells=[new_code_cell(c) for c in cells],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        ),
        str(lab.root / "harness_raises.ipynb"),
    )
    open_notebook(page, lab, "harness_raises.ipynb")
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        run_all_cells(page, timeout_s=120)  # without waiting for the cell that never runs
    assert run_in_kernel(page, "print(6 * 7)") == "42\n"
    with pytest.raises(AssertionError, match="KeyError"):
        run_in_kernel(page, "{}['missing']")
