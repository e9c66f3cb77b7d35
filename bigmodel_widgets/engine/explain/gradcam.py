"""Grad-CAM (Selvaraju et al., 2017) for any Keras image model with a Conv2D layer.

The last (or a named) Conv2D layer's feature maps are weighted by the average gradient of the
explained class's score over each map, summed, passed through ReLU and resized to the input.
The score is the logit when the model ends in a softmax Dense layer (probabilities saturate),
otherwise the model's output.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..i18n import t
from .base import ExplainError, Explanation, check_keras_model, resolve_target

__all__ = ["conv_layers", "grad_cam"]


def conv_layers(model) -> list[str]:
    """Names of the model's Conv2D layers, first to last (top-level layers only)."""
    keras = backend.keras()
    return [lay.name for lay in model.layers if isinstance(lay, keras.layers.Conv2D)]


def _pick_layer(model, layer: str | None):
    names = conv_layers(model)
    if not names:
        kinds = ", ".join(type(lay).__name__ for lay in model.layers) or "none"
        raise ExplainError(t("explain.err.no_conv", name=model.name, kinds=kinds))
    if layer is None:
        return model.get_layer(names[-1])
    if layer not in names:
        raise ExplainError(
            f"layer {layer!r} is not a Conv2D layer of the model; choose from {names}"
        )
    return model.get_layer(layer)


def _score_graph(model, conv):
    """A model (inputs -> [conv maps, scores]) and whether the scores are logits."""
    keras = backend.keras()
    last = model.layers[-1]
    softmax = (
        isinstance(last, keras.layers.Dense)
        and getattr(last.activation, "__name__", "") == "softmax"
    )
    head = last.input if softmax else model.output
    return keras.Model(model.inputs, [conv.output, head]), (last if softmax else None)


def grad_cam(model, x, *, target: int | None = None, layer: str | None = None) -> Explanation:
    """Grad-CAM heat map (H, W) of one image ``x`` (H, W, C) without a batch axis.

    ``layer`` names a Conv2D layer (default: the last one). ``detail`` holds the map at the
    layer's own resolution.
    """
    import cv2

    check_keras_model(model)
    tf = backend.tf()
    x = np.asarray(x, np.float32)
    want = tuple(model.input_shape[1:])
    if x.ndim != 3 or x.shape != want:
        raise ExplainError(f"image has shape {x.shape}, the model expects {want} (no batch axis)")
    conv = _pick_layer(model, layer)
    graph, dense = _score_graph(model, conv)
    with tf.GradientTape() as tape:
        maps, head = graph(x[None], training=False)
        scores = tf.matmul(head, dense.kernel) + dense.bias if dense is not None else head
        probs = tf.nn.softmax(scores) if dense is not None else scores
        tgt = resolve_target(probs.numpy()[0], target, int(scores.shape[-1]))
        score = scores[:, tgt]
    grads = tape.gradient(score, maps).numpy()[0]
    maps = maps.numpy()[0]
    weights = grads.mean(axis=(0, 1))
    cam = np.maximum((maps * weights).sum(axis=-1), 0.0).astype(np.float32)
    heat = cv2.resize(cam, (x.shape[1], x.shape[0]), interpolation=cv2.INTER_LINEAR)
    return Explanation(
        method="grad-cam",
        attributions=heat,
        target=tgt,
        score=float(probs.numpy()[0, tgt]),
        settings={
            "layer": conv.name,
            "layer_resolution": list(cam.shape),
            "score": "logit" if dense is not None else "model output",
            "resize": "bilinear",
        },
        detail=cam,
    )
