"""Exercises checked by the engine, for every chapter: ``bmw.exercises``.

    bmw.exercises.list(chapter=0)                  # the chapter's exercises
    bmw.exercises.check("ch0.kv_cache", answer)    # the engine computes the answer now
    bmw.exercises.hint("ch0.kv_cache")

Every checker computes the right answer with the same engine code the chapter uses (never a
stored constant), accepts a reasonable tolerance and refuses a wrong answer with a hint. Each
chapter has at least four exercises: compute, predict-then-measure, change-and-explain, and an
open problem (a rubric, no checker). Students' notebooks carry the questions;
``python -m bigmodel_widgets exercises solutions --out DIR`` writes the worked solutions.
The chapter files (``ch0.py`` … ``ch6.py``) declare the exercises; this package holds the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._record import ExerciseCheck
from ._registry import CHAPTERS, KINDS, Exercise, check, exercises, get, hint, register

__all__ = [
    "ExerciseCheck",
    "Exercise",
    "KINDS",
    "CHAPTERS",
    "check",
    "hint",
    "list",
    "get",
    "answer",
    "inputs",
    "solution",
    "rubric",
    "register",
    "exercises",
]


def list(*, chapter: int | None = None) -> list[str]:  # noqa: A001  (bmw.exercises.list)
    """The ids of every exercise, or of ``chapter``'s (0-6), in order."""
    return [e.id for e in exercises(chapter=chapter)]


def answer(exercise_id: str, *, inputs: Mapping[str, Any] | None = None) -> Any:
    """The right answer, computed by the engine now (for instructors and tests)."""
    return get(exercise_id).answer(inputs)


def inputs(exercise_id: str) -> dict:
    """The question's own data (what ``check`` uses when the notebook gives none)."""
    return get(exercise_id).default_inputs()


def solution(exercise_id: str) -> str:
    """The worked solution: Python that computes ``answer`` with the public API."""
    return get(exercise_id).solution


def rubric(exercise_id: str) -> tuple[str, ...]:
    """What a good answer to an open problem contains (empty for a checked exercise)."""
    from ..i18n import get_language

    table = get(exercise_id).rubric
    return tuple(table.get(get_language()) or table.get("en", ()))
