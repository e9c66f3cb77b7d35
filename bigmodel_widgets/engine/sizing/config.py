"""Model shapes: transformer and small Keras configurations, presets, exact parameter counts,
and the import of a Hugging Face ``config.json`` (BERT, GPT-2, LLaMA)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..checks import int_in_range, one_of, positive_int
from ..i18n import t

__all__ = [
    "KINDS",
    "MAX_CONTEXT",
    "TransformerConfig",
    "SequentialSpec",
    "PRESETS",
    "preset",
    "count_params",
    "embedding_params",
    "lora_params",
    "check_context",
    "from_hf_config",
]

KINDS = ("encoder", "decoder", "llama")
# The longest context any function here accepts (16,777,216 tokens): a larger value is almost
# certainly a typo (10**9), and a solver's answer at this cap means memory is not the limit.
MAX_CONTEXT = 2**24


def check_context(value, *, name: str = "context") -> int:
    """``value`` as an int between 1 and :data:`MAX_CONTEXT` (TypeError / ValueError otherwise)."""
    return int_in_range(value, name=name, low=1, high=MAX_CONTEXT)


@dataclass(frozen=True)
class TransformerConfig:
    """A transformer by its shape. ``kind``: encoder (BERT), decoder (GPT-2/3), llama."""

    name: str
    kind: str
    layers: int
    hidden: int
    heads: int
    vocab: int
    seq_len: int  # maximum positions (learned position table for encoder/decoder)
    intermediate: int | None = None  # feed-forward width; default 4 * hidden
    kv_heads: int | None = None  # grouped-query attention (llama); default = heads
    type_vocab: int = 2  # encoder token-type embeddings
    pooler: bool = True  # encoder [CLS] pooler, as TFBertModel builds it

    def __post_init__(self):
        one_of(self.kind, name="kind", choices=KINDS)
        for name in ("layers", "hidden", "heads", "vocab", "seq_len"):
            object.__setattr__(self, name, positive_int(getattr(self, name), name=name))
        for name in ("intermediate", "kv_heads"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, positive_int(getattr(self, name), name=name))
        if self.hidden % self.heads:
            raise ValueError(t("sizing.hidden_heads", hidden=self.hidden, heads=self.heads))
        if self.heads % self.kv:
            raise ValueError(t("sizing.heads_kv", heads=self.heads, kv=self.kv))

    @property
    def ffn(self) -> int:
        return self.intermediate or 4 * self.hidden

    @property
    def kv(self) -> int:
        return self.kv_heads or self.heads

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def with_(self, **changes) -> TransformerConfig:
        """A copy with some fields changed: ``changes`` (field=value) are passed to
        :func:`dataclasses.replace`, and the copy is checked like a new config."""
        return replace(self, **changes)

    def to_config(self) -> dict:
        return asdict(self)

    @classmethod
    def from_config(cls, config: dict) -> TransformerConfig:
        return cls(**config)


@dataclass(frozen=True)
class SequentialSpec:
    """A small Keras Sequential by its layers, counted without building it.

    ``layers`` holds tuples: ("dense", units), ("conv2d", filters, kernel), ("maxpool2d", size),
    ("flatten",). Conv uses 'valid' padding and stride 1, as Keras does by default.
    """

    name: str
    input_shape: tuple
    layers: tuple

    def count(self) -> tuple[int, list[tuple[str, tuple, int]]]:
        shape, total, rows = tuple(self.input_shape), 0, []
        for layer in self.layers:
            kind = layer[0]
            if kind == "dense":
                params = shape[-1] * layer[1] + layer[1]
                shape = shape[:-1] + (layer[1],)
            elif kind == "conv2d":
                k = layer[2]
                params = k * k * shape[-1] * layer[1] + layer[1]
                shape = (shape[0] - k + 1, shape[1] - k + 1, layer[1])
            elif kind == "maxpool2d":
                params, shape = 0, (shape[0] // layer[1], shape[1] // layer[1], shape[2])
            elif kind == "flatten":
                params, shape = 0, (math.prod(shape),)
            else:
                raise ValueError(t("sizing.layer_kind", kind=repr(kind)))
            total += params
            rows.append((kind, shape, params))
        return total, rows


PRESETS: dict[str, TransformerConfig | SequentialSpec] = {
    "bert-base": TransformerConfig("bert-base", "encoder", 12, 768, 12, 30522, 512),
    "bert-large": TransformerConfig("bert-large", "encoder", 24, 1024, 16, 30522, 512),
    "minilm-l6": TransformerConfig("minilm-l6", "encoder", 6, 384, 12, 30522, 512, 1536),
    "gpt2": TransformerConfig("gpt2", "decoder", 12, 768, 12, 50257, 1024),
    "gpt3-175b": TransformerConfig("gpt3-175b", "decoder", 96, 12288, 96, 50257, 2048),
    "llama2-7b": TransformerConfig("llama2-7b", "llama", 32, 4096, 32, 32000, 4096, 11008),
    "llama3-8b": TransformerConfig("llama3-8b", "llama", 32, 4096, 32, 128256, 8192, 14336, 8),
    "text-mlp": SequentialSpec("text-mlp", (784,), (("dense", 128), ("dense", 64), ("dense", 10))),
    "text-cnn": SequentialSpec(
        "text-cnn",
        (32, 32, 3),
        (("conv2d", 32, 3), ("maxpool2d", 2), ("flatten",), ("dense", 10)),
    ),
}


def preset(name: str) -> TransformerConfig | SequentialSpec:
    """The configuration called ``name`` in :data:`PRESETS` (ValueError lists the valid ones)."""
    if name not in PRESETS:
        raise ValueError(t("sizing.unknown_preset", name=repr(name), names=", ".join(PRESETS)))
    return PRESETS[name]


def _transformer(config) -> TransformerConfig:
    if not isinstance(config, TransformerConfig):
        raise TypeError(t("sizing.config_type", type=type(config).__name__))
    return config


def count_params(config: TransformerConfig | SequentialSpec) -> int:
    """Exact parameter count, matching what the framework's model counts."""
    if isinstance(config, SequentialSpec):
        return config.count()[0]
    c, d, f = _transformer(config), config.hidden, config.ffn
    if c.kind == "encoder":  # BERT: learned positions + token types, biases, LayerNorm, pooler
        embed = (c.vocab + c.seq_len + c.type_vocab) * d + 2 * d
        layer = 4 * (d * d + d) + 2 * d + (d * f + f) + (f * d + d) + 2 * d
        return embed + c.layers * layer + (d * d + d if c.pooler else 0)
    if c.kind == "decoder":  # GPT-2/3: tied LM head, fused QKV with biases, final LayerNorm
        embed = (c.vocab + c.seq_len) * d
        layer = 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * f + f) + (f * d + d)
        return embed + c.layers * layer + 2 * d
    # llama: RMSNorm, no biases, SwiGLU (3 matrices), rotary positions, untied head, GQA
    kv_dim = c.kv * c.head_dim
    layer = d + d * d + 2 * d * kv_dim + d * d + d + 3 * d * f
    return c.vocab * d + c.layers * layer + d + c.vocab * d


def embedding_params(config: TransformerConfig) -> int:
    """Parameters in the embedding tables (tokens, learned positions, token types)."""
    c = _transformer(config)
    if c.kind == "encoder":
        return (c.vocab + c.seq_len + c.type_vocab) * c.hidden
    if c.kind == "decoder":
        return (c.vocab + c.seq_len) * c.hidden
    return c.vocab * c.hidden  # llama: rotary positions have no table; the LM head is a matmul


def lora_params(config: TransformerConfig, *, rank: int) -> int:
    """Trainable LoRA parameters: a rank-``rank`` pair A (d_in x r), B (r x d_out) beside every
    linear layer of every block (attention Q, K, V, output and the feed-forward matrices), as
    QLoRA does (Dettmers et al. 2023); r * (d_in + d_out) each."""
    c = _transformer(config)
    r = positive_int(rank, name="lora_rank")
    d, f, kv_dim = c.hidden, c.ffn, c.kv * c.head_dim
    attention = 2 * d + 2 * (d + kv_dim) + 2 * d  # Q (d->d), K and V (d->kv), O (d->d)
    ffn = (3 if c.kind == "llama" else 2) * (d + f)  # SwiGLU: gate, up, down; else up, down
    return c.layers * r * (attention + ffn)


# Hugging Face config.json keys -> our fields, per supported model_type (None: optional key).
_HF_KEYS = {
    "bert": {
        "layers": "num_hidden_layers",
        "hidden": "hidden_size",
        "heads": "num_attention_heads",
        "vocab": "vocab_size",
        "seq_len": "max_position_embeddings",
        "intermediate": "intermediate_size",
    },
    "gpt2": {
        "layers": "n_layer",
        "hidden": "n_embd",
        "heads": "n_head",
        "vocab": "vocab_size",
        "seq_len": "n_positions",
    },
    "llama": {
        "layers": "num_hidden_layers",
        "hidden": "hidden_size",
        "heads": "num_attention_heads",
        "vocab": "vocab_size",
        "seq_len": "max_position_embeddings",
        "intermediate": "intermediate_size",
    },
}
_HF_KIND = {"bert": "encoder", "gpt2": "decoder", "llama": "llama"}


def _read_json(source) -> tuple[dict, str]:
    if isinstance(source, Mapping):
        return dict(source), "config"
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(t("sizing.json_source", type=type(source).__name__))
    path = Path(source)
    if path.is_dir():
        path = path / "config.json"
    if not path.is_file():
        raise ValueError(t("sizing.no_json", path=path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(t("sizing.bad_json", path=path, exc=exc)) from exc
    if not isinstance(data, dict):
        raise ValueError(t("sizing.json_object", path=path, type=type(data).__name__))
    return data, str(path)


def from_hf_config(source: str | os.PathLike | Mapping, *, name: str | None = None):
    """A :class:`TransformerConfig` from a Hugging Face ``config.json`` (a path to the file or
    its folder, or the parsed dict). Supported ``model_type``: bert, gpt2, llama.

    The count of the result is exact for the model transformers builds (BERT with its pooler,
    GPT-2 with its tied head, LLaMA without biases and an untied head); configurations that
    change those (tied LLaMA embeddings, attention biases) are refused with a ValueError.
    """
    data, where = _read_json(source)
    model_type = data.get("model_type")
    if not isinstance(model_type, str) or model_type not in _HF_KEYS:
        raise ValueError(
            t(
                "sizing.model_type",
                where=where,
                model_type=repr(model_type),
                supported=", ".join(_HF_KEYS),
            )
        )
    fields = {}
    for ours, key in _HF_KEYS[model_type].items():
        if key not in data:
            raise ValueError(
                t("sizing.hf_missing", where=where, model_type=model_type, key=repr(key))
            )
        fields[ours] = data[key]
    if model_type == "bert":
        fields["type_vocab"] = data.get("type_vocab_size", 2)
    elif model_type == "gpt2":
        fields["intermediate"] = data.get("n_inner")
    else:
        fields["kv_heads"] = data.get("num_key_value_heads")
        for flag in ("tie_word_embeddings", "attention_bias", "mlp_bias"):
            if data.get(flag):
                raise ValueError(t("sizing.hf_flag", where=where, flag=flag))
        head_dim = data.get("head_dim")
        if head_dim is not None and head_dim * fields["heads"] != fields["hidden"]:
            raise ValueError(t("sizing.hf_head_dim", where=where, head_dim=head_dim))
    label = name if name is not None else str(data.get("_name_or_path") or model_type)
    return TransformerConfig(name=label, kind=_HF_KIND[model_type], **fields)
