"""Integrated gradients (Sundararajan et al., 2017) for any Keras model with a numeric input.

Attribution of input unit i = (x_i - b_i) * the average gradient of the explained class's
output along the straight path from a baseline b to x. The attributions should add up to
f(x) - f(b) ("completeness"); how far they miss is reported with every explanation, so a
student sees when too few steps were taken. The path integral is the trapezoid rule over
``steps`` intervals, evaluated in batches.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import backend
from ..checks import int_in_range
from .base import ExplainError, Explanation, check_keras_model, resolve_target

__all__ = ["DEFAULT_STEPS", "path_integral", "completeness", "integrated_gradients"]

DEFAULT_STEPS = 64


def completeness(total: float, delta: float) -> dict:
    """Sum of attributions vs the change in output: ``error`` = |sum - delta| / |delta|."""
    total, delta = float(total), float(delta)
    return {
        "sum": total,
        "delta": delta,
        "error": abs(total - delta) / max(abs(delta), 1e-12),
    }


def path_integral(
    fn: Callable,
    x: np.ndarray,
    baseline: np.ndarray,
    *,
    target: int,
    steps: int = DEFAULT_STEPS,
    batch: int | None = None,
) -> tuple[np.ndarray, float, float]:
    """Attributions (shape of ``x``), f(x)[target] and f(baseline)[target].

    ``fn`` maps a float tensor (n, *x.shape) to outputs (n, classes); it must be
    differentiable with TensorFlow. ``batch`` points of the path go through ``fn`` at once
    (None: all ``steps + 1``; fewer calls are much faster in eager mode).
    """
    tf = backend.tf()
    steps = int_in_range(steps, name="steps", low=2, high=4096)
    batch = steps + 1 if batch is None else int_in_range(batch, name="batch", low=1)
    x = np.asarray(x, np.float32)
    baseline = np.asarray(baseline, np.float32)
    if baseline.shape != x.shape:
        raise ExplainError(f"baseline has shape {baseline.shape}, the input {x.shape}")
    alphas = np.linspace(0.0, 1.0, steps + 1, dtype=np.float32)
    weights = np.full(steps + 1, 1.0 / steps, np.float32)
    weights[[0, -1]] *= 0.5  # trapezoid rule
    diff = x - baseline
    total = np.zeros_like(x)
    ends = {}
    for start in range(0, steps + 1, batch):
        a = alphas[start : start + batch]
        path = tf.constant(baseline[None] + a.reshape((-1,) + (1,) * x.ndim) * diff[None])
        with tf.GradientTape() as tape:
            tape.watch(path)
            out = fn(path)[:, target]
        grads = tape.gradient(out, path).numpy()
        w = weights[start : start + batch].reshape((-1,) + (1,) * x.ndim)
        total += (grads * w).sum(axis=0)
        values = out.numpy()
        if start == 0:
            ends["base"] = float(values[0])
        if start + len(a) == steps + 1:
            ends["x"] = float(values[-1])
    return total * diff, ends["x"], ends["base"]


def integrated_gradients(
    model,
    x,
    *,
    target: int | None = None,
    baseline=None,
    steps: int = DEFAULT_STEPS,
    batch: int | None = None,
) -> Explanation:
    """IG of one input ``x`` (no batch axis) for a Keras model with a float input.

    ``baseline`` defaults to zeros (a black image). The attributions are summed over the last
    axis (colour channels, or features per frame), the full map is kept in ``detail``.
    """
    check_keras_model(model)
    x = np.asarray(x, np.float32)
    want = tuple(model.input_shape[1:])
    if x.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, x.shape)):
        raise ExplainError(
            f"input has shape {x.shape}, the model expects {want} (one input, no batch axis)"
        )
    if not np.isfinite(x).all():
        raise ExplainError("input contains NaN or infinite values")
    base = np.zeros_like(x) if baseline is None else np.asarray(baseline, np.float32)
    probs = np.asarray(model(x[None], training=False))[0]
    if probs.ndim != 1:
        raise ExplainError(f"model output must be (batch, classes), got {(1, *probs.shape)}")
    target = resolve_target(probs, target, len(probs))
    attr, fx, fb = path_integral(
        lambda t: model(t, training=False), x, base, target=target, steps=steps, batch=batch
    )
    return Explanation(
        method="integrated gradients",
        attributions=attr.sum(axis=-1) if attr.ndim >= 2 else attr,
        target=target,
        score=fx,
        settings={
            "steps": steps,
            "rule": "trapezoid",
            "baseline": "zeros" if baseline is None else "given",
            "output": "model output (probability when the model ends in softmax)",
        },
        completeness=completeness(attr.sum(), fx - fb),
        detail=attr,
    )
