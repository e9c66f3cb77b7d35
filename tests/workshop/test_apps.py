"""apps/: one small app notebook per chapter for Voila, public API only, stored without outputs.
(tests/browser/test_app_mode.py serves them in Chromium.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

import bigmodel_widgets as bmw

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted((ROOT / "apps").glob("*.ipynb"))


def test_one_app_per_chapter_and_make_app_serves_them():
    assert [p.name[:2] for p in APPS] == [f"{i:02d}" for i in range(7)]
    assert re.search(r"^app:.*\n(?:\t.*\n)*\t.*voila apps ", (ROOT / "Makefile").read_text(), re.M)


@pytest.mark.parametrize("path", APPS, ids=lambda p: p.stem)
def test_an_app_uses_the_public_api_only_and_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and not any(c.get("outputs") or c.get("execution_count") for c in code)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Chapter")
    source = "\n".join(c.source for c in code)
    assert "QUICK = bmw.quick_mode()" in source
    used = {
        n.attr
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "bmw"
    }
    assert used and used <= set(bmw.__all__), used - set(bmw.__all__)
    assert "bigmodel_widgets." not in source
