"""Chapters 1 + 2: is training waiting for data? The input-pipeline lab, naive against the best.

Naive: the text's step-by-step augmentation, a sequential map, no prefetch, no cache (every
epoch decodes each JPEG again). Then each toggle alone, then candidates for the best
configuration; the one with the most images/s is reported as "best". Every step is timed as
waiting-for-input vs computing; figures are steady state (after the first epoch). OpenCV's own
threads are off (``cv2.setNumThreads(1)``), so the parallelism measured is tf.data's.
"""

from __future__ import annotations

import os
import time

from ._progress import stderr_progress

__all__ = ["run"]

TARGETS = {"speedup": 3.0, "best_input_wait_fraction": 0.10}


def _median_summary(runs) -> dict:
    """The summary of the run with the median images/s, plus every round's images/s."""
    ordered = sorted(runs, key=lambda r: r.images_per_s or 0.0)
    out = ordered[len(ordered) // 2].summary()
    out["rounds_images_per_s"] = [round(r.images_per_s or 0.0, 1) for r in runs]
    return out


def run(quick: bool = False) -> dict:
    import cv2

    from ..engine.augment import pipeline_lab as lab

    cv2.setNumThreads(1)
    cores = os.cpu_count() or 1
    images, epochs, rounds = (128, 3, 1) if quick else (512, 4, 3)
    batch = 32
    t_make = time.perf_counter()
    files = lab.lab_images(images, size=512, seed=0)
    make_s = time.perf_counter() - t_make
    report = stderr_progress("pipeline", "run")

    def measure(settings):
        return lab.run_input_lab(settings, files=files, epochs=epochs, batch_size=batch, width=8)

    naive = lab.NAIVE
    toggles = {
        "fused": lab.InputSettings(fused=True),
        f"parallel_calls={cores}": lab.InputSettings(parallel_calls=cores),
        "prefetch=autotune": lab.InputSettings(prefetch=lab.AUTOTUNE),
        "cache": lab.InputSettings(cache=True),
    }
    candidates = {
        "all on, autotune": lab.BEST,
        f"all on, parallel_calls={cores}": lab.InputSettings(
            fused=True, parallel_calls=cores, prefetch=lab.AUTOTUNE, cache=True
        ),
        "fused, cache, prefetch (no parallel map)": lab.InputSettings(
            fused=True, prefetch=lab.AUTOTUNE, cache=True
        ),
    }
    total = rounds * (1 + len(candidates)) + len(toggles)
    done = 0
    naive_runs, cand_runs = [], {k: [] for k in candidates}
    # Naive and the candidates take turns, round after round: a busy machine slows all alike.
    for _ in range(rounds):
        naive_runs.append(measure(naive))
        done += 1
        report(done, total, {"naive images/s": naive_runs[-1].images_per_s})
        for name, settings in candidates.items():
            cand_runs[name].append(measure(settings))
            done += 1
            report(done, total, {f"{name} images/s": cand_runs[name][-1].images_per_s})
    one_toggle = {}
    for name, settings in toggles.items():
        one_toggle[name] = measure(settings).summary()
        done += 1
        report(done, total, {f"{name} images/s": one_toggle[name]["images_per_s"]})

    naive_s = _median_summary(naive_runs)
    cand_s = {name: _median_summary(runs) for name, runs in cand_runs.items()}
    best_name = max(cand_s, key=lambda k: cand_s[k]["images_per_s"] or 0.0)
    best = cand_s[best_name]
    speedup = (
        round(best["images_per_s"] / naive_s["images_per_s"], 2)
        if naive_s["images_per_s"] and best["images_per_s"]
        else None
    )
    return {
        "benchmark": "pipeline",
        "quick": quick,
        "cores": cores,
        "opencv_threads": 1,
        "data": (
            f"{images} JPEG photo crops stored at 512x512, loaded at 256x256, text's "
            "augmentation (rotate U(-30,30) deg, half-size crop) -> 128x128"
        ),
        "model": "tf_keras CNN (avg-pool 2, conv 8 and 16 channels, stride 2), SGD",
        "batch_size": batch,
        "epochs": epochs,
        "steady_state": "steps after the first epoch (tracing and the cache-filling pass skipped)",
        "rounds": rounds,
        "naive": naive_s,
        "best_name": best_name,
        "best": best,
        "candidates": cand_s,
        "one_toggle_from_naive": one_toggle,
        "input_wait_fraction": {
            "naive": naive_s["input_wait_fraction"],
            "best": best["input_wait_fraction"],
        },
        "images_per_s": {"naive": naive_s["images_per_s"], "best": best["images_per_s"]},
        "speedup": speedup,
        "targets": TARGETS,
        "meets_targets": {
            "speedup": speedup is not None and speedup >= TARGETS["speedup"],
            "best_input_wait_fraction": best["input_wait_fraction"] is not None
            and best["input_wait_fraction"] <= TARGETS["best_input_wait_fraction"],
        },
        "median_of": "rounds (the run with the median images/s)",
        "make_images_s": round(make_s, 2),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "timing_note": "wall clock on a shared machine (see load_average); ratios are side by side",
    }
