"""CompressionExplorer: pick sparsity, clusters, quantization and QAT; see size, accuracy, latency.

Every number shown comes from a ``compression.Sweep`` record (the converted model measured in
the LiteRT interpreter). Moving a control only looks the point up in the sweep's cache; a
point not computed yet is computed when the "compute this point" button is pressed. The
explorer listens to the sweep (its plot fills in as points land) until it is closed.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..engine import backend, checks
from ..engine import compression as comp
from ..engine.training import Progress
from ._base import CompositeWidget
from ._html import bar_rows
from .progress import ProgressBar

__all__ = ["CompressionExplorer", "explore_compression"]

_W, _H, _PAD = 460, 260, 44  # plot size and margin in SVG pixels


def _kb(nbytes: float) -> str:
    return f"{nbytes / 1024:,.1f} KB"


class CompressionExplorer(CompositeWidget):
    """Controls are public attributes; ``record`` is the selected point's engine record (or None).

    Example::

        ex = CompressionExplorer(sweep)
        ex.sparsity.value = 0.8            # ex.record == sweep.cached(ex.config())
        ex.tolerance.value = 1.0           # selects the smallest model within 1 point
        ex.close()                         # stops listening to the sweep

    Parameters:
        sweep: the cached experiments to explore; points already on disk are shown at once.
        tolerance: the starting "max accuracy drop" in percentage points (0 to 10).
    """

    def __init__(self, sweep: comp.Sweep, *, tolerance: float = 1.0) -> None:
        if not isinstance(sweep, comp.Sweep):
            raise TypeError(f"sweep must be a compression.Sweep, got {type(sweep).__name__}")
        tolerance = checks.number_in_range(tolerance, name="tolerance", low=0.0, high=10.0)
        super().__init__()
        self.sweep = sweep
        spec = sweep.spec
        style = {"description_width": "150px"}
        # Offer a few points beyond the spec so "compute on request" has something to do.
        sparsities = sorted(set(spec.sparsities) | {0.0, 0.5, 0.8, 0.9})
        clusters = sorted(set(spec.clusters) | {0, 8, 16})
        self.sparsity = w.SelectionSlider(
            options=[(f"{round(s * 100)}%", s) for s in sparsities],
            value=sparsities[0],
            description="sparsity",
            continuous_update=False,
            style=style,
            layout=w.Layout(width="420px"),
        )
        self.clusters = w.Dropdown(
            options=[("none" if k == 0 else str(k), k) for k in clusters],
            value=0,
            description="weight clusters",
            style=style,
        )
        self.quant = w.ToggleButtons(
            options=list(comp.QUANT_MODES),
            value="none",
            description="quantization",
            style={"button_width": "80px", **style},
        )
        self.qat = w.Checkbox(
            value=False, description="quantization-aware training (int8 only)", indent=False
        )
        self.tolerance = w.FloatSlider(
            value=tolerance,
            min=0.0,
            max=10.0,
            step=0.1,
            description="max accuracy drop (pts)",
            continuous_update=False,
            style={"description_width": "170px"},
            layout=w.Layout(width="420px"),
        )
        self.compute_button = w.Button(
            description="compute this point", icon="play", layout=w.Layout(width="180px")
        )
        self.run_button = w.Button(
            description="run the whole sweep", icon="forward", layout=w.Layout(width="180px")
        )
        # Part of the explorer's own layout, so it must not also display itself on its own.
        self.progress = ProgressBar("sweep", auto_display=False)
        self.summary = w.HTML()
        self.summary.add_class("bmw-compression-summary")
        self.best_view = w.HTML()
        self.plot = w.HTML()
        self.layers_view = w.HTML()
        self.histogram_view = w.HTML()
        self.record: dict | None = None
        self.best: dict | None = None
        self._holding = False

        controls = w.VBox(
            [
                self.sparsity,
                self.clusters,
                self.quant,
                self.qat,
                w.HBox([self.compute_button, self.run_button]),
                self.progress,
                self.tolerance,
                self.best_view,
            ]
        )
        self.children = [
            w.HBox([controls, w.VBox([self.summary, self.plot])]),
            w.HBox([self.layers_view, self.histogram_view]),
            self.errors,
        ]
        for control in (self.sparsity, self.clusters, self.quant, self.qat):
            control.observe(self._on_change, names="value")
        self.tolerance.observe(lambda _: self.select_best(), names="value")
        self.compute_button.on_click(lambda _: self.compute())
        self.run_button.on_click(lambda _: self.run_sweep())
        for config in [sweep.baseline_config] + spec.configs():
            sweep.cached(config)  # load what an earlier run left on disk (no compute, no redraw)
        self._update()  # one render over every known point
        self._stop_observing = sweep.observe(self._on_point)  # the plot fills in as points land

    def close(self) -> None:
        """Stop listening to the sweep, then close the widget (a closed view never redraws)."""
        stop = getattr(self, "_stop_observing", None)
        if stop is not None:
            stop()
            self._stop_observing = None
        super().close()

    # ---- state ---------------------------------------------------------------------------
    def config(self) -> comp.CompressionConfig:
        """The experiment the controls describe (raises ValueError for an invalid combination)."""
        return comp.CompressionConfig(
            sparsity=self.sparsity.value,
            clusters=self.clusters.value,
            quant=self.quant.value,
            qat=self.qat.value,
            epochs=self.sweep.spec.epochs,
            schedule=self.sweep.spec.schedule,
        )

    def to_config(self) -> dict:
        return {
            "point": self.config().to_config(),
            "tolerance": self.tolerance.value,
            "spec": self.sweep.spec.to_config(),
        }

    def set_config(self, config: comp.CompressionConfig) -> None:
        """Move the controls to ``config`` (one update, not one per control)."""
        self._holding = True
        try:
            self.sparsity.value = config.sparsity
            self.clusters.value = config.clusters
            self.quant.value = config.quant
            self.qat.value = config.qat
        finally:
            self._holding = False
        self._update()

    # ---- actions -------------------------------------------------------------------------
    def compute(self) -> dict | None:
        """Compute (or fetch) the selected point; the button calls this."""
        done = False
        with self.guard("Cannot compute this point"):
            self.compute_button.disabled = True
            try:
                self.sweep.compute(self.config(), progress=self.progress)
                done = True
            finally:
                self.compute_button.disabled = False
        if done:  # on failure keep the message visible (an update would clear it)
            self._update()
        return self.record

    def run_sweep(self, *, progress: Progress = None) -> None:
        """Run every missing point of the sweep; an interrupt keeps the finished ones.

        ``progress`` defaults to the explorer's own bar.
        """
        try:
            with self.guard("Sweep failed"):
                self.sweep.run(progress=self.progress if progress is None else progress)
        except KeyboardInterrupt:
            self.errors.show(
                f"Sweep interrupted: {len(self.sweep.results())} points are kept "
                "in the cache; run it again to finish."
            )
            return
        self._update()

    def select_best(self) -> dict | None:
        """Select the smallest computed model within the tolerance (None if there is none)."""
        with self.guard("Cannot select"):
            self.best = comp.smallest_within(self.sweep.results(), self.tolerance.value)
            if self.best is None:
                self.best_view.value = "<i>no computed point is within this tolerance</i>"
                return None
            self.set_config(comp.CompressionConfig.from_config(self.best["config"]))
        return self.best

    # ---- callbacks -----------------------------------------------------------------------
    def _on_point(self, _record: dict) -> None:
        self._render_plot()

    def _on_change(self, _change) -> None:
        if not self._holding:
            self._update()

    def _update(self) -> None:
        self.record = None
        with self.guard("Invalid combination"):
            self.record = self.sweep.cached(self.config())
        self._render_summary()
        self._render_plot()
        self._render_layers()
        self._render_histogram()
        if self.best is not None:
            self.best_view.value = (
                f"smallest within {self.tolerance.value:.1f} pts: "
                f"<b>{html.escape(self.best['label'])}</b> "
                f"({self.best['ratio']:.1f}x smaller)"
            )

    # ---- rendering (formatting only: every number is a record field) ----------------------
    def _render_summary(self) -> None:
        r = self.record
        if r is None:
            self.summary.value = (
                "<div class='bmw-compression-size' data-gzip=''>"
                "<b>not computed yet</b>: press <i>compute this point</i> "
                "(or run the whole sweep)</div>"
            )
            return
        self.summary.value = (
            f"<div style='font-size:1.25em'><b>{html.escape(r['label'])}</b></div>"
            f"<div class='bmw-compression-size' data-gzip='{r['gzip_bytes']}'>size (gzip): "
            f"<b>{_kb(r['gzip_bytes'])}</b> &nbsp; <b>{r['ratio']:.2f}x</b> smaller than fp32</div>"
            f"<div>accuracy (in the interpreter): <b>{100 * r['accuracy']:.2f} %</b> "
            f"({-r['acc_drop_pts']:+.2f} pts)</div>"
            f"<div>latency, batch 1: <b>{r['latency_us']:.1f} µs</b> &nbsp; .tflite "
            f"{_kb(r['raw_bytes'])} before gzip</div>"
        )

    def _render_plot(self) -> None:
        recs = self.sweep.results()
        if not recs:
            self.plot.value = "<i>no points computed yet</i>"
            return
        xs = [r["gzip_bytes"] / 1024 for r in recs]
        ys = [100 * r["accuracy"] for r in recs]
        x0, x1 = 0.0, max(xs) * 1.05
        y0, y1 = min(ys) - 1, max(ys) + 0.5

        def px(r):
            x = _PAD + (r["gzip_bytes"] / 1024 - x0) / (x1 - x0) * (_W - _PAD - 10)
            y = _H - _PAD + 10 - (100 * r["accuracy"] - y0) / (y1 - y0) * (_H - _PAD)
            return x, y

        front = " ".join("{:.1f},{:.1f}".format(*px(r)) for r in comp.pareto_front(recs))
        dots = "".join(
            '<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="#9aa5b1"><title>{}</title></circle>'.format(
                *px(r),
                html.escape(f"{r['label']}: {_kb(r['gzip_bytes'])}, {100 * r['accuracy']:.1f} %"),
            )
            for r in recs
        )
        marks = ""
        if self.best is not None:
            marks += (
                '<circle cx="{:.1f}" cy="{:.1f}" r="9" fill="none" stroke="#2e7d32" '
                'stroke-width="2"/>'
            ).format(*px(self.best))
        if self.record is not None:
            marks += '<circle cx="{:.1f}" cy="{:.1f}" r="6" fill="#d62728"/>'.format(
                *px(self.record)
            )
        axes = (
            f'<line x1="{_PAD}" y1="{_H - _PAD + 10}" x2="{_W}" y2="{_H - _PAD + 10}" stroke="#444"/>'
            f'<line x1="{_PAD}" y1="0" x2="{_PAD}" y2="{_H - _PAD + 10}" stroke="#444"/>'
            f'<text x="{_W / 2}" y="{_H - 4}" font-size="11" text-anchor="middle">size, gzip KB '
            f"(0 to {x1:.0f})</text>"
            f'<text x="10" y="{_H / 2}" font-size="11" transform="rotate(-90 10 {_H / 2})" '
            f'text-anchor="middle">accuracy % ({y0:.1f} to {y1:.1f})</text>'
        )
        self.plot.value = (
            f'<svg width="{_W}" height="{_H}" style="background:#fafafa">{axes}'
            f'<polyline points="{front}" fill="none" stroke="#f28e2b" stroke-width="2"/>{dots}{marks}</svg>'
            '<div style="font-size:0.85em"><span style="color:#f28e2b">&#9473;</span> Pareto front '
            '<span style="color:#d62728">&#9679;</span> selected '
            '<span style="color:#2e7d32">&#9711;</span> smallest within tolerance</div>'
        )

    def _render_layers(self) -> None:
        r = self.record
        if r is None:
            self.layers_view.value = ""
            return
        rows = [(name, s, f"{100 * s:.1f} %") for name, s in r["layer_sparsity"].items()]
        self.layers_view.value = "<b>zeros per layer</b>" + bar_rows(
            rows, width_px=160, label_width="9em", track=True, css_class="bmw-layer-sparsity"
        )

    def _render_histogram(self) -> None:
        r = self.record
        base = self.sweep.records.get(self.sweep.baseline_config)
        if r is None or base is None:
            self.histogram_view.value = ""
            return
        width, height = 300, 110
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

        self.histogram_view.value = (
            f"<b>kernel weights</b> (grey: fp32 base, blue: {html.escape(r['label'])}; "
            f"{r['histogram']['zeros']:,} zeros)<br><svg width='{width}' height='{height}'>"
            f"{bars(base['histogram']['counts'], '#888', 0.5)}"
            f"{bars(r['histogram']['counts'], '#4e79a7', 0.7)}</svg>"
        )


def explore_compression(
    sweep: comp.Sweep | None = None,
    *,
    run: bool = False,
    tolerance: float = 1.0,
    quick: bool | None = None,
) -> CompressionExplorer:
    """One-call helper: an explorer over ``sweep`` (default: the chapter's model and sweep).

    Parameters:
        sweep: the sweep to explore; None trains (or loads from the cache) the chapter's base
            model and uses the chapter's sweep, each with a progress bar.
        run: run the sweep's missing points first, with a progress bar.
        tolerance: the starting "max accuracy drop" in percentage points.
        quick: the small model and sweep of quick mode; None follows ``BMW_QUICK``.
    """
    run = checks.boolean(run, name="run")
    if sweep is None:
        quick = backend.quick_mode() if quick is None else checks.boolean(quick, name="quick")
        setup = comp.default_setup(quick=quick, progress=ProgressBar("training the base model"))
        sweep = comp.Sweep(
            setup, comp.default_spec(quick=quick), latency_repeats=30 if quick else 200
        )
    explorer = CompressionExplorer(sweep, tolerance=tolerance)
    if run:
        explorer.run_sweep(progress=ProgressBar("compression sweep"))
    return explorer
