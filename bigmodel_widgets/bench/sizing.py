"""Chapter 0 and the foundation: cost of `import bigmodel_widgets` and of one sizing estimate."""

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
    imports = [_import_seconds() for _ in range(3 if quick else 7)]
    return {
        "benchmark": "sizing",
        "presets": len(sizing.PRESETS),
        "estimate_us": round(per_call_us, 2),
        "import_ms": round(statistics.median(imports) * 1000, 1),
        "import_target_ms": 1000,
        "params": {n: sizing.count_params(sizing.preset(n)) for n in sizing.PRESETS},
    }
