"""ModelSizeCalculator: sliders over a transformer's shape -> parameters, memory, GPUs needed."""

from __future__ import annotations

import ipywidgets as w

from ..engine import sizing
from ..engine.checks import int_in_range, one_of
from ..engine.i18n import t
from . import _html
from ._base import CompositeWidget

__all__ = ["ModelSizeCalculator", "model_size_calculator"]

_TRANSFORMER_PRESETS = [
    n for n, c in sizing.PRESETS.items() if isinstance(c, sizing.TransformerConfig)
]
_MAX_BATCH = 256  # the batch slider's range: a larger value would be clipped silently
_COLOURS = {
    "weights": "#4e79a7",
    "gradients": "#f28e2b",
    "optimizer": "#e15759",
    "activations": "#76b7b2",
    "kv_cache": "#59a14f",
}


def flops_count(n: float) -> str:
    """``sizing.format_count(n)`` for a FLOPs figure: "14.29 B" (+ "FLOPs"); in Chinese the
    SI prefix "G" replaces "B" (billion), as Chinese texts write GFLOPs."""
    text = sizing.format_count(n)
    number, _, unit = text.partition(" ")
    return f"{number} {t(f'ctx.si.{unit}')}" if unit else text


def _same_shape(named, cfg: sizing.TransformerConfig) -> bool:
    """True when ``cfg`` is the preset ``named`` with its defaults spelled out (the FFN width
    and the KV heads the sliders always carry)."""
    if not isinstance(named, sizing.TransformerConfig):
        return False
    plain = {"intermediate": None, "kv_heads": None}
    return named.with_(**plain) == cfg.with_(**plain) and (named.ffn, named.kv) == (cfg.ffn, cfg.kv)


def _slider(description, value, lo, hi, step=1):
    return w.IntSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=True,
        style={"description_width": "110px"},
        layout=w.Layout(width="420px"),
    )


class ModelSizeCalculator(CompositeWidget):
    """Chapter 0's calculator. Controls are public attributes; ``report`` is the engine's answer.

    Example::

        calc = ModelSizeCalculator(preset="gpt2")
        calc.layers.value = 24          # the view updates; calc.report == sizing.estimate(...)
    """

    def __init__(
        self,
        *,
        preset: str = "bert-base",
        precision: str = "fp16",
        kv_precision: str = "fp16",
        batch: int = 1,
    ) -> None:
        """``preset``: a transformer in ``sizing.PRESETS``; ``precision``: the weights' serving
        precision (a key of ``sizing.BYTES_PER_PARAM``); ``kv_precision``: the KV cache's (a
        key of ``sizing.KV_BYTES``); ``batch``: sequences per step (1 to 256)."""
        if preset not in _TRANSFORMER_PRESETS:
            raise ValueError(
                t("sizing.unknown_preset", name=repr(preset), names=", ".join(_TRANSFORMER_PRESETS))
            )
        precision = one_of(precision, name="precision", choices=sizing.BYTES_PER_PARAM)
        kv_precision = one_of(kv_precision, name="kv_precision", choices=sizing.KV_BYTES)
        batch = int_in_range(batch, name="batch", low=1, high=_MAX_BATCH)
        super().__init__()
        self.preset = w.Dropdown(
            options=[(n, n) for n in _TRANSFORMER_PRESETS] + [(t("ms.custom"), "custom")],
            value="custom",
            description=t("ms.preset"),
            style={"description_width": "110px"},
        )
        self.kind = w.Dropdown(
            options=list(sizing.KINDS),
            description=t("ms.architecture"),
            style={"description_width": "110px"},
        )
        self.layers = _slider(t("ms.layers"), 12, 1, 128)
        self.hidden = _slider(t("ms.hidden"), 768, 64, 16384, 64)
        self.heads = _slider(t("ms.heads"), 12, 1, 128)
        self.kv_heads = _slider(t("ms.kv_heads"), 12, 1, 128)
        self.intermediate = _slider(t("ms.ffn"), 3072, 64, 65536, 64)
        self.vocab = _slider(t("ms.vocab"), 30522, 100, 262144)
        self.seq_len = _slider(t("ms.seq_len"), 512, 16, 32768, 16)
        self.batch = _slider(t("ms.batch"), batch, 1, _MAX_BATCH)
        self.precision = w.ToggleButtons(
            options=list(sizing.BYTES_PER_PARAM),
            value=precision,
            description=t("ms.serve_at"),
            style={"button_width": "56px"},
        )
        self.kv_precision = w.ToggleButtons(
            options=list(sizing.KV_BYTES),
            value=kv_precision,
            description=t("ms.kv_at"),
            style={"button_width": "56px"},
        )
        self.params_label = w.HTML(layout=w.Layout(margin="6px 0"))
        self.params_label.add_class("bmw-params")
        self.memory_view = w.HTML()
        self.gpu_view = w.HTML()
        self.report: sizing.SizeReport | None = None
        self._holding = False

        # Every setting below the preset picker recomputes the report when it changes.
        settings = (
            self.kind,
            self.layers,
            self.hidden,
            self.heads,
            self.kv_heads,
            self.intermediate,
            self.vocab,
            self.seq_len,
            self.batch,
            self.precision,
            self.kv_precision,
        )
        controls = w.VBox([self.preset, *settings])
        results = w.VBox(
            [self.params_label, self.memory_view, self.gpu_view],
            layout=w.Layout(margin="0 0 0 16px", min_width="420px"),
        )
        self.children = [w.HBox([controls, results]), self.errors]

        for control in settings:
            control.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.preset.value = preset

    # ---- state ---------------------------------------------------------------------------
    def config(self) -> sizing.TransformerConfig:
        """The configuration the controls describe (raises ValueError if inconsistent)."""
        kind = self.kind.value
        return sizing.TransformerConfig(
            name=self.preset.value,
            kind=kind,
            layers=self.layers.value,
            hidden=self.hidden.value,
            heads=self.heads.value,
            vocab=self.vocab.value,
            seq_len=self.seq_len.value,
            intermediate=self.intermediate.value,
            kv_heads=self.kv_heads.value if kind == "llama" else None,
        )

    def to_config(self) -> dict:
        """The settings as a JSON-able dict (``from_config`` rebuilds the calculator)."""
        return {
            "transformer": self.config().to_config(),
            "precision": self.precision.value,
            "kv_precision": self.kv_precision.value,
            "batch": self.batch.value,
        }

    @classmethod
    def from_config(cls, config: dict) -> ModelSizeCalculator:
        """A calculator showing what ``to_config`` saved."""
        calc = cls(
            precision=config.get("precision", "fp16"),
            kv_precision=config.get("kv_precision", "fp16"),
            batch=config.get("batch", 1),
        )
        calc._set_controls(sizing.TransformerConfig.from_config(config["transformer"]))
        return calc

    def _set_controls(self, cfg: sizing.TransformerConfig) -> None:
        self._holding = True
        try:
            self.kind.value = cfg.kind
            for name in ("layers", "hidden", "heads", "vocab", "seq_len"):
                getattr(self, name).value = getattr(cfg, name)
            self.kv_heads.value = cfg.kv
            self.intermediate.value = cfg.ffn
            named = sizing.PRESETS.get(cfg.name)
            self.preset.value = cfg.name if _same_shape(named, cfg) else "custom"
        finally:
            self._holding = False
        self._update()

    # ---- callbacks -----------------------------------------------------------------------
    def _on_preset(self, change) -> None:
        if change["new"] != "custom":
            self._set_controls(sizing.preset(change["new"]))

    def _on_change(self, change) -> None:
        if self._holding:
            return
        if all(change["owner"] is not c for c in (self.precision, self.kv_precision, self.batch)):
            self._holding = True
            self.preset.value = "custom"  # the shape no longer matches the named preset
            self._holding = False
        self._update()

    def _update(self) -> None:
        self.kv_heads.disabled = self.kind.value != "llama"
        with self.guard(t("ms.cannot_size")):
            report = sizing.estimate(
                self.config(),
                precision=self.precision.value,
                kv_precision=self.kv_precision.value,
                batch=self.batch.value,
            )
            self.report = report
            self._render(report)
            return
        self.report = None
        self.params_label.value = t("ms.params_na")

    # ---- rendering (formatting only; all numbers come from the report) -------------------
    def _render(self, r: sizing.SizeReport) -> None:
        self.params_label.value = (
            f'<span style="font-size:1.4em"><b data-params="{r.params}">{r.params:,}</b> '
            f"{t('ms.parameters')}</span> ({sizing.format_count(r.params)})"
        )
        parts = {t("ms.training"): r.training, t("ms.serving"): r.inference}
        biggest = max(r.training["total"], r.inference["total"], 1)
        rows = []
        for label, breakdown in parts.items():
            segments = [
                (
                    t("ctx.pair", name=t(f"ms.part.{k}"), value=sizing.format_bytes(v)),
                    v / biggest,
                    _COLOURS[k],
                )
                for k, v in breakdown.items()
                if k != "total"
            ]
            rows.append(
                [
                    _html.escape(label),
                    _html.stacked_bar(segments, width_px=260, height_px=16),
                    _html.escape(sizing.format_bytes(breakdown["total"])),
                ]
            )
        legend = " ".join(
            f'<span style="color:{c}">&#9632;</span> {t(f"ms.part.{k}")}'
            for k, c in _COLOURS.items()
        )
        weights = " · ".join(f"{p} {sizing.format_bytes(b)}" for p, b in r.bytes.items())
        self.memory_view.value = (
            f"<div>{t('ctx.label', label=t('ms.weights'))}{_html.escape(weights)}</div>"
            f"{_html.table(rows, css_class='bmw-memory', raw=True)}"
            f"<div style='font-size:0.85em'>{legend}</div>"
        )
        gpus = _html.table(
            [
                [t("ms.train"), *(v["train"] for v in r.gpus.values())],
                [t("ms.serve"), *(v["serve"] for v in r.gpus.values())],
            ],
            header=["", *(f"{g} GB" for g in r.gpus)],
            css_class="bmw-gpus",
        )
        notes = "".join(f"<li>{_html.escape(a)}</li>" for a in r.assumptions)
        train_flops = flops_count(r.flops_per_token["train"])
        infer_flops = flops_count(r.flops_per_token["inference"])
        self.gpu_view.value = (
            f"<b>{t('ms.gpus_needed')}</b>{gpus}"
            f"<div style='font-size:0.85em'>{t('ms.flops', train=train_flops, infer=infer_flops)}"
            f"</div><details><summary>{t('w.assumptions')}</summary><ul>{notes}</ul></details>"
        )


def model_size_calculator(
    preset: str = "bert-base",
    *,
    precision: str = "fp16",
    kv_precision: str = "fp16",
    batch: int = 1,
) -> ModelSizeCalculator:
    """One call: a calculator showing ``preset`` (see :class:`ModelSizeCalculator`)."""
    return ModelSizeCalculator(
        preset=preset, precision=precision, kv_precision=kv_precision, batch=batch
    )
