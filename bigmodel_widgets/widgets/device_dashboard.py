"""``DeviceDashboard``: live CPU, RAM, process-memory and GPU charts fed by a background Sampler.

The browser gets numbers (a small JSON series), not images: an anywidget draws them as SVG.
Trait updates from the sampler thread reach the browser while another cell is busy (STACK.md),
so the chart keeps moving during training. Closing the widget, or losing the last reference
to it, stops the sampler thread.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Iterable
from pathlib import Path

import anywidget
import ipywidgets as w
import traitlets

from ..engine.checks import boolean
from ..engine.devices import (
    Backend,
    RunRecord,
    Sampler,
    Snapshot,
    TrainingLog,
    as_number,
    gpu_status,
    load_run,
    process_gpu_memory,
    record_from,
    summarise_runs,
    to_series,
)
from ..engine.i18n import t
from ._base import CompositeWidget
from ._html import table

__all__ = ["LiveChart", "DeviceDashboard", "device_dashboard"]

_ESM = r"""
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const W = 300, H = 120, L = 34, R = 6, T = 18, B = 16;
const MARK = {epoch: "#888", run_start: "#2ca02c", run_end: "#d62728", mark: "#9467bd"};
function panelSvg(t, panel, marks, labelled, texts) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", W); svg.setAttribute("height", H);
  svg.setAttribute("class", "bmw-panel");
  svg.style.marginRight = "8px";
  const all = panel.lines.flatMap(l => l.values.filter(v => v !== null));
  const ymax = panel.ymax || Math.max(1, ...all) * 1.1;
  const t0 = t.length > 1 && t[0] < 0 ? t[0] : -1;   // the window shown: oldest sample .. now
  const x = s => L + (W - L - R) * (s - t0) / (0 - t0);
  const y = v => T + (H - T - B) * (1 - v / ymax);
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e); return e;
  };
  add("rect", {x: L, y: T, width: W - L - R, height: H - T - B, fill: "#fafafa", stroke: "#ccc"});
  add("text", {x: L - 3, y: T + 8, "text-anchor": "end", "font-size": 9}, Math.round(ymax));
  add("text", {x: L - 3, y: H - B, "text-anchor": "end", "font-size": 9}, "0");
  add("text", {x: L, y: H - 3, "font-size": 9}, t0.toFixed(t0 > -10 ? 1 : 0) + " s");
  add("text", {x: W - R, y: H - 3, "font-size": 9, "text-anchor": "end"}, texts.now || "now");
  add("line", {x1: L, x2: W - R, y1: y(ymax / 2), y2: y(ymax / 2), stroke: "#e4e4e4"});
  marks.filter(m => m.t >= t0).forEach((m, i) => {
    const mx = x(m.t).toFixed(1);
    add("line", {x1: mx, x2: mx, y1: T, y2: H - B, stroke: MARK[m.kind] || "#888",
      "stroke-dasharray": m.kind === "epoch" ? "3,2" : "", class: "bmw-mark bmw-mark-" + m.kind});
    if (labelled) add("text", {x: Number(mx) + 2, y: T + 9 + 9 * (i % 3), "font-size": 8,
      fill: MARK[m.kind] || "#888"}, m.label);
  });
  panel.lines.forEach((line, i) => {
    const lt = line.t || t;   // a training line has its own times
    let seg = [];
    const flush = () => {
      if (seg.length > 1) add("polyline", {points: seg.join(" "), fill: "none",
        stroke: COLORS[i % COLORS.length], "stroke-width": i === 0 ? 2 : 1,
        opacity: i === 0 ? 1 : 0.6});
      seg = [];
    };
    line.values.forEach((v, k) => {
      if (v === null) { flush(); return; }  // not available: a gap, never a 0
      if (lt[k] < t0) return;
      seg.push(x(lt[k]).toFixed(1) + "," + y(v).toFixed(1));
    });
    flush();
  });
  const last = panel.lines.length ? panel.lines[0].values[panel.lines[0].values.length - 1] : null;
  const shown = last === null || last === undefined ? (texts.na || "n/a")
    : last.toFixed(1) + " " + panel.unit;
  add("text", {x: L, y: 12, "font-size": 11, "font-weight": "bold"}, panel.title + ": " + shown);
  if (panel.lines.length > 1) {  // legend along the time axis; the bold line is the first
    panel.lines.slice(0, 5).forEach((line, i) => add("text", {x: L + 44 + 40 * i, y: H - 3,
      "font-size": 9, fill: COLORS[i % COLORS.length]}, line.name));
  }
  return svg;
}
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "bmw-live-chart";
  root.style.display = "flex"; root.style.flexWrap = "wrap";
  el.appendChild(root);
  let draws = 0;
  const draw = () => {
    const data = model.get("data") || {t: [], panels: [], marks: []};
    const marks = data.marks || [];
    const texts = model.get("texts") || {};
    root.replaceChildren(...data.panels.map((p, i) => panelSvg(data.t, p, marks, i === 0, texts)));
    root.dataset.epochMarks = String(marks.filter(m => m.kind === "epoch").length);
    root.dataset.runs = marks.filter(m => m.kind === "run_start").map(m => m.label).join("|");
    draws += 1;
    root.dataset.draws = String(draws);           // browser tests count redraws
    root.dataset.tick = String(model.get("tick"));
  };
  model.on("change:data", draw);
  draw();
}
export default { render };
"""


class LiveChart(anywidget.AnyWidget):
    """Draws ``data = {"t": [...], "panels": [...]}`` (see engine.devices.to_series) as SVG."""

    _esm = _ESM
    data = traitlets.Dict({"t": [], "panels": [], "marks": []}).tag(sync=True)
    tick = traitlets.Int(0).tag(sync=True)
    texts = traitlets.Dict({}).tag(sync=True)  # "now" and "n/a" in the language of the build

    def __init__(self, **traits) -> None:
        super().__init__(**traits)
        self.texts = {"now": t("dash.now"), "na": t("dash.na")}


def _fmt(value, scale=1.0, unit="") -> str:
    v = as_number(value)
    return t("dash.na") if v is None else f"{v * scale:.1f}{unit}"


class DeviceDashboard(CompositeWidget):
    """Live device charts. Controls: ``interval`` (s), ``pause``, ``stop_button``,
    ``start_button``; ``sampler`` is the engine object underneath (use its callbacks too).

    Training shows on the charts through ``training`` (a :class:`TrainingLog`): pass
    ``dash.keras_callback(batch_size=64)`` to ``fit``, or wrap a loop in ``with
    dash.run("name"):`` and report ``dash.training.samples(n)``. ``export(path)`` writes the
    tagged history as CSV and JSON; ``compare(path)`` reloads one beside the live runs."""

    def __init__(
        self,
        *,
        interval: float = 0.5,
        history: int = 120,
        backends: Iterable[Backend] | None = None,
        autostart: bool = True,
        per_core: bool = True,
    ) -> None:
        """``interval``: seconds between samples; ``history``: samples kept (and drawn);
        ``backends``: where samples come from (default: psutil, NVML, TensorFlow; tests pass a
        ``FakeBackend``); ``autostart``: start sampling now; ``per_core``: one line per CPU core.
        """
        autostart = boolean(autostart, name="autostart")
        self.per_core = boolean(per_core, name="per_core")
        super().__init__()
        self.sampler = Sampler(backends, interval=interval, history=history)
        self.interval = w.FloatText(
            value=float(interval),
            description=t("dash.interval"),
            continuous_update=False,
            layout=w.Layout(width="170px"),
        )
        self.pause = w.ToggleButton(value=False, description=t("dash.pause"), icon="pause")
        self.stop_button = w.Button(description=t("dash.stop"), icon="stop")
        self.start_button = w.Button(description=t("dash.start"), icon="play")
        self.status = w.HTML()
        self.gpu_label = w.HTML()
        self.summary = w.HTML()
        self.chart = LiveChart()
        self.training = TrainingLog()
        self.comparison = w.HTML()
        self.comparison.add_class("bmw-dashboard-runs")
        self.compared: list[RunRecord] = []
        self.updates = 0  # snapshots rendered so far
        self.children = [
            w.HBox([self.interval, self.pause, self.stop_button, self.start_button, self.status]),
            self.gpu_label,
            self.summary,
            self.chart,
            self.comparison,
            self.errors,
        ]
        self.interval.observe(self._on_interval, names="value")
        self.pause.observe(self._on_pause, names="value")
        self.stop_button.on_click(lambda _b: self.stop())
        self.start_button.on_click(lambda _b: self.start())
        # The sampler must not keep the widget alive: it calls back through a weak reference,
        # and a finalizer stops its thread when the widget is collected.
        ref = weakref.ref(self)

        def _deliver(snap, _ref=ref):
            view = _ref()
            if view is not None:
                view._render(snap)

        self._deliver = _deliver
        self.sampler.add_callback(_deliver)
        self._finalizer = weakref.finalize(self, self.sampler.close)
        self._update_status()
        if autostart:
            self.start()

    # --- control callbacks: engine calls only -------------------------------------------
    def _on_interval(self, change) -> None:
        with self.guard(t("dash.what_interval")):
            self.sampler.interval = change["new"]
        self._update_status()

    def _on_pause(self, change) -> None:
        with self.guard(t("dash.pause")):
            (self.sampler.pause if change["new"] else self.sampler.resume)()
            self.pause.description = t("dash.resume") if change["new"] else t("dash.pause")
            self.pause.icon = "play" if change["new"] else "pause"
        self._update_status()

    def start(self) -> DeviceDashboard:
        """Start (or restart) sampling; returns the dashboard, so ``dash.start()`` displays it."""
        with self.guard(t("dash.start")):
            self.sampler.start()
        self._update_status()
        return self

    def stop(self) -> None:
        """Stop the sampling thread (the charts keep their last data)."""
        with self.guard(t("dash.stop")):
            self.sampler.stop()
        self._update_status()

    # --- training events ----------------------------------------------------------------
    def keras_callback(self, *, batch_size: int, run: str | None = None):
        """A tf_keras callback marking this run's epochs and samples/s on the charts."""
        return self.training.keras_callback(batch_size=batch_size, run=run)

    def run(self, name: str):
        """``with dash.run("name"):`` marks a training run's start and end on the charts."""
        return self.training.run(name)

    def record(self, *, name: str = "dashboard") -> RunRecord:
        """The history so far (snapshots tagged with run and epoch, events, samples/s)."""
        return record_from(self.sampler.history(), self.training, name=name)

    def export(self, path) -> tuple:
        """Write ``<path>.csv`` and ``<path>.json``; returns their paths (errors: the error area)."""
        with self.guard(t("dash.export")):
            paths = self.record(name=Path(path).stem).save(path)
            self._show_runs(t("dash.exported", csv=paths[0].name, json=paths[1].name))
            return paths
        return ()

    def compare(self, path) -> RunRecord | None:
        """Reload an exported run and list its runs beside this dashboard's own."""
        with self.guard(t("dash.compare")):
            rec = path if isinstance(path, RunRecord) else load_run(path)
            self.compared.append(rec)
            self._show_runs(t("dash.loaded", name=rec.name))
            return rec
        return None

    def _show_runs(self, note: str = "") -> None:
        rows = summarise_runs(self.record(name=t("dash.this_dashboard")))
        for rec in self.compared:
            rows += summarise_runs(rec)
        cols = ("source", "run", "seconds", "epochs", "samples_per_s", "peak_process_mib")
        body = [[(t("dash.na") if r[c] is None else r[c]) for c in cols] for r in rows]
        self.comparison.value = (f"<div>{html.escape(note)}</div>" if note else "") + (
            table(
                body,
                header=[
                    t(f"dash.col.{c}")
                    for c in ("source", "run", "seconds", "epochs", "rate", "peak")
                ],
                css_class="bmw-table bmw-runs-table",
            )
            if body
            else f"<i>{t('dash.no_runs')}</i>"
        )

    # --- rendering (runs on the sampler thread) -----------------------------------------
    def _render(self, snap: Snapshot) -> None:
        self.chart.data = to_series(
            self.sampler.history(),
            per_core=self.per_core,
            events=self.training.events(),
            throughput=self.training.throughput(),
        )
        self.updates += 1
        self.chart.tick = self.updates
        self.gpu_label.value = (
            f"<span class='bmw-gpu-status'><b>{t('dash.gpu')}</b> {html.escape(gpu_status(snap))}"
            "</span> · <span class='bmw-gpu-process'>"
            f"{t('dash.gpu_process', memory=html.escape(process_gpu_memory(snap)))}</span>"
        )
        self.summary.value = t(
            "dash.summary",
            cpu=_fmt(snap.cpu_percent, unit=" %"),
            ram=_fmt(snap.ram_percent, unit=" %"),
            rss=_fmt(snap.process_rss_bytes, 2**-20, " MiB"),
        )
        self._update_status()

    def _update_status(self) -> None:
        status = t(
            "dash.status",
            state=t(f"dash.state.{self.state}"),
            interval=f"{self.sampler.interval:g}",
            n=self.updates,
        )
        self.status.value = f"<span class='bmw-dashboard-status'>{status}</span>"

    @property
    def state(self) -> str:
        """'running', 'paused' or 'stopped'."""
        if not self.sampler.running:
            return "stopped"
        return "paused" if self.sampler.paused else "running"

    def close(self) -> None:
        """Stop the sampler, release NVML and close every child widget."""
        if getattr(self, "_finalizer", None) is None:  # __init__ failed part-way
            return super().close()
        self.sampler.remove_callback(self._deliver)
        self.training.close()  # a callback still attached to a model now records nothing
        self._finalizer()  # stops the thread and releases NVML, once
        for child in (
            self.chart,
            self.interval,
            self.pause,
            self.stop_button,
            self.start_button,
            self.status,
            self.gpu_label,
            self.summary,
            self.comparison,
            self.errors,
        ):
            child.close()
        for box in self.children:
            if isinstance(box, w.Box):
                box.close()
        super().close()


def device_dashboard(
    *,
    interval: float = 0.5,
    history: int = 120,
    backends: Iterable[Backend] | None = None,
    autostart: bool = True,
    per_core: bool = True,
) -> DeviceDashboard:
    """One call: a running dashboard over psutil, NVML and TensorFlow (display it).

    The settings are :class:`DeviceDashboard`'s.
    """
    return DeviceDashboard(
        interval=interval,
        history=history,
        backends=backends,
        autostart=autostart,
        per_core=per_core,
    )
