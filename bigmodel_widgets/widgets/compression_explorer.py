"""CompressionExplorer: pick sparsity, clusters, quantization and QAT; see size, accuracy, latency.

With a :class:`BertSweep` it also explores the fine-tuned BERT (fp32, dynamic, float16, int8,
int8 with chosen layers kept in float) on the same Pareto plot. Per-layer views say why a
layer shrinks or not (sensitivity, int8 error) and the op diff says what changed inside.

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
from ..engine.i18n import t
from ..engine.training import Progress
from ._base import CompositeWidget
from ._compression_bert import BertControls
from ._compression_views import (
    cnn_summary,
    diff_html,
    display_label,
    error_bars,
    histogram_svg,
    pareto_svg,
    sensitivity_bars,
)
from ._html import bar_rows
from .progress import ProgressBar

__all__ = ["CompressionExplorer", "explore_compression"]

_MODELS = ("cnn", "bert")  # comp.model.<name> is the button's text


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
        bert: the BERT variants (a ``compression.BertSweep``); None shows the CNN only.
    """

    def __init__(
        self, sweep: comp.Sweep, *, tolerance: float = 1.0, bert: comp.BertSweep | None = None
    ) -> None:
        if not isinstance(sweep, comp.Sweep):
            raise TypeError(f"sweep must be a compression.Sweep, got {type(sweep).__name__}")
        if bert is not None and not isinstance(bert, comp.BertSweep):
            raise TypeError(f"bert must be a compression.BertSweep, got {type(bert).__name__}")
        tolerance = checks.number_in_range(tolerance, name="tolerance", low=0.0, high=10.0)
        super().__init__()
        self.sweep, self.bert = sweep, bert
        spec = sweep.spec
        style = {"description_width": "150px"}
        # Offer a few points beyond the spec so "compute on request" has something to do.
        sparsities = sorted(set(spec.sparsities) | {0.0, 0.5, 0.8, 0.9})
        clusters = sorted(set(spec.clusters) | {0, 8, 16})
        self.sparsity = w.SelectionSlider(
            options=[(f"{round(s * 100)}%", s) for s in sparsities],
            value=sparsities[0],
            description=t("comp.sparsity"),
            continuous_update=False,
            style=style,
            layout=w.Layout(width="420px"),
        )
        self.clusters = w.Dropdown(
            options=[(t("comp.none") if k == 0 else str(k), k) for k in clusters],
            value=0,
            description=t("comp.clusters"),
            style=style,
        )
        self.structure = w.Dropdown(
            options=[(t("comp.unstructured"), "unstructured"), (t("comp.two_four"), "2:4")],
            value="unstructured",
            description=t("comp.structure"),
            style=style,
        )
        self.quant = w.ToggleButtons(
            options=[(t(f"comp.quant.{m}"), m) for m in comp.QUANT_MODES],
            value="none",
            description=t("comp.quantization"),
            style={"button_width": "80px", **style},
        )
        self.qat = w.Checkbox(value=False, description=t("comp.qat"), indent=False)
        self.tolerance = w.FloatSlider(
            value=tolerance,
            min=0.0,
            max=10.0,
            step=0.1,
            description=t("comp.tolerance"),
            continuous_update=False,
            style={"description_width": "170px"},
            layout=w.Layout(width="420px"),
        )
        self.compute_button = w.Button(
            description=t("comp.compute"), icon="play", layout=w.Layout(width="180px")
        )
        self.run_button = w.Button(
            description=t("comp.run_sweep"), icon="forward", layout=w.Layout(width="180px")
        )
        # Part of the explorer's own layout, so it must not also display itself on its own.
        self.progress = ProgressBar(t("comp.progress_sweep"), auto_display=False)
        self.model = w.ToggleButtons(
            options=[(t(f"comp.model.{k}"), k) for k in _MODELS if k == "cnn" or bert is not None],
            value="cnn",
            description=t("comp.model"),
            style=style,
        )
        self.sensitivity_button = w.Button(
            description=t("comp.why_layers"), icon="bar-chart", layout=w.Layout(width="200px")
        )
        self.diff_button = w.Button(
            description=t("comp.what_changed"), icon="search", layout=w.Layout(width="200px")
        )
        self.sensitivity_view = w.HTML()
        self.diff_view = w.HTML()
        self.sensitivity: dict | None = None  # {"prune": rows, "qerror": rows} for the CNN
        self.diff: dict | None = None
        self.bert_controls = (
            None
            if bert is None
            else BertControls(bert, on_change=self._update, on_compute=self._bert_action)
        )
        self.summary = w.HTML()
        self.summary.add_class("bmw-compression-summary")
        self.best_view = w.HTML()
        self.plot = w.HTML()
        self.layers_view = w.HTML()
        self.histogram_view = w.HTML()
        self.record: dict | None = None
        self.best: dict | None = None
        self._holding = False

        self.cnn_controls = w.VBox(
            [self.sparsity, self.structure, self.clusters, self.quant, self.qat]
        )
        model_controls = [self.cnn_controls]
        if self.bert_controls is not None:
            self.bert_controls.layout.display = "none"
            model_controls = [self.model, self.cnn_controls, self.bert_controls]
        controls = w.VBox(
            [
                *model_controls,
                w.HBox([self.compute_button, self.run_button]),
                self.progress,
                self.tolerance,
                self.best_view,
            ]
        )
        self.children = [
            w.HBox([controls, w.VBox([self.summary, self.plot])]),
            w.HBox([self.layers_view, self.histogram_view]),
            w.HBox([self.sensitivity_button, self.diff_button]),
            w.HBox([self.sensitivity_view, self.diff_view]),
            self.errors,
        ]
        for control in (self.sparsity, self.structure, self.clusters, self.quant, self.qat):
            control.observe(self._on_change, names="value")
        self.model.observe(self._on_model, names="value")
        self.sensitivity_button.on_click(lambda _: self.explain_layers())
        self.diff_button.on_click(lambda _: self.inspect_diff())
        self.tolerance.observe(lambda _: self.select_best(), names="value")
        self.compute_button.on_click(lambda _: self.compute())
        self.run_button.on_click(lambda _: self.run_sweep())
        for config in [sweep.baseline_config] + spec.configs():
            sweep.cached(config)  # load what an earlier run left on disk (no compute, no redraw)
        self._update()  # one render over every known point
        stops = [sweep.observe(self._on_point)]  # the plot fills in as points land
        if bert is not None:
            for point in bert.points(cached_only=True):
                bert.cached(point)
            stops.append(bert.observe(self._on_point))
        self._stop_observing = stops

    def close(self) -> None:
        """Stop listening to the sweeps, then close the widget (a closed view never redraws)."""
        for stop in getattr(self, "_stop_observing", None) or ():
            stop()
        self._stop_observing = None
        super().close()

    @property
    def showing_bert(self) -> bool:
        return self.model.value == "bert"

    def _active(self):
        return self.bert if self.showing_bert else self.sweep

    # ---- state ---------------------------------------------------------------------------
    def config(self) -> comp.CompressionConfig:
        """The experiment the controls describe (raises ValueError for an invalid combination)."""
        return comp.CompressionConfig(
            sparsity=self.sparsity.value,
            clusters=self.clusters.value,
            quant=self.quant.value,
            qat=self.qat.value,
            structure=self.structure.value,
            epochs=self.sweep.spec.epochs,
            schedule=self.sweep.spec.schedule,
        )

    def to_config(self) -> dict:
        if self.showing_bert:
            return {"model": "bert", "point": self.bert_controls.point().to_config()}
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
            self.structure.value = config.structure
        finally:
            self._holding = False
        self._update()

    # ---- actions -------------------------------------------------------------------------
    def compute(self) -> dict | None:
        """Compute (or fetch) the selected point; the button calls this."""
        if self.showing_bert:
            return self._bert_action(None)
        done = False
        with self.guard(t("comp.cannot_compute")):
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
            with self.guard(t("comp.sweep_failed")):
                self._active().run(progress=self.progress if progress is None else progress)
        except KeyboardInterrupt:
            self.errors.show(t("comp.interrupted", n=len(self.sweep.results())))
            return
        self._update()

    def select_best(self) -> dict | None:
        """Select the smallest computed model within the tolerance (None if there is none)."""
        with self.guard(t("comp.cannot_select")):
            self.best = comp.smallest_within(self._active().results(), self.tolerance.value)
            if self.best is None:
                self.best_view.value = f"<i>{t('comp.none_within')}</i>"
                return None
            if self.showing_bert:
                self.bert_controls.keep = tuple(self.best["keep_float"])
                self.bert_controls.mode.value = self.best["mode"]
            else:
                self.set_config(comp.CompressionConfig.from_config(self.best["config"]))
        return self.best

    def explain_layers(self) -> None:
        """Per-layer views: for the CNN, the accuracy drop when only that layer is pruned (80 %)
        and each layer's int8 error; for BERT, the int8 error per layer (quantization debugger)."""
        with self.guard(t("comp.cannot_measure")):
            if self.showing_bert:
                self.bert_controls.measure_errors()
            else:
                setup = self.sweep.setup
                self.sensitivity = {
                    "prune": comp.layer_sensitivity(setup.base, setup.data, method="prune"),
                    "qerror": comp.quantization_error(
                        comp.keras_converter(setup.base, setup.data.representative()),
                        comp.representative_samples(setup.data.representative()),
                    ),
                }
        self._render_layer_views()

    def inspect_diff(self) -> dict | None:
        """The op and tensor diff of the fp32 ``.tflite`` and the selected one."""
        with self.guard(t("comp.cannot_diff")):
            if self.showing_bert:
                point = self.bert_controls.point()
                before, after = self.bert.blob(comp.BertPoint("fp32")), self.bert.blob(point)
                names = ("fp32", point.label)
            else:
                config, setup = self.config(), self.sweep.setup
                rep = setup.data.representative() if config.quant == "int8" else None
                before = comp.convert(setup.base)
                after = comp.convert(setup.base, config.quant, rep)
                names = ("fp32", t("comp.base_conversion", quant=display_label(config.quant)))
            self.diff = comp.tflite_diff(before, after)
            self.diff_view.value = diff_html(self.diff, before=names[0], after=names[1])
        return self.diff

    def _bert_action(self, action) -> dict | None:
        done = False
        with self.guard(t("comp.cannot_compute_bert")):
            self.compute_button.disabled = True
            try:
                if action is None:
                    self.bert.compute(self.bert_controls.point(), progress=self.progress)
                else:
                    action()
                done = True
            finally:
                self.compute_button.disabled = False
        if done:
            self._update()
        return self.record

    # ---- callbacks -----------------------------------------------------------------------
    def _on_point(self, _record: dict) -> None:
        self._render_plot()

    def _on_model(self, _change) -> None:
        bert = self.showing_bert
        self.cnn_controls.layout.display = "none" if bert else None
        self.bert_controls.layout.display = None if bert else "none"
        self.best = None
        self.diff_view.value = ""
        self._update()

    def _on_change(self, _change) -> None:
        if not self._holding:
            self._update()

    def _update(self) -> None:
        self.record = None
        with self.guard(t("comp.invalid")):
            if self.showing_bert:
                self.record = self.bert.cached(self.bert_controls.point())
            else:
                self.record = self.sweep.cached(self.config())
        self._render_summary()
        self._render_plot()
        self._render_layers()
        self._render_histogram()
        self._render_layer_views()
        if self.best is not None:
            self.best_view.value = t(
                "comp.best",
                tolerance=f"{self.tolerance.value:.1f}",
                label=html.escape(display_label(self.best["label"])),
                ratio=f"{self.best['ratio']:.1f}",
            )

    # ---- rendering (formatting only: every number is a record field) ----------------------
    def _render_summary(self) -> None:
        r = self.record
        show = self.bert_controls.summary if self.showing_bert else cnn_summary
        self.summary.value = show(r)

    def _render_plot(self) -> None:
        self.plot.value = pareto_svg(self._active().results(), selected=self.record, best=self.best)

    def _render_layer_views(self) -> None:
        if self.showing_bert:
            self.bert_controls.refresh_errors()
            self.sensitivity_view.value = self.bert_controls.errors_view.value
            return
        if self.sensitivity is None:
            self.sensitivity_view.value = ""
            return
        self.sensitivity_view.value = sensitivity_bars(self.sensitivity["prune"]) + error_bars(
            self.sensitivity["qerror"]
        )

    def _render_layers(self) -> None:
        r = self.record
        if r is None or self.showing_bert:
            self.layers_view.value = ""
            return
        rows = [(name, s, f"{100 * s:.1f} %") for name, s in r["layer_sparsity"].items()]
        self.layers_view.value = f"<b>{t('comp.zeros_per_layer')}</b>" + bar_rows(
            rows, width_px=160, label_width="9em", track=True, css_class="bmw-layer-sparsity"
        )

    def _render_histogram(self) -> None:
        r = self.record
        base = self.sweep.records.get(self.sweep.baseline_config)
        if r is None or base is None or self.showing_bert:
            self.histogram_view.value = ""
            return
        self.histogram_view.value = histogram_svg(base, r)


def explore_compression(
    sweep: comp.Sweep | None = None,
    *,
    run: bool = False,
    tolerance: float = 1.0,
    quick: bool | None = None,
    bert: bool = False,
) -> CompressionExplorer:
    """One-call helper: an explorer over ``sweep`` (default: the chapter's model and sweep).

    Parameters:
        sweep: the sweep to explore; None trains (or loads from the cache) the chapter's base
            model and uses the chapter's sweep, each with a progress bar.
        run: run the sweep's missing points first, with a progress bar.
        tolerance: the starting "max accuracy drop" in percentage points.
        quick: the small model and sweep of quick mode; None follows ``BMW_QUICK``.
        bert: also explore chapter 4's fine-tuned BERT (loaded from the cache, or fine-tuned
            with a progress bar); its variants are computed on request.
    """
    run = checks.boolean(run, name="run")
    bert = checks.boolean(bert, name="bert")
    if sweep is None or bert:
        quick = backend.quick_mode() if quick is None else checks.boolean(quick, name="quick")
    if sweep is None:
        setup = comp.default_setup(quick=quick, progress=ProgressBar(t("comp.progress_base")))
        sweep = comp.Sweep(
            setup, comp.default_spec(quick=quick), latency_repeats=30 if quick else 200
        )
    bert_sweep = None
    if bert:
        bert_sweep = comp.BertSweep(
            comp.bert_setup(quick=quick, progress=ProgressBar(t("comp.progress_bert")))
        )
    explorer = CompressionExplorer(sweep, tolerance=tolerance, bert=bert_sweep)
    if run:
        explorer.run_sweep(progress=ProgressBar(t("comp.progress_run")))
    return explorer
