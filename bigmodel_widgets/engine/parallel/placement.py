"""The text's ``with tf.device('/GPU:0')`` made safe: honoured when the device exists, otherwise
a clear message and the CPU. A malformed or unknown device name is a ValueError naming it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

from .. import backend
from ..i18n import t

__all__ = ["Placement", "resolve_device", "place", "gpu_names", "cpu_names"]

_NAME = re.compile(
    r"^/?(?:job:[\w-]+/(?:replica:\d+/)?(?:task:\d+/)?)?(?:device:)?"
    r"(?P<kind>CPU|GPU)(?::(?P<index>\d+))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Placement:
    requested: str
    device: str  # what the ops actually run on, e.g. "/CPU:0"
    message: str = ""  # non-empty when the request could not be honoured

    @property
    def fell_back(self) -> bool:
        return bool(self.message)


def gpu_names() -> list[str]:
    return [f"/GPU:{i}" for i, _ in enumerate(backend.tf().config.list_physical_devices("GPU"))]


def cpu_names() -> list[str]:
    """Logical CPU devices (lists them, so it initialises TF's runtime)."""
    return [f"/CPU:{i}" for i, _ in enumerate(backend.tf().config.list_logical_devices("CPU"))]


def resolve_device(name: str) -> Placement:
    """Where ``name`` will really run. '/GPU:k' without that GPU falls back to '/CPU:0'."""
    if not isinstance(name, str):
        raise TypeError(f"device name must be a str like '/GPU:0', got {type(name).__name__}")
    m = _NAME.match(name.strip())
    if m is None:
        raise ValueError(t("dash.par.bad_name", name=repr(name)))
    kind, index = m["kind"].upper(), int(m["index"] or 0)
    if kind == "GPU":
        gpus = gpu_names()
        if index < len(gpus):
            return Placement(name, f"/GPU:{index}")
        found = (
            t("dash.par.only_gpus", n=len(gpus), names=", ".join(gpus))
            if gpus
            else t("dash.no_gpu")
        )
        return Placement(name, "/CPU:0", t("dash.par.fell_back", name=name, found=found))
    cpus = cpu_names()
    if index >= len(cpus):
        raise ValueError(t("dash.par.no_such_cpu", name=repr(name), n=len(cpus), cpus=cpus))
    return Placement(name, f"/CPU:{index}")


@contextmanager
def place(name: str):
    """``with place('/GPU:0') as p:`` — ops inside run on ``p.device``; ``p.message`` says why
    it is not the requested one."""
    placement = resolve_device(name)
    with backend.tf().device(placement.device):
        yield placement
