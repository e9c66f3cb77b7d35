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
from .inventory import cpu_model, inventory
from .sampler import THREAD_NAME, Sampler, check_interval
from .series import gpu_status, to_series
from .snapshot import NA, GPUSample, NotAvailable, Snapshot, as_number, is_na

__all__ = [
    "Backend",
    "FakeBackend",
    "NvmlBackend",
    "PsutilBackend",
    "TensorFlowBackend",
    "default_backends",
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
