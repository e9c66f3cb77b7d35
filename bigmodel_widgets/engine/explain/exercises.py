"""The explanation sections' exercises, checked by the engine (the answer is computed now).

``top_token``, ``top_frame`` and ``deletion_winner`` compute the right answers with the same
engine functions the notebooks use; the registry (``bmw.exercises``: ch4.top_token,
ch5.deletion_winner, ch6.top_frame) and the older ``check_*`` functions below both call them.
Each ``check_*`` returns an :class:`engine.exercises.ExerciseCheck` (truthy when right, printed
as its message); a wrong answer gets "not yet" and a hint, never the answer.
"""

from __future__ import annotations

import numpy as np

from ..checks import non_negative_int
from ..exercises import ExerciseCheck
from ..i18n import t
from .faithfulness import deletion_curve
from .gradcam import grad_cam
from .integrated_gradients import integrated_gradients
from .speech import speech_integrated_gradients

__all__ = [
    "top_token",
    "top_frame",
    "deletion_aucs",
    "deletion_winner",
    "check_top_token",
    "check_top_frame",
    "check_deletion_winner",
]


def _wrong(hint: str, expected) -> ExerciseCheck:
    return ExerciseCheck(False, t("ex.old.wrong", hint=hint), expected, hint=hint)


def top_token(classifier, text: str) -> tuple[str, float]:
    """The wordpiece of ``text`` with the largest integrated-gradients score, and the score
    ([CLS] and [SEP] are the baseline: never the answer)."""
    from ..tasks.nlp.explain import integrated_gradients as text_ig

    exp = text_ig(classifier, text)
    scores = np.asarray(exp.attributions, np.float64)[1:-1]
    return exp.units[1 + int(np.argmax(scores))], float(scores.max())


def top_frame(recognizer, seq) -> int:
    """The MFCC frame of ``seq`` with the largest integrated-gradients score."""
    return int(speech_integrated_gradients(recognizer, seq).top(1)[0])


def deletion_aucs(model, image) -> dict:
    """The deletion-curve area of Grad-CAM's and of integrated gradients' ranking of ``image``
    (the model input, (H, W, C)), for the class the model predicts: smaller falls faster."""
    x = np.asarray(image, np.float32)
    cam = grad_cam(model, x)
    ig = integrated_gradients(model, x, target=cam.target)

    def predict(b):
        return np.asarray(model(np.asarray(b, np.float32), training=False))

    return {
        e.method: deletion_curve(predict, x, e.attributions, target=cam.target)["auc"]
        for e in (cam, ig)
    }


def deletion_winner(model, image) -> str:
    """'grad-cam' or 'integrated gradients': whose deletion curve falls faster on ``image``."""
    aucs = deletion_aucs(model, image)
    return min(aucs, key=aucs.get)


def check_top_token(answer, *, classifier, text: str) -> ExerciseCheck:
    """Exercise (ch. 4): which wordpiece has the largest integrated-gradients attribution?
    (The registry's ``ch4.top_token`` asks the same.)"""
    expected, score = top_token(classifier, text)
    if not isinstance(answer, str):
        return ExerciseCheck(False, t("ex.old.token_form"), expected)
    if answer.strip().lower() == expected:
        return ExerciseCheck(
            True, t("ex.old.token_right", token=repr(expected), score=f"{score:+.4f}"), expected
        )
    return _wrong(t("ex.old.token_hint"), expected)


def check_top_frame(answer, *, recognizer, seq, tolerance: int = 2) -> ExerciseCheck:
    """Exercise (ch. 6): which MFCC frame matters most (within ``tolerance`` frames)?
    (The registry's ``ch6.top_frame`` asks the same.)"""
    tolerance = non_negative_int(tolerance, name="tolerance")
    expected = top_frame(recognizer, seq)
    try:
        given = int(answer)
    except (TypeError, ValueError):
        return ExerciseCheck(False, t("ex.old.frame_form"), expected)
    if abs(given - expected) <= tolerance:
        return ExerciseCheck(True, t("ex.old.frame_right", frame=expected, given=given), expected)
    return _wrong(t("ex.old.frame_hint", tolerance=tolerance), expected)


def check_deletion_winner(answer, *, model, image) -> ExerciseCheck:
    """Exercise (ch. 5): on this digit, does Grad-CAM or integrated gradients make the
    deletion curve fall faster (smaller area)? ``image`` is the model input (H, W, C).
    (The registry's ``ch5.deletion_winner`` asks the same.)"""
    aucs = deletion_aucs(model, image)
    expected = min(aucs, key=aucs.get)
    if not isinstance(answer, str) or answer.strip().lower() not in aucs:
        return ExerciseCheck(False, t("ex.old.deletion_form"), expected)
    if answer.strip().lower() == expected:
        numbers = ", ".join(f"{k} {v:.3f}" for k, v in aucs.items())
        return ExerciseCheck(True, t("ex.old.deletion_right", numbers=numbers), expected)
    return _wrong(t("ex.old.deletion_hint"), expected)
