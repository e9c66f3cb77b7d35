"""Serving speed bounds on a GPU preset: prefill is compute-bound (time to first token, a lower
bound), decode is memory-bandwidth-bound (tokens per second, an upper bound)."""

from __future__ import annotations

from ..i18n import t
from .compute import forward_flops_per_token, prefill_flops
from .config import TransformerConfig, _transformer
from .gpus import GPU, source_text
from .gpus import gpu as _gpu
from .memory import serving_memory

__all__ = ["compute_precision", "serving_bounds"]


def compute_precision(weight_precision: str) -> str:
    """The precision the matrix units run at for weights stored at ``weight_precision``:
    fp32 weights compute in fp32; 16-bit and weight-only int8/int4 weights in fp16 (quantised
    weights are dequantised to 16 bits before the multiply)."""
    return "fp32" if weight_precision == "fp32" else "fp16"


def serving_bounds(
    config: TransformerConfig,
    *,
    gpu: str | GPU,
    context: int,
    batch: int = 1,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
) -> dict:
    """Speed-of-light serving figures on one ``gpu`` (a name in ``GPUS`` or a ``GPU``).

    ``ttft_s``: time to first token >= max(prefill FLOPs / peak FLOP/s, weight bytes /
    bandwidth). ``decode_tokens_per_s``: tokens per second over the batch <= batch / step,
    step >= max((weights + KV cache) bytes / bandwidth, batch * FLOPs per token / peak) at
    ``context`` tokens already in the cache. Encoders do not decode: those entries are None.
    ``fits`` says whether weights + KV cache + activations fit the GPU's memory.
    """
    c = _transformer(config)
    g = _gpu(gpu)
    memory = serving_memory(
        c,
        context=context,
        batch=batch,
        weight_precision=weight_precision,
        kv_precision=kv_precision,
    )
    compute = compute_precision(weight_precision)
    peak = g.flops(compute)
    prefill = prefill_flops(c, context=context, batch=batch)
    prefill_compute_s = prefill / peak
    prefill_memory_s = memory["weights"] / g.bandwidth
    out = {
        "gpu": g.name,
        "fits": memory["total"] <= g.memory_bytes,
        "memory": {k: v for k, v in memory.items() if k != "assumptions"},
        "prefill_flops": prefill,
        "ttft_s": max(prefill_compute_s, prefill_memory_s),
        "prefill_bound": "compute" if prefill_compute_s >= prefill_memory_s else "memory",
        "decode_bytes_per_step": None,
        "decode_step_s": None,
        "decode_tokens_per_s": None,
        "decode_bound": None,
    }
    notes = [
        t(
            "sizing.note.peak",
            precision=compute,
            peak=f"{peak / 1e12:g}",
            bandwidth=f"{g.bandwidth / 1e9:g}",
            source=source_text(g),
        ),
        t("sizing.note.prefill"),
    ]
    if c.kind != "encoder":
        step_bytes = memory["weights"] + memory["kv_cache"]
        step_flops = batch * forward_flops_per_token(c, context=context)["total"]
        memory_s, compute_s = step_bytes / g.bandwidth, step_flops / peak
        step = max(memory_s, compute_s)
        out.update(
            decode_bytes_per_step=step_bytes,
            decode_step_s=step,
            decode_tokens_per_s=batch / step,
            decode_bound="memory" if memory_s >= compute_s else "compute",
        )
        notes.append(t("sizing.note.decode"))
    else:
        notes.append(t("sizing.note.no_decode"))
    out["assumptions"] = memory["assumptions"] + notes
    return out
