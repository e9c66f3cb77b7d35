"""The small HTML pieces the widgets draw: horizontal bars and tables, escaped in one place.

Every view that shows probabilities, sparsities or a confusion matrix builds its HTML here, so
the look is the same across chapters and no caller forgets ``html.escape``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["BAR_COLOUR", "MUTED_COLOUR", "bar", "bar_rows", "stacked_bar", "table", "escape"]

BAR_COLOUR = "#4e79a7"
MUTED_COLOUR = "#bab0ac"


def escape(text: object) -> str:
    """``str(text)`` made safe to put in HTML."""
    return html.escape(str(text))


def bar(
    fraction: float,
    *,
    width_px: int = 200,
    height_px: int = 12,
    colour: str = BAR_COLOUR,
    track: bool = False,
) -> str:
    """One horizontal bar ``fraction`` (clipped to [0, 1]) of ``width_px`` long.

    ``track`` draws the full length in light grey behind it (for a "filled to x %" look).
    """
    f = min(max(float(fraction), 0.0), 1.0) if fraction == fraction else 0.0
    inner = (
        f'<span style="display:inline-block;vertical-align:middle;height:{height_px}px;'
        f'width:{max(1, round(f * width_px))}px;background:{colour}"></span>'
    )
    if not track:
        return inner
    return (
        f'<span style="display:inline-block;vertical-align:middle;width:{width_px}px;'
        f'background:#eee;line-height:0">{inner}</span>'
    )


def stacked_bar(
    segments: Iterable[tuple[object, float, str]], *, width_px: int = 260, height_px: int = 16
) -> str:
    """One bar made of ``(title, fraction, colour)`` segments over a light grey track.

    Fractions are of the whole track (clipped so the segments never overflow it); each
    segment's ``title`` is its hover text.
    """
    out, left = [], 1.0
    for title, f, colour in segments:
        f = min(max(float(f), 0.0), left) if f == f else 0.0
        left -= f
        if f > 0:
            out.append(
                f'<span title="{escape(title)}" style="display:inline-block;'
                f'height:{height_px}px;width:{f * width_px:.1f}px;background:{colour}">'
                f"</span>"
            )
    return (
        f'<span class="bmw-stacked" style="display:inline-flex;vertical-align:middle;'
        f'width:{width_px}px;height:{height_px}px;background:#eee">{"".join(out)}</span>'
    )


def bar_rows(
    rows: Iterable[tuple[object, float, str]],
    *,
    width_px: int = 200,
    height_px: int = 12,
    highlight: object = None,
    css_class: str = "bmw-bars",
    label_width: str = "2em",
    track: bool = False,
) -> str:
    """A column of labelled bars: each row is ``(label, fraction, text after the bar)``.

    The row whose label equals ``highlight`` is drawn in the main colour, the others muted;
    with no ``highlight`` every bar uses the main colour.
    """
    out = []
    for label, f, after in rows:
        colour = BAR_COLOUR if highlight is None or label == highlight else MUTED_COLOUR
        out.append(
            f'<div class="{css_class}-row" style="display:flex;align-items:center;gap:6px">'
            f'<span style="width:{label_width};font-family:monospace">{escape(label)}</span>'
            f"{bar(f, width_px=width_px, height_px=height_px, colour=colour, track=track)}"
            f"<span>{escape(after)}</span></div>"
        )
    return f'<div class="{css_class}">{"".join(out)}</div>'


def table(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] | None = None,
    css_class: str = "bmw-table",
    cell_styles: Iterable[Sequence[str]] | None = None,
    raw: bool = False,
) -> str:
    """An HTML table; cells are escaped unless ``raw`` (for cells that hold :func:`bar` HTML).

    ``cell_styles``, when given, is one list of CSS strings per row, one per cell.
    """
    rows = [list(r) for r in rows]
    styles = [list(s) for s in cell_styles] if cell_styles is not None else [[]] * len(rows)

    def cell(value, tag: str, style: str = "") -> str:
        body = str(value) if raw else escape(value)
        attr = f' style="{style}"' if style else ""
        return f"<{tag}{attr}>{body}</{tag}>"

    head = ("<tr>" + "".join(cell(h, "th") for h in header) + "</tr>") if header else ""
    body = "".join(
        "<tr>"
        + "".join(cell(v, "td", s[i] if i < len(s) else "") for i, v in enumerate(r))
        + "</tr>"
        for r, s in zip(rows, styles)
    )
    return f'<table class="{css_class}" style="border-collapse:collapse">{head}{body}</table>'
