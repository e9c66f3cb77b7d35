"""Chapter 4: fine-tune MiniLM on Rotten Tomatoes; TFLite fp32/dynamic/float16 size, accuracy, latency."""

from __future__ import annotations

import os
import time

from ._progress import stderr_progress

__all__ = ["run"]

TARGETS = {
    "test_accuracy": 0.80,
    "dynamic_size_ratio": 3.5,
    "dynamic_acc_drop_pts": 1.0,
    "n_test": 1000,
}


def run(quick: bool = False) -> dict:
    """Chapter 4's figures as JSON-able data; ``quick`` (the CLI's decision) trains a few steps."""
    from ..engine.tasks.nlp import tflite as nlp_tflite
    from ..engine.tasks.nlp import training as nlp_train

    config = nlp_train.FineTuneConfig.default(quick=quick)
    t0, load_before = time.perf_counter(), os.getloadavg()[0]
    clf, info = nlp_train.finetuned_classifier(
        config, progress=stderr_progress("bench nlp", "fine-tuning step")
    )
    texts, labels = nlp_train.rotten_tomatoes_splits(config)["test"]
    report = nlp_tflite.compression_report(
        clf,
        texts,
        labels,
        cache_key=config.key(),
        progress=stderr_progress("bench nlp", "converting"),
    )
    rows = {r["mode"]: r for r in report["rows"]}
    keras_ms = nlp_tflite.latency_ms(clf, texts[:50])
    out = {
        "benchmark": "nlp",
        "quick": quick,
        "model": "all-MiniLM-L6-v2 (TFBertForSequenceClassification, 22.7 M params)",
        "config": config.to_config(),
        "fine_tuned_from_cache": info["from_cache"],  # epoch_s then comes from the cached run
        "test_accuracy": round(info["test_accuracy"], 4),
        "n_test": info["n_test"],
        "epoch_s": round(sum(info["epoch_s"]) / len(info["epoch_s"]), 1),
        "dynamic_size_ratio": round(rows["dynamic"]["size_ratio"], 3),
        "dynamic_acc_drop_pts": round(rows["dynamic"]["acc_drop_pts"], 2),
        "float16_size_ratio": round(rows["float16"]["size_ratio"], 3),
        "float16_acc_drop_pts": round(rows["float16"]["acc_drop_pts"], 2),
        "tflite_accuracy": {m: round(r["accuracy"], 4) for m, r in rows.items()},
        "bytes": {m: r["bytes"] for m, r in rows.items()},
        "latency_ms": {
            "keras_fp32": round(keras_ms, 2),
            **{f"tflite_{m}": round(r["latency_ms"], 2) for m, r in rows.items()},
        },
        "latency_note": "per sentence, batch 1, median over 50 test sentences, tokenization excluded",
        "total_s": round(time.perf_counter() - t0, 1),
        # timings are only comparable on a quiet machine: say how busy this one was
        "cpu_count": os.cpu_count(),
        "load_avg_1m": {"start": round(load_before, 1), "end": round(os.getloadavg()[0], 1)},
    }
    out["latency_ms_per_sentence"] = out["latency_ms"]["tflite_dynamic"]
    out["targets"] = TARGETS
    out["meets_targets"] = (
        out["test_accuracy"] >= TARGETS["test_accuracy"]
        and out["n_test"] >= TARGETS["n_test"]
        and out["dynamic_size_ratio"] >= TARGETS["dynamic_size_ratio"]
        and out["dynamic_acc_drop_pts"] <= TARGETS["dynamic_acc_drop_pts"]
    )
    return out
