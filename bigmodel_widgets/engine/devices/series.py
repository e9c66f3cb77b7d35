"""Turn a history of Snapshots into chart-ready numbers (the widget only draws them).

Panels hold plain lists; an unreadable value is ``None`` (a gap), never 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..i18n import t
from .snapshot import Snapshot, as_number

__all__ = ["to_series", "gpu_status", "process_gpu_memory"]

_MIB = 2**20


def _line(name: str, values: list) -> dict:
    return {"name": name, "values": values}


def _training(t_first: float, t_last: float, events, throughput) -> tuple[list, dict | None]:
    """Marks (epoch boundaries, run starts and ends) and the samples/s panel inside the window."""

    def label(e) -> str:
        if e.kind == "run_start":
            return f"▶ {e.run}"
        if e.kind == "run_end":
            return f"■ {e.run}"
        if e.kind == "epoch" and e.label.startswith("epoch "):  # stored in English: data
            return t("dash.epoch", n=e.label[len("epoch ") :])
        return e.label

    inside = [e for e in events if t_first <= e.monotonic <= t_last + 1e-6]
    marks = [
        {"t": round(e.monotonic - t_last, 3), "kind": e.kind, "label": label(e)} for e in inside
    ]
    if not throughput:
        return marks, None
    pts = [p for p in throughput if t_first <= p.monotonic <= t_last + 1e-6]
    runs: dict[str, list] = {}
    for p in pts:
        runs.setdefault(p.run or t("dash.line.no_run"), []).append(p)
    lines = [
        {
            "name": run,
            "t": [round(p.monotonic - t_last, 3) for p in ps],
            "values": [p.samples_per_s for p in ps],
        }
        for run, ps in runs.items()
    ] or [{"name": t("dash.col.rate"), "t": [], "values": []}]
    return marks, {
        "title": t("dash.panel.training"),
        "unit": t("dash.col.rate"),
        "ymax": None,
        "lines": lines,
    }


def to_series(
    history: Sequence[Snapshot], per_core: bool = True, *, events=(), throughput=()
) -> dict:
    """``{"t": seconds relative to the newest sample, "panels": [...], "marks": [...]}`` for a
    live chart. ``events`` and ``throughput`` (from a TrainingLog) add the training marks and
    a samples/s panel whose lines carry their own ``t``."""
    if not history:
        return {"t": [], "panels": [], "marks": []}
    t_last = history[-1].monotonic
    times = [round(s.monotonic - t_last, 3) for s in history]
    cpu_lines = [_line(t("dash.line.total"), [as_number(s.cpu_percent) for s in history])]
    if per_core:
        n_cores = max(len(s.cpu_per_core) for s in history)
        for c in range(n_cores):
            cpu_lines.append(
                _line(
                    t("dash.line.core", core=c),
                    [
                        as_number(s.cpu_per_core[c]) if c < len(s.cpu_per_core) else None
                        for s in history
                    ],
                )
            )
    panels = [
        {"title": t("dash.panel.cpu"), "unit": "%", "ymax": 100, "lines": cpu_lines},
        {
            "title": t("dash.panel.ram"),
            "unit": "%",
            "ymax": 100,
            "lines": [_line(t("dash.line.used"), [as_number(s.ram_percent) for s in history])],
        },
        {
            "title": t("dash.panel.process"),
            "unit": "MiB",
            "ymax": None,
            "lines": [
                _line(
                    t("dash.line.resident"),
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
            {
                "title": t("dash.panel.gpu_util"),
                "unit": "%",
                "ymax": 100,
                "lines": per_gpu("util_percent"),
            }
        )
        panels.append(
            {
                "title": t("dash.panel.gpu_mem"),
                "unit": "%",
                "ymax": 100,
                "lines": per_gpu("mem_percent"),
            }
        )
    marks, training = _training(history[0].monotonic, t_last, events, throughput)
    if training is not None:
        panels.insert(0, training)
    return {"t": times, "panels": panels, "marks": marks}


def process_gpu_memory(snapshot: Snapshot | None) -> str:
    """This process's memory on each GPU (NVML), or "not available" with the reason."""
    if snapshot is None or not snapshot.gpus:
        return t("dash.gpu_na_none")
    parts = []
    for g in snapshot.gpus:
        v = as_number(g.process_mem_bytes)
        parts.append(
            f"GPU {g.index}: " + (t("dash.gpu_na") if v is None else f"{v / _MIB:.0f} MiB")
        )
    return "; ".join(parts)


def gpu_status(snapshot: Snapshot | None) -> str:
    """One line for people: the GPUs seen, or why there are none ("no GPU found", "NVML ...")."""
    if snapshot is None:
        return t("dash.no_sample")
    if snapshot.gpus:
        names = ", ".join(f"{g.index}: {g.name}" for g in snapshot.gpus)
        failed = [_note(n) for n in snapshot.notes if "failed" in n]
        return t("dash.gpus", n=len(snapshot.gpus), names=names) + (
            f" — {'; '.join(failed)}" if failed else ""
        )
    for note in snapshot.notes:
        if note.startswith("NVML not available") or note.startswith("nvml failed"):
            return _note(note)
    for note in snapshot.notes:
        if note.startswith("no GPU found"):
            return _note(note)
    return t("dash.no_gpu")


# The backends' notes are data (exported with a run), kept in English; shown, they are
# translated here. A library's own exception text inside a note stays as the library wrote it.
_NOTES = (
    (re.compile(r"NVML not available: (?P<detail>.*)", re.S), "dash.nvml_na"),
    (
        re.compile(r"GPU (?P<index>\d+): NVML read failed: (?P<detail>.*)", re.S),
        "dash.nvml_read_failed",
    ),
    (re.compile(r"(?P<backend>\w+) failed: (?P<detail>.*)", re.S), "dash.backend_failed"),
)
_DETAILS = {
    "nvidia-ml-py is not installed": "dash.detail.no_pynvml",
    "fake backend without a driver": "dash.detail.fake_no_driver",
    "fake failure": "dash.detail.fake_failure",
}


def _note(note: str) -> str:
    if note == "no GPU found (NVML sees 0 devices)":
        return t("dash.no_gpu_nvml")
    for pattern, key in _NOTES:
        m = pattern.fullmatch(note)
        if m:
            fields = m.groupdict()
            fields["detail"] = (
                t(_DETAILS[fields["detail"]]) if fields["detail"] in _DETAILS else fields["detail"]
            )
            return t(key, **fields)
    return note
