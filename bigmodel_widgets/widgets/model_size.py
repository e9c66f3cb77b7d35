"""ModelSizeCalculator: sliders over a transformer's shape -> parameters, memory, GPUs needed."""
from __future__ import annotations

import html

import ipywidgets as w

from ..engine import sizing
from ._base import CompositeWidget, check_kwargs

__all__ = ["ModelSizeCalculator", "model_size_calculator"]

_TRANSFORMER_PRESETS = [n for n, c in sizing.PRESETS.items() if isinstance(c, sizing.TransformerConfig)]
_COLOURS = {"weights": "#4e79a7", "gradients": "#f28e2b", "optimizer": "#e15759",
            "activations": "#76b7b2", "kv_cache": "#59a14f"}


def _slider(description, value, lo, hi, step=1):
    return w.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=True, style={"description_width": "110px"},
                       layout=w.Layout(width="420px"))


class ModelSizeCalculator(CompositeWidget):
    """Chapter 0's calculator. Controls are public attributes; ``report`` is the engine's answer.

    Example::

        calc = ModelSizeCalculator(preset="gpt2")
        calc.layers.value = 24          # the view updates; calc.report == sizing.estimate(...)
    """

    def __init__(self, preset: str = "bert-base", **kwargs):
        check_kwargs("ModelSizeCalculator", kwargs, {"precision", "batch"})
        if preset not in _TRANSFORMER_PRESETS:
            raise ValueError(f"Unknown preset {preset!r}; valid presets: {', '.join(_TRANSFORMER_PRESETS)}")
        super().__init__()
        self.preset = w.Dropdown(options=_TRANSFORMER_PRESETS + ["custom"], value="custom",
                                 description="preset", style={"description_width": "110px"})
        self.kind = w.Dropdown(options=list(sizing.KINDS), description="architecture",
                               style={"description_width": "110px"})
        self.layers = _slider("layers", 12, 1, 128)
        self.hidden = _slider("hidden size", 768, 64, 16384, 64)
        self.heads = _slider("attention heads", 12, 1, 128)
        self.kv_heads = _slider("KV heads (GQA)", 12, 1, 128)
        self.intermediate = _slider("FFN width", 3072, 64, 65536, 64)
        self.vocab = _slider("vocabulary", 30522, 100, 262144)
        self.seq_len = _slider("sequence length", 512, 16, 32768, 16)
        self.batch = _slider("batch", kwargs.get("batch", 1), 1, 256)
        self.precision = w.ToggleButtons(options=list(sizing.BYTES_PER_PARAM),
                                         value=kwargs.get("precision", "fp16"),
                                         description="serve at", style={"button_width": "56px"})
        self.params_label = w.HTML(layout=w.Layout(margin="6px 0"))
        self.params_label.add_class("bmw-params")
        self.memory_view = w.HTML()
        self.gpu_view = w.HTML()
        self.report: sizing.SizeReport | None = None
        self._holding = False

        controls = w.VBox([self.preset, self.kind, self.layers, self.hidden, self.heads,
                           self.kv_heads, self.intermediate, self.vocab, self.seq_len,
                           self.batch, self.precision])
        results = w.VBox([self.params_label, self.memory_view, self.gpu_view],
                         layout=w.Layout(margin="0 0 0 16px", min_width="420px"))
        self.children = [w.HBox([controls, results]), self.errors]

        for control in (self.kind, self.layers, self.hidden, self.heads, self.kv_heads,
                        self.intermediate, self.vocab, self.seq_len, self.batch, self.precision):
            control.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.preset.value = preset

    # ---- state ---------------------------------------------------------------------------
    def config(self) -> sizing.TransformerConfig:
        """The configuration the controls describe (raises ValueError if inconsistent)."""
        kind = self.kind.value
        return sizing.TransformerConfig(
            name=self.preset.value, kind=kind, layers=self.layers.value, hidden=self.hidden.value,
            heads=self.heads.value, vocab=self.vocab.value, seq_len=self.seq_len.value,
            intermediate=self.intermediate.value,
            kv_heads=self.kv_heads.value if kind == "llama" else None,
        )

    def to_config(self) -> dict:
        return {"transformer": self.config().to_config(), "precision": self.precision.value,
                "batch": self.batch.value}

    @classmethod
    def from_config(cls, config: dict) -> "ModelSizeCalculator":
        calc = cls(precision=config.get("precision", "fp16"), batch=config.get("batch", 1))
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
            self.preset.value = cfg.name if named == cfg else "custom"
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
        if change["owner"] is not self.precision and change["owner"] is not self.batch:
            self._holding = True
            self.preset.value = "custom"  # the shape no longer matches the named preset
            self._holding = False
        self._update()

    def _update(self) -> None:
        self.kv_heads.disabled = self.kind.value != "llama"
        with self.guard("Cannot size this model"):
            report = sizing.estimate(self.config(), precision=self.precision.value,
                                     batch=self.batch.value)
            self.report = report
            self._render(report)
            return
        self.report = None
        self.params_label.value = "<b>parameters:</b> not available (fix the settings below)"

    # ---- rendering (formatting only; all numbers come from the report) -------------------
    def _render(self, r: sizing.SizeReport) -> None:
        self.params_label.value = (
            f'<span style="font-size:1.4em"><b data-params="{r.params}">{r.params:,}</b> '
            f"parameters</span> ({sizing.format_count(r.params)})"
        )
        parts = {"training": r.training, "serving": r.inference}
        biggest = max(r.training["total"], r.inference["total"], 1)
        rows = []
        for label, breakdown in parts.items():
            segs = "".join(
                f'<div title="{k}: {sizing.format_bytes(v)}" style="width:{100 * v / biggest:.2f}%;'
                f'background:{_COLOURS[k]};height:16px"></div>'
                for k, v in breakdown.items() if k != "total" and v > 0
            )
            rows.append(
                f"<tr><td>{label}</td><td style='width:260px'><div style='display:flex;"
                f"background:#eee'>{segs}</div></td><td>{sizing.format_bytes(breakdown['total'])}</td></tr>"
            )
        legend = " ".join(f'<span style="color:{c}">&#9632;</span> {k}' for k, c in _COLOURS.items())
        weights = " · ".join(f"{p} {sizing.format_bytes(b)}" for p, b in r.bytes.items())
        self.memory_view.value = (
            f"<div><b>weights:</b> {weights}</div><table>{''.join(rows)}</table>"
            f"<div style='font-size:0.85em'>{legend}</div>"
        )
        head = "".join(f"<th>{g} GB</th>" for g in r.gpus)
        train = "".join(f"<td>{v['train']}</td>" for v in r.gpus.values())
        serve = "".join(f"<td>{v['serve']}</td>" for v in r.gpus.values())
        notes = "".join(f"<li>{html.escape(a)}</li>" for a in r.assumptions)
        self.gpu_view.value = (
            f"<b>GPUs needed (at least)</b><table class='bmw-gpus'><tr><th></th>{head}</tr>"
            f"<tr><td>train</td>{train}</tr><tr><td>serve</td>{serve}</tr></table>"
            f"<div style='font-size:0.85em'>Training compute: {sizing.format_count(r.flops_per_token['train'])}"
            f"FLOPs per token; inference {sizing.format_count(r.flops_per_token['inference'])}FLOPs per token."
            f"</div><details><summary>assumptions</summary><ul>{notes}</ul></details>"
        )


def model_size_calculator(preset: str = "bert-base", **kwargs) -> ModelSizeCalculator:
    """One-call helper: a calculator showing ``preset``."""
    return ModelSizeCalculator(preset=preset, **kwargs)
