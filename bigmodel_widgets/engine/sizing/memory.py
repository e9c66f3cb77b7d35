"""Memory: weights, KV cache, activations, and training with its options (optimizer, activation
recomputation, LoRA/QLoRA, ZeRO stages and tensor parallelism). Each function that returns a
figure returns the assumption it rests on beside it."""

from __future__ import annotations

import math

from ..checks import int_in_range, one_of, positive_int
from ..i18n import t
from .config import TransformerConfig, _transformer, check_context, count_params, lora_params

__all__ = [
    "BYTES_PER_PARAM",
    "KV_BYTES",
    "OPTIMIZER_BYTES",
    "RECOMPUTE",
    "FINETUNE",
    "QLORA_BITS",
    "kv_cache_bytes",
    "activation_bytes",
    "training_memory",
    "serving_memory",
    "gpus_needed",
    "format_bytes",
    "format_count",
]

BYTES_PER_PARAM = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5}
# Bytes per stored key/value element, by KV-cache precision (separate from the weights').
KV_BYTES = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}
# Optimizer bytes per *trained* parameter, beyond the 16-bit weights (2 B) and gradients (2 B)
# of mixed-precision training (Rajbhandari et al. 2020, "ZeRO", K = 12 for Adam).
OPTIMIZER_BYTES = {
    "adam": 12.0,  # fp32 master copy 4 + two fp32 moments 8
    "sgd_momentum": 8.0,  # fp32 master copy 4 + fp32 momentum 4
    "adafactor": 4.0,  # fp32 master copy 4; factored second moments (rows + cols) counted as 0
    "adam8bit": 6.0,  # fp32 master copy 4 + two 8-bit moments 2 (Dettmers et al. 2022)
}
# Each optimizer's note is the message "sizing.opt.<name>" (engine/i18n/msg_core_widgets.py).
RECOMPUTE = ("none", "selective", "full")
FINETUNE = ("full", "lora", "qlora")
# QLoRA's frozen base: NF4 4 bits + 0.127 bits of double-quantised constants per parameter
# (Dettmers et al. 2023, section 3).
QLORA_BITS = 4.127


def _ceil(x: float) -> int:
    return int(math.ceil(x - 1e-9))


def kv_cache_bytes(
    config: TransformerConfig, *, context: int, batch: int = 1, precision: str = "fp16"
) -> int:
    """Bytes of the KV cache for ``batch`` sequences of ``context`` tokens (decoders only).

    Two tensors (keys, values) per layer, each ``kv_heads * head_dim`` wide per token; an
    encoder keeps no cache (0). LLaMA-2-7B at fp16: 2 * 32 * 4096 * 2 = 512 KiB per token.
    """
    config = _transformer(config)
    context = check_context(context)
    batch = positive_int(batch, name="batch")
    per_element = KV_BYTES[one_of(precision, name="precision", choices=KV_BYTES)]
    if config.kind == "encoder":
        return 0
    return int(2 * config.layers * config.kv * config.head_dim * context * batch * per_element)


def activation_bytes(
    config: TransformerConfig,
    *,
    seq_len: int,
    batch: int = 1,
    recompute: str = "none",
    tensor_parallel: int = 1,
) -> int:
    """Activations kept for the backward pass, 16-bit (Korthikanti et al. 2022, table 2), per
    GPU with ``tensor_parallel`` t (no sequence parallelism), summed over layers:

    none: s b h (10 + 24/t + 5 a s / (h t)); selective (recompute attention's softmax and
    dropout): s b h (10 + 24/t); full (keep only each layer's input): 2 s b h.
    """
    c = _transformer(config)
    s, b = check_context(seq_len, name="seq_len"), positive_int(batch, name="batch")
    recompute = one_of(recompute, name="recompute", choices=RECOMPUTE)
    t = positive_int(tensor_parallel, name="tensor_parallel")
    sbh = s * b * c.hidden
    if recompute == "full":
        per_layer = 2 * sbh
    else:
        per_layer = sbh * (10 + 24 / t)
        if recompute == "none":
            per_layer += sbh * 5 * c.heads * s / (c.hidden * t)
    return int(c.layers * per_layer)


def training_memory(
    config,
    *,
    seq_len: int = 1,
    batch: int = 1,
    optimizer: str = "adam",
    recompute: str = "none",
    finetune: str = "full",
    lora_rank: int = 8,
    zero_stage: int = 0,
    data_parallel: int = 1,
    tensor_parallel: int = 1,
) -> dict:
    """Training memory **per GPU** in bytes: weights, gradients, optimizer, activations, total,
    plus ``trained_params`` and the ``assumptions`` behind every figure.

    Mixed precision: 16-bit weights (2 B) and gradients (2 B) of the trained parameters, and
    the optimizer's fp32 master copy and states (:data:`OPTIMIZER_BYTES`). ``finetune``:
    "full"; "lora" (frozen 16-bit base + rank-``lora_rank`` adapters); "qlora" (frozen 4-bit
    NF4 base + adapters). ``tensor_parallel`` t splits weights, gradients and optimizer states
    t ways; ZeRO over ``data_parallel`` d GPUs then shards optimizer states (stage 1), also
    gradients (2), also weights (3). ``config`` may also be a parameter count (an int) when
    only the model states are wanted (no activations, no LoRA).
    """
    optimizer = one_of(optimizer, name="optimizer", choices=OPTIMIZER_BYTES)
    finetune = one_of(finetune, name="finetune", choices=FINETUNE)
    stage = int_in_range(zero_stage, name="zero_stage", low=0, high=3)
    d = positive_int(data_parallel, name="data_parallel")
    tp = positive_int(tensor_parallel, name="tensor_parallel")
    is_tf = isinstance(config, TransformerConfig)
    n = count_params(config) if is_tf else int_in_range(config, name="params", low=0)
    if is_tf and config.heads % tp:
        raise ValueError(t("sizing.tp_heads", t=tp, heads=config.heads))
    notes = [t("sizing.note.mixed")]
    if finetune == "full":
        trained, frozen = n, 0.0
    else:
        if not is_tf:
            raise ValueError(t("sizing.finetune_needs", finetune=repr(finetune)))
        trained = lora_params(config, rank=lora_rank)
        bits = 16 if finetune == "lora" else QLORA_BITS
        frozen = n * bits / 8
        notes.append(
            t(
                "sizing.note.adapters",
                finetune=finetune,
                bits=f"{bits:g}",
                rank=lora_rank,
                trained=f"{trained:,}",
            )
        )
    notes.append(t(f"sizing.opt.{optimizer}"))
    weights = (frozen + 2 * trained) / tp
    gradients = 2 * trained / tp
    states = OPTIMIZER_BYTES[optimizer] * trained / tp
    if stage >= 1:
        states /= d
    if stage >= 2:
        gradients /= d
    if stage >= 3:
        weights /= d
    if tp > 1 or d > 1:
        notes.append(
            t("sizing.note.parallel", t=tp, stage=stage, d=d, what=t(f"sizing.shard.{stage}"))
        )
    activations = 0
    if is_tf:
        activations = activation_bytes(
            config, seq_len=seq_len, batch=batch, recompute=recompute, tensor_parallel=tp
        )
        notes.append(
            t("sizing.note.activations", recompute=t(f"sizing.recompute.{recompute}"))
            + (t("sizing.note.activations_tp", t=tp) if tp > 1 else "")
        )
    else:
        notes.append(t("sizing.note.no_activations"))
    out = {
        "weights": _ceil(weights),
        "gradients": _ceil(gradients),
        "optimizer": _ceil(states),
        "activations": activations,
    }
    out["total"] = sum(out.values())
    out["trained_params"] = trained
    out["assumptions"] = notes
    return out


def serving_memory(
    config: TransformerConfig,
    *,
    context: int,
    batch: int = 1,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
) -> dict:
    """Serving memory in bytes: weights, KV cache, activations and total, with assumptions.

    Activations are one layer's transient tensors during a whole-prompt prefill: Q, K, V and
    the attention output (4 h) and the feed-forward's two wide tensors (2 f) per token, at
    16 bits (32 with fp32 weights), with fused attention (no s x s score matrix kept).
    """
    c = _transformer(config)
    context, batch = check_context(context), positive_int(batch, name="batch")
    wp = one_of(weight_precision, name="weight_precision", choices=BYTES_PER_PARAM)
    kp = one_of(kv_precision, name="kv_precision", choices=KV_BYTES)
    weights = int(count_params(c) * BYTES_PER_PARAM[wp])
    kv = kv_cache_bytes(c, context=context, batch=batch, precision=kp)
    element = 4 if wp == "fp32" else 2
    activations = batch * context * (4 * c.hidden + 2 * c.ffn) * element
    return {
        "weights": weights,
        "kv_cache": kv,
        "activations": activations,
        "total": weights + kv + activations,
        "assumptions": [
            t("sizing.note.weights", precision=wp, bytes=f"{BYTES_PER_PARAM[wp]:g}"),
            t("sizing.note.kv", precision=kp, bytes=f"{KV_BYTES[kp]:g}")
            if c.kind != "encoder"
            else t("sizing.note.kv_none"),
            t("sizing.note.prefill_activations", bytes=element),
        ],
    }


def gpus_needed(nbytes: float, gpu_gb: float) -> int:
    """Lower bound on GPUs of ``gpu_gb`` GiB to hold ``nbytes`` (no overhead or fragmentation)."""
    return max(1, math.ceil(nbytes / (gpu_gb * 2**30)))


def format_count(n: float) -> str:
    """``n`` with a K/M/B/T suffix, two decimals."""
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f}"


def format_bytes(n: float) -> str:
    """``n`` bytes in KiB/MiB/GiB/TiB, two decimals."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f} B"
