"""What every explanation returns: plain arrays plus the method's settings, and shared checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Explanation", "ExplainError", "check_keras_model", "resolve_target", "rank_order"]


class ExplainError(ValueError):
    """A model or input an explanation method cannot work with (the message says why)."""


@dataclass(frozen=True)
class Explanation:
    """One explanation of one input.

    ``attributions`` has one value per input unit (pixel (H, W), token (n,), frame (T,));
    ``detail`` may hold a finer map (e.g. (T, features)). ``target`` is the explained class,
    ``score`` the model's output for it. ``settings`` records how the method ran (steps,
    baseline, layer ...) and ``completeness`` (integrated gradients only) holds the sum of the
    attributions, the change in output they should add up to and the relative error.
    """

    method: str
    attributions: np.ndarray
    target: int
    score: float
    settings: dict = field(default_factory=dict)
    completeness: dict | None = None
    detail: np.ndarray | None = None
    units: tuple | None = None  # the tokens' text, for text explanations

    def top(self, k: int = 3) -> list[int]:
        """Flat indices of the ``k`` most-attributed units, most first."""
        return [int(i) for i in rank_order(self.attributions)[:k]]


def rank_order(values) -> np.ndarray:
    """Flat indices from the most to the least attributed (ties in index order)."""
    return np.argsort(-np.asarray(values, dtype=np.float64).ravel(), kind="stable")


def check_keras_model(model, *, what: str = "model"):
    """``model`` itself when it is a built Keras model with one input, else ExplainError."""
    from .. import backend

    keras = backend.keras()
    if not isinstance(model, keras.Model):
        raise ExplainError(
            f"{what} must be a Keras model (tf_keras), got {type(model).__name__}; "
            "a .tflite model returns only outputs: explain it by occlusion"
        )
    if not model.built or len(model.inputs or []) != 1:
        raise ExplainError(f"{what} must be a built Keras model with exactly one input")
    return model


def resolve_target(probs: np.ndarray, target, n_classes: int) -> int:
    """The class to explain: ``target`` checked, or the predicted one when it is None."""
    if target is None:
        return int(np.argmax(probs))
    from ..checks import int_in_range

    return int_in_range(target, name="target", low=0, high=n_classes - 1)
