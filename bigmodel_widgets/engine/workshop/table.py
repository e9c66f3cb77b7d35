"""The measurements table the planner reads: per-chapter peaks, and the hub's own overheads.

Two places, the first found wins:
1. ``<cache_dir>/workshop/measured.json``: written by ``workshop measure`` on *this* server;
2. ``measured_default.json`` shipped in this package: measured by ``workshop measure`` (and the
   hub figures by ``bench workshop``) on the project's 2-core, 24 GB development machine, so the
   planner works on a fresh clone. Its ``source`` says so.

Format: ``{"format": 1, "source": str, "measured_at": str, "machine": {...},
"overheads": {"idle_kernel_mb", "server_mb", "hub_mb"}, "chapters": {"0": {"notebook": str,
"quick": run, "full": run}}}`` where a run is ``{"peak_rss_mb", "cpu_s", "wall_s"}``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import psutil

from .. import backend
from ..files import atomic_path

__all__ = [
    "FORMAT",
    "DEFAULT_TABLE",
    "user_table_path",
    "load_table",
    "save_table",
    "record_run",
    "record_overheads",
    "machine_facts",
]

FORMAT = 1
DEFAULT_TABLE = Path(__file__).with_name("measured_default.json")
MODES = ("quick", "full")


def user_table_path() -> Path:
    """Where ``workshop measure`` keeps this server's measurements."""
    return Path(backend.cache_dir()) / "workshop" / "measured.json"


def machine_facts() -> dict:
    """The machine a table was measured on (cores, RAM), so a reader can judge it."""
    return {
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
    }


def _check(table: dict, where: Path) -> dict:
    if not isinstance(table, dict) or table.get("format") != FORMAT:
        raise ValueError(f"{where} is not a workshop measurements table (format {FORMAT})")
    if not isinstance(table.get("chapters"), dict) or not isinstance(table.get("overheads"), dict):
        raise ValueError(f"{where} has no 'chapters' or 'overheads'")
    return table


def empty_table() -> dict:
    return {
        "format": FORMAT,
        "source": f"workshop measure on this machine ({os.uname().nodename})",
        "measured_at": None,
        "machine": machine_facts(),
        "overheads": {},
        "chapters": {},
    }


def load_table(path: str | os.PathLike | None = None) -> dict:
    """The table at ``path``; by default this server's, else the shipped one (``"path"`` says)."""
    if path is not None:
        candidates = [Path(path)]
    else:
        candidates = [p for p in (user_table_path(), DEFAULT_TABLE) if p.exists()]
    if not candidates or not candidates[0].exists():
        raise FileNotFoundError(
            f"no workshop measurements at {candidates[0] if candidates else path}"
        )
    where = candidates[0]
    with open(where, encoding="utf-8") as fh:
        table = _check(json.load(fh), where)
    return dict(table, path=str(where))


def save_table(table: dict, path: str | os.PathLike | None = None) -> Path:
    """Write ``table`` atomically (to this server's table by default)."""
    target = Path(path) if path is not None else user_table_path()
    data = {k: v for k, v in table.items() if k != "path"}
    with atomic_path(target, ".json") as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
    return target


def _stamp(table: dict) -> None:
    table["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    table["machine"] = machine_facts()


def record_run(table: dict, *, chapter: int, notebook: str, mode: str, run: dict) -> dict:
    """Put one notebook run (``peak_rss_mb``, ``cpu_s``, ``wall_s``) into ``table``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    row = table["chapters"].setdefault(str(chapter), {})
    row["notebook"] = notebook
    row[mode] = {k: float(run[k]) for k in ("peak_rss_mb", "cpu_s", "wall_s")}
    _stamp(table)
    return table


def record_overheads(table: dict, **figures_mb: float) -> dict:
    """Set overheads in MB: ``idle_kernel_mb``, ``server_mb`` (a student's Jupyter server),
    ``hub_mb`` (the hub and its proxy)."""
    for name, value in figures_mb.items():
        if name not in ("idle_kernel_mb", "server_mb", "hub_mb"):
            raise ValueError(f"unknown overhead {name!r}")
        table["overheads"][name] = round(float(value), 1)
    _stamp(table)
    return table
