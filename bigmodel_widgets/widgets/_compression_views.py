"""HTML/SVG drawing for the compression explorer: the Pareto plot, per-layer bars, the op diff.

Formatting only: every number drawn is a field of an engine record or row.
"""

from __future__ import annotations

import html
import re

from ..engine import compression as comp
from ..engine.i18n import t
from ._html import bar_rows, table

__all__ = [
    "size_text",
    "pareto_svg",
    "sensitivity_bars",
    "error_bars",
    "diff_html",
    "short_name",
    "histogram_svg",
    "display_label",
]

_W, _H, _PAD = 460, 260, 44  # plot size and margin in SVG pixels
_LABEL_WORDS = ("baseline", "dynamic", "none")  # comp.label.<word>: the rest are names
_KEPT = re.compile(r"int8, (\d+) kept float")  # compression.BertPoint's label


def display_label(label: str) -> str:
    """An engine label (``prune50+dynamic``, ``baseline``, ``int8, 2 kept float``) in the
    active language; the label itself (records, caches, tests) stays as the engine made it."""
    kept = _KEPT.fullmatch(label)
    if kept:
        return t("comp.kept_float", n=int(kept.group(1)))
    return "+".join(t(f"comp.label.{p}") if p in _LABEL_WORDS else p for p in label.split("+"))


def _pts(value: float, fmt: str = "+.2f") -> str:
    return t("comp.pts", value=format(value, fmt))


def size_text(nbytes: float) -> str:
    """``12.3 KB`` or ``21.4 MB``."""
    if nbytes >= 10 * 1024 * 1024:
        return f"{nbytes / 1024 / 1024:,.1f} MB"
    return f"{nbytes / 1024:,.1f} KB"


def short_name(tensor: str, width: int = 46) -> str:
    """A tensor name without its long model prefix (``layer_._0/attention/...``)."""
    parts = tensor.split(";")[0].split("/")
    keep = [p for p in parts if p not in ("tf_bert_for_sequence_classification", "bert")]
    text = "/".join(keep[-4:])
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def pareto_svg(recs: list[dict], *, selected: dict | None = None, best: dict | None = None) -> str:
    """Size (gzip) against accuracy for every record, with the Pareto front and marks."""
    if not recs:
        return f"<i>{t('comp.no_points')}</i>"
    mb = max(r["gzip_bytes"] for r in recs) >= 10 * 1024 * 1024
    unit, div = ("MB", 1024 * 1024) if mb else ("KB", 1024)
    xs = [r["gzip_bytes"] / div for r in recs]
    ys = [100 * r["accuracy"] for r in recs]
    x1 = max(xs) * 1.05
    y0, y1 = min(ys) - 1, max(ys) + 0.5

    def px(r):
        x = _PAD + (r["gzip_bytes"] / div) / x1 * (_W - _PAD - 10)
        y = _H - _PAD + 10 - (100 * r["accuracy"] - y0) / (y1 - y0) * (_H - _PAD)
        return x, y

    front = " ".join("{:.1f},{:.1f}".format(*px(r)) for r in comp.pareto_front(recs))
    dots = "".join(
        '<circle class="bmw-point" cx="{:.1f}" cy="{:.1f}" r="4" fill="#9aa5b1">'
        "<title>{}</title></circle>".format(
            *px(r),
            html.escape(
                f"{display_label(r['label'])}: {size_text(r['gzip_bytes'])}, "
                f"{100 * r['accuracy']:.1f} %"
            ),
        )
        for r in recs
    )
    marks = ""
    if best is not None:
        marks += (
            '<circle cx="{:.1f}" cy="{:.1f}" r="9" fill="none" stroke="#2e7d32" stroke-width="2"/>'
        ).format(*px(best))
    if selected is not None:
        marks += '<circle cx="{:.1f}" cy="{:.1f}" r="6" fill="#d62728"/>'.format(*px(selected))
    axes = (
        f'<line x1="{_PAD}" y1="{_H - _PAD + 10}" x2="{_W}" y2="{_H - _PAD + 10}" stroke="#444"/>'
        f'<line x1="{_PAD}" y1="0" x2="{_PAD}" y2="{_H - _PAD + 10}" stroke="#444"/>'
        f'<text x="{_W / 2}" y="{_H - 4}" font-size="11" text-anchor="middle">'
        + t("comp.axis_size", unit=unit, high=f"{x1:,.0f}")
        + "</text>"
        f'<text x="10" y="{_H / 2}" font-size="11" transform="rotate(-90 10 {_H / 2})" '
        'text-anchor="middle">'
        + t("comp.axis_accuracy", low=f"{y0:.1f}", high=f"{y1:.1f}")
        + "</text>"
    )
    return (
        f'<svg class="bmw-pareto" data-points="{len(recs)}" width="{_W}" height="{_H}" '
        f'style="background:#fafafa">{axes}'
        f'<polyline points="{front}" fill="none" stroke="#f28e2b" stroke-width="2"/>{dots}{marks}'
        "</svg>"
        f'<div style="font-size:0.85em"><span style="color:#f28e2b">&#9473;</span> '
        f"{t('comp.legend_front')} "
        f'<span style="color:#d62728">&#9679;</span> {t("comp.legend_selected")} '
        f'<span style="color:#2e7d32">&#9711;</span> {t("comp.legend_best")}</div>'
    )


def sensitivity_bars(rows: list[dict]) -> str:
    """Accuracy drop per layer when only that layer is damaged (most sensitive first)."""
    if not rows:
        return ""
    peak = max(max(r["drop_pts"] for r in rows), 1e-9)
    bars = [(r["layer"], max(r["drop_pts"], 0.0) / peak, _pts(r["drop_pts"])) for r in rows]
    method = rows[0]["method"]
    how = t("comp.damaged.prune") if method == "prune" else html.escape(method)
    return t("comp.sensitivity_head", method=how) + bar_rows(
        bars, width_px=160, label_width="9em", css_class="bmw-sensitivity"
    )


def error_bars(rows: list[dict], *, kept: tuple = (), top: int = 12) -> str:
    """int8 error per op output in quantization steps (rmse/scale), worst ``top`` first."""
    if not rows:
        return ""
    shown = rows[:top]
    peak = max(max(r["error_steps"] for r in shown), 1e-9)
    bars = [
        (
            short_name(r["tensor"]) + (t("comp.float_tag") if r["tensor"] in kept else ""),
            r["error_steps"] / peak,
            t("comp.steps", steps=f"{r['error_steps']:.2f}", op=r["op"]),
        )
        for r in shown
    ]
    return t("comp.error_head", shown=len(shown), total=len(rows)) + bar_rows(
        bars, width_px=140, label_width="24em", css_class="bmw-qerror"
    )


def diff_html(diff: dict, *, before: str, after: str) -> str:
    """The op and tensor diff (``compression.tflite_diff``) as two small tables."""
    ops = [(op, a, b) for op, (a, b) in diff["ops"].items()] or [(t("comp.no_op_change"), "", "")]
    weights = [
        (dtype, size_text(a) if a else "0", size_text(b) if b else "0")
        for dtype, (a, b) in diff["weight_bytes"].items()
    ]
    largest = [
        (
            short_name(x["name"], 36),
            "x".join(map(str, x["shape"])),
            x["before_dtype"] or "?",
            x["dtype"],
        )
        for x in diff["largest"][:6]
    ]
    b, a = html.escape(before), html.escape(after)
    return (
        '<div class="bmw-opdiff">'
        + t(
            "comp.diff_head",
            before=b,
            after=a,
            size_before=size_text(diff["file_bytes"][0]),
            size_after=size_text(diff["file_bytes"][1]),
        )
        + table(ops, header=(t("comp.col_op"), b, a), css_class="bmw-opdiff-ops")
        + table(weights, header=(t("comp.col_dtype"), b, a), css_class="bmw-opdiff-weights")
        + table(
            largest,
            header=(t("comp.col_largest"), t("comp.col_shape"), b, a),
            css_class="bmw-opdiff-tensors",
        )
        + "</div>"
    )


def histogram_svg(base: dict, r: dict, *, width: int = 300, height: int = 110) -> str:
    """Kernel-weight histograms of the fp32 base (grey) and the record ``r`` (blue)."""
    peak = max(max(base["histogram"]["counts"]), max(r["histogram"]["counts"]), 1)
    n = len(r["histogram"]["counts"])

    def bars(counts, colour, opacity):
        bw = width / n
        return "".join(
            f'<rect x="{i * bw:.1f}" y="{height - height * c / peak:.1f}" width="{bw:.1f}" '
            f'height="{height * c / peak:.1f}" fill="{colour}" fill-opacity="{opacity}"/>'
            for i, c in enumerate(counts)
            if c
        )

    return (
        t(
            "comp.histogram_head",
            label=html.escape(display_label(r["label"])),
            zeros=f"{r['histogram']['zeros']:,}",
        )
        + f"<br><svg width='{width}' height='{height}'>"
        f"{bars(base['histogram']['counts'], '#888', 0.5)}"
        f"{bars(r['histogram']['counts'], '#4e79a7', 0.7)}</svg>"
    )


def cnn_summary(r: dict | None) -> str:
    """The selected CNN point: size, ratio, accuracy and latency (or "not computed yet")."""
    if r is None:
        return f"<div class='bmw-compression-size' data-gzip=''>{t('comp.not_computed')}</div>"
    return (
        f"<div style='font-size:1.25em'><b>{html.escape(display_label(r['label']))}</b></div>"
        f"<div class='bmw-compression-size' data-gzip='{r['gzip_bytes']}'>"
        + t("comp.size_line", size=size_text(r["gzip_bytes"]), ratio=f"{r['ratio']:.2f}")
        + "</div><div>"
        + t(
            "comp.accuracy_line",
            accuracy=f"{100 * r['accuracy']:.2f}",
            drop=_pts(-r["acc_drop_pts"]),
        )
        + "</div><div>"
        + t(
            "comp.latency_line",
            latency=f"{r['latency_us']:.1f} µs",
            raw=size_text(r["raw_bytes"]),
        )
        + "</div>"
    )
