"""Turn a history of Snapshots into chart-ready numbers (the widget only draws them).

Panels hold plain lists; an unreadable value is ``None`` (a gap), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from .snapshot import Snapshot, as_number

__all__ = ["to_series", "gpu_status"]

_MIB = 2**20


def _line(name: str, values: list) -> dict:
    return {"name": name, "values": values}


def to_series(history: Sequence[Snapshot], per_core: bool = True) -> dict:
    """``{"t": seconds relative to the newest sample, "panels": [...]}`` for a live chart."""
    if not history:
        return {"t": [], "panels": []}
    t_last = history[-1].monotonic
    t = [round(s.monotonic - t_last, 3) for s in history]
    cpu_lines = [_line("total", [as_number(s.cpu_percent) for s in history])]
    if per_core:
        n_cores = max(len(s.cpu_per_core) for s in history)
        for c in range(n_cores):
            cpu_lines.append(
                _line(
                    f"core {c}",
                    [
                        as_number(s.cpu_per_core[c]) if c < len(s.cpu_per_core) else None
                        for s in history
                    ],
                )
            )
    panels = [
        {"title": "CPU", "unit": "%", "ymax": 100, "lines": cpu_lines},
        {
            "title": "RAM",
            "unit": "%",
            "ymax": 100,
            "lines": [_line("used", [as_number(s.ram_percent) for s in history])],
        },
        {
            "title": "this process",
            "unit": "MiB",
            "ymax": None,
            "lines": [
                _line(
                    "resident",
                    [
                        None
                        if as_number(s.process_rss_bytes) is None
                        else round(s.process_rss_bytes / _MIB, 1)
                        for s in history
                    ],
                )
            ],
        },
    ]
    n_gpus = max(len(s.gpus) for s in history)
    if n_gpus:

        def per_gpu(attr):
            out = []
            for i in range(n_gpus):
                vals = []
                for s in history:
                    g = next((g for g in s.gpus if g.index == i), None)
                    vals.append(None if g is None else as_number(getattr(g, attr)))
                out.append(_line(f"GPU {i}", vals))
            return out

        panels.append(
            {"title": "GPU utilisation", "unit": "%", "ymax": 100, "lines": per_gpu("util_percent")}
        )
        panels.append(
            {"title": "GPU memory", "unit": "%", "ymax": 100, "lines": per_gpu("mem_percent")}
        )
    return {"t": t, "panels": panels}


def gpu_status(snapshot: Snapshot | None) -> str:
    """One line for people: the GPUs seen, or why there are none ("no GPU found", "NVML ...")."""
    if snapshot is None:
        return "no sample yet"
    if snapshot.gpus:
        names = ", ".join(f"{g.index}: {g.name}" for g in snapshot.gpus)
        failed = [n for n in snapshot.notes if "failed" in n]
        return f"{len(snapshot.gpus)} GPU(s): {names}" + (
            f" — {'; '.join(failed)}" if failed else ""
        )
    for note in snapshot.notes:
        if note.startswith("NVML not available") or note.startswith("nvml failed"):
            return note
    for note in snapshot.notes:
        if note.startswith("no GPU found"):
            return note
    return "no GPU found"
