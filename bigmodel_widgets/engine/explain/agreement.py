"""Do two models look at the same things? Spearman rank agreement of two explanations.

Used to compare a model with its compressed version: the same method on both (occlusion
through the interpreter for a ``.tflite`` model), per input, and a flag where they disagree.
"""

from __future__ import annotations

import numpy as np

from ..checks import number_in_range
from .base import ExplainError

__all__ = ["ranks", "spearman", "compare"]


def ranks(values) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (as Spearman's rho needs)."""
    v = np.asarray(values, np.float64).ravel()
    order = np.argsort(v, kind="stable")
    r = np.empty(len(v))
    r[order] = np.arange(1, len(v) + 1)
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=r)
    return sums[inverse] / counts[inverse]


def spearman(a, b) -> float:
    """Spearman's rho of two equally shaped attribution maps (nan if either is constant)."""
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    if a.shape != b.shape or a.size < 2:
        raise ExplainError(f"maps must have the same size >= 2, got {a.size} and {b.size}")
    ra, rb = ranks(a), ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def compare(maps_a, maps_b, *, threshold: float = 0.5) -> dict:
    """Per-input rho of paired maps, its median and mean (over finite rho), the inputs with
    rho < threshold (``flagged``) and those where a map is constant (``constant``, rho nan)."""
    threshold = number_in_range(threshold, name="threshold", low=-1.0, high=1.0)
    maps_a, maps_b = list(maps_a), list(maps_b)
    if len(maps_a) != len(maps_b) or not maps_a:
        raise ExplainError(
            f"need two equally long, non-empty lists, got {len(maps_a)}, {len(maps_b)}"
        )
    rho = np.array([spearman(a, b) for a, b in zip(maps_a, maps_b)])
    valid = rho[np.isfinite(rho)]
    return {
        "rho": rho,
        "median": float(np.median(valid)) if len(valid) else float("nan"),
        "mean": float(np.mean(valid)) if len(valid) else float("nan"),
        "flagged": [int(i) for i in np.flatnonzero(np.isfinite(rho) & (rho < threshold))],
        # a constant map (nothing moved the output, e.g. a saturated int8 softmax) has no ranks
        "constant": [int(i) for i in np.flatnonzero(~np.isfinite(rho))],
        "threshold": threshold,
    }
