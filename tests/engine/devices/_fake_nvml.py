"""A stand-in for the pynvml module: two GPUs, and a switch that makes reads fail mid-run."""

from __future__ import annotations

import os
from types import SimpleNamespace

__all__ = ["FakeNvml"]


class FakeNvmlError(Exception):
    pass


class FakeNvml:
    NVMLError = FakeNvmlError

    def __init__(
        self,
        count: int = 2,
        init_fails: bool = False,
        no_power: bool = False,
        no_processes: bool = False,
    ):
        self.count, self.init_fails, self.no_power = count, init_fails, no_power
        self.no_processes = no_processes
        self.broken = False  # flip to True to make every read fail ("NVML failing mid-run")
        self.shutdowns = 0

    def nvmlInit(self):
        if self.init_fails:
            raise FakeNvmlError("Driver Not Loaded")

    def nvmlShutdown(self):
        self.shutdowns += 1

    def nvmlDeviceGetCount(self):
        return self.count

    def nvmlDeviceGetHandleByIndex(self, i):
        return i

    def nvmlDeviceGetName(self, h):
        return f"Fake H100 {h}".encode()

    def nvmlSystemGetDriverVersion(self):
        return "550.00"

    def _check(self):
        if self.broken:
            raise FakeNvmlError("GPU is lost")

    def nvmlDeviceGetUtilizationRates(self, h):
        self._check()
        return SimpleNamespace(gpu=40 + h, memory=10)

    def nvmlDeviceGetMemoryInfo(self, h):
        self._check()
        return SimpleNamespace(used=(h + 1) * 2**30, total=80 * 2**30, free=0)

    def nvmlDeviceGetTemperature(self, h, sensor):
        return 60

    def nvmlDeviceGetComputeRunningProcesses(self, h):
        # GPU 0 runs this process (300 MiB); GPU 1 only another process (another PID).
        if self.no_processes:
            raise FakeNvmlError("Not Supported")
        me = SimpleNamespace(pid=os.getpid(), usedGpuMemory=300 * 2**20)
        other = SimpleNamespace(pid=os.getpid() + 1, usedGpuMemory=2**30)
        return [me, other] if h == 0 else [other]

    def nvmlDeviceGetPowerUsage(self, h):
        if self.no_power:
            raise FakeNvmlError("Not Supported")
        return 250_000  # milliwatts
