"""The BERT half of the compression explorer: variant buttons, int8 error bars, "keep float".

Thin: every number comes from a :class:`~bigmodel_widgets.engine.compression.BertSweep`
record or its per-layer error rows; the explorer owns the plot, the buttons and the errors.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..engine import compression as comp
from ._compression_views import error_bars, short_name, size_text

__all__ = ["BertControls"]


class BertControls(w.VBox):
    """Controls for a :class:`BertSweep`: ``mode``, ``layer`` + ``keep_button``, ``errors_button``.

    ``keep`` is the set of tensors the int8_selective point keeps in float; "keep this layer
    float" adds ``layer.value`` to it, selects int8_selective and asks the explorer to compute.
    """

    def __init__(self, sweep: comp.BertSweep, *, on_change, on_compute) -> None:
        super().__init__()
        self.sweep = sweep
        self.keep: tuple[str, ...] = ()
        self._on_change, self._on_compute = on_change, on_compute
        self.mode = w.ToggleButtons(
            options=list(comp.BERT_MODES),
            value="fp32",
            description="BERT variant",
            style={"button_width": "100px", "description_width": "150px"},
        )
        self.layer = w.Dropdown(options=[], description="layer", layout=w.Layout(width="420px"))
        self.keep_button = w.Button(
            description="keep this layer float", icon="lock", layout=w.Layout(width="200px")
        )
        self.keep_button.add_class("bmw-keep-float")
        self.errors_button = w.Button(
            description="measure int8 error per layer",
            icon="bar-chart",
            layout=w.Layout(width="240px"),
        )
        self.errors_view = w.HTML()
        self.children = [
            self.mode,
            w.HTML("<b>int8 layers</b>: keep the worst ones in float (int8_selective)"),
            self.layer,
            w.HBox([self.keep_button, self.errors_button]),
        ]
        self.mode.observe(lambda _: self._on_change(), names="value")
        self.keep_button.on_click(lambda _: self.keep_float())
        self.errors_button.on_click(lambda _: self._on_compute(self.measure_errors))
        self.refresh_errors()

    def point(self) -> comp.BertPoint:
        """The BERT variant the controls describe."""
        keep = self.keep if self.mode.value == "int8_selective" else ()
        return comp.BertPoint(self.mode.value, keep)

    def measure_errors(self) -> None:
        """Run the quantization debugger (cached) and show the per-layer bars."""
        self.sweep.layer_errors()
        self.refresh_errors()

    def refresh_errors(self) -> None:
        rows = self.sweep.cached_layer_errors()
        if rows is None:
            self.errors_view.value = "<i>int8 error per layer: not measured yet</i>"
            self.layer.options = []
            return
        current = self.layer.value
        options = [
            (f"{short_name(r['tensor'])}  ({r['error_steps']:.1f} steps)", r["tensor"])
            for r in rows[:40]
        ]
        if [v for _, v in options] != [v for _, v in self.layer.options]:
            self.layer.options = options
        values = [v for _, v in options]
        self.layer.value = current if current in values else (values[0] if values else None)
        self.errors_view.value = error_bars(rows, kept=self.keep)

    def keep_float(self) -> None:
        """Keep ``layer.value`` in float: a new int8_selective point, computed and plotted."""
        if not self.layer.value:
            raise ValueError("measure the int8 error per layer first, then pick a layer")
        self.keep = tuple(sorted(set(self.keep) | {self.layer.value}))
        self.mode.value = "int8_selective"  # redraws the summary (not computed yet)
        self._on_compute(None)
        self.refresh_errors()

    def summary(self, r: dict | None) -> str:
        if r is None:
            return (
                "<div class='bmw-compression-size' data-gzip=''><b>not computed yet</b>: press "
                "<i>compute this point</i> (MiniLM conversions take a minute)</div>"
            )
        return (
            f"<div style='font-size:1.25em'><b>BERT {html.escape(r['label'])}</b></div>"
            f"<div class='bmw-compression-size' data-gzip='{r['gzip_bytes']}'>size (gzip): "
            f"<b>{size_text(r['gzip_bytes'])}</b> &nbsp; <b>{r['ratio']:.2f}x</b> smaller than "
            "fp32 TFLite</div>"
            f"<div>accuracy on {r['n_test']} held-out snippets (interpreter): "
            f"<b>{100 * r['accuracy']:.2f} %</b> ({-r['acc_drop_pts']:+.2f} pts)</div>"
            f"<div>latency, batch 1: <b>{r['latency_ms']:.2f} ms</b></div>"
        )
