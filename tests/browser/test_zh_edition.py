"""The Chinese edition in a real browser (issue 17): JupyterLab with its Simplified Chinese
language pack active opens notebooks/zh/00, runs it, and shows Chinese widget labels; a bad
setting gets a Chinese error. Every other Chinese chapter runs top to bottom there too, its
widget controls labelled in Chinese. The kernel follows the Lab's language on its own: the notebook's
code cells are the English ones, byte for byte."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from tests.browser._lab import open_notebook, press_slider, run_all_cells
from tests.browser.conftest import ROOT, running_lab
from tests.widgets._visible_text import WORD, engine_names, english_left

pytestmark = [pytest.mark.browser, pytest.mark.notebook]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def lab_zh(tmp_path_factory, browser):
    # BMW_LANGUAGE is dropped so that the kernel follows the Lab's language, as a student's does
    with running_lab(
        tmp_path_factory.mktemp("lab-zh"), locale="zh_CN", env_drop=("BMW_LANGUAGE",)
    ) as running:
        yield running


@pytest.fixture
def zh_page(browser, lab_zh):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    try:
        page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
    except Exception:
        pass
    context.close()


def test_chinese_notebook_with_the_chinese_language_pack(zh_page, lab_zh):
    page = zh_page
    open_notebook(page, lab_zh, "zh/00_large_models.ipynb")
    # JupyterLab's own menus are Chinese: the language pack is installed and active
    page.locator(".lm-MenuBar-itemLabel", has_text="文件").first.wait_for()
    run_all_cells(page, timeout_s=300)
    # the calculator's labels follow the Lab's language (the code cell is the English one)
    page.locator(".widget-label", has_text="注意力头数").first.wait_for()
    assert page.locator(".widget-label", has_text="层数").count() >= 1
    assert "个参数" in page.locator(".bmw-params").first.inner_text()
    # a bad setting: 13 heads do not divide 768 -> a Chinese message in the error area
    press_slider(page, "注意力头数", "ArrowRight", times=1)
    error = page.locator(".bmw-error").first
    error.wait_for(timeout=30_000)
    assert error.inner_text().startswith("无法估算这个模型")
    # the exercise checks answered in Chinese too
    assert page.locator(".jp-OutputArea-output", has_text="还没有答案").count() >= 1


# Chapters 1-6 in Chinese: the same code cells as the English notebooks (which their own browser
# tests drive in detail), run top to bottom in the Chinese Lab; every widget control they show
# is labelled in Chinese. Notebook 00 is driven above.
ZH_CHAPTERS = sorted(p.name for p in (ROOT / "notebooks" / "zh").glob("0[1-9]_*.ipynb"))
CONTROLS = ".widget-label, .widget-button, .widget-toggle-button"


def _code_words(path) -> tuple[str, ...]:
    """The words of the string literals in a notebook's code cells: text the code itself passes
    to a widget (a progress bar's description, an option's name) is the English code, by design."""
    words: set[str] = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if line[:1] not in "%!")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words.update(WORD.findall(node.value))
    return tuple(words)


@pytest.mark.slow
@pytest.mark.parametrize("name", ZH_CHAPTERS)
def test_chinese_chapter_runs_with_chinese_widgets(zh_page, lab_zh, name):
    page = zh_page
    open_notebook(page, lab_zh, f"zh/{name}")
    page.locator(".lm-MenuBar-itemLabel", has_text="文件").first.wait_for()
    run_all_cells(page, timeout_s=900)  # raises with the traceback if any cell failed
    labels = [s for s in page.locator(CONTROLS).all_inner_texts() if s.strip()]
    assert any(HAN.search(s) for s in labels), f"{name}: no Chinese widget label in {labels[:20]}"
    left = english_left(labels, names=(*engine_names(), *_code_words(ROOT / "notebooks" / name)))
    assert not left, f"{name}: widget controls still in English: {left[:20]}"
