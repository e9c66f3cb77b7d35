"""The exercise registry (issue 17): at least four exercises per chapter, each checker computes
the answer with the engine (accepts it) and refuses a wrong one with a hint; the worked
solutions are accepted; solutions notebooks are generated from the same records."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

import bigmodel_widgets as bmw
from bigmodel_widgets.engine import exercises as ex
from bigmodel_widgets.engine.exercises import _cells

CHECKED = [e.id for e in ex.exercises() if e.checked]


@pytest.fixture(autouse=True)
def _english():
    bmw.set_language("en")
    yield
    bmw.set_language(None)


def _wrong(right):
    """A plausible wrong answer of the right form."""
    if isinstance(right, str):
        return right + "x"
    if isinstance(right, np.ndarray):
        return right[::-1].tolist()
    if isinstance(right, tuple) and right and isinstance(right[0], tuple):
        return list(right[:-1])
    if isinstance(right, tuple):
        return tuple(x + 1 for x in right)
    return right * 1.5 + 5  # beyond every tolerance (ch6.top_frame accepts 2 frames off)


def test_every_chapter_has_at_least_four_exercises_of_every_kind():
    for chapter in ex.CHAPTERS:
        found = ex.exercises(chapter=chapter)
        assert len(found) >= 4, f"chapter {chapter} has {len(found)} exercises"
        kinds = Counter(e.kind for e in found)
        assert set(kinds) == set(ex.KINDS), f"chapter {chapter}: kinds {dict(kinds)}"
        assert kinds["open"] >= 1
    assert bmw.exercises.list(chapter=0) == [e.id for e in ex.exercises(chapter=0)]


def test_every_exercise_speaks_both_languages():
    for e in ex.exercises():
        for lang in ("en", "zh"):
            assert e.title.get(lang) and e.question.get(lang), f"{e.id} lacks {lang}"
            if e.checked:
                assert e.hint.get(lang) and e.solution, f"{e.id} lacks a {lang} hint"
            else:
                assert e.rubric.get(lang), f"{e.id} lacks a {lang} rubric"


@pytest.mark.parametrize("exercise_id", CHECKED)
def test_checker_accepts_the_engine_answer_and_refuses_a_wrong_one(exercise_id):
    e = ex.get(exercise_id)
    inputs = e.default_inputs()  # built once: some hold a freshly built model
    right = bmw.exercises.answer(exercise_id, inputs=inputs)
    ok = bmw.exercises.check(exercise_id, right, inputs=inputs)
    assert ok and ok.ok and "correct" in ok.message and not ok.hint
    bad = bmw.exercises.check(exercise_id, _wrong(right), inputs=inputs)
    assert not bad and bad.hint and bad.hint in bad.message
    assert bad.hint == bmw.exercises.hint(exercise_id)
    missing = bmw.exercises.check(exercise_id, None, inputs=inputs)
    assert not missing and "no answer yet" in missing.message


@pytest.mark.parametrize("exercise_id", CHECKED)
def test_the_worked_solution_is_accepted(exercise_id):
    namespace = {"bmw": bmw}
    exec(bmw.exercises.solution(exercise_id), namespace)
    verdict = bmw.exercises.check(exercise_id, namespace["answer"], inputs=namespace.get("inputs"))
    assert verdict, verdict.message


def test_the_answer_is_computed_now_from_the_inputs():
    # change the question's data and the engine's answer follows (no stored constant)
    small = bmw.exercises.answer(
        "ch4.window_count", inputs={"n_wordpieces": 46, "window": 46, "stride": 23}
    )
    assert small == 1
    assert bmw.exercises.check("ch0.kv_cache", 2 * 1073741824, inputs={"context": 16384})


def test_a_malformed_answer_says_what_an_answer_looks_like():
    v = bmw.exercises.check("ch0.kv_cache", "a lot")
    assert not v and "this is not a number" in v.message and v.hint
    pairs = bmw.exercises.check("ch4.window_spans", [(0, 46)])
    assert not pairs and "Hint" in pairs.message


def test_open_problems_and_unknown_ids():
    v = bmw.exercises.check("ch0.open_gpt3_int4", "some essay")
    assert not v and "open problem" in v.message and bmw.exercises.rubric("ch0.open_gpt3_int4")
    with pytest.raises(ValueError, match="no exercise"):
        bmw.exercises.check("ch9.nothing", 1)


def test_messages_follow_the_language():
    bmw.set_language("zh")
    v = bmw.exercises.check("ch0.crossover", 1.0)
    assert "还不对" in v.message and "提示" in v.message
    assert "非嵌入参数" in v.hint


def test_solutions_notebooks_are_generated_from_the_registry(tmp_path):
    import nbformat

    paths = _cells.write_solutions(tmp_path)
    assert [p.name for p in paths] == [f"solutions_ch{c}.ipynb" for c in ex.CHAPTERS]
    for chapter, path in zip(ex.CHAPTERS, paths):
        nb = nbformat.reads(path.read_text(), as_version=4)
        nbformat.validate(nb)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        for e in ex.exercises(chapter=chapter):
            if e.checked:
                assert e.solution in code and f'check("{e.id}"' in code
    students = json.dumps(_cells.student_cells(0))
    assert "answer = None" in students and ex.get("ch0.kv_cache").solution not in students


def test_student_code_cells_are_the_same_in_both_languages():
    en = [c["source"] for c in _cells.student_cells(3, language="en") if c["cell_type"] == "code"]
    zh = [c["source"] for c in _cells.student_cells(3, language="zh") if c["cell_type"] == "code"]
    assert en == zh and en


def test_each_notebook_asks_its_chapter_exercises_without_solutions():
    from pathlib import Path

    import nbformat

    root = Path(__file__).resolve().parents[2] / "notebooks"
    for chapter in ex.CHAPTERS:
        (path,) = root.glob(f"0{chapter}_*.ipynb")
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "## Exercises" in text, path.name
        for e in ex.exercises(chapter=chapter):
            if e.checked:
                assert f'exercises.check("{e.id}"' in code, f"{path.name} does not ask {e.id}"
                assert e.solution not in code, f"{path.name} holds the solution of {e.id}"
            else:
                assert e.id in text, f"{path.name} does not ask the open problem {e.id}"


def test_cli_writes_the_solutions(tmp_path, capsys):
    from bigmodel_widgets import cli

    assert cli.main(["exercises", "solutions", "--out", str(tmp_path), "--language", "zh"]) == 0
    assert len(list(tmp_path.glob("solutions_ch*.ipynb"))) == len(ex.CHAPTERS)
    assert "参考答案" in (tmp_path / "solutions_ch0.ipynb").read_text(encoding="utf-8")
    assert cli.main(["exercises", "list", "--chapter", "1"]) == 0
    assert "ch1.output_shape" in capsys.readouterr().out


def test_nlp_exercises_is_deprecated_for_the_registry():
    import warnings

    vars(bmw).pop("nlp_exercises", None)  # a name once used is cached: start from scratch
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = bmw.nlp_exercises
    assert module.check_window_spans  # it still works, for one release
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert 'bmw.exercises.check("ch4.' in str(warning.message)
    assert "nlp_exercises" in bmw.__all__ and "nlp_exercises" not in vars(bmw)  # warns each use


def test_the_old_checkers_never_show_the_answer_when_it_is_wrong():
    from bigmodel_widgets.engine import sizing

    gpt2 = sizing.preset("gpt2")
    truth = sizing.attention_crossover_context(gpt2)
    bad = sizing.check_answer("crossover_context", truth * 3, config=gpt2)
    assert not bad and "Not yet" in bad.message and f"{truth:,}" not in bad.message
    assert bad.hint and bad.hint in bad.message
    assert sizing.check_answer("crossover_context", truth, config=gpt2)
    bmw.set_language("zh")
    bad = sizing.check_answer("crossover_context", truth * 3, config=gpt2)
    assert "还不对" in bad.message and "偏大" in bad.message and f"{truth:,}" not in bad.message
