"""Chapter 6, long inputs: spoken digit strings read by energy segmentation + the recognizer.

One chapter of ``bench longinput`` (the lead module combines nlp, vision and speech). Strings
of 3-7 held-out recordings (the split's test part) are joined with silence frames drawn from
the training recordings' quietest edges; the digit error rate is the edit distance between the
read and the spoken digits over all spoken digits. A generated WAV of sounds and silence is
streamed through the front end to time the long-recording path (its features are not the
dataset's, so only its speed and segment count are reported, not an accuracy).
"""

from __future__ import annotations

import os
import tempfile
import time
import wave

import numpy as np

from ._progress import stderr_progress

__all__ = ["run", "TARGETS"]

TARGETS = {"digit_error_rate": 0.06, "n_strings": 300}
LENGTH = (3, 7)


def _write_bursts(path: str, minutes: float, rate: int = 16000) -> int:
    """A 0.3 s noisy tone every 2 s with silence between, written a minute at a time."""
    rng = np.random.default_rng(0)
    period, burst = 2 * rate, int(0.3 * rate)
    n = int(minutes * 30)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        for start in range(0, n, 30):
            block = np.zeros((min(30, n - start), period), np.float32)
            block[:, :burst] = 0.4 * np.sin(2 * np.pi * 440 * np.arange(burst) / rate)
            block[:, :burst] += 0.2 * rng.standard_normal((len(block), burst))
            w.writeframes((np.clip(block.ravel(), -1, 1) * 32767).astype(np.int16).tobytes())
    return n


def run(quick: bool = False) -> dict:
    from ..engine.tasks import speech
    from ..engine.tasks.speech import strings

    n = 100 if quick else 300
    split = speech.load_split(seed=0)
    rec = speech.trained_recognizer(
        "strong",
        quick=quick,
        split=split,
        progress=stderr_progress("bench longinput speech", "training"),
    )
    single = rec.evaluate(split.x_test, split.y_test)["accuracy"]
    out = strings.evaluate_strings(
        rec,
        split,
        n=n,
        length=LENGTH,
        seed=0,
        progress=stderr_progress("bench longinput speech", "strings"),
    )
    minutes = 1.0 if quick else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bursts.wav")
        sounds = _write_bursts(path, minutes)
        t0 = time.perf_counter()
        wav = strings.recognise_wav(rec, path)
        wav_s = time.perf_counter() - t0
    return {
        "benchmark": "longinput-speech",
        "quick": quick,
        "model": "strong",
        "single_digit_acc": round(single, 4),
        "digit_error_rate": round(out["digit_error_rate"], 4),
        "string_acc": round(out["string_acc"], 4),
        "segmentation_acc": round(out["segmentation_acc"], 4),
        "n_strings": out["n_strings"],
        "n_digits": out["n_digits"],
        "length_range": list(LENGTH),
        "ms_per_string": round(out["seconds_per_string"] * 1e3, 2),
        "wav_minutes": minutes,
        "wav_seconds_per_audio_minute": round(wav_s / minutes, 3),
        "wav_sounds": sounds,
        "wav_segments_found": len(wav.reading.segments),
        "targets": {
            "der_le_0.06": out["digit_error_rate"] <= TARGETS["digit_error_rate"],
            "n_strings_ge_300": out["n_strings"] >= TARGETS["n_strings"],
        },
    }
