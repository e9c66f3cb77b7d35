"""Chapter 2: the cost of one device sample and of the live dashboard at 2 Hz.

Also its effect on training, and Mirrored (2 logical CPUs) against the default strategy.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time

__all__ = ["run"]


def _sampler_ms(repeats: int) -> float:
    from ..engine.devices import Sampler

    s = Sampler(interval=1)
    time.sleep(0.06)  # let psutil have a CPU window, so this times a full read
    s.sample()
    t0 = time.perf_counter()
    for _ in range(repeats):
        s.sample()
    ms = (time.perf_counter() - t0) / repeats * 1e3
    s.close()
    return ms


def _thread_cpu_s(native_id: int) -> float:
    import psutil

    for t in psutil.Process(os.getpid()).threads():
        if t.id == native_id:
            return t.user_time + t.system_time
    return float("nan")


def _serialise_like_the_kernel(dash):
    # Outside a kernel ipywidgets' comm drops messages unsent; JSON-encode what it would send so
    # the measured cost includes it.
    def send(_snap):
        json.dumps(dash.chart.get_state())
        json.dumps(dash.summary.get_state()), json.dumps(dash.status.get_state())

    return send


def _dashboard_core_fraction(seconds: float) -> dict:
    from ..widgets.device_dashboard import DeviceDashboard

    dash = DeviceDashboard(interval=0.5, autostart=False)
    dash.sampler.add_callback(_serialise_like_the_kernel(dash))
    dash.start()
    thread = next(t for t in threading.enumerate() if t.name == "bmw-sampler")
    time.sleep(1.2)  # fill part of the history first: later ticks send longer series
    c0, w0 = _thread_cpu_s(thread.native_id), time.monotonic()
    time.sleep(seconds)
    c1, w1 = _thread_cpu_s(thread.native_id), time.monotonic()
    ticks = dash.updates
    dash.close()
    return {"fraction": (c1 - c0) / (w1 - w0), "ticks": ticks}


def _train_ratio(epochs: int) -> dict:
    """One training run; the live dashboard samples during even epochs and is paused during odd
    ones, so both conditions share the same model, data and machine load (drift cancels)."""
    from ..engine import backend
    from ..engine.parallel import train_mlp
    from ..widgets.device_dashboard import DeviceDashboard

    keras = backend.keras()
    dash = DeviceDashboard(interval=0.5, autostart=False)
    dash.sampler.add_callback(_serialise_like_the_kernel(dash))
    dash.start()
    rates: list[tuple[str, float]] = []

    # Not the core training clock: this callback switches the dashboard on and off per epoch
    # and files each epoch's rate under that mode, which is the experiment itself.
    class _Toggle(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.mode = "on" if epoch % 2 == 0 else "off"
            (dash.sampler.resume if self.mode == "on" else dash.sampler.pause)()
            self.t0, self.steps = time.perf_counter(), 0

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1

        def on_epoch_end(self, epoch, logs=None):
            if epoch >= 2:  # the first pair includes tracing and warm-up
                rates.append((self.mode, self.steps * 32 / (time.perf_counter() - self.t0)))

    try:
        train_mlp("default", global_batch=32, epochs=epochs, callbacks=[_Toggle()])
    finally:
        ticks = dash.updates
        dash.close()
    # Adjacent epochs (on, off) form a pair; other jobs on a shared machine shift both alike.
    pairs = [a[1] / b[1] for a, b in zip(rates[0::2], rates[1::2]) if (a[0], b[0]) == ("on", "off")]
    q = statistics.quantiles(pairs, n=4) if len(pairs) >= 2 else [float("nan")] * 3
    return {
        "ratio": statistics.median(pairs),
        "pair_ratio_p25_p75": [round(q[0], 3), round(q[2], 3)],
        "pairs": len(pairs),
        "dashboard_ticks": ticks,
        "samples_per_s_on": round(statistics.median(r for m, r in rates if m == "on")),
        "samples_per_s_off": round(statistics.median(r for m, r in rates if m == "off")),
    }


def _mirrored_vs_default(steps: int) -> dict:
    from ..engine.parallel import run_isolated

    runs = run_isolated(
        "compare_strategies",
        logical_cpus=2,
        timeout_s=600,
        replicas=2,
        global_batch=256,
        steps_per_epoch=steps,
    )
    by = {r["strategy"]: r["samples_per_s"] for r in runs}
    return {
        "ratio": by["mirrored"] / by["default"],
        "samples_per_s": {k: round(v) for k, v in by.items()},
    }


def run(quick: bool = False) -> dict:
    sampler_ms = _sampler_ms(20 if quick else 200)
    dash = _dashboard_core_fraction(4.0 if quick else 20.0)
    train = _train_ratio(10 if quick else 40)
    mirrored = _mirrored_vs_default(8 if quick else 15)
    return {
        "benchmark": "devices",
        "cpu_count": os.cpu_count(),
        "sampler_ms": round(sampler_ms, 3),
        "dashboard_core_fraction": round(dash["fraction"], 4),
        "dashboard_ticks": dash["ticks"],
        "train_throughput_ratio": round(train["ratio"], 3),
        "train_throughput_detail": train,
        "mirrored_vs_default": round(mirrored["ratio"], 3),
        "mirrored_detail": mirrored,
        "targets": {
            "dashboard_core_fraction<=0.02": dash["fraction"] <= 0.02,
            "train_throughput_ratio>=0.97": train["ratio"] >= 0.97,
        },
    }
