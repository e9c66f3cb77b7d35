"""Chapter 0: parameter, memory and compute estimates for real architectures.

Counts are exact for the architectures we can build offline (tests compare them with
``TFBertModel(BertConfig()).count_params()`` and friends); memory and FLOPs are the standard
first-order estimates, each with the assumption it rests on spelled out in ``assumptions``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from .checks import one_of, positive_int

__all__ = [
    "BYTES_PER_PARAM",
    "GPU_SIZES_GB",
    "TransformerConfig",
    "SequentialSpec",
    "SizeReport",
    "PRESETS",
    "preset",
    "count_params",
    "estimate",
    "estimate_keras_model",
    "gpus_needed",
    "training_flops",
    "KV_BYTES",
    "kv_cache_bytes",
    "embedding_params",
    "forward_flops_per_token",
    "format_bytes",
    "format_count",
]

BYTES_PER_PARAM = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5}
GPU_SIZES_GB = (16, 24, 40, 80)
KINDS = ("encoder", "decoder", "llama")


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
            raise ValueError(f"hidden ({self.hidden}) must be divisible by heads ({self.heads})")
        if self.heads % self.kv:
            raise ValueError(f"heads ({self.heads}) must be divisible by kv_heads ({self.kv})")

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
                raise ValueError(f"unknown layer kind {kind!r}")
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
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}; valid presets: {', '.join(PRESETS)}")
    return PRESETS[name]


def count_params(config: TransformerConfig | SequentialSpec) -> int:
    """Exact parameter count, matching what the framework's model counts."""
    if isinstance(config, SequentialSpec):
        return config.count()[0]
    c, d, f = config, config.hidden, config.ffn
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


def gpus_needed(nbytes: float, gpu_gb: float) -> int:
    """Lower bound on GPUs of ``gpu_gb`` GiB to hold ``nbytes`` (no overhead or fragmentation)."""
    return max(1, math.ceil(nbytes / (gpu_gb * 2**30)))


def training_flops(params: int, tokens: float) -> float:
    """About 6 FLOPs per parameter per training token (forward 2N + backward 4N)."""
    return 6.0 * params * tokens


# Bytes per stored key/value element, by KV-cache precision (separate from the weights').
KV_BYTES = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}


def kv_cache_bytes(
    config: TransformerConfig, *, context: int, batch: int = 1, precision: str = "fp16"
) -> int:
    """Bytes of the KV cache for ``batch`` sequences of ``context`` tokens (decoders only).

    Two tensors (keys, values) per layer, each ``kv_heads * head_dim`` wide per token; an
    encoder keeps no cache (0). LLaMA-2-7B at fp16: 2 * 32 * 4096 * 2 = 512 KiB per token.
    """
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
    context = positive_int(context, name="context")
    batch = positive_int(batch, name="batch")
    per_element = KV_BYTES[one_of(precision, name="precision", choices=KV_BYTES)]
    if config.kind == "encoder":
        return 0
    return int(2 * config.layers * config.kv * config.head_dim * context * batch * per_element)


def embedding_params(config: TransformerConfig) -> int:
    """Parameters in the embedding tables (tokens, learned positions, token types)."""
    c = config
    if c.kind == "encoder":
        return (c.vocab + c.seq_len + c.type_vocab) * c.hidden
    if c.kind == "decoder":
        return (c.vocab + c.seq_len) * c.hidden
    return c.vocab * c.hidden  # llama: rotary positions have no table; the LM head is a matmul


def forward_flops_per_token(config: TransformerConfig, *, context: int) -> dict:
    """Forward FLOPs per token at ``context`` tokens (Kaplan et al. 2020, eq. 2.2).

    ``dense`` = 2 N with N the non-embedding parameters (every weight is one multiply-add per
    token); ``attention`` = 2 * n_layers * context * d_attn (scores QK^T and the weighted sum of
    V, d_attn = heads * head_dim); ``attention_share`` = attention / total.
    """
    if not isinstance(config, TransformerConfig):
        raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
    context = positive_int(context, name="context")
    n = count_params(config) - embedding_params(config)
    dense = 2.0 * n
    attention = 2.0 * config.layers * context * config.heads * config.head_dim
    total = dense + attention
    return {
        "dense": dense,
        "attention": attention,
        "total": total,
        "attention_share": attention / total,
    }


@dataclass(frozen=True)
class SizeReport:
    name: str
    params: int
    bytes: dict  # precision -> weight bytes
    training: dict  # weights, gradients, optimizer, activations, total (bytes)
    inference: dict  # weights, kv_cache, total (bytes) at the serving precision
    flops_per_token: dict  # train, inference
    gpus: dict  # "16" -> {"train": n, "serve": n}
    settings: dict
    assumptions: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _activation_bytes(c: TransformerConfig, seq: int, batch: int) -> int:
    # Korthikanti et al. 2022, 16-bit activations, no recomputation: s*b*h*(34 + 5*a*s/h) per layer.
    return int(c.layers * seq * batch * c.hidden * (34 + 5 * c.heads * seq / c.hidden))


def estimate(
    config: TransformerConfig | SequentialSpec,
    *,
    precision: str = "fp16",
    seq_len: int | None = None,
    batch: int = 1,
) -> SizeReport:
    """Parameters, memory (train and serve) and FLOPs for a preset or custom configuration.

    ``precision`` is the serving precision; training assumes mixed-precision Adam.
    """
    is_tf = isinstance(config, TransformerConfig)
    seq = (
        positive_int(seq_len, name="seq_len")
        if seq_len is not None
        else (config.seq_len if is_tf else 1)
    )
    return _report(
        config.name,
        count_params(config),
        config if is_tf else None,
        precision=precision,
        seq=seq,
        batch=batch,
    )


def estimate_keras_model(model, *, precision: str = "fp16", batch: int = 1) -> SizeReport:
    """The same report for any built Keras model (tf_keras or Keras 3), via ``count_params``."""
    if not hasattr(model, "count_params"):
        raise TypeError(f"expected a Keras model, got {type(model).__name__}")
    try:
        n = int(model.count_params())
    except ValueError as exc:
        raise ValueError(
            f"the model is not built yet; call it on data or build() first ({exc})"
        ) from exc
    return _report(
        getattr(model, "name", "model"), n, None, precision=precision, seq=1, batch=batch
    )


def _report(
    name: str, n: int, tcfg: TransformerConfig | None, *, precision: str, seq: int, batch: int
) -> SizeReport:
    precision = one_of(precision, name="precision", choices=BYTES_PER_PARAM)
    batch = positive_int(batch, name="batch")
    weights = {p: int(n * b) for p, b in BYTES_PER_PARAM.items()}
    # Mixed-precision Adam (ZeRO paper): 2 B bf16 weights + 4 B fp32 master, 2 B grads, 8 B moments.
    training = {
        "weights": 6 * n,
        "gradients": 2 * n,
        "optimizer": 8 * n,
        "activations": _activation_bytes(tcfg, seq, batch) if tcfg else 0,
    }
    training["total"] = sum(training.values())
    kv_cache = 0
    if tcfg is not None and tcfg.kind != "encoder":  # keys and values per layer, 16-bit
        kv_cache = 2 * tcfg.layers * tcfg.kv * tcfg.head_dim * seq * batch * 2
    inference = {
        "weights": weights[precision],
        "kv_cache": kv_cache,
        "total": weights[precision] + kv_cache,
    }
    gpus = {
        str(g): {
            "train": gpus_needed(training["total"], g),
            "serve": gpus_needed(inference["total"], g),
        }
        for g in GPU_SIZES_GB
    }
    assumptions = [
        "training: mixed-precision Adam, 16 bytes per parameter (weights+master 6, grads 2, moments 8)",
        "activations: Korthikanti et al. 2022, 16-bit, no recomputation"
        if tcfg
        else "activations: not estimated for this model",
        "serving: weights at the chosen precision plus a 16-bit KV cache (decoders)",
        "GPUs: a lower bound, memory only (GiB; no framework overhead, no fragmentation)",
        "FLOPs: 6N per training token, 2N per inference token",
    ]
    return SizeReport(
        name=name,
        params=n,
        bytes=weights,
        training=training,
        inference=inference,
        flops_per_token={"train": 6 * n, "inference": 2 * n},
        gpus=gpus,
        settings={"precision": precision, "seq_len": seq, "batch": batch},
        assumptions=assumptions,
    )


def format_count(n: float) -> str:
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f}"


def format_bytes(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f} B"
