"""Chapter 6: spoken-digit accuracy on the held-out 600 recordings, training time, prediction latency."""

from __future__ import annotations

import os
import time

import numpy as np

from ..engine.tasks import speech
from ..engine.tasks.speech import frontend as fe

__all__ = ["run"]


def _predict_ms(rec: speech.SpeechRecognizer, seqs, repeats: int) -> float:
    """Median wall time of one single-recording prediction (batch 1, as the widget does it)."""
    for s in seqs[:5]:  # warm up tf.function tracing and allocators
        rec.predict(s)
    times = []
    for s in seqs[:repeats]:
        t0 = time.perf_counter()
        rec.predict(s)
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1e3)


def run(quick: bool = False) -> dict:
    epochs = speech.QUICK_EPOCHS if quick else speech.FULL_EPOCHS
    split = speech.load_split(seed=0)
    out = {
        "benchmark": "speech",
        "quick": quick,
        "epochs": epochs,
        "train_recordings": len(split.x_train),
        "test_recordings": len(split.x_test),
        "cpu_count": os.cpu_count(),
    }
    for kind in speech.models.MODEL_KINDS:
        rec = speech.train(
            split, kind, epochs=epochs, seed=0
        )  # never the cache: train_s is measured
        prefix = "" if kind == "strong" else f"{kind}_"
        out[f"{prefix}test_accuracy"] = round(
            rec.evaluate(split.x_test, split.y_test)["accuracy"], 4
        )
        out[f"{prefix}train_s"] = round(rec.train_s, 2)
        out[f"{prefix}predict_ms"] = round(_predict_ms(rec, split.x_test, 30 if quick else 200), 3)
        out[f"{prefix}params"] = int(rec.model.count_params())
    wave = fe.prepare_waveform(fe.synth_tone(440.0, 1.0), fe.FRONTEND_RATE)
    fe.features(wave)
    t0 = time.perf_counter()
    for _ in range(10):
        fe.features(wave)
    out["frontend_ms_per_second_of_audio"] = round((time.perf_counter() - t0) / 10 * 1e3, 2)
    out["target_test_accuracy"] = 0.95
    out["meets_target"] = out["test_accuracy"] >= 0.95
    return out
