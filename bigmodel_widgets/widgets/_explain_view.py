"""How explanations are drawn: heat maps over images, saliency over MFCC frames, attention grids.

Formatting only: every number comes from an engine ``Explanation`` or ``AttentionMaps``.
Everything is drawn here (PNG bytes, HTML), nothing is loaded from a CDN.
"""

from __future__ import annotations

import numpy as np

from ..engine.i18n import t
from ._html import escape
from ._render import as_rgb_uint8

__all__ = [
    "EXPLAIN_CHOICES",
    "explain_options",
    "method_name",
    "heat_overlay",
    "frame_saliency",
    "attention_grid",
]

# ImageClassifier's "explain" choice -> the engine method (None: no explanation); the
# dropdown shows explain.choice.<method> (explain_options()), its values stay these names
EXPLAIN_CHOICES = {
    "none": None,
    "Grad-CAM": "grad-cam",
    "integrated gradients": "integrated gradients",
}
_CHOICE_KEYS = {"none": "none", "Grad-CAM": "gradcam", "integrated gradients": "ig"}


def explain_options() -> list[tuple[str, str]]:
    """The "explain" dropdown's (label, value) pairs in the active language."""
    return [(t(f"explain.choice.{_CHOICE_KEYS[c]}"), c) for c in EXPLAIN_CHOICES]


def method_name(method: str) -> str:
    """An engine method ("grad-cam", "integrated gradients") as the reader sees it."""
    return t("explain.choice.ig") if method == "integrated gradients" else method


def _unit(values: np.ndarray) -> np.ndarray:
    v = np.maximum(np.asarray(values, np.float32), 0.0)  # what supports the class
    top = float(v.max())
    return v / top if top > 0 else v


def heat_overlay(image: np.ndarray, heat: np.ndarray, *, alpha: float = 0.55) -> np.ndarray:
    """``image`` (H, W[, C]) with ``heat`` (same H, W; positive part, scaled to its max) in colour."""
    import cv2

    rgb = as_rgb_uint8(np.asarray(image))
    h = cv2.resize(_unit(heat), (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    colour = cv2.cvtColor(
        cv2.applyColorMap((h * 255).astype(np.uint8), cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB
    )
    weight = (alpha * h)[..., None]
    return (rgb * (1 - weight) + colour * weight).astype(np.uint8)


def frame_saliency(features: np.ndarray, detail: np.ndarray, *, rows_px: int = 6) -> np.ndarray:
    """An RGB strip: the (frames, coefficients) features in grey, the attribution's size in red."""
    f = np.asarray(features, np.float32).T
    f = (f - f.min()) / max(float(f.max() - f.min()), 1e-9)
    a = np.abs(np.asarray(detail, np.float32)).T
    a = a / max(float(a.max()), 1e-12)
    grey = (f * 160 + 40)[..., None].repeat(3, axis=2)
    red = np.stack([np.full_like(a, 230), 30 + 0 * a, 30 + 0 * a], axis=2)
    out = grey * (1 - a[..., None]) + red * a[..., None]
    out = np.repeat(np.repeat(out[::-1], rows_px, axis=0), 4, axis=1)  # coefficient 0 at the bottom
    return out.astype(np.uint8)


def attention_grid(tokens, matrix: np.ndarray, *, layer: int, head: str) -> str:
    """A tokens x tokens HTML grid; cell shade = attention weight (rows: from, columns: to)."""
    m = np.asarray(matrix, np.float64)
    # a number that changes with the map: what a browser test compares between layers/heads
    checksum = float((m * np.arange(1, m.size + 1).reshape(m.shape)).sum())
    cells = [
        "<tr><th></th>"
        + "".join(
            f'<th class="bmw-att-col" style="writing-mode:vertical-rl;font-weight:normal">'
            f"{escape(t)}</th>"
            for t in tokens
        )
        + "</tr>"
    ]
    for i, tok in enumerate(tokens):
        row = "".join(
            f'<td title="{escape(tok)} &rarr; {escape(tokens[j])}: {m[i, j]:.3f}" '
            f'style="width:16px;height:16px;background:rgba(78,121,167,{m[i, j]:.3f})"></td>'
            for j in range(len(tokens))
        )
        cells.append(
            f'<tr><th style="text-align:right;font-weight:normal">{escape(tok)}</th>{row}</tr>'
        )
    return (
        f'<div class="bmw-attention" data-layer="{layer}" data-head="{escape(head)}" '
        f'data-checksum="{checksum:.6f}">'
        f"<small>{t('attn.grid_caption', layer=layer, head=escape(_head_name(head)))}</small>"
        f'<table style="border-collapse:collapse">{"".join(cells)}</table></div>'
    )


def _head_name(head: str) -> str:
    return t("attn.mean") if head == "mean" else head


def saliency_widgets():
    """The speech explorer's explain controls: a checkbox, an image and a caption."""
    import ipywidgets as w

    box = w.Checkbox(
        value=False,
        description=t("explain.saliency_box"),
        layout=w.Layout(width="420px"),
    )
    image = w.Image(format="png", layout=w.Layout(max_width="520px"))
    caption = w.HTML()
    caption.add_class("bmw-speech-saliency")
    return box, image, caption


def saliency_caption(exp) -> str:
    """Which frames matter, and whether the attributions add up (completeness)."""
    top = ", ".join(str(i) for i in exp.top(3))
    c = exp.completeness
    caption = t(
        "explain.saliency_caption",
        digit=exp.target,
        top=top,
        sum=f"{c['sum']:.3f}",
        delta=f"{c['delta']:.3f}",
        error=f"{c['error']:.1%}",
    )
    return f'<div data-top-frame="{exp.top(1)[0]}"><small>{caption}</small></div>'
