"""Chapter 2 engine: device placement, tf.distribute strategies on split CPUs, and
MultiWorkerMirroredStrategy across local worker processes. Nothing imports TensorFlow until used.
"""

from __future__ import annotations

from ._procs import WorkerError
from .isolated import JOBS, run_isolated
from .multiworker import free_ports, run_multi_worker, tf_config, worker_main
from .placement import Placement, cpu_names, gpu_names, place, resolve_device
from .strategies import (
    STRATEGIES,
    TrainResult,
    build_mlp,
    compare_strategies,
    load_mnist_split,
    logical_cpu_count,
    make_strategy,
    mixed_precision_support,
    split_cpu,
    throughput_sweep,
    train_mlp,
)

__all__ = [
    "WorkerError",
    "JOBS",
    "run_isolated",
    "free_ports",
    "run_multi_worker",
    "tf_config",
    "worker_main",
    "Placement",
    "cpu_names",
    "gpu_names",
    "place",
    "resolve_device",
    "STRATEGIES",
    "TrainResult",
    "build_mlp",
    "compare_strategies",
    "load_mnist_split",
    "logical_cpu_count",
    "make_strategy",
    "mixed_precision_support",
    "split_cpu",
    "throughput_sweep",
    "train_mlp",
]
