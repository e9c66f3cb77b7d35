"""Run a strategy job in a fresh Python process whose CPU is split into N logical devices.

TensorFlow fixes its device list when its runtime starts, so a kernel (or test process) that
already used TensorFlow cannot add logical CPUs. A child process can: it calls ``split_cpu``
before anything else, runs the job and sends the result back as JSON.
"""

from __future__ import annotations

from .. import training
from ..checks import one_of, positive_int
from ._procs import child_env, run_children

__all__ = ["JOBS", "run_isolated"]

JOBS = ("train_mlp", "compare_strategies", "throughput_sweep")


def run_isolated(
    job: str,
    *,
    logical_cpus: int = 2,
    timeout_s: float = 300,
    progress: training.Progress = None,
    **kwargs,
):
    """``run_isolated("compare_strategies", logical_cpus=2, global_batch=64)`` -> JSON-able
    result (TrainResult objects come back as dicts, without weights).

    ``kwargs`` go to the job itself: :func:`train_mlp`, :func:`compare_strategies` or
    :func:`throughput_sweep` (keyword arguments only, JSON-able); ``progress`` gets the
    child's progress.
    """
    job = one_of(job, name="job", choices=JOBS)
    logical_cpus = positive_int(logical_cpus, name="logical_cpus")

    def on_message(_index: int, msg: dict) -> None:
        if progress is not None and msg.get("kind") == "progress":
            progress(msg["done"], msg["total"], msg.get("info", {}))

    payload = {"job": job, "logical_cpus": logical_cpus, "kwargs": kwargs}
    return run_children([payload], [child_env()], timeout_s, on_message, what="child")[0]
