"""How chapter 5's ImageClassifier draws: image tiles, top-k bars, the confusion matrix, and in
number mode the image with its segmentation boxes, per-digit top-1 bars and the number read."""

from __future__ import annotations

import html
import re

import ipywidgets as w
import numpy as np

from ..engine.i18n import t
from ..engine.tasks.vision.numbers import NumberReading
from ._html import bar_rows, escape, table
from ._render import as_rgb_uint8, encode_png

__all__ = [
    "png",
    "tile",
    "bars",
    "confusion_html",
    "boxed_image",
    "digits_html",
    "headline",
    "step_caption",
]

# the preprocessing steps' names (engine keys, kept) -> vision.step.<key>
_STEPS = {
    "input": "input",
    "gray": "gray",
    "white on black": "inverted",
    "threshold": "threshold",
    "cropped": "cropped",
    "scaled to 20 px": "scaled",
    "centred 28x28": "centred",
}
_PADDED = re.compile(r"padded (\d+)x(\d+)")


def step_caption(name: str) -> str:
    """A preprocessing step's name (``prep.steps`` key) as the reader sees it."""
    if name in _STEPS:
        return t(f"vision.step.{_STEPS[name]}")
    padded = _PADDED.fullmatch(name)
    return t("vision.step.padded", size=padded.group(1)) if padded else name


_COLOURS = [(228, 26, 28), (55, 126, 184), (77, 175, 74), (152, 78, 163), (255, 127, 0)]


def png(img: np.ndarray, min_side: int = 84) -> bytes:
    """PNG bytes, small images enlarged with nearest neighbour so pixels stay visible."""
    import cv2

    img = np.asarray(img)
    h, w_ = img.shape[:2]
    if max(h, w_) < min_side:
        k = int(np.ceil(min_side / max(h, w_)))
        img = cv2.resize(img, (w_ * k, h * k), interpolation=cv2.INTER_NEAREST)
    return encode_png(img)


def tile(img: np.ndarray, caption: str, size: int = 84) -> w.VBox:
    return w.VBox(
        [
            w.Image(
                value=png(img, size),
                format="png",
                layout=w.Layout(width=f"{size}px", height=f"{size}px", object_fit="contain"),
            ),
            w.HTML(f"<small>{html.escape(caption)}</small>"),
        ],
        layout=w.Layout(margin="0 6px 0 0", align_items="center"),
    )


def bars(top: list[tuple[int, float]]) -> str:
    """The top-k as labelled bars, the best one highlighted (rows are ``bmw-topk-row``)."""
    return bar_rows(
        [(c, p, f"{p:.1%}") for c, p in top],
        width_px=220,
        height_px=14,
        highlight=top[0][0] if top else None,
        css_class="bmw-topk",
        label_width="1.2em",
    )


def confusion_html(conf: np.ndarray) -> str:
    """The confusion matrix, shaded: blue on the diagonal (right), red off it (wrong)."""
    peak = max(int(conf.max()), 1)
    rows, styles = [], []
    for i, row in enumerate(conf):
        rows.append([i] + [int(n) for n in row])
        cells = ["font-weight:bold"]
        for j, n in enumerate(row):
            shade = int(255 - 200 * n / peak)
            colour = f"rgb({shade},{shade},255)" if i == j else f"rgb(255,{shade},{shade})"
            cells.append(f"background:{colour};text-align:right;padding:1px 5px")
        styles.append(cells)
    return table(
        rows,
        header=[t("vision.true_pred")] + list(range(len(conf))),
        css_class="bmw-confusion",
        cell_styles=styles,
    )


def boxed_image(image: np.ndarray, reading: NumberReading, *, width_px: int = 480) -> bytes:
    """PNG of ``image`` scaled to ``width_px`` wide with each segment's box and its digit."""
    import cv2

    img = as_rgb_uint8(image)
    h, w = img.shape[:2]
    k = width_px / w
    img = cv2.resize(
        img,
        (width_px, max(1, round(h * k))),
        interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_NEAREST,
    )
    for i, (seg, digit) in enumerate(zip(reading.segments, reading.digits)):
        colour = _COLOURS[i % len(_COLOURS)]
        x0, y0, x1, y1 = (round(v * k) for v in seg.box)
        cv2.rectangle(img, (x0, y0), (max(x0, x1 - 1), max(y0, y1 - 1)), colour, 2)
        cv2.putText(
            img, str(digit.label), (x0 + 2, min(img.shape[0] - 3, y1 + 14)),
            cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA,
        )  # fmt: skip
    return encode_png(img)


def digits_html(reading: NumberReading) -> str:
    """One bar per digit, left to right: the digit read, its top-1 probability and runner-up."""
    rows = []
    for d, seg in zip(reading.digits, reading.segments):
        second = (
            t("vision.then", digit=d.top[1][0], p=f"{d.top[1][1]:.1%}") if len(d.top) > 1 else ""
        )
        how = "" if seg.how == "component" else f" [{t(f'vision.how.{seg.how}')}]"
        rows.append((d.label, d.top[0][1], f"{d.top[0][1]:.1%}{second}{how}"))
    return bar_rows(rows, width_px=160, height_px=12, css_class="bmw-digits", label_width="1.2em")


def headline(reading: NumberReading, source: str) -> str:
    """``source -> number NNN (n digits)`` and the reader's notes, as HTML."""
    notes = "".join(f"<li>{escape(n)}</li>" for n in reading.notes)
    low = min(reading.confidences)
    return t(
        "vision.number_head",
        source=escape(source),
        number=f'<b class="bmw-number" style="font-size:1.3em">{escape(reading.text)}</b>',
        n=len(reading.text),
        low=f"{low:.1%}",
    ) + (f'<ul class="bmw-notes" style="margin:2px 0">{notes}</ul>' if notes else "")
