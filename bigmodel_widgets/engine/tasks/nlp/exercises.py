"""Chapter 4's exercises, checked by the engine: the right answer is computed, never stored.

Each ``check_*`` takes the student's answer and the question's numbers, computes the answer with
the same engine function the chapter uses, and returns the engine's one exercise record,
:class:`engine.exercises.ExerciseCheck` (truthy when right, printed as its message).
"""

from __future__ import annotations

import numpy as np

from ...exercises import ExerciseCheck
from .long_text import aggregate_windows, window_spans

__all__ = ["check_window_spans", "check_aggregate"]


def check_window_spans(answer, *, n_wordpieces: int, window: int, stride: int) -> ExerciseCheck:
    """Exercise: list the windows ``[(start, end), ...]`` for a text of ``n_wordpieces``."""
    expected = window_spans(n_wordpieces, window=window, stride=stride)
    try:
        given = tuple((int(s), int(e)) for s, e in answer)
    except (TypeError, ValueError):
        return ExerciseCheck(False, "give a list of (start, end) pairs", expected)
    if given == expected:
        return ExerciseCheck(True, f"correct: {len(expected)} windows", expected)
    if len(given) != len(expected):
        hint = f"there are {len(expected)} windows, you gave {len(given)}"
    else:
        k = next(i for i, (a, b) in enumerate(zip(given, expected)) if a != b)
        hint = f"window {k} is wrong (remember the last window ends at {n_wordpieces})"
    return ExerciseCheck(False, f"not quite: {hint}", expected)


def check_aggregate(answer, probabilities, *, rule: str) -> ExerciseCheck:
    """Exercise: aggregate per-window ``probabilities`` by ``rule`` by hand (tolerance 0.005)."""
    expected, _, _ = aggregate_windows(probabilities, rule)
    try:
        given = np.asarray(answer, dtype=np.float64).reshape(expected.shape)
    except (TypeError, ValueError):
        return ExerciseCheck(False, f"give {expected.size} probabilities, one per label", expected)
    if np.allclose(given, expected, atol=5e-3):
        return ExerciseCheck(True, f"correct: {np.round(expected, 3).tolist()}", expected)
    return ExerciseCheck(
        False, f"not quite: {rule!r} gives something else (try again; weights sum to 1)", expected
    )
