"""Occlusion for images: how much the class's probability drops when a patch is blanked.

It needs predictions only, so it explains a ``.tflite`` model through its interpreter as well
as a Keras model: ``predict`` is any callable (n, H, W, C) -> (n, classes) probabilities.
(Text occlusion, one wordpiece at a time, lives with the text classifier: nlp/explain.py.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..checks import int_in_range, number_in_range
from .base import ExplainError, Explanation, resolve_target

__all__ = ["occlusion_image"]


def occlusion_image(
    predict: Callable,
    x,
    *,
    patch: int = 4,
    target: int | None = None,
    fill: float = 0.0,
) -> Explanation:
    """Per-pixel map (H, W): each pixel carries its ``patch`` x ``patch`` square's drop."""
    x = np.asarray(x, np.float32)
    if x.ndim != 3:
        raise ExplainError(f"image must be (H, W, C) without a batch axis, got shape {x.shape}")
    patch = int_in_range(patch, name="patch", low=1, high=min(x.shape[:2]))
    fill = number_in_range(fill, name="fill")
    h, w = x.shape[:2]
    cells = [(r, c) for r in range(0, h, patch) for c in range(0, w, patch)]
    batch = np.repeat(x[None], len(cells) + 1, axis=0)
    for i, (r, c) in enumerate(cells, start=1):
        batch[i, r : r + patch, c : c + patch] = fill
    probs = np.asarray(predict(batch), np.float64)
    if probs.ndim != 2 or len(probs) != len(batch):
        raise ExplainError(f"predict must return (n, classes), got shape {probs.shape}")
    target = resolve_target(probs[0], target, probs.shape[1])
    heat = np.zeros((h, w), np.float32)
    for i, (r, c) in enumerate(cells, start=1):
        heat[r : r + patch, c : c + patch] = probs[0, target] - probs[i, target]
    return Explanation(
        method="occlusion",
        attributions=heat,
        target=target,
        score=float(probs[0, target]),
        settings={"patch": patch, "fill": fill, "cells": len(cells)},
    )
