"""Measure what one student costs: a chapter notebook's kernel peak RSS and CPU seconds.

``measure_notebook`` runs a notebook top to bottom in a fresh kernel (nbclient) and watches the
kernel's process tree: the peak resident memory (the kernel's own high-water mark from
``/proc/<pid>/status`` ``VmHWM``, and the sampled sum over the kernel and its children, whichever
is larger) and the CPU seconds (user + system, the kernel and its children). ``measure`` does it
for several chapters in one mode and keeps the results in a table (:mod:`.table`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

__all__ = ["NotebookRun", "measure_notebook", "measure_idle_kernel", "notebook_paths"]

Progress = Callable[[int, int, dict], None] | None


@dataclass(frozen=True)
class NotebookRun:
    """One notebook run's cost: peak RSS (MB), CPU seconds, wall seconds, and whether it ran."""

    name: str
    quick: bool
    peak_rss_mb: float
    cpu_s: float
    wall_s: float
    ok: bool
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def notebook_paths(root: Path | None = None) -> dict[int, Path]:
    """Chapter number -> its tutorial notebook: ``NN_*.ipynb`` in ``root`` (default: the
    ``notebooks`` folder of the checkout this runs in). Raises FileNotFoundError when none."""
    root = Path(root) if root is not None else Path.cwd() / "notebooks"
    if not root.is_dir():
        raise FileNotFoundError(
            f"no notebooks folder at {root}: run this in the project's checkout"
        )
    out = {}
    for path in sorted(root.glob("[0-9][0-9]_*.ipynb")):
        out[int(path.name[:2])] = path
    return out


def _hwm_mb(pid: int) -> float:
    """The process's own peak resident memory (Linux ``VmHWM``), 0 where unknown."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _Watcher:
    """Samples a process tree's RSS and CPU time on a thread until stopped."""

    def __init__(self, interval_s: float):
        self.interval_s = interval_s
        self.pid: int | None = None
        self.peak_mb = 0.0
        self.cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self, pid_of: Callable[[], int | None]) -> None:
        self._pid_of = pid_of
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def sample(self) -> None:
        if self.pid is None:
            self.pid = self._pid_of()
            if self.pid is None:
                return
        try:
            proc = psutil.Process(self.pid)
            with proc.oneshot():
                rss = proc.memory_info().rss
                t = proc.cpu_times()
                own = t.user + t.system + t.children_user + t.children_system
            alive = 0.0  # children still running; a waited one moves into children_user/system
            for child in proc.children(recursive=True):
                try:
                    rss += child.memory_info().rss
                    ct = child.cpu_times()
                    alive += ct.user + ct.system
                except psutil.Error:
                    continue
        except psutil.Error:
            return
        self.peak_mb = max(self.peak_mb, rss / 2**20, _hwm_mb(self.pid))
        self.cpu_s = max(self.cpu_s, own + alive)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


def _kernel_pid(client) -> int | None:
    km = getattr(client, "km", None)
    prov = getattr(km, "provisioner", None) if km is not None else None
    proc = getattr(prov, "process", None) if prov is not None else None
    return getattr(proc, "pid", None)


def _run(nb, *, name: str, quick: bool, cwd: Path, timeout_s: int, interval_s: float):
    from nbclient import NotebookClient

    env = dict(os.environ, BMW_QUICK="1" if quick else "0")
    watcher = _Watcher(interval_s)
    client = NotebookClient(
        nb,
        timeout=timeout_s,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        on_notebook_complete=lambda **_: watcher.sample(),
        on_cell_executed=lambda **_: watcher.sample(),
    )
    start = time.perf_counter()
    error = None
    watcher.start(lambda: _kernel_pid(client))
    try:
        client.execute(env=env)
    except Exception as exc:  # a failing cell is a measured fact, not a crash of the tool
        lines = str(exc).strip().splitlines() or [""]
        error = f"{type(exc).__name__}: {lines[-1][:200]}"
    finally:
        watcher.stop()
    return NotebookRun(
        name=name,
        quick=quick,
        peak_rss_mb=round(watcher.peak_mb, 1),
        cpu_s=round(watcher.cpu_s, 2),
        wall_s=round(time.perf_counter() - start, 2),
        ok=error is None,
        error=error,
    )


def measure_notebook(
    path: str | os.PathLike,
    *,
    quick: bool,
    workdir: str | os.PathLike | None = None,
    timeout_s: int = 3600,
    interval_s: float = 0.25,
) -> NotebookRun:
    """Run the notebook at ``path`` in a fresh kernel and return its cost.

    The kernel gets ``BMW_QUICK=1`` (``quick=True``) or ``0``; it runs in ``workdir`` (the
    notebook's folder by default), so files it saves land there.
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    cwd = Path(workdir) if workdir is not None else path.parent
    return _run(
        nb, name=path.stem, quick=quick, cwd=cwd, timeout_s=timeout_s, interval_s=interval_s
    )


def measure_idle_kernel(*, workdir: str | os.PathLike, timeout_s: int = 300) -> NotebookRun:
    """A kernel that has imported the package and done nothing else: the floor of one student."""
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import bigmodel_widgets as bmw\nbmw.quick_mode()")]
    )
    return _run(nb, name="idle", quick=True, cwd=Path(workdir), timeout_s=timeout_s, interval_s=0.1)
