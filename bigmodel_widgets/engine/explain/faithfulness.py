"""Can an explanation be trusted? The deletion curve (Petsiuk et al., 2018).

Remove the most-attributed input units first and watch the explained class's probability: a
faithful explanation makes it fall fast (small area under the curve). The same removal in a
random order is the yardstick; ``auc / random_auc`` below 1 means better than chance.
Integrated gradients' own check, completeness, is in :mod:`.integrated_gradients`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..checks import int_in_range, number_in_range
from .base import ExplainError, rank_order

__all__ = ["deletion_curve"]


def deletion_curve(
    predict: Callable,
    x,
    attributions,
    *,
    target: int,
    steps: int = 20,
    fill: float = 0.0,
    order: str = "attribution",
    rng: np.random.Generator | None = None,
) -> dict:
    """Fractions removed (steps + 1,), the target's probability at each, and the AUC.

    ``attributions`` has one value per unit: the leading axes of ``x`` (pixels (H, W) of an
    (H, W, C) image; frames (T,) of a (T, F) sequence). ``order="random"`` ignores them and
    removes units in an order drawn from ``rng`` (required then). Removed units are set to
    ``fill``. ``predict`` maps (n, *x.shape) to (n, classes) probabilities.
    """
    x = np.asarray(x, np.float32)
    attributions = np.asarray(attributions, np.float64)
    if attributions.shape != x.shape[: attributions.ndim] or attributions.ndim == 0:
        raise ExplainError(
            f"attributions {attributions.shape} do not match the input's leading axes {x.shape}"
        )
    steps = int_in_range(steps, name="steps", low=1, high=10_000)
    fill = number_in_range(fill, name="fill")
    n_units = attributions.size
    if order == "attribution":
        ranked = rank_order(attributions)
    elif order == "random":
        if not isinstance(rng, np.random.Generator):
            raise TypeError("order='random' needs rng, a numpy.random.Generator")
        ranked = rng.permutation(n_units)
    else:
        raise ValueError(f"order must be 'attribution' or 'random', got {order!r}")
    fractions = np.linspace(0.0, 1.0, steps + 1)
    flat = x.reshape(n_units, -1)
    batch = np.repeat(flat[None], steps + 1, axis=0)
    for i, f in enumerate(fractions):
        batch[i, ranked[: int(round(f * n_units))]] = fill
    probs = np.asarray(predict(batch.reshape((steps + 1,) + x.shape)), np.float64)
    scores = probs[:, target]
    auc = float(np.sum((scores[1:] + scores[:-1]) * np.diff(fractions)) / 2)
    return {"order": order, "fractions": fractions, "scores": scores, "auc": auc}
