"""Where samples come from: psutil (CPU, RAM, this process), NVML (NVIDIA GPUs), TensorFlow
(its GPU allocator) and a scriptable fake for tests. Each backend's ``read()`` returns a partial
reading (a dict of :class:`Snapshot` fields plus ``notes``); the sampler merges them.

A backend never reports 0 for what it cannot read: it leaves the field NA and adds a note.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from ..checks import non_negative_int, positive_int
from .snapshot import NA, GPUSample

__all__ = [
    "Backend",
    "PsutilBackend",
    "NvmlBackend",
    "TensorFlowBackend",
    "FakeBackend",
    "default_backends",
]


class Backend:
    """Base class: ``read() -> dict``; ``close()`` releases what ``__init__`` opened."""

    name = "backend"

    def read(self) -> dict:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PsutilBackend(Backend):
    """Total and per-core CPU %, RAM and this process's resident memory.

    CPU % is computed from this backend's own ``cpu_times`` deltas: ``psutil.cpu_percent()``
    keeps one window for the whole process, so any other caller (a kernel's usage reporter)
    would silently shorten ours to nothing and read 0.
    """

    name = "psutil"
    MIN_CPU_WINDOW_S = 0.05  # /proc/stat ticks at 100 Hz: shorter windows are mostly noise

    def __init__(self):
        try:
            import psutil
        except ImportError:  # reported by every read: a value, not a crash
            self._psutil = None
            return
        self._psutil = psutil
        self._proc = psutil.Process(os.getpid())
        self._times = psutil.cpu_times(percpu=True)  # the start of the first window
        self._last = time.monotonic()

    @staticmethod
    def _busy_total(t) -> tuple[float, float]:
        # As psutil does: guest time is already counted in user time on Linux.
        total = sum(t) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
        idle = t.idle + getattr(t, "iowait", 0.0)
        return total - idle, total

    def _cpu(self) -> tuple[tuple, tuple]:
        now, times = time.monotonic(), self._psutil.cpu_times(percpu=True)
        if now - self._last < self.MIN_CPU_WINDOW_S:
            return (), ("CPU % not available: sampled again too soon",)
        per_core = []
        for before, after in zip(self._times, times):
            (b0, t0), (b1, t1) = self._busy_total(before), self._busy_total(after)
            per_core.append(
                NA if t1 - t0 <= 0 else min(100.0, max(0.0, 100.0 * (b1 - b0) / (t1 - t0)))
            )
        self._times, self._last = times, now
        if all(v is NA for v in per_core):
            return (), ("CPU % not available: no CPU time elapsed in the window",)
        return tuple(per_core), ()

    def read(self) -> dict:
        if self._psutil is None:
            return {"notes": ("psutil is not installed: CPU and RAM not available",)}
        per_core, notes = self._cpu()
        real = [v for v in per_core if v is not NA]
        vm = self._psutil.virtual_memory()
        return {
            "cpu_percent": float(np.mean(real)) if real else NA,
            "cpu_per_core": per_core,
            "notes": notes,
            "ram_used_bytes": int(vm.total - vm.available),
            "ram_total_bytes": int(vm.total),
            "process_rss_bytes": int(self._proc.memory_info().rss),
        }


class NvmlBackend(Backend):
    """NVIDIA GPUs through NVML. ``nvml`` lets tests inject a stand-in for the pynvml module.

    No driver, no library or a failure mid-run all give NA metrics plus a note saying why.
    """

    name = "nvml"

    def __init__(self, nvml=None):
        self.available = False
        self.reason = ""
        self._handles: list = []
        self._nvml = nvml
        if nvml is None:
            try:
                import pynvml as nvml
            except ImportError:
                self.reason = "NVML not available: nvidia-ml-py is not installed"
                return
            self._nvml = nvml
        try:
            nvml.nvmlInit()
            self._handles = [
                nvml.nvmlDeviceGetHandleByIndex(i) for i in range(nvml.nvmlDeviceGetCount())
            ]
            self._names = [self._text(nvml.nvmlDeviceGetName(h)) for h in self._handles]
            self.driver = self._text(nvml.nvmlSystemGetDriverVersion())
        except Exception as exc:  # NVMLError when there is no driver; shown as a note
            self.reason = f"NVML not available: {exc}"
            return
        self.available = True
        if not self._handles:
            self.reason = "no GPU found (NVML sees 0 devices)"

    @staticmethod
    def _text(value) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    def _metric(self, fn, *args, scale: float = 1.0):
        try:
            return fn(*args) * scale if scale != 1.0 else fn(*args)
        except Exception:  # one unreadable metric (e.g. power on some boards) is NA, not 0
            return NA

    def _process_memory(self, handle):
        """GPU memory this process holds, from NVML's list of compute processes; NA where the
        driver does not say (unsupported, or another PID namespace: a container)."""
        try:
            procs = self._nvml.nvmlDeviceGetComputeRunningProcesses(handle)
        except Exception:  # older drivers, MIG, no permission: not offered
            return NA
        pid = os.getpid()
        for p in procs or ():
            used = getattr(p, "usedGpuMemory", None)
            if getattr(p, "pid", None) == pid and isinstance(used, int):
                return used
        return NA

    def read(self) -> dict:
        if not self.available:
            return {"notes": (self.reason,)}
        if not self._handles:
            return {"notes": (self.reason,)}
        nv, gpus, failed = self._nvml, [], []
        for i, h in enumerate(self._handles):
            try:
                util = nv.nvmlDeviceGetUtilizationRates(h).gpu
                mem = nv.nvmlDeviceGetMemoryInfo(h)
            except Exception as exc:  # NVML failing mid-run: this tick's GPU values are NA
                failed.append(f"GPU {i}: NVML read failed: {exc}")
                gpus.append(GPUSample(index=i, name=self._names[i], source="nvml"))
                continue
            gpus.append(
                GPUSample(
                    index=i,
                    name=self._names[i],
                    source="nvml",
                    util_percent=float(util),
                    mem_used_bytes=int(mem.used),
                    mem_total_bytes=int(mem.total),
                    temperature_c=self._metric(nv.nvmlDeviceGetTemperature, h, 0),  # 0 = GPU sensor
                    power_w=self._metric(nv.nvmlDeviceGetPowerUsage, h, scale=1e-3),
                    process_mem_bytes=self._process_memory(h),
                )
            )
        return {"gpus": tuple(gpus), "notes": tuple(failed)}

    def close(self) -> None:
        if self.available:
            try:
                self._nvml.nvmlShutdown()
            except Exception:  # already shut down; nothing left to release
                pass
            self.available = False
            self.reason = "NVML closed"


class TensorFlowBackend(Backend):
    """Bytes TensorFlow's GPU allocator holds (``tf.config.experimental.get_memory_info``).

    It never imports TensorFlow itself: sampling must not initialise TF's devices (that would
    forbid splitting the CPU into logical devices later), so until TF is loaded it reads nothing.
    """

    name = "tensorflow"

    def read(self) -> dict:
        tf = sys.modules.get("tensorflow")
        if tf is None:
            return {}
        try:
            gpus = tf.config.list_physical_devices("GPU")
            out = []
            for i, _ in enumerate(gpus):
                info = tf.config.experimental.get_memory_info(f"GPU:{i}")
                out.append(
                    GPUSample(
                        index=i,
                        source="tensorflow",
                        tf_mem_current_bytes=int(info["current"]),
                        tf_mem_peak_bytes=int(info["peak"]),
                    )
                )
            return {"gpus": tuple(out)}
        except Exception as exc:  # e.g. a GPU TF hides via CUDA_VISIBLE_DEVICES
            return {"notes": (f"TensorFlow GPU memory not available: {exc}",)}


class FakeBackend(Backend):
    """Deterministic, scriptable readings for tests and demos without hardware.

    ``gpus`` fake GPUs; ``fail_after`` reads then every read raises (a backend dying mid-run);
    ``gpu_fail_after`` reads then GPU metrics become NA with a note (NVML failing mid-run);
    ``missing`` names Snapshot fields that stay NA (e.g. ``{"process_rss_bytes"}``);
    ``nvml_missing`` reports "NVML not available" like a laptop without a driver.
    """

    name = "fake"

    def __init__(
        self,
        *,
        cores: int = 4,
        gpus: int = 0,
        seed: int = 0,
        fail_after: int | None = None,
        gpu_fail_after: int | None = None,
        missing: frozenset | set = frozenset(),
        nvml_missing: bool = False,
    ):
        cores = positive_int(cores, name="cores")
        gpus = non_negative_int(gpus, name="gpus")
        self.cores, self.n_gpus, self.fail_after = cores, gpus, fail_after
        self.gpu_fail_after, self.missing, self.nvml_missing = (
            gpu_fail_after,
            set(missing),
            nvml_missing,
        )
        self._rng = np.random.default_rng(seed)
        self.reads = 0
        self.closed = False

    def read(self) -> dict:
        self.reads += 1
        if self.fail_after is not None and self.reads > self.fail_after:
            raise RuntimeError(f"fake backend failed on read {self.reads}")
        per_core = tuple(float(v) for v in np.round(self._rng.uniform(0, 100, self.cores), 1))
        out: dict = {
            "cpu_percent": float(np.mean(per_core)),
            "cpu_per_core": per_core,
            "ram_used_bytes": 6 * 2**30,
            "ram_total_bytes": 16 * 2**30,
            "process_rss_bytes": 300 * 2**20 + self.reads * 2**20,
            "notes": (),
        }
        notes = []
        if self.nvml_missing:
            notes.append("NVML not available: fake backend without a driver")
        elif self.n_gpus == 0:
            notes.append("no GPU found (NVML sees 0 devices)")
        gpus = []
        gpu_dead = self.gpu_fail_after is not None and self.reads > self.gpu_fail_after
        for i in range(0 if self.nvml_missing else self.n_gpus):
            if gpu_dead:
                notes.append(f"GPU {i}: NVML read failed: fake failure")
                gpus.append(GPUSample(index=i, name=f"Fake GPU {i}", source="fake"))
                continue
            gpus.append(
                GPUSample(
                    index=i,
                    name=f"Fake GPU {i}",
                    source="fake",
                    util_percent=float(self._rng.integers(0, 101)),
                    mem_used_bytes=int(self._rng.integers(1, 8)) * 2**30,
                    mem_total_bytes=16 * 2**30,
                    temperature_c=55.0,
                    power_w=120.5,
                    process_mem_bytes=512 * 2**20,
                )
            )
        out["gpus"], out["notes"] = tuple(gpus), tuple(notes)
        for key in self.missing:
            out[key] = () if key == "cpu_per_core" else NA
        return out

    def close(self) -> None:
        self.closed = True


def default_backends() -> list[Backend]:
    """psutil + NVML + TensorFlow: what a real dashboard samples."""
    return [PsutilBackend(), NvmlBackend(), TensorFlowBackend()]
