"""Chapter 4's exercises, checked by the engine: the right answer is computed, never stored.

Each ``check_*`` takes the student's answer and the question's numbers, computes the answer with
the same engine function the chapter uses, and returns the engine's one exercise record,
:class:`engine.exercises.ExerciseCheck` (truthy when right, printed as its message). A wrong
answer gets "not yet" and a hint, never the answer. The notebooks use the registry instead
(``bmw.exercises.check("ch4.window_spans", ...)``); ``bmw.nlp_exercises`` is deprecated.
"""

from __future__ import annotations

import numpy as np

from ...exercises import ExerciseCheck
from ...i18n import t
from .long_text import aggregate_windows, window_spans

__all__ = ["check_window_spans", "check_aggregate"]


def check_window_spans(answer, *, n_wordpieces: int, window: int, stride: int) -> ExerciseCheck:
    """Exercise: list the windows ``[(start, end), ...]`` for a text of ``n_wordpieces``."""
    expected = window_spans(n_wordpieces, window=window, stride=stride)
    try:
        given = tuple((int(s), int(e)) for s, e in answer)
    except (TypeError, ValueError):
        return ExerciseCheck(False, t("ex.old.spans_form"), expected)
    if given == expected:
        return ExerciseCheck(True, t("ex.old.spans_right", n=len(expected)), expected)
    if len(given) != len(expected):
        hint = t("ex.old.spans_count", given=len(given))
    else:
        k = next(i for i, (a, b) in enumerate(zip(given, expected)) if a != b)
        hint = t("ex.old.spans_window", k=k, n=n_wordpieces)
    return ExerciseCheck(False, t("ex.old.wrong", hint=hint), expected, hint=hint)


def check_aggregate(answer, probabilities, *, rule: str) -> ExerciseCheck:
    """Exercise: aggregate per-window ``probabilities`` by ``rule`` by hand (tolerance 0.005)."""
    expected, _, _ = aggregate_windows(probabilities, rule)
    try:
        given = np.asarray(answer, dtype=np.float64).reshape(expected.shape)
    except (TypeError, ValueError):
        return ExerciseCheck(False, t("ex.old.agg_form", n=expected.size), expected)
    if np.allclose(given, expected, atol=5e-3):
        return ExerciseCheck(
            True, t("ex.old.agg_right", probs=np.round(expected, 3).tolist()), expected
        )
    hint = t("ex.old.agg_hint", rule=repr(rule))
    return ExerciseCheck(False, t("ex.old.wrong", hint=hint), expected, hint=hint)
