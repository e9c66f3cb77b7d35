"""Run a strategy job in a fresh Python process whose CPU is split into N logical devices.

TensorFlow fixes its device list when its runtime starts, so a kernel (or test process) that
already used TensorFlow cannot add logical CPUs. A child process can: it calls ``split_cpu``
before anything else, runs the job and sends the result back as JSON.
"""
from __future__ import annotations

from .. import training
from ._procs import child_env, run_children

__all__ = ["JOBS", "run_isolated"]

JOBS = ("train_mlp", "compare_strategies", "throughput_sweep")


def run_isolated(job: str, logical_cpus: int = 2, timeout_s: float = 300,
                 progress: training.Progress = None, **kwargs):
    """``run_isolated("compare_strategies", logical_cpus=2, global_batch=64)`` -> JSON-able
    result (TrainResult objects come back as dicts, without weights)."""
    if job not in JOBS:
        raise ValueError(f"job must be one of {JOBS}, got {job!r}")
    if isinstance(logical_cpus, bool) or not isinstance(logical_cpus, int) or logical_cpus < 1:
        raise ValueError(f"logical_cpus must be a positive int, got {logical_cpus!r}")

    def on_message(_index: int, msg: dict) -> None:
        if progress is not None and msg.get("kind") == "progress":
            progress(msg["done"], msg["total"], msg.get("info", {}))

    payload = {"job": job, "logical_cpus": logical_cpus, "kwargs": kwargs}
    return run_children([payload], [child_env()], timeout_s, on_message, what="child")[0]
