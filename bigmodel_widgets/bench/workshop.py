"""Workshop: students served at once by a local JupyterHub, their memory, and the planner checked.

One run on this machine: a JupyterHub on 127.0.0.1 (local spawning, a shared password), N
students log in over HTTP, start their servers and run a chapter notebook in quick mode at the
same moment through their servers' kernel websockets. Reported: students served, failures,
peak RSS per student per chapter, the hub's own memory, and the planner's prediction for those
students (from the measurements table) next to the measured peak, with their ratio.
``--quick``: 4 students, chapter 0. Otherwise: 4 students, chapters 0, 1 and 5 one after another.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from ..engine.workshop import planner, table
from ..engine.workshop.classroom import run_class
from ..engine.workshop.hub import LocalHub, ProxyMissing, find_proxy
from ..engine.workshop.measure import notebook_paths

__all__ = ["run"]

STUDENTS = 4
TOLERANCE = 0.25  # the planner's prediction must be within 25 % of the measured peak


def _chapter(hub: LocalHub, ch: int, path, t: dict) -> dict:
    result = run_class(hub, path, students=STUDENTS, timeout_s=1200)
    p = planner.plan(students=STUDENTS, chapters=[ch], quick=True, table=t)
    predicted_mb = p.peak_ram_gb * 1024
    row = t["chapters"][str(ch)]["quick"]
    wall = planner.predicted_wall_s(
        students=STUDENTS, cpu_s=row["cpu_s"], wall_s=row["wall_s"], cores=os.cpu_count() or 1
    )
    out = result.to_dict()
    out.update(
        {
            "predicted_peak_mb": round(predicted_mb, 1),
            "measured_peak_mb": round(result.peak_total_mb, 1),
            "predicted_over_measured": round(predicted_mb / max(result.peak_total_mb, 1), 3),
            "within_25pct": abs(predicted_mb / max(result.peak_total_mb, 1) - 1) <= TOLERANCE,
            "predicted_wall_s_if_cpu_bound": round(wall, 1),
        }
    )
    return out


def run(quick: bool) -> dict:
    """Serve a class of students on a local hub; compare with the planner."""
    try:
        find_proxy()
    except ProxyMissing as exc:
        return {"skipped": str(exc)}
    t = table.load_table()
    paths = notebook_paths()
    chapters = [0] if quick else [0, 1, 5]
    per_chapter = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bmw-bench-hub-") as tmp:
        env = {"BMW_QUICK": "1", "BMW_CACHE_DIR": os.path.join(tmp, "cache")}
        with LocalHub(tmp, environment=env) as hub:
            hub_idle = hub.hub_rss_mb()
            for ch in chapters:
                print(f"[workshop] chapter {ch}: {STUDENTS} students", file=sys.stderr, flush=True)
                per_chapter[str(ch)] = _chapter(hub, ch, paths[ch], t)
            alive = hub.alive()
    failures = sum(c["failures"] for c in per_chapter.values())
    return {
        "students": STUDENTS,
        "notebook_mode": "quick",
        "cores": os.cpu_count(),
        "simultaneous_students_served": min(c["served"] for c in per_chapter.values()),
        "failures": failures,
        "hub_rss_mb_idle": round(hub_idle, 1),
        "hub_rss_mb_peak": round(max(c["peak_hub_mb"] for c in per_chapter.values()), 1),
        "hub_alive_at_end": alive,
        "peak_rss_mb_per_student_per_chapter": {
            ch: c["peak_rss_mb_per_student"] for ch, c in per_chapter.items()
        },
        "planner_within_25pct": all(c["within_25pct"] for c in per_chapter.values()),
        "chapters": per_chapter,
        "table": t.get("path"),
        "wall_s": round(time.perf_counter() - start, 1),
    }
