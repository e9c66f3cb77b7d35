"""Chapter 0 and the foundation: cost of `import bigmodel_widgets`, of one sizing estimate and
of one context report (longest context + serving bounds), with those figures per GPU preset."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from ..engine import sizing

__all__ = ["run"]


def _import_seconds() -> float:
    # A fresh interpreter each time: the cost a notebook's first cell pays.
    code = (
        "import time; t = time.perf_counter(); import bigmodel_widgets; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def run(quick: bool = False) -> dict:
    repeats = 200 if quick else 2000
    t0 = time.perf_counter()
    for _ in range(repeats):
        for name in sizing.PRESETS:
            sizing.estimate(sizing.preset(name))
    per_call_us = (time.perf_counter() - t0) / (repeats * len(sizing.PRESETS)) * 1e6
    llama = sizing.preset("llama2-7b")
    solves = 20 if quick else 200
    t0 = time.perf_counter()
    for _ in range(solves):
        sizing.context_report(llama, gpu="a100-80gb-sxm", context=4096)
    report_us = (time.perf_counter() - t0) / solves * 1e6
    imports = [_import_seconds() for _ in range(3 if quick else 7)]
    return {
        "benchmark": "sizing",
        "presets": len(sizing.PRESETS),
        "estimate_us": round(per_call_us, 2),
        "import_ms": round(statistics.median(imports) * 1000, 1),
        "import_target_ms": 1000,
        "params": {n: sizing.count_params(sizing.preset(n)) for n in sizing.PRESETS},
        "context_report_us": round(report_us, 1),
        "llama2_7b_fp16": {
            g: {
                "max_context": sizing.max_context(llama, gpu=g),
                "decode_tokens_per_s_at_4096": round(
                    sizing.serving_bounds(llama, gpu=g, context=4096)["decode_tokens_per_s"], 1
                ),
            }
            for g in sizing.GPUS
        },
    }
