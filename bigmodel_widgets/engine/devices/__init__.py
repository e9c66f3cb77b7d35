"""Device inventory and sampling: snapshots, backends (psutil, NVML, TensorFlow, fake), sampler.

Nothing here touches hardware at import time.
"""

from __future__ import annotations

from .backends import (
    Backend,
    FakeBackend,
    NvmlBackend,
    PsutilBackend,
    TensorFlowBackend,
    default_backends,
)
from .events import EVENT_KINDS, Throughput, TrainingEvent, TrainingLog
from .inventory import cpu_model, inventory
from .record import CSV_COLUMNS, RunRecord, load_run, record_from, summarise_runs
from .sampler import THREAD_NAME, Sampler, check_interval
from .series import gpu_status, process_gpu_memory, to_series
from .snapshot import NA, GPUSample, NotAvailable, Snapshot, as_number, is_na

__all__ = [
    "Backend",
    "FakeBackend",
    "NvmlBackend",
    "PsutilBackend",
    "TensorFlowBackend",
    "default_backends",
    "EVENT_KINDS",
    "Throughput",
    "TrainingEvent",
    "TrainingLog",
    "CSV_COLUMNS",
    "RunRecord",
    "load_run",
    "record_from",
    "summarise_runs",
    "process_gpu_memory",
    "cpu_model",
    "inventory",
    "THREAD_NAME",
    "Sampler",
    "check_interval",
    "gpu_status",
    "to_series",
    "NA",
    "GPUSample",
    "NotAvailable",
    "Snapshot",
    "as_number",
    "is_na",
]
