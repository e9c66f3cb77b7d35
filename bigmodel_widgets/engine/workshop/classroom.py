"""A class on a :class:`~.hub.LocalHub`: students log in, start servers and run a notebook at
the same moment, while their memory and the hub's are sampled; optionally one student's kernel
is killed mid-run (as the out-of-memory killer would) to check nobody else notices.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .hub import LocalHub, tree_rss_mb
from .students import Student, StudentRun, notebook_cells

__all__ = ["ClassResult", "run_class"]

# The victim's cell: long enough to be killed in the middle of it.
_MARK = "victim-started"
_VICTIM_CELL = (
    f"import pathlib, time\npathlib.Path({_MARK!r}).touch()\n"
    "for _ in range(1200):\n    time.sleep(0.5)"
)


_VICTIM_TIMEOUT_S = 240  # the kill comes seconds after the kernels start


@dataclass
class ClassResult:
    """What one simultaneous run of a notebook by a class gave."""

    notebook: str
    students: int
    runs: list[StudentRun]
    wall_s: float
    peak_total_mb: float  # hub + every student's server and kernel, at the same sampled moment
    peak_hub_mb: float  # the hub and its proxy
    server_idle_mb: float  # one student's server before any kernel started (the median)
    victim: StudentRun | None = None  # the student whose kernel was killed
    victim_recovered: bool | None = None  # could start a new kernel and run a cell after it
    hub_alive_after: bool = False
    samples: list = field(default_factory=list, repr=False)

    @property
    def failures(self) -> int:
        return sum(not r.ok for r in self.runs)

    def to_dict(self) -> dict:
        return {
            "notebook": self.notebook,
            "students": self.students,
            "served": sum(r.ok for r in self.runs),
            "failures": self.failures,
            "errors": [r.error for r in self.runs if not r.ok],
            "wall_s": round(self.wall_s, 1),
            "peak_total_mb": round(self.peak_total_mb, 1),
            "peak_hub_mb": round(self.peak_hub_mb, 1),
            "server_idle_mb": round(self.server_idle_mb, 1),
            "peak_rss_mb_per_student": {r.student: round(r.peak_rss_mb, 1) for r in self.runs},
            "run_wall_s_per_student": {r.student: r.wall_s for r in self.runs},
            "victim_killed": self.victim is not None,
            "victim_recovered": self.victim_recovered,
            "hub_alive_after": self.hub_alive_after,
        }


class _Monitor:
    """Samples every student's server tree and the hub, twice a second, on a thread."""

    def __init__(self, hub: LocalHub, students: list[Student], runs: dict[str, StudentRun]):
        self.hub, self.students, self.runs = hub, students, runs
        self.pids = {s.name: s.server_pid() for s in students}
        self.peak_total = 0.0
        self.peak_hub = 0.0
        self.samples: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            hub = self.hub.hub_rss_mb()
            per = {n: 0.0 if pid is None else tree_rss_mb(pid) for n, pid in self.pids.items()}
            for name, mb in per.items():
                if name in self.runs:
                    self.runs[name].peak_rss_mb = max(self.runs[name].peak_rss_mb, mb)
            self.peak_hub = max(self.peak_hub, hub)
            self.peak_total = max(self.peak_total, hub + sum(per.values()))
            self.samples.append((round(time.monotonic(), 2), round(hub, 1), per))
            self._stop.wait(0.5)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


def _kill_kernel_when_busy(victim: Student, others: list[Student], timeout_s: float) -> bool:
    """Wait until the victim's cell runs and every other student has a kernel, then SIGKILL the
    victim's kernel process. True when it was killed."""
    deadline = time.monotonic() + timeout_s
    mark = victim.hub.home(victim.name) / _MARK
    while time.monotonic() < deadline:
        pids = victim.kernel_pids()
        if pids and mark.exists() and any(s.kernel_pids() for s in others):
            time.sleep(1.0)  # the others are running their notebooks now
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return True
        time.sleep(0.5)
    return False


def run_class(
    hub: LocalHub,
    notebook: str | os.PathLike,
    *,
    students: int = 4,
    kill_one: bool = False,
    timeout_s: float = 900,
) -> ClassResult:
    """``students`` log in to ``hub``, start their servers, and run ``notebook`` at once.

    With ``kill_one``, one more student runs a long cell whose kernel is killed while the
    others work; the result says whether that student's server could start a new kernel.
    """
    cells = notebook_cells(notebook)
    name = Path(notebook).stem
    names = [f"student{i + 1}" for i in range(students)]
    victim = Student(hub, "victim") if kill_one else None
    class_ = [Student(hub, n) for n in names]
    everyone = class_ + ([victim] if victim else [])
    for s in everyone:
        s.login()
    with ThreadPoolExecutor(len(everyone)) as pool:
        list(pool.map(lambda s: s.start_server(timeout_s=timeout_s), everyone))
    idle = sorted(s.rss_mb() for s in class_)
    runs = {s.name: StudentRun(student=s.name, notebook=name) for s in class_}
    start = time.monotonic()
    with _Monitor(hub, class_, runs) as monitor, ThreadPoolExecutor(len(everyone) + 1) as pool:
        futures = {
            s.name: pool.submit(s.run_cells, cells, name=name, timeout_s=timeout_s) for s in class_
        }
        victim_future = killer = None
        if victim is not None:
            victim_future = pool.submit(
                victim.run_cells, [_VICTIM_CELL], name="victim", timeout_s=_VICTIM_TIMEOUT_S
            )
            killer = pool.submit(_kill_kernel_when_busy, victim, class_, _VICTIM_TIMEOUT_S)
        for s in class_:
            done = futures[s.name].result()
            done.peak_rss_mb = max(done.peak_rss_mb, runs[s.name].peak_rss_mb)
            runs[s.name] = done
        victim_run = victim_future.result() if victim_future is not None else None
        if killer is not None and not killer.result():
            victim_run.error = (victim_run.error or "") + " (the kernel was never killed)"
    wall = time.monotonic() - start
    recovered = None
    if victim is not None:
        again = victim.run_cells(["print(6 * 7)"], name="after the kill", timeout_s=120)
        recovered = again.ok
    return ClassResult(
        notebook=name,
        students=students,
        runs=[runs[n] for n in names],
        wall_s=wall,
        peak_total_mb=monitor.peak_total,
        peak_hub_mb=monitor.peak_hub,
        server_idle_mb=idle[len(idle) // 2] if idle else 0.0,
        victim=victim_run,
        victim_recovered=recovered,
        hub_alive_after=hub.alive(),
        samples=monitor.samples,
    )
