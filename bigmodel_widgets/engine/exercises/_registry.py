"""The exercise registry: every chapter's exercises in one place, checked by the engine.

Each :class:`Exercise` says what is asked (in English and Chinese), the question's data
(``inputs``: built when asked for, cheaply, or given by the notebook), and how the engine
computes the answer (``solve``). Checking recomputes that answer now, so it can never drift
from the engine; a wrong answer is refused with the exercise's hint, never with the answer.
Open problems have no checker: a rubric says what a good answer contains.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import int_in_range, one_of
from ..i18n import get_language, t
from ._record import ExerciseCheck

__all__ = ["Exercise", "KINDS", "CHAPTERS", "register", "get", "exercises", "check", "hint"]

KINDS = (
    "compute",
    "predict",
    "explain",
    "open",
)  # compute, predict-then-measure, change-and-explain
CHAPTERS = tuple(range(7))
_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``title``/``question``/``hint`` map a language ("en", "zh") to text;
    ``solve(**inputs)`` computes the right answer with the engine; ``compare(answer, right)``
    says whether an answer is right (None when it is not even of the right form);
    ``solution`` is the worked code (a solutions notebook cell) that sets ``answer``."""

    id: str
    chapter: int
    kind: str
    title: Mapping[str, str]
    question: Mapping[str, str]
    hint: Mapping[str, str] = field(default_factory=dict)
    solve: Callable[..., Any] | None = None
    compare: Callable[[Any, Any], bool | None] | None = None
    inputs: Callable[[], dict] | None = None
    solution: str = ""
    rubric: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    form: str = "number"  # what an answer looks like: shown when one is missing or malformed
    student_code: str = ""  # the notebook's code cell; default: answer = None, then check

    @property
    def checked(self) -> bool:
        """False for an open problem (a rubric, no checker)."""
        return self.solve is not None

    def text(self, what: str, language: str | None = None) -> str:
        """``title``, ``question`` or ``hint`` in ``language`` (the active one by default)."""
        table = getattr(self, what)
        return table.get(language or get_language()) or table.get("en", "")

    def default_inputs(self) -> dict:
        """The question's own data, built now (cheap: quick-mode sizes)."""
        return dict(self.inputs()) if self.inputs is not None else {}

    def answer(self, inputs: Mapping[str, Any] | None = None) -> Any:
        """The right answer, computed by the engine now from ``inputs`` (default: the question's)."""
        if self.solve is None:
            raise ValueError(t("ex.open_no_answer", id=self.id))
        data = self.default_inputs() if inputs is None else {**self._defaults_for(inputs), **inputs}
        return self.solve(**data)

    def _defaults_for(self, given: Mapping[str, Any]) -> dict:
        # the question's defaults are built only when the notebook does not give them all
        if self.inputs is None:
            return {}
        return {} if _covers(self.solve, given) else self.default_inputs()

    def check(self, answer: Any, *, inputs: Mapping[str, Any] | None = None) -> ExerciseCheck:
        """The engine's verdict on ``answer`` (see :func:`check`)."""
        if not self.checked:
            rubric = "; ".join(self.rubric.get(get_language()) or self.rubric.get("en", ()))
            return ExerciseCheck(False, t("ex.open", id=self.id, rubric=rubric))
        right = self.answer(inputs)
        verdict = None if answer is None else self.compare(answer, right)
        if verdict:
            return ExerciseCheck(True, t("ex.right", id=self.id, answer=_show(right)), right)
        hint = self.text("hint")
        if verdict is None:
            key = "ex.no_answer" if answer is None else "ex.bad_form"
            message = t(key, id=self.id, form=t(f"ex.form.{self.form}"))
        else:
            message = t("ex.wrong", id=self.id, hint=hint)
        return ExerciseCheck(False, message, right, hint=hint)


def _covers(solve: Callable, given: Mapping[str, Any]) -> bool:
    import inspect

    needed = [
        p.name
        for p in inspect.signature(solve).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    return all(n in given for n in needed)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"
    if isinstance(value, np.ndarray):
        return str(np.round(value, 3).tolist())
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


# ---- comparisons the chapters share -------------------------------------------------------
def close(rel: float = 0.02, abs_: float = 0.0) -> Callable[[Any, Any], bool | None]:
    """Right when within ``rel`` (relative) or ``abs_`` (absolute) of the engine's number."""

    def compare(answer: Any, right: Any) -> bool | None:
        try:
            given = float(answer)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(given):
            return None
        return abs(given - float(right)) <= max(rel * abs(float(right)), abs_)

    return compare


def same_int(answer: Any, right: Any) -> bool | None:
    """Right when the answer is the engine's whole number (3.0 counts as 3)."""
    try:
        given = float(answer)
    except (TypeError, ValueError):
        return None
    return given == int(right)


def same(answer: Any, right: Any) -> bool | None:
    """Right when the answer equals the engine's (a label, a tuple, a list of pairs)."""
    try:
        return bool(
            np.array_equal(np.asarray(answer, dtype=object), np.asarray(right, dtype=object))
        )
    except (TypeError, ValueError):
        return None


def close_all(atol: float) -> Callable[[Any, Any], bool | None]:
    """Right when every number is within ``atol`` of the engine's (a probability vector)."""

    def compare(answer: Any, right: Any) -> bool | None:
        right = np.asarray(right, dtype=np.float64)
        try:
            given = np.asarray(answer, dtype=np.float64).reshape(right.shape)
        except (TypeError, ValueError):
            return None
        return bool(np.allclose(given, right, atol=atol))

    return compare


# ---- the registry -------------------------------------------------------------------------
def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` (chapter modules call this when they load); an id is registered once."""
    one_of(exercise.kind, name="kind", choices=KINDS)
    int_in_range(exercise.chapter, name="chapter", low=0, high=max(CHAPTERS))
    if not exercise.id.startswith(f"ch{exercise.chapter}."):
        raise ValueError(f"exercise id {exercise.id!r} must start with 'ch{exercise.chapter}.'")
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"exercise {exercise.id!r} is registered twice")
    if (exercise.kind == "open") == exercise.checked:
        raise ValueError(
            f"{exercise.id}: an open problem has a rubric and no checker, others a checker"
        )
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for chapter in CHAPTERS:
            importlib.import_module(f"{__package__}.ch{chapter}")
        _LOADED = True


def get(exercise_id: str) -> Exercise:
    """The exercise registered as ``exercise_id`` (e.g. "ch0.kv_cache")."""
    _load()
    if exercise_id not in _REGISTRY:
        raise ValueError(t("ex.unknown", id=repr(exercise_id), ids=", ".join(sorted(_REGISTRY))))
    return _REGISTRY[exercise_id]


def exercises(*, chapter: int | None = None) -> list[Exercise]:
    """Every exercise (of ``chapter`` when given), in chapter and registration order."""
    _load()
    if chapter is not None:
        chapter = int_in_range(chapter, name="chapter", low=0, high=max(CHAPTERS))
    return [e for e in _REGISTRY.values() if chapter is None or e.chapter == chapter]


def check(
    exercise_id: str, answer: Any, *, inputs: Mapping[str, Any] | None = None
) -> ExerciseCheck:
    """Check ``answer`` to exercise ``exercise_id``: the engine computes the right answer now
    (from ``inputs``, the notebook's data, or the question's own), compares within the
    exercise's tolerance and returns an :class:`ExerciseCheck` (truthy when right; a hint when
    not). ``answer=None`` (not answered yet) is refused with what an answer looks like."""
    return get(exercise_id).check(answer, inputs=inputs)


def hint(exercise_id: str) -> str:
    """The exercise's hint in the active language."""
    return get(exercise_id).text("hint")
