"""``python -m bigmodel_widgets workshop {plan,measure,prepare}``: the instructor's commands."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

__all__ = ["add_parser"]


def _err(exc: BaseException) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 2


def _plan(args) -> int:
    from .engine.workshop import planner, table

    try:
        t = table.load_table(args.table)
        p = planner.plan(
            students=args.students,
            chapters=args.chapters,
            quick=args.quick,
            limit_gb=args.limit_gb,
            minutes=args.minutes,
            table=t,
        )
    except (TypeError, ValueError, FileNotFoundError) as exc:
        return _err(exc)
    print(json.dumps(p.to_dict(), indent=2) if args.json else planner.format_plan(p))
    return 0


def _hub_overheads() -> dict:
    """One student on a local hub: the hub's and an idle server's memory (MB)."""
    from .engine.workshop import hub as hubmod
    from .engine.workshop.students import Student

    with tempfile.TemporaryDirectory(prefix="bmw-hub-") as tmp, hubmod.LocalHub(tmp) as hub:
        student = Student(hub, "measure")
        student.login()
        student.start_server()
        return {"hub_mb": hub.hub_rss_mb(), "server_mb": student.rss_mb()}


def _measure(args) -> int:
    from .engine.workshop import measure, table
    from .engine.workshop.planner import parse_chapters

    try:
        paths = measure.notebook_paths(args.notebooks)
        chapters = parse_chapters(args.chapters, known=sorted(paths))
    except (TypeError, ValueError, FileNotFoundError) as exc:
        return _err(exc)
    out = Path(args.out) if args.out else table.user_table_path()
    t = table.load_table(out) if out.exists() else table.empty_table()
    modes = {"quick": ["quick"], "full": ["full"], "both": ["quick", "full"]}[args.mode]
    failed = []
    with tempfile.TemporaryDirectory(prefix="bmw-measure-") as work:
        idle = measure.measure_idle_kernel(workdir=work)
        table.record_overheads(t, idle_kernel_mb=idle.peak_rss_mb)
        if not args.no_hub:
            try:
                table.record_overheads(t, **_hub_overheads())
            except Exception as exc:  # the proxy may be missing: keep the figures we had
                print(f"hub overheads not measured ({exc})", file=sys.stderr)
        for mode in modes:
            for ch in chapters:
                print(f"[measure] chapter {ch}, {mode} mode ...", file=sys.stderr, flush=True)
                run = measure.measure_notebook(
                    paths[ch], quick=mode == "quick", workdir=work, timeout_s=args.timeout
                )
                print(f"[measure] {json.dumps(run.to_dict())}", file=sys.stderr, flush=True)
                if run.ok:
                    table.record_run(
                        t, chapter=ch, notebook=paths[ch].name, mode=mode, run=run.to_dict()
                    )
                else:
                    failed.append(f"chapter {ch} ({mode}): {run.error}")
                table.save_table(t, out)
    print(json.dumps({"table": str(out), "failed": failed}, indent=2))
    return 1 if failed else 0


def _prepare(args) -> int:
    from .engine.workshop import prepare

    def step_done(name, seconds):
        print(f"[prepare] {name}: {seconds:.0f} s", file=sys.stderr, flush=True)

    try:
        manifest = prepare.prepare(
            args.folder,
            quick=args.quick,
            steps=args.steps.split(",") if args.steps else None,
            seal_after=args.seal,
            step_done=step_done,
        )
    except (TypeError, ValueError, PermissionError) as exc:
        return _err(exc)
    print(json.dumps(manifest, indent=2))
    return 0


def add_parser(sub, quick_reader) -> None:
    """Add ``workshop`` to the CLI's subparsers; ``quick_reader(args)`` decides quick mode."""
    p = sub.add_parser("workshop", help="plan, measure and prepare a class on one server")
    ws = p.add_subparsers(dest="workshop_command", required=True)

    q = ws.add_parser("plan", help="RAM and cores a server needs for a class")
    q.add_argument("--students", type=int, required=True)
    q.add_argument("--chapters", default="0-6", help="e.g. 0-6, or 0,2,5 (default 0-6)")
    q.add_argument("--limit-gb", type=float, default=None, help="a per-user limit to check")
    q.add_argument(
        "--minutes",
        type=float,
        default=10.0,
        help="time for every student's run of the heaviest chapter (default 10)",
    )
    q.add_argument(
        "--quick",
        action="store_true",
        help="plan for the notebooks' quick mode (BMW_QUICK is not read: a plan is for "
        "the class, not this shell)",
    )
    q.add_argument(
        "--table",
        default=None,
        help="a measurements table (default: this "
        "server's from `workshop measure`, else the shipped one)",
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_plan)

    m = ws.add_parser("measure", help="peak RSS and CPU seconds of each chapter notebook here")
    m.add_argument("--chapters", default="0-6")
    m.add_argument("--mode", choices=("quick", "full", "both"), default="both")
    m.add_argument("--out", default=None, help="the table to write (default: this server's)")
    m.add_argument(
        "--notebooks", default=None, help="the notebooks folder (default: the checkout's)"
    )
    m.add_argument("--timeout", type=int, default=3600, help="seconds per notebook")
    m.add_argument("--no-hub", action="store_true", help="skip the hub and server overheads")
    m.set_defaults(func=_measure)

    r = ws.add_parser("prepare", help="train everything a class needs into one cache folder")
    r.add_argument("folder")
    r.add_argument("--steps", default=None, help="comma-separated, default all")
    r.add_argument("--quick", action="store_true", help="the quick-mode models")
    r.add_argument("--seal", action="store_true", help="make the folder read-only when done")
    r.set_defaults(func=lambda a: _prepare(_with_quick(a, quick_reader)))


def _with_quick(args: argparse.Namespace, quick_reader) -> argparse.Namespace:
    args.quick = quick_reader(args)
    return args
