"""ContextExplorer: how long an input fits a GPU, what it costs, and a measurement to compare."""

from __future__ import annotations

import ipywidgets as w

from ..engine import sizing
from ..engine.checks import boolean, int_in_range, one_of
from ..engine.i18n import t
from . import _html
from ._base import CompositeWidget
from ._render import figure_png, plot_text
from .model_size import flops_count
from .progress import ProgressBar

__all__ = ["ContextExplorer", "context_explorer", "CONTEXT_STEPS"]

# Log-ish slider steps: 2^k and 1.5 * 2^k from 16 tokens to 2,097,152.
CONTEXT_STEPS = tuple(sorted({v for k in range(4, 22) for v in (2**k, 3 * 2 ** (k - 1))}))
_MAX_BATCH = 256
_MEASURE_CONTEXTS = (32, 64, 128, 256, 512)  # MiniLM takes at most 512 positions
_COLOURS = {"weights": "#4e79a7", "kv_cache": "#59a14f", "activations": "#76b7b2"}
_STYLE = {"description_width": "110px"}
_TRANSFORMERS = [n for n, c in sizing.PRESETS.items() if isinstance(c, sizing.TransformerConfig)]


def _memory_svg(r: dict, width: int = 420, height: int = 26) -> str:
    """Stacked serving memory (weights, KV cache, activations) against the GPU's memory line."""
    mem, gpu_bytes = r["memory"], r["gpu_memory"]
    scale = max(mem["total"], gpu_bytes) * 1.08
    x, rects = 0.0, []
    for key, colour in _COLOURS.items():
        wdt = mem[key] / scale * width
        title = _html.escape(
            t("ctx.pair", name=t(f"ms.part.{key}"), value=sizing.format_bytes(mem[key]))
        )
        rects.append(
            f'<rect x="{x:.1f}" y="4" width="{wdt:.1f}" height="{height}" fill="{colour}">'
            f"<title>{title}</title></rect>"
        )
        x += wdt
    line = gpu_bytes / scale * width
    label = _html.escape(f"{r['gpu']}: {sizing.format_bytes(gpu_bytes)}")
    return (
        f'<svg class="bmw-context-memory" data-total="{mem["total"]}" '
        f'data-gpu-memory="{gpu_bytes}" width="{width}" height="{height + 22}">'
        f'<rect x="0" y="4" width="{width}" height="{height}" fill="#eee"/>{"".join(rects)}'
        f'<line x1="{line:.1f}" y1="0" x2="{line:.1f}" y2="{height + 8}" stroke="#b00020" '
        f'stroke-width="2" stroke-dasharray="4 2"/>'
        f'<text x="{min(line, width - 4):.1f}" y="{height + 20}" font-size="11" fill="#b00020" '
        f'text-anchor="end">{label}</text></svg>'
    )


class ContextExplorer(CompositeWidget):
    """Chapter 0's "maximum input" view. Controls are public attributes; ``result`` is
    :func:`sizing.context_report` for the current settings, ``measured`` the last measurement.

    Example::

        ex = ContextExplorer(preset="llama2-7b", gpu="l4")
        ex.context.value = 32768        # ex.result == sizing.context_report(...)
    """

    def __init__(
        self,
        *,
        preset: str = "llama2-7b",
        gpu: str = "a100-80gb-sxm",
        context: int = 4096,
        batch: int = 1,
        weight_precision: str = "fp16",
        kv_precision: str = "fp16",
        quick: bool = False,
    ) -> None:
        """``preset``: a transformer in ``sizing.PRESETS``; ``gpu``: a key of ``sizing.GPUS``;
        ``context``: tokens (1 to ``sizing.MAX_CONTEXT``); ``batch``: sequences (1 to 256);
        ``weight_precision`` / ``kv_precision``: keys of ``sizing.BYTES_PER_PARAM`` /
        ``sizing.KV_BYTES``; ``quick``: a short measurement (fewer repeats)."""
        one_of(preset, name="preset", choices=_TRANSFORMERS)
        one_of(gpu, name="gpu", choices=sizing.GPUS)
        context = sizing.check_context(context)
        batch = int_in_range(batch, name="batch", low=1, high=_MAX_BATCH)
        one_of(weight_precision, name="weight_precision", choices=sizing.BYTES_PER_PARAM)
        one_of(kv_precision, name="kv_precision", choices=sizing.KV_BYTES)
        self.quick = boolean(quick, name="quick")
        super().__init__()
        steps = sorted(set(CONTEXT_STEPS) | {context})
        self.model = w.Dropdown(
            options=_TRANSFORMERS, value=preset, description=t("cx.model"), style=_STYLE
        )
        self.gpu = w.Dropdown(
            options=[(g.name, k) for k, g in sizing.GPUS.items()],
            value=gpu,
            description=t("cx.gpu"),
            style=_STYLE,
        )
        self.context = w.SelectionSlider(
            options=[(f"{s:,}", s) for s in steps],
            value=context,
            description=t("cx.context"),
            continuous_update=False,
            style=_STYLE,
            layout=w.Layout(width="460px"),
        )
        self.batch = w.IntSlider(
            value=batch,
            min=1,
            max=_MAX_BATCH,
            description=t("cx.batch"),
            continuous_update=False,
            style=_STYLE,
            layout=w.Layout(width="460px"),
        )
        self.weight_precision = w.ToggleButtons(
            options=list(sizing.BYTES_PER_PARAM),
            value=weight_precision,
            description=t("cx.weights_at"),
            style={"button_width": "52px"},
        )
        self.kv_precision = w.ToggleButtons(
            options=list(sizing.KV_BYTES),
            value=kv_precision,
            description=t("cx.kv_at"),
            style={"button_width": "52px"},
        )
        self.longest_view = w.HTML()
        self.memory_view = w.HTML()
        self.flops_view = w.HTML()
        self.serving_view = w.HTML()
        self.notes_view = w.HTML()
        self.measure_button = w.Button(
            description=t("cx.measure"), icon="stopwatch", layout=w.Layout(width="220px")
        )
        self.progress = ProgressBar(t("cx.measuring"), auto_display=False)
        self.measure_text = w.HTML()
        self.measure_view = w.Image(format="png", layout=w.Layout(max_width="520px"))
        self.result: dict | None = None
        self.measured: dict | None = None

        controls = w.VBox(
            [
                self.model,
                self.gpu,
                self.context,
                self.batch,
                self.weight_precision,
                self.kv_precision,
            ]
        )
        views = w.VBox(
            [self.longest_view, self.memory_view, self.flops_view, self.serving_view],
            layout=w.Layout(margin="0 0 0 16px", min_width="440px"),
        )
        measure = w.VBox(
            [w.HBox([self.measure_button, self.progress]), self.measure_text, self.measure_view]
        )
        self.children = [w.HBox([controls, views]), self.notes_view, measure, self.errors]
        for control in (
            self.model,
            self.gpu,
            self.context,
            self.batch,
            self.weight_precision,
            self.kv_precision,
        ):
            control.observe(self._on_change, names="value")
        self.measure_button.on_click(self._on_measure)
        self._update()

    # ---- state ---------------------------------------------------------------------------
    def settings(self) -> dict:
        """The current settings as :func:`sizing.context_report` keywords (config included)."""
        return {
            "config": sizing.preset(self.model.value),
            "gpu": self.gpu.value,
            "context": self.context.value,
            "batch": self.batch.value,
            "weight_precision": self.weight_precision.value,
            "kv_precision": self.kv_precision.value,
        }

    def to_config(self) -> dict:
        """The settings as a JSON-able dict (``from_config`` rebuilds the explorer)."""
        return {
            "preset": self.model.value,
            "gpu": self.gpu.value,
            "context": self.context.value,
            "batch": self.batch.value,
            "weight_precision": self.weight_precision.value,
            "kv_precision": self.kv_precision.value,
            "quick": self.quick,
        }

    @classmethod
    def from_config(cls, config: dict) -> ContextExplorer:
        """An explorer showing what ``to_config`` saved (unknown keys are a TypeError)."""
        return cls(**config)

    def measure_contexts(self) -> list[int]:
        """The lengths the measure button runs MiniLM at: up to the chosen context (at most
        512, MiniLM's positions), never fewer than three."""
        upto = [c for c in _MEASURE_CONTEXTS if c <= self.context.value]
        return list(_MEASURE_CONTEXTS[: max(3, len(upto))])

    # ---- callbacks -----------------------------------------------------------------------
    def _on_change(self, change) -> None:
        self._update()

    def _update(self) -> None:
        self.result = None
        with self.guard(t("cx.cannot_size")):
            settings = self.settings()
            r = sizing.context_report(settings.pop("config"), **settings)
            self.result = r
            self._render(r)
        if self.result is not None and self.result.get("problem"):
            self.errors.show(self.result["problem"])

    def _on_measure(self, _button=None) -> None:
        self.measure_button.disabled = True
        try:
            try:
                from ..engine import context_lab
            except ImportError as exc:
                self.errors.show(t("cx.no_lab", exc=exc))
                return
            with self.guard(t("cx.measuring_here")):
                contexts = self.measure_contexts()
                out = context_lab.measure_forward(
                    contexts=contexts, quick=self.quick, progress=self.progress
                )
                self.measured = out
                self._render_measurement(out)
        finally:
            self.measure_button.disabled = False

    # ---- rendering (formatting only; every number comes from the engine) -----------------
    def _render(self, r: dict) -> None:
        fmt = sizing.format_bytes
        where = _html.escape(
            t(
                "cx.where",
                gpu=r["gpu"],
                batch=r["batch"],
                wp=self.weight_precision.value,
                kp=self.kv_precision.value,
            )
        )
        if r["max_context"] is None:
            longest = t("cx.longest_none", where=where)
            data = ""
        else:
            share = r["context"] / r["max_context"]
            use = (
                t("cx.use", share=f"{share:.1%}")
                if share <= 1
                else t("cx.too_many", times=f"{share:.1f}")
            )
            longest = t(
                "cx.longest",
                where=where,
                max=f"{r['max_context']:,}",
                context=f"{r['context']:,}",
                use=use,
            )
            data = f' data-max-context="{r["max_context"]}"'
        if r["context"] > r["positions"]:
            longest += t(
                "cx.positions", model=_html.escape(r["model"]), positions=f"{r['positions']:,}"
            )
        self.longest_view.value = f'<div class="bmw-longest"{data}>{longest}</div>'
        mem = r["memory"]
        legend = " ".join(
            f'<span style="color:{c}">&#9632;</span> {t(f"ms.part.{k}")} {fmt(mem[k])}'
            for k, c in _COLOURS.items()
        )
        verdict = t("cx.fits") if r["fits"] else t("cx.no_fit")
        heading = t("cx.serving_memory", context=f"{r['context']:,}")
        self.memory_view.value = (
            t("ctx.memory_line", heading=heading, total=fmt(mem["total"]), verdict=verdict)
            + f"<div>{_memory_svg(r)}</div><div style='font-size:0.85em'>{legend}</div>"
        )
        f = r["flops"]
        split = _html.stacked_bar(
            [
                (
                    f"{t('cx.dense')} {flops_count(f['dense'])}FLOPs",
                    1 - f["attention_share"],
                    "#4e79a7",
                ),
                (
                    f"{t('cx.attention')} {flops_count(f['attention'])}FLOPs",
                    f["attention_share"],
                    "#e15759",
                ),
            ],
            width_px=300,
            height_px=14,
        )
        self.flops_view.value = (
            f'<div class="bmw-flops" data-attention-share="{f["attention_share"]:.6f}">'
            + t("ctx.label", label=t("cx.flops"))
            + f"{flops_count(f['total'])}FLOPs {split} "
            + t(
                "cx.crossover",
                share=f"{f['attention_share']:.1%}",
                crossover=f"{r['crossover_context']:,}",
            )
            + "</div>"
        )
        s = r["serving"]
        prefill_bound = t(f"ctx.bound.{s['prefill_bound']}")
        decode = (
            t("cx.no_decode")
            if s["decode_tokens_per_s"] is None
            else t(
                "ctx.decode",
                rate=f"{s['decode_tokens_per_s']:,.1f}",
                bound=t(f"ctx.bound.{s['decode_bound']}"),
                bytes=fmt(s["decode_bytes_per_step"]),
            )
        )
        self.serving_view.value = (
            '<div class="bmw-serving">'
            + t("ctx.ttft", ms=f"{s['ttft_s'] * 1e3:,.1f}", bound=prefill_bound)
            + t("ctx.sep")
            + f"{decode}</div>"
        )
        notes = "".join(f"<li>{_html.escape(a)}</li>" for a in r["assumptions"])
        self.notes_view.value = (
            f"<details><summary>{t('w.assumptions')}</summary><ul>{notes}</ul></details>"
        )

    def _render_measurement(self, out: dict) -> None:
        from matplotlib.figure import Figure  # no pyplot: no global "current figure"

        contexts, measured, predicted = out["contexts"], out["forward_ms"], out["predicted_ms"]
        with plot_text() as text:
            fig = Figure(figsize=(5.5, 3.2))
            ax = fig.add_subplot()
            ax.plot(contexts, measured, "o-", label=text("cx.measured"))
            ax.plot(contexts, predicted, "s--", label=text("cx.predicted"))
            ax.set_xscale("log", base=2)
            ax.set_xlabel(text("cx.context"))
            ax.set_ylabel(text("cx.forward_ms"))
            ax.set_title(text("cx.plot_title"))
            ax.legend()
            self.measure_view.value = figure_png(fig)
        rows = [
            [f"{c:,}", f"{m:.2f}", f"{p:.2f}"] for c, m, p in zip(contexts, measured, predicted)
        ]
        caption = ""
        if isinstance(out.get("max_rel_error"), (int, float)):
            caption = "<div>" + t("cx.max_error", error=f"{out['max_rel_error']:.0%}") + "</div>"
        how = (
            f"<div style='font-size:0.85em'>{_html.escape(out['how'])}</div>"
            if out.get("how")
            else ""
        )
        self.measure_text.value = (
            _html.table(
                rows,
                header=[t("cx.col_context"), t("cx.col_measured"), t("cx.col_predicted")],
                css_class="bmw-measured",
            )
            + caption
            + how
        )


def context_explorer(
    preset: str = "llama2-7b",
    *,
    gpu: str = "a100-80gb-sxm",
    context: int = 4096,
    batch: int = 1,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
    quick: bool | None = None,
) -> ContextExplorer:
    """One call: a :class:`ContextExplorer` on ``preset``; ``quick`` None reads ``BMW_QUICK``."""
    if quick is None:
        from ..engine.backend import quick_mode

        quick = quick_mode()
    return ContextExplorer(
        preset=preset,
        gpu=gpu,
        context=context,
        batch=batch,
        weight_precision=weight_precision,
        kv_precision=kv_precision,
        quick=quick,
    )
