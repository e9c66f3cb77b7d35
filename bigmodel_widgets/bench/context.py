"""Chapter 0 measured: KV cache bytes, MiniLM forward time vs FLOPs, decoding with and without cache."""

from __future__ import annotations

import os
import time

from ._progress import stderr_progress

__all__ = ["run"]

TARGETS = {"kv_exact": True, "max_rel_error": 0.20, "decode_speedup_at_longest": 5.0}


def run(quick: bool = False) -> dict:
    """The issue-12 figures as JSON-able data; ``quick`` (the CLI's decision) measures less."""
    from ..engine import context_lab, sizing

    t0, load_before = time.perf_counter(), os.getloadavg()[0]
    # first, while TensorFlow is fresh: measure_forward asks for its thread count
    forward = context_lab.measure_forward(
        quick=quick, progress=stderr_progress("bench context", "forward")
    )
    decoding = context_lab.measure_decoding(
        quick=quick, progress=stderr_progress("bench context", "decoding")
    )
    kv = context_lab.measure_kv_cache(context=decoding["contexts"][-1])
    memory = context_lab.measure_memory(
        quick=quick, progress=stderr_progress("bench context", "memory")
    )
    minilm = context_lab.minilm_config()
    config_params = sizing.count_params(minilm)
    real_params = forward["params"]  # the loaded model's own count_params()
    rates = decoding["decode_tokens_per_s"]
    out = {
        "benchmark": "context",
        "quick": quick,
        "kv_cache_bytes": {
            "measured": kv["measured"],
            "estimated": kv["estimated"],
            "exact": kv["exact"],
            "context": kv["context"],
            "shape": f"{kv['config']['layers']} layers x {kv['config']['hidden']}, fp32",
        },
        "contexts": forward["contexts"],
        "forward_clock": forward["clock"],
        "forward_ms": dict(zip(forward["contexts"], forward["forward_ms"])),
        "forward_wall_ms": dict(zip(forward["contexts"], forward["wall_ms"])),
        "predicted_ms": dict(zip(forward["contexts"], forward["predicted_ms"])),
        "rel_error": dict(zip(forward["contexts"], forward["rel_error"])),
        "max_rel_error": forward["max_rel_error"],
        "fit_context": forward["fit_context"],
        "forward_model": forward["model"],
        "overhead_ms": forward["overhead_ms"],
        "throughput_gflops": forward["throughput_gflops"],
        "overhead_context": forward["overhead_context"],
        "bandwidth_gbs": forward["bandwidth_gbs"],
        "memory_ms": dict(zip(forward["contexts"], forward["memory_ms"])),
        "flops_only_max_rel_error": forward["flops_only"]["max_rel_error"],
        "flops_only_rel_error": dict(zip(forward["contexts"], forward["flops_only"]["rel_error"])),
        "flops_only_overhead_ms": forward["flops_only"]["overhead_ms"],
        "one_constant_max_rel_error": forward["one_constant"]["max_rel_error"],
        "one_constant_rel_error": dict(
            zip(forward["contexts"], forward["one_constant"]["rel_error"])
        ),
        "attention_share": dict(zip(forward["contexts"], forward["attention_share"])),
        "forward_how": forward["how"],
        "forward_note": forward["note"],
        "threads": forward["threads"],
        "decode_contexts": decoding["contexts"],
        "decode_tokens_per_s": {
            mode: dict(zip(decoding["contexts"], values)) for mode, values in rates.items()
        },
        "decode_speedup": dict(zip(decoding["contexts"], decoding["speedup"])),
        "decode_speedup_at_longest": decoding["speedup_at_longest"],
        "decode_same_tokens": decoding["same_tokens"],
        "decode_how": decoding["how"],
        "peak_memory_bytes": dict(zip(memory["contexts"], memory["peak_bytes"])),
        "serving_estimate_bytes": dict(zip(memory["contexts"], memory["serving_estimate_bytes"])),
        "forward_estimate_bytes": dict(zip(memory["contexts"], memory["forward_estimate_bytes"])),
        "memory_device": memory["device"],
        "memory_how": memory["how"],
        "config_json_exact": config_params == real_params,
        "config_json_params": config_params,
        "model_params": real_params,
        "total_s": round(time.perf_counter() - t0, 1),
        # timings are only comparable on a quiet machine: say how busy this one was
        "cpu_count": os.cpu_count(),
        "load_avg_1m": {"start": round(load_before, 1), "end": round(os.getloadavg()[0], 1)},
        "targets": TARGETS,
    }
    out["meets"] = {
        "kv_exact": out["kv_cache_bytes"]["exact"] is TARGETS["kv_exact"],
        "max_rel_error": out["max_rel_error"] <= TARGETS["max_rel_error"],
        "decode_speedup_at_longest": out["decode_speedup_at_longest"]
        >= TARGETS["decode_speedup_at_longest"],
        "config_json_exact": out["config_json_exact"],
    }
    out["meets_targets"] = all(out["meets"].values())
    return out
