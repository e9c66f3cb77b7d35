"""Drawing a spoken digit string: energy with thresholds and segments over the MFCC frames,
and the per-segment digits with their confidence. Numbers come from the engine; this module
only draws them (matplotlib Figure, no pyplot)."""

from __future__ import annotations

import io

import numpy as np

from ..engine.i18n import t
from ..engine.tasks.speech import strings
from ._html import bar, escape, table
from ._render import plot_text

__all__ = ["string_png", "string_html", "MAX_LABELS"]

MFCC = "MFCC"  # a technical name: the same in every language
MAX_LABELS = 40  # more segments than this: no digit labels on the plot (they would overlap)


def string_png(
    frames: np.ndarray,
    seg: strings.Segmentation,
    reading: strings.StringReading,
    *,
    true_segments=None,
    true_digits=None,
    frame_seconds: float | None = None,
    title: str = "",
) -> bytes:
    """Two panels: smoothed c0 with the thresholds and the found segments shaded (digit and
    confidence above each), and the MFCC frames with the segment edges."""
    with plot_text() as text:
        return _string_png(
            frames, seg, reading, true_segments, true_digits, frame_seconds, title, text
        )


def _string_png(frames, seg, reading, true_segments, true_digits, frame_seconds, title, text):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.5, 4.4))
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    scale = frame_seconds or 1.0
    times = np.arange(len(seg.energy)) * scale
    top.plot(times, seg.energy, lw=0.8, color="#333333", label=text("speech.plot.smoothed"))
    for level, name, style in ((seg.low, "low", ":"), (seg.high, "high", "--")):
        if np.isfinite(level):
            top.axhline(level, ls=style, lw=0.8, color="#e15759", label=text(f"speech.plot.{name}"))
    label = len(reading.segments) <= MAX_LABELS
    for (a, b), d, c in zip(reading.segments, reading.digits, reading.confidences):
        top.axvspan(a * scale, b * scale, color="#4e79a7", alpha=0.25)
        bottom.axvline(a * scale, color="white", lw=0.8)
        bottom.axvline(b * scale, color="white", lw=0.8, ls="--")
        if label:
            top.text(
                (a + b) / 2 * scale,
                1.0,
                f"{d}\n{c:.0%}",
                ha="center",
                va="bottom",
                transform=top.get_xaxis_transform(),
                fontsize=8,
            )
    lo, hi = float(np.min(seg.energy)), float(np.max(seg.energy))
    for k, (a, b) in enumerate(true_segments or ()):
        top.plot(
            [a * scale, b * scale],
            [lo, lo],
            lw=4,
            color="#59a14f",
            solid_capstyle="butt",
            label=None if k else text("speech.plot.true"),
        )
    top.set(
        ylabel=text("speech.plot.energy"),
        ylim=(lo - 0.05 * (hi - lo + 1), hi + 0.05 * (hi - lo + 1)),
    )
    top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    read = reading.text or text("speech.nothing")
    if true_digits is not None:
        spoken = "".join(str(d) for d in true_digits)
        title = title or text("speech.plot.read_spoken", text=read, spoken=spoken)
    top.set_title(title or text("speech.plot.read", text=read), fontsize=10, pad=22)
    bottom.imshow(
        frames.T,
        aspect="auto",
        origin="lower",
        cmap="magma",
        extent=[0, len(frames) * scale, 0, frames.shape[1]],
    )
    bottom.set(
        xlabel=text("speech.plot.seconds" if frame_seconds else "speech.plot.frame"), ylabel=MFCC
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def string_html(reading: strings.StringReading, *, true_digits=None, limit: int = 60) -> str:
    """The string read, then one row per segment: frames, digit, confidence bar (first
    ``limit`` rows), and the notes."""
    spoken = "" if true_digits is None else "".join(str(d) for d in true_digits)
    verdict = ""
    if true_digits is not None:
        errors = strings.edit_distance(tuple(true_digits), reading.digits)
        verdict = " &nbsp;" + t(
            "speech.spoken_errors", spoken=f"<b>{escape(spoken)}</b>", errors=errors
        )
    read = t(
        "speech.read", text=f"<b>{escape(reading.text or t('speech.nothing'))}</b>", verdict=verdict
    )
    head = f'<div class="bmw-speech-string" data-read="{escape(reading.text)}">{read}</div>'

    rows = [
        (k, f"{a}-{b}", d, bar(c, width_px=120, track=True) + f" {c:.0%}")
        for k, ((a, b), d, c) in enumerate(
            zip(reading.segments, reading.digits, reading.confidences)
        )
    ][:limit]
    body = (
        table(
            [(k, escape(span), d, html) for k, span, d, html in rows],
            header=tuple(
                t(f"speech.col.{c}") for c in ("segment", "frames", "digit", "confidence")
            ),
            css_class="bmw-speech-segments",
            raw=True,
        )
        if rows
        else ""
    )
    more = (
        f"<div><i>{t('speech.more', n=len(reading.segments) - limit)}</i></div>"
        if len(reading.segments) > limit
        else ""
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in reading.notes)
    return head + body + more + (f'<ul class="bmw-speech-notes">{notes}</ul>' if notes else "")
