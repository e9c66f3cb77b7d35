"""What this machine has: CPU model, cores and RAM; TensorFlow's devices; NVIDIA GPUs via NVML.

Never raises for missing hardware: each part says "not available" with a reason.
"""

from __future__ import annotations

import os
import platform
import sys

from .backends import NvmlBackend

__all__ = ["inventory", "cpu_model"]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # not Linux: fall back to what platform knows
        pass
    return platform.processor() or platform.machine() or "n/a"


def _tensorflow(initialise: bool) -> dict:
    if not initialise and "tensorflow" not in sys.modules:
        return {"available": False, "reason": "TensorFlow not loaded (pass tensorflow=True)"}
    from .. import backend

    try:
        tf = backend.tf()
    except ImportError as exc:  # seen on a GPU machine without TensorFlow: label it, don't crash
        return {"available": False, "reason": f"TensorFlow cannot be imported: {exc}"}
    out = {
        "available": True,
        "version": tf.__version__,
        "physical": [
            {"name": d.name, "type": d.device_type} for d in tf.config.list_physical_devices()
        ],
    }
    # Listing logical devices initialises TF's runtime: after that the CPU can't be split.
    out["logical"] = [
        {"name": d.name, "type": d.device_type} for d in tf.config.list_logical_devices()
    ]
    return out


def _nvml(nvml=None) -> dict:
    b = NvmlBackend(nvml=nvml)
    try:
        if not b.available:
            return {"available": False, "reason": b.reason, "gpus": []}
        snap = b.read()
        gpus = [g.to_dict() for g in snap.get("gpus", ())]
        out = {"available": True, "driver": b.driver, "gpus": gpus}
        if not gpus:
            out["reason"] = b.reason
        return out
    finally:
        b.close()


def inventory(tensorflow: bool = True, nvml=None) -> dict:
    """A JSON-able description of the machine.

    ``tensorflow=True`` imports TensorFlow and lists its physical and logical devices, which
    initialises its runtime: call :func:`split_cpu` *before* this if you want logical CPUs.
    """
    try:
        import psutil

        ram = int(psutil.virtual_memory().total)
        physical = psutil.cpu_count(logical=False)
    except ImportError:
        ram, physical = None, None
    return {
        "cpu": {
            "model": cpu_model(),
            "physical_cores": physical,
            "logical_cores": os.cpu_count(),
            "ram_total_bytes": ram,
        },
        "tensorflow": _tensorflow(tensorflow),
        "nvml": _nvml(nvml),
    }
