"""How big a server a class needs, from measured per-chapter peaks (:mod:`.table`).

The model, stated so an instructor can check it:

- **Memory.** Each student has one Jupyter server and, while a chapter runs, its kernel. The
  peak of a class is ``hub + students x (server + the largest kernel peak among the chapters)``
  (students working on the same chapter at the same time; the heaviest chapter decides). If
  students leave every chapter's kernel running, each one holds ``server + the sum of the
  peaks``: the plan says that figure too (shut kernels down between chapters).
- **CPU.** Every student running the heaviest chapter at the same moment needs
  ``students x cpu_s`` CPU seconds; spread over ``minutes`` that is the number of cores. With
  fewer cores it still runs, slower: :func:`predicted_wall_s`.
- **Limits.** A per-user memory limit (Binder gives 2 GB) below a chapter's need is a warning
  naming the chapter; a limit that does not hold even a server with an idle kernel is an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .. import checks
from .table import load_table

__all__ = ["WorkshopPlan", "parse_chapters", "plan", "predicted_wall_s", "format_plan"]

HEADROOM = 1.25  # recommended RAM: the predicted peak x this, plus the system's own
SYSTEM_GB = 1.0


@dataclass(frozen=True)
class WorkshopPlan:
    """What a class of ``students`` working through ``chapters`` needs from one server."""

    students: int
    chapters: tuple[int, ...]
    mode: str  # "full" or "quick"
    per_student_mb: dict  # chapter -> server + that chapter's kernel peak
    peak_ram_gb: float  # predicted: hub + students x (server + heaviest kernel)
    recommended_ram_gb: float  # peak x HEADROOM + SYSTEM_GB
    kernels_left_open_gb: float  # hub + students x (server + every chapter's kernel)
    cpu_s_per_student: dict  # chapter -> CPU seconds of one run
    cores: int  # to run the heaviest chapter for every student within ``minutes``
    minutes: float
    limit_gb: float | None
    over_limit: tuple[int, ...]  # chapters whose per-student need exceeds the limit
    warnings: tuple[str, ...]
    source: str  # which measurements table, and where it was measured

    def to_dict(self) -> dict:
        out = asdict(self)
        out["chapters"] = list(self.chapters)
        out["over_limit"] = list(self.over_limit)
        out["warnings"] = list(self.warnings)
        return out


def parse_chapters(spec: str | int | Sequence[int], *, known: Sequence[int]) -> tuple[int, ...]:
    """``"0-6"``, ``"0,2,5"``, ``"3"``, ``3`` or ``[0, 2]`` -> sorted chapter numbers.

    Raises ValueError naming the chapter that is not among ``known``.
    """
    known = sorted(int(k) for k in known)
    if isinstance(spec, bool):
        raise TypeError(f"chapters must be like '0-6' or [0, 2], got {spec!r}")
    if isinstance(spec, int):
        items = [spec]
    elif isinstance(spec, str):
        items = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                raise ValueError(f"chapters {spec!r}: an empty item (write e.g. '0-6' or '0,2,5')")
            lo, sep, hi = part.partition("-")
            try:
                a, b = int(lo), int(hi if sep else lo)
            except ValueError:
                raise ValueError(
                    f"chapters {spec!r}: {part!r} is not a number or a range like 0-6"
                ) from None
            if b < a:
                raise ValueError(f"chapters {spec!r}: the range {part!r} runs backwards")
            items.extend(range(a, b + 1))
    else:
        items = list(spec)
        for c in items:
            checks.int_in_range(c, name="chapter", low=0)
    unknown = sorted({c for c in items if c not in known})
    if unknown:
        raise ValueError(
            f"unknown chapter {', '.join(map(str, unknown))}: the measured chapters are "
            f"{', '.join(map(str, known))}"
        )
    if not items:
        raise ValueError("no chapters given")
    return tuple(sorted(set(items)))


def predicted_wall_s(
    *, students: int, cpu_s: float, wall_s: float, cores: int, overhead_s: float = 0.0
) -> float:
    """Time for ``students`` simultaneous runs of one notebook on ``cores``: CPU-bound once the
    students outnumber the cores, never faster than one run alone."""
    return max(wall_s, students * cpu_s / max(cores, 1)) + overhead_s


def plan(
    *,
    students: int,
    chapters: str | int | Sequence[int] = "0-6",
    quick: bool = False,
    limit_gb: float | None = None,
    minutes: float = 10.0,
    table: dict | None = None,
) -> WorkshopPlan:
    """The RAM and cores a server needs for ``students`` working through ``chapters``.

    ``quick`` plans for the notebooks' quick mode (``BMW_QUICK=1``); ``limit_gb`` is a per-user
    memory limit to check (for example Binder's 2 GB); ``minutes`` is how long every student's
    run of the heaviest chapter may take at once. ``table`` defaults to :func:`.load_table`.
    """
    students = checks.positive_int(students, name="students")
    minutes = checks.number_in_range(minutes, name="minutes", low=0.1)
    table = load_table() if table is None else table
    mode = "quick" if checks.boolean(quick, name="quick") else "full"
    rows = {int(k): v for k, v in table["chapters"].items()}
    chosen = parse_chapters(chapters, known=sorted(rows))
    missing = [c for c in chosen if mode not in rows[c]]
    if missing:
        names = ",".join(map(str, missing))
        raise ValueError(
            f"chapter {names} has no {mode}-mode measurement in {table.get('path', 'the table')}: "
            f"run `python -m bigmodel_widgets workshop measure --chapters {names} --mode {mode}`"
        )
    over = table["overheads"]
    server_mb = float(over.get("server_mb", 0.0))
    hub_mb = float(over.get("hub_mb", 0.0))
    floor_mb = server_mb + float(over.get("idle_kernel_mb", 0.0))
    need = {c: round(server_mb + rows[c][mode]["peak_rss_mb"], 1) for c in chosen}
    cpu = {c: rows[c][mode]["cpu_s"] for c in chosen}
    warnings: list[str] = []
    over_limit: tuple[int, ...] = ()
    if limit_gb is not None:
        limit_gb = checks.number_in_range(limit_gb, name="limit_gb", low=0.0)
        if limit_gb * 1024 < floor_mb:
            raise ValueError(
                f"a {limit_gb:g} GB per-user limit is below one kernel: a student's server with "
                f"an idle kernel already needs {floor_mb / 1024:.2f} GB"
            )
        over_limit = tuple(c for c in chosen if need[c] > limit_gb * 1024)
        for c in over_limit:
            quick_mb = server_mb + rows[c].get("quick", {}).get("peak_rss_mb", float("inf"))
            if mode == "full" and quick_mb <= limit_gb * 1024:
                fix = f"quick mode needs {quick_mb / 1024:.2f} GB; or raise the limit"
            elif mode == "full" and quick_mb < float("inf"):
                fix = f"raise the limit: quick mode needs {quick_mb / 1024:.2f} GB too"
            else:
                fix = "raise the limit"
            warnings.append(
                f"chapter {c} needs {need[c] / 1024:.2f} GB per student in {mode} mode, over the "
                f"{limit_gb:g} GB limit: its kernel will be killed ({fix})"
            )
    gb = 1 / 1024
    peak = (hub_mb + students * max(need.values())) * gb
    open_all = (hub_mb + students * (server_mb + sum(need[c] - server_mb for c in chosen))) * gb
    return WorkshopPlan(
        students=students,
        chapters=chosen,
        mode=mode,
        per_student_mb=need,
        peak_ram_gb=round(peak, 2),
        recommended_ram_gb=round(peak * HEADROOM + SYSTEM_GB, 1),
        kernels_left_open_gb=round(open_all, 2),
        cpu_s_per_student=cpu,
        cores=max(1, math.ceil(students * max(cpu.values()) / (minutes * 60))),
        minutes=minutes,
        limit_gb=limit_gb,
        over_limit=over_limit,
        warnings=tuple(warnings),
        source=f"{table.get('path', 'table')}: {table.get('source', '?')}",
    )


def format_plan(p: WorkshopPlan) -> str:
    """The plan as the lines the CLI prints."""
    heavy = max(p.per_student_mb, key=p.per_student_mb.get)
    lines = [
        f"{p.students} students, chapters {','.join(map(str, p.chapters))}, {p.mode} mode",
        f"  RAM: {p.peak_ram_gb:.1f} GB at the peak (chapter {heavy} for everyone at once); "
        f"give the server {p.recommended_ram_gb:.0f} GB",
        f"  if students leave every chapter's kernel running: {p.kernels_left_open_gb:.1f} GB",
        f"  CPU: {p.cores} cores for everyone's run of the heaviest chapter within "
        f"{p.minutes:g} min",
        "  per student: "
        + ", ".join(
            f"ch{c} {p.per_student_mb[c] / 1024:.2f} GB / {p.cpu_s_per_student[c]:.0f} CPU-s"
            for c in p.chapters
        ),
    ]
    lines += [f"warning: {w}" for w in p.warnings]
    lines.append(f"measured: {p.source}")
    return "\n".join(lines)
