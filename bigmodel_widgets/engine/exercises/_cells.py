"""Notebook cells from the registry: the students' exercise section and the instructors'
solutions notebooks, both generated from the same :class:`Exercise` records.

Cells are plain nbformat-4 dicts (``nbformat.from_dict`` reads them); every generated cell
carries ``metadata["bmw"]["exercise"]`` so a script can find and regenerate it. Code cells
hold no prose, so the English and Chinese editions' code cells are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import get_language, set_language, t
from ._registry import CHAPTERS, Exercise, exercises

__all__ = ["student_cells", "solutions_notebook", "write_solutions", "MARK"]

MARK = "bmw"  # metadata key of generated cells


def _md(text: str, tag: str) -> dict:
    return {"cell_type": "markdown", "metadata": {MARK: {"exercise": tag}}, "source": text}


def _code(text: str, tag: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {MARK: {"exercise": tag}},
        "outputs": [],
        "source": text,
    }


def _header(e: Exercise, number: int | None = None) -> str:
    title = e.text("title") if number is None else f"{number}. {e.text('title')}"
    return f"**{title}** · *{t(f'ex.kind.{e.kind}')}* · `{e.id}`\n\n{e.text('question')}"


def _student_code(e: Exercise) -> str:
    return e.student_code or f'answer = None\nbmw.exercises.check("{e.id}", answer)'


def student_cells(
    chapter: int, *, language: str | None = None, heading: bool = True, skip: tuple = ()
) -> list[dict]:
    """The students' exercise cells of ``chapter`` (no solutions): an intro (with the
    "## Exercises" heading unless ``heading=False``), then per exercise its question and, for
    checked ones, a cell that calls ``bmw.exercises.check``. Ids in ``skip`` are left out
    (the notebook already asks them, in place)."""
    previous = get_language()
    set_language(language or previous)
    try:
        intro = (f"## {t('ex.heading')}\n\n" if heading else "") + t("ex.intro")
        cells = [_md(intro, "intro")]
        for e in exercises(chapter=chapter):
            if e.id in skip:
                continue
            cells.append(_md(_header(e), e.id))
            if e.checked:
                cells.append(_code(_student_code(e), e.id))
        return cells
    finally:
        set_language(previous)


def solutions_notebook(chapter: int, *, language: str | None = None) -> dict:
    """An nbformat-4 notebook dict with every exercise of ``chapter`` worked out: the
    solution code, then the engine's check of it; open problems get their rubric."""
    previous = get_language()
    set_language(language or previous)
    try:
        cells = [
            _md(
                f"# {t('ex.solutions_title', chapter=chapter)}\n\n{t('ex.solutions_intro')}",
                "title",
            ),
            _code("import bigmodel_widgets as bmw", "import"),
        ]
        for number, e in enumerate(exercises(chapter=chapter), start=1):
            cells.append(_md(_header(e, number), e.id))
            if e.checked:
                given = ", inputs=inputs" if "inputs = " in e.solution else ""
                check = f'bmw.exercises.check("{e.id}", answer{given})'
                cells.append(_code(f"{e.solution}\n{check}", e.id))
            else:
                rubric = e.rubric.get(get_language()) or e.rubric.get("en", ())
                items = "\n".join(f"- {r}" for r in rubric)
                cells.append(_md(f"*{t('ex.rubric')}:*\n\n{items}", e.id))
        return {
            "cells": cells,
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    finally:
        set_language(previous)


def write_solutions(
    out_dir: str | Path, *, language: str | None = None, chapters: tuple = CHAPTERS
) -> list[Path]:
    """Write ``solutions_chN.ipynb`` for each chapter into ``out_dir``; returns the paths."""
    import json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for chapter in chapters:
        nb = solutions_notebook(chapter, language=language)
        for i, cell in enumerate(nb["cells"]):
            cell["id"] = f"sol-{chapter}-{i}"
        path = out / f"solutions_ch{chapter}.ipynb"
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
