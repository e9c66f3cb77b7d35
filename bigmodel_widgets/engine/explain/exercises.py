"""The explanation sections' exercises, checked by the engine (the answer is computed now).

Each ``check_*`` takes the student's answer and the question's model and input, computes the
right answer with the same engine function the notebook uses and returns an
:class:`engine.exercises.ExerciseCheck` (truthy when right, printed as its message).
"""

from __future__ import annotations

import numpy as np

from ..checks import non_negative_int
from ..exercises import ExerciseCheck
from .faithfulness import deletion_curve
from .gradcam import grad_cam
from .integrated_gradients import integrated_gradients
from .speech import speech_integrated_gradients

__all__ = ["check_top_token", "check_top_frame", "check_deletion_winner"]


def check_top_token(answer, *, classifier, text: str) -> ExerciseCheck:
    """Exercise (ch. 4): which wordpiece has the largest integrated-gradients attribution?"""
    from ..tasks.nlp.explain import integrated_gradients as text_ig

    exp = text_ig(classifier, text)
    scores = np.asarray(exp.attributions, np.float64)[1:-1]  # [CLS] and [SEP] are the baseline
    expected = exp.units[1 + int(np.argmax(scores))]
    if not isinstance(answer, str):
        return ExerciseCheck(False, "give the wordpiece as a string, e.g. 'great'", expected)
    if answer.strip().lower() == expected:
        return ExerciseCheck(True, f"correct: {expected!r} (IG {scores.max():+.4f})", expected)
    return ExerciseCheck(
        False,
        "not quite: look at the green token with the strongest colour (or sort "
        "exp.attributions); wordpieces are lower case",
        expected,
    )


def check_top_frame(answer, *, recognizer, seq, tolerance: int = 2) -> ExerciseCheck:
    """Exercise (ch. 6): which MFCC frame matters most (within ``tolerance`` frames)?"""
    tolerance = non_negative_int(tolerance, name="tolerance")
    expected = speech_integrated_gradients(recognizer, seq).top(1)[0]
    try:
        given = int(answer)
    except (TypeError, ValueError):
        return ExerciseCheck(False, "give a frame number (an int)", expected)
    if abs(given - expected) <= tolerance:
        return ExerciseCheck(True, f"correct: frame {expected} (you said {given})", expected)
    return ExerciseCheck(
        False,
        f"not quite: the most attributed frame is more than {tolerance} frames away",
        expected,
    )


def check_deletion_winner(answer, *, model, image) -> ExerciseCheck:
    """Exercise (ch. 5): on this digit, does Grad-CAM or integrated gradients make the
    deletion curve fall faster (smaller area)? ``image`` is the model input (H, W, C)."""
    x = np.asarray(image, np.float32)
    cam = grad_cam(model, x)
    ig = integrated_gradients(model, x, target=cam.target)

    def predict(b):
        return np.asarray(model(np.asarray(b, np.float32), training=False))

    aucs = {
        e.method: deletion_curve(predict, x, e.attributions, target=cam.target)["auc"]
        for e in (cam, ig)
    }
    expected = min(aucs, key=aucs.get)
    numbers = ", ".join(f"{k} {v:.3f}" for k, v in aucs.items())
    if not isinstance(answer, str) or answer.strip().lower() not in aucs:
        return ExerciseCheck(False, "answer 'grad-cam' or 'integrated gradients'", expected)
    if answer.strip().lower() == expected:
        return ExerciseCheck(True, f"correct: deletion AUC {numbers}", expected)
    return ExerciseCheck(
        False, f"not this time: deletion AUC {numbers} (smaller is faster)", expected
    )
