"""Regenerate each chapter notebook's exercise cells from the registry (bmw.exercises), in the
English notebooks and in their Chinese twins (notebooks/zh/, questions in Chinese).

Run under the notebook lock, which other editors share:

    flock /work/notes/nb.lock .venv/bin/python scripts/update_exercise_cells.py

Reads, changes and writes each notebook in one go. Cells it generated before (metadata
``bmw.exercise``) are replaced; the generated section goes at the end, under the notebook's
last "## Exercises" heading when it ends with one, else under a new one. Exercises a notebook
already checks in place (a ``bmw.exercises.check("<id>"`` call in any code cell) are not asked
twice. Outputs stay cleared.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from bigmodel_widgets.engine.exercises import _cells, exercises

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {
    0: "00_large_models.ipynb",
    1: "01_data_augmentation.ipynb",
    2: "02_parallel_computing.ipynb",
    3: "03_model_compression.ipynb",
    4: "04_nlp.ipynb",
    5: "05_computer_vision.ipynb",
    6: "06_speech.ipynb",
}
# Old in-place checker calls -> the registry (issue 17): (notebook chapter, old, new).
MOVES = [
    (
        0,
        'print(sizing.check_answer("kv_cache_bytes", answer, config=llama3, context=8192))',
        'print(bmw.exercises.check("ch0.kv_cache", answer))',
    ),
    (
        0,
        'print(sizing.check_answer("max_context", answer, config=llama2, gpu="l4", '
        'kv_precision="fp8"))',
        'print(bmw.exercises.check("ch0.max_context", answer))',
    ),
    (
        0,
        'print(sizing.check_answer("crossover_context", answer, config=gpt2))',
        'print(bmw.exercises.check("ch0.crossover", answer))',
    ),
    (
        0,
        "Each cell computes an answer by hand and asks `sizing.check_answer`, which computes "
        "the truth from\nthe engine",
        "Each cell computes an answer by hand and asks `bmw.exercises.check`, which computes "
        "the truth from\nthe engine",
    ),
    (
        4,
        "print(bmw.nlp_exercises.check_window_spans(answer, n_wordpieces=100, window=46, "
        "stride=23))",
        'print(bmw.exercises.check("ch4.window_spans", answer))',
    ),
    (
        4,
        'print(bmw.nlp_exercises.check_aggregate(my_confidence, window_probs, rule="confidence"))',
        'inputs = {"probabilities": window_probs, "rule": "confidence"}\n'
        'print(bmw.exercises.check("ch4.confidence_rule", my_confidence, inputs=inputs))',
    ),
    (
        5,
        "print(vision.check_least_confident(best.model, touching_img, answer_5))",
        'inputs_5 = {"model": best.model, "image": touching_img}\n'
        'print(bmw.exercises.check("ch5.least_confident", answer_5, inputs=inputs_5))',
    ),
    (
        5,
        "print(vision.check_number_accuracy_estimate(result, answer_6))",
        'print(bmw.exercises.check("ch5.number_accuracy", answer_6, inputs={"result": result}))',
    ),
    (
        6,
        "print(strings.check_digit_error_rate(my_der, spoken=ex_string.digits, "
        "read=ex_read.digits))",
        'inputs = {"spoken": ex_string.digits, "read": ex_read.digits}\n'
        'print(bmw.exercises.check("ch6.digit_error_rate", my_der, inputs=inputs))',
    ),
    (
        6,
        "print(strings.check_segment_count(my_count, short.frames))",
        'print(bmw.exercises.check("ch6.segment_count", my_count, inputs={"frames": '
        "short.frames}))",
    ),
    # the explanation sections' checkers (engine/explain/exercises.py) -> the registry
    (
        4,
        "print(bmw.explain.exercises.check_top_token(answer_token, classifier=clf, text=text))",
        'inputs_token = {"classifier": clf, "text": text}\n'
        'print(bmw.exercises.check("ch4.top_token", answer_token, inputs=inputs_token))',
    ),
    (
        5,
        "print(bmw.explain.exercises.check_deletion_winner(answer_explain, model=best.model, "
        "image=x))",
        'inputs_explain = {"model": best.model, "image": x}\n'
        'print(bmw.exercises.check("ch5.deletion_winner", answer_explain, inputs=inputs_explain))',
    ),
    (
        6,
        "print(bmw.explain.exercises.check_top_frame(answer_frame, recognizer=strong, "
        "seq=split.x_test[5]))",
        'inputs_frame = {"recognizer": strong, "seq": split.x_test[5]}\n'
        'print(bmw.exercises.check("ch6.top_frame", answer_frame, inputs=inputs_frame))',
    ),
]
# The old end-of-notebook list whose questions are now generated cells (replaced by the intro).
OLD_LISTS = {0: "1. How many parameters does a 48-layer, 1,600-wide GPT-2"}


def _section(source: str) -> str:
    """The last "## " heading line in a markdown cell ('' when none)."""
    lines = [line.strip() for line in source.splitlines() if line.startswith("## ")]
    return lines[-1] if lines else ""


def _cell(d: dict):
    make = nbformat.v4.new_code_cell if d["cell_type"] == "code" else nbformat.v4.new_markdown_cell
    cell = make(d["source"], metadata=d["metadata"])
    # a stable id from the exercise's id: regenerating leaves an unchanged notebook unchanged
    tag = re.sub(r"[^A-Za-z0-9_-]", "-", str(d["metadata"][_cells.MARK]["exercise"]))
    cell.id = f"ex-{tag}-{'code' if d['cell_type'] == 'code' else 'md'}"
    return cell


def _generated(cell) -> bool:
    # only the exercise cells: other cells carry bmw metadata too (e.g. bmw.source_text)
    return "exercise" in cell.get("metadata", {}).get(_cells.MARK, {})


def update(chapter: int, path: Path, language: str = "en") -> str:
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if not _generated(c)]
    moved = 0
    for ch, old, new in MOVES:
        if ch != chapter:
            continue
        for c in nb.cells:
            if old in c.source:
                c.source = c.source.replace(old, new)
                moved += 1
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    asked = tuple(e.id for e in exercises(chapter=chapter) if f'exercises.check("{e.id}"' in code)
    sections = [c for c in nb.cells if c.cell_type == "markdown" and _section(c.source)]
    last = sections[-1] if sections else None
    # the notebook's own "## Exercises" heading, as the English or the Chinese edition spells it
    in_exercises = last is not None and _section(last.source) in ("## Exercises", "## 练习")
    old_list = OLD_LISTS.get(chapter, "\0")
    if in_exercises and old_list in last.source:
        nb.cells.remove(last)  # its questions are generated below, with checkers
        in_exercises = False
    new = _cells.student_cells(chapter, language=language, heading=not in_exercises, skip=asked)
    nb.cells.extend(_cell(c) for c in new)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return (
        f"{path.name}: {moved} checker call(s) moved, {len(new)} cells generated, skipped {asked}"
    )


def main(argv: list[str]) -> int:
    chapters = [int(a) for a in argv] or sorted(NOTEBOOKS)
    for chapter in chapters:
        print(update(chapter, ROOT / "notebooks" / NOTEBOOKS[chapter]))
        twin = ROOT / "notebooks" / "zh" / NOTEBOOKS[chapter]
        if twin.exists():  # the Chinese edition: same code cells, Chinese questions
            print("zh/" + update(chapter, twin, language="zh"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
