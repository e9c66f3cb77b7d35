"""`workshop measure`: a notebook's peak memory and CPU seconds, read from its kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from bigmodel_widgets.engine.workshop import measure

_ALLOCATE = "import numpy as np\nblock = np.ones(300 * 2**20 // 8)  # 300 MB, touched"
_SPIN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5:\n    pass"


def _notebook(tmp_path, *cells):
    path = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, path)
    return path


def test_peak_memory_and_cpu_seconds_of_a_notebook(tmp_path):
    idle = measure.measure_idle_kernel(workdir=tmp_path)
    mode = "import os\nassert os.environ['BMW_QUICK'] == '1'  # the mode it is measured in"
    run = measure.measure_notebook(_notebook(tmp_path, mode, _ALLOCATE, _SPIN), quick=True)
    assert idle.ok and run.ok and run.error is None
    assert run.peak_rss_mb - idle.peak_rss_mb > 250, (idle, run)
    assert run.cpu_s >= 1.5 and run.wall_s >= 1.5
    assert run.to_dict()["name"] == "nb" and run.quick


def test_a_failing_notebook_is_a_result_not_a_crash(tmp_path):
    cell = "import os\nassert os.environ['BMW_QUICK'] == '0'\n1 / 0"
    run = measure.measure_notebook(_notebook(tmp_path, cell), quick=False)
    assert not run.ok and "ZeroDivisionError" in run.error and "\n" not in run.error


def test_every_chapter_has_a_notebook(tmp_path, monkeypatch):
    root = Path(__file__).resolve().parents[2]
    assert sorted(measure.notebook_paths(root / "notebooks")) == list(range(7))
    monkeypatch.chdir(root)
    assert measure.notebook_paths() == measure.notebook_paths(root / "notebooks")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="checkout"):
        measure.notebook_paths()
