"""Which MFCC frames a speech recognizer listens to: integrated gradients over frames.

The recognizer standardises frames with its training statistics; the baseline is the
training set's average frame (0 after standardising) nudged by ``BASELINE_NUDGE``, because the
models treat an all-zero frame as padding (models.py) and a baseline of pure padding would
make the path jump at its start.
"""

from __future__ import annotations

import numpy as np

from .base import ExplainError, Explanation
from .integrated_gradients import DEFAULT_STEPS, integrated_gradients

__all__ = ["BASELINE_NUDGE", "speech_integrated_gradients"]

BASELINE_NUDGE = 1e-3


def speech_integrated_gradients(
    recognizer, seq, *, target: int | None = None, steps: int = DEFAULT_STEPS
) -> Explanation:
    """IG per frame (T,) of one raw (frames, 13) MFCC sequence; ``detail`` is (T, 13)."""
    from ..tasks.speech.recognizer import SpeechRecognizer

    if not isinstance(recognizer, SpeechRecognizer):
        raise ExplainError(
            f"recognizer must be a SpeechRecognizer (trained_recognizer()), "
            f"got {type(recognizer).__name__}"
        )
    (z,) = recognizer.standardize([seq])  # shape, NaN and padding-frame checks
    raw = np.asarray(seq, np.float32)
    if float(raw.std(axis=0).max()) < 1e-6:
        raise ExplainError(
            "the sequence is silence (every frame is the same): there is nothing to explain"
        )
    baseline = np.full_like(z, BASELINE_NUDGE)
    exp = integrated_gradients(recognizer.model, z, target=target, baseline=baseline, steps=steps)
    settings = dict(exp.settings, baseline=f"mean frame (+{BASELINE_NUDGE} so it is not padding)")
    return Explanation(
        method=exp.method,
        attributions=exp.attributions,
        target=exp.target,
        score=exp.score,
        settings=settings,
        completeness=exp.completeness,
        detail=exp.detail,
    )
