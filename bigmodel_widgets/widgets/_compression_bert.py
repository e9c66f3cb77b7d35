"""The BERT half of the compression explorer: variant buttons, int8 error bars, "keep float".

Thin: every number comes from a :class:`~bigmodel_widgets.engine.compression.BertSweep`
record or its per-layer error rows; the explorer owns the plot, the buttons and the errors.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..engine import compression as comp
from ..engine.i18n import t
from ._compression_views import display_label, error_bars, short_name, size_text

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
            options=[(display_label(m), m) for m in comp.BERT_MODES],
            value="fp32",
            description=t("comp.bert_variant"),
            style={"button_width": "100px", "description_width": "150px"},
        )
        self.layer = w.Dropdown(
            options=[], description=t("comp.layer"), layout=w.Layout(width="420px")
        )
        self.keep_button = w.Button(
            description=t("comp.keep_float"), icon="lock", layout=w.Layout(width="200px")
        )
        self.keep_button.add_class("bmw-keep-float")
        self.errors_button = w.Button(
            description=t("comp.measure_errors"),
            icon="bar-chart",
            layout=w.Layout(width="240px"),
        )
        self.errors_view = w.HTML()
        self.children = [
            self.mode,
            w.HTML(t("comp.int8_layers")),
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
            self.errors_view.value = f"<i>{t('comp.errors_not_measured')}</i>"
            self.layer.options = []
            return
        current = self.layer.value
        options = [
            (
                t(
                    "comp.layer_option",
                    name=short_name(r["tensor"]),
                    steps=f"{r['error_steps']:.1f}",
                ),
                r["tensor"],
            )
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
            raise ValueError(t("comp.measure_first"))
        self.keep = tuple(sorted(set(self.keep) | {self.layer.value}))
        self.mode.value = "int8_selective"  # redraws the summary (not computed yet)
        self._on_compute(None)
        self.refresh_errors()

    def summary(self, r: dict | None) -> str:
        if r is None:
            return (
                "<div class='bmw-compression-size' data-gzip=''>"
                f"{t('comp.bert_not_computed')}</div>"
            )
        return (
            f"<div style='font-size:1.25em'><b>BERT {html.escape(display_label(r['label']))}</b>"
            f"</div><div class='bmw-compression-size' data-gzip='{r['gzip_bytes']}'>"
            + t("comp.bert_size_line", size=size_text(r["gzip_bytes"]), ratio=f"{r['ratio']:.2f}")
            + "</div><div>"
            + t(
                "comp.bert_accuracy_line",
                n=r["n_test"],
                accuracy=f"{100 * r['accuracy']:.2f}",
                drop=t("comp.pts", value=f"{-r['acc_drop_pts']:+.2f}"),
            )
            + "</div><div>"
            + t("comp.latency_ms_line", ms=f"{r['latency_ms']:.2f}")
            + "</div>"
        )
