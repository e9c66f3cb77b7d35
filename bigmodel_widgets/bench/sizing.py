"""Chapter 0: time to estimate every preset (pure arithmetic; a sanity baseline for the CLI)."""
from __future__ import annotations

import time

from ..engine import sizing


def run(quick: bool = False) -> dict:
    repeats = 200 if quick else 2000
    t0 = time.perf_counter()
    for _ in range(repeats):
        for name in sizing.PRESETS:
            sizing.estimate(sizing.preset(name))
    per_call_us = (time.perf_counter() - t0) / (repeats * len(sizing.PRESETS)) * 1e6
    return {"benchmark": "sizing", "presets": len(sizing.PRESETS), "estimate_us": round(per_call_us, 2),
            "params": {n: sizing.count_params(sizing.preset(n)) for n in sizing.PRESETS}}
