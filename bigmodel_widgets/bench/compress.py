"""Chapter 3: the compression sweep on the strong digits CNN and the fine-tuned BERT.

Gzip ratios, interpreter accuracy and latency for the CNN sweep (against chapter 5's strong
CNN), per-layer sensitivity and int8 error for both models, and the BERT variants (fp32,
dynamic, float16, int8, int8 with the fragile tensors kept float).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from ..engine import compression as comp

__all__ = ["run"]

TARGETS = {"prune80": 3.0, "prune80+dynamic": 9.0, "qat-int8": 3.5, "best": 12.0}
BERT_TARGET = {"zip_ratio": 3.8, "max_drop_pts": 1.0}
BASE_TARGET = 0.985
NAMED = {
    "prune80": comp.CompressionConfig(sparsity=0.8),
    "prune80+dynamic": comp.CompressionConfig(sparsity=0.8, quant="dynamic"),
    "qat-int8": comp.CompressionConfig(qat=True, quant="int8"),
    "cluster16": comp.CompressionConfig(clusters=16),
    "prune50-2:4+dynamic": comp.CompressionConfig(sparsity=0.5, structure="2:4", quant="dynamic"),
}


def _row(name: str, r: dict | None) -> dict:
    if r is None:
        return {"name": name, "available": False}
    return {
        "name": name,
        "label": r["label"],
        "zip_ratio": round(r["ratio"], 2),
        "accuracy": round(r["accuracy"], 4),
        "acc_drop_pts": round(r["acc_drop_pts"], 2),
        "latency_us": round(r["latency_us"], 1),
        "gzip_bytes": r["gzip_bytes"],
    }


def _cached_update_ms(sweep: comp.Sweep, repeats: int = 20) -> float:
    """Median time for the explorer to answer a sparsity-slider move from the cache and redraw."""
    from ..widgets.compression_explorer import CompressionExplorer

    explorer = CompressionExplorer(sweep)
    values = list(sweep.spec.sparsities)
    times = []
    try:
        for i in range(repeats):
            t0 = time.perf_counter()
            explorer.sparsity.value = values[(i + 1) % len(values)]  # a different point each time
            times.append(time.perf_counter() - t0)
    finally:
        explorer.close()
    return statistics.median(times) * 1e3


def run(quick: bool = False) -> dict:
    """The sweep's figures as JSON-able data; ``quick`` (the CLI's decision) runs the small one."""
    t0 = time.perf_counter()
    setup = comp.default_setup(quick=quick)
    setup_s = time.perf_counter() - t0
    # A fresh, temporary cache: sweep_s is the time to compute the sweep, not to read it back.
    with tempfile.TemporaryDirectory(prefix="bmw-bench-") as tmp:
        return _measure(
            setup, setup_s, comp.default_spec(quick=quick), comp.ResultCache(tmp), quick
        )


def _measure(setup, setup_s: float, spec, cache, quick: bool) -> dict:
    sweep = comp.Sweep(setup, spec, cache=cache, latency_repeats=50 if quick else 200)
    t0, cpu0 = time.perf_counter(), time.process_time()
    records = sweep.run()
    sweep_s, sweep_cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    named = {
        name: sweep.cached(comp.CompressionConfig(**{**c.to_config(), "epochs": spec.epochs}))
        for name, c in NAMED.items()
    }
    two_four = comp.CompressionConfig(
        **{**NAMED["prune50-2:4+dynamic"].to_config(), "epochs": spec.epochs}
    )
    named["prune50-2:4+dynamic"] = sweep.compute(two_four)  # not in the grid: one more point
    named["best"] = comp.smallest_within(records, 1.0)
    meets = {}
    for name, target in TARGETS.items():
        r = named.get(name)
        meets[name] = bool(
            r and r["ratio"] >= target and (name == "qat-int8" or r["acc_drop_pts"] <= 1.0)
        )
    base = sweep.baseline()
    update_ms = _cached_update_ms(sweep)
    sensitivity = {"cnn": _cnn_sensitivity(sweep.setup)}
    bert = _bert(quick)
    sensitivity["bert"] = bert.pop("sensitivity", None)
    return {
        "benchmark": "compress",
        "quick": quick,
        "model": setup.name,
        "params": base["params"],
        "baseline": {
            "model": setup.name,
            "gzip_bytes": base["gzip_bytes"],
            "accuracy": round(base["accuracy"], 4),
            "latency_us": round(base["latency_us"], 1),
        },
        "results": [_row(name, r) for name, r in named.items()],
        "points": len(records),
        "sweep_s": round(sweep_s, 1),
        # On a shared machine wall time depends on the neighbours; CPU time and load say how much.
        "sweep_cpu_s": round(sweep_cpu_s, 1),
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "setup_s": round(setup_s, 1),
        "cached_update_ms": round(update_ms, 2),
        "sensitivity": sensitivity,
        "op_diff": _op_diff(sweep.setup),
        "bert": bert,
        "targets": {
            **{f"{k}_ratio": v for k, v in TARGETS.items()},
            "baseline_accuracy": BASE_TARGET,
            "bert_int8_zip_ratio": BERT_TARGET["zip_ratio"],
            "sweep_s": 120,
            "cached_update_ms": 50,
        },
        "meets": {
            **meets,
            "baseline_accuracy": base["accuracy"] >= BASE_TARGET,
            "bert_int8": bert.get("meets_target", False),
            "sweep_s": sweep_s <= 120,
            "cached_update_ms": update_ms <= 50,
        },
    }


def _cnn_sensitivity(setup) -> dict:
    """One layer at a time: pruned 80 %, rounded to 4 bits; and each op's int8 error."""
    rep = setup.data.representative()
    errors = comp.quantization_error(
        comp.keras_converter(setup.base, rep), comp.representative_samples(rep)
    )
    out = {}
    for method in comp.SENSITIVITY_METHODS:
        rows = comp.layer_sensitivity(setup.base, setup.data, method=method)
        out[rows[0]["method"]] = {r["layer"]: round(r["drop_pts"], 2) for r in rows}
    out["int8_error_steps"] = _error_rows(errors)
    return out


def _error_rows(rows: list, top: int = 8) -> list:
    return [
        {
            "tensor": r["tensor"][-80:],
            "op": r["op"],
            "error_steps": round(r["error_steps"], 3),
            "scale": float(f"{r['scale']:.4g}"),
        }
        for r in rows[:top]
    ]


def _op_diff(setup) -> dict:
    """What changes inside the CNN's .tflite: op counts and weight bytes per dtype."""
    rep = setup.data.representative()
    fp32 = comp.convert(setup.base)
    out = {}
    for mode in ("dynamic", "float16", "int8"):
        d = comp.tflite_diff(fp32, comp.convert(setup.base, mode, rep if mode == "int8" else None))
        out[mode] = {"ops": d["ops"], "weight_bytes": d["weight_bytes"]}
    return out


def _bert(quick: bool) -> dict:
    """The fine-tuned MiniLM's variants, measured in the interpreter (records cached on disk)."""
    t0 = time.perf_counter()
    setup = comp.bert_setup(quick=quick)
    sweep = comp.BertSweep(setup)
    records = sweep.run()
    out: dict = {"model": setup.name, "n_test": len(setup.texts)}
    for r in records:
        out[r["mode"]] = {
            "zip_ratio": round(r["ratio"], 2),
            "acc_drop_pts": round(r["acc_drop_pts"], 2),
            "latency_ms": round(r["latency_ms"], 2),
            "accuracy": round(r["accuracy"], 4),
            "gzip_bytes": r["gzip_bytes"],
        }
    out["int8_selective"]["kept_float"] = len(records[-1]["keep_float"])
    out["fp32_accuracy"] = out["fp32"]["accuracy"]
    out["meets_target"] = any(
        out[m]["zip_ratio"] >= BERT_TARGET["zip_ratio"]
        and out[m]["acc_drop_pts"] <= BERT_TARGET["max_drop_pts"]
        for m in ("int8", "int8_selective")
    )
    out["computed_now"] = sweep.computed
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["sensitivity"] = {"int8_error_steps": _error_rows(sweep.layer_errors())}
    return out
