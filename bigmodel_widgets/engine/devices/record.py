"""A dashboard run as data: device snapshots tagged with the training run and epoch they fell
in, the training events and the samples/s series. Exported as CSV (one row per snapshot, for a
spreadsheet) and JSON (everything, lossless), and reloaded from JSON for comparison.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_path
from ..i18n import get_language, t
from .events import Throughput, TrainingEvent, TrainingLog
from .snapshot import Snapshot, as_number

__all__ = ["RunRecord", "CSV_COLUMNS", "load_run", "record_from", "summarise_runs"]

FORMAT = "bmw-device-run"
VERSION = 1
CSV_COLUMNS = (
    "time",
    "seconds",
    "run",
    "epoch",
    "cpu_percent",
    "ram_percent",
    "process_rss_mib",
    "samples_per_s",
    "gpu_util_percent",
    "gpu_mem_percent",
    "gpu_process_mib",
)
_MIB = 2**20


@dataclass(frozen=True)
class RunRecord:
    """Snapshots, events and throughput of one dashboard session, with a ``name``."""

    name: str
    snapshots: tuple
    events: tuple = ()
    throughput: tuple = ()

    # --- tags -----------------------------------------------------------------------------
    def _tag(self, monotonic: float) -> tuple[str, int | None]:
        run, epoch = "", None
        for e in self.events:
            if e.monotonic > monotonic:
                break
            if e.kind == "run_start":
                run, epoch = e.run, None
            elif e.kind == "run_end":
                run, epoch = "", None
            elif e.kind == "epoch":
                epoch = int(e.label.split()[-1])
        return run, epoch

    def _rate(self, monotonic: float, previous: float | None) -> float | None:
        """The newest samples/s point in (previous, monotonic], else None."""
        pts = [
            p.samples_per_s
            for p in self.throughput
            if p.monotonic <= monotonic and (previous is None or p.monotonic > previous)
        ]
        return pts[-1] if pts else None

    def rows(self) -> list[dict]:
        """One dict per snapshot with CSV_COLUMNS; unreadable values are None (empty cells)."""
        t0 = self.snapshots[0].monotonic if self.snapshots else 0.0
        out, previous = [], None
        for s in self.snapshots:
            run, epoch = self._tag(s.monotonic)
            g = s.gpus[0] if s.gpus else None

            def mib(v):
                v = as_number(v)
                return None if v is None else round(v / _MIB, 1)

            out.append(
                {
                    "time": round(s.time, 3),
                    "seconds": round(s.monotonic - t0, 3),
                    "run": run,
                    "epoch": epoch,
                    "cpu_percent": as_number(s.cpu_percent),
                    "ram_percent": as_number(s.ram_percent),
                    "process_rss_mib": mib(s.process_rss_bytes),
                    "samples_per_s": self._rate(s.monotonic, previous),
                    "gpu_util_percent": None if g is None else as_number(g.util_percent),
                    "gpu_mem_percent": None if g is None else as_number(g.mem_percent),
                    "gpu_process_mib": None if g is None else mib(g.process_mem_bytes),
                }
            )
            previous = s.monotonic
        return out

    def runs(self) -> list[str]:
        """Run names in the order they started."""
        return [e.run for e in self.events if e.kind == "run_start"]

    # --- formats --------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "snapshots": [s.to_dict() for s in self.snapshots],
            "events": [e.to_dict() for e in self.events],
            "throughput": [p.to_dict() for p in self.throughput],
        }

    @classmethod
    def from_json(cls, data: dict) -> RunRecord:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(t("dash.not_a_run"))
        if data.get("version") != VERSION:
            raise ValueError(t("dash.run_version", got=data.get("version"), want=VERSION))
        return cls(
            name=str(data["name"]),
            snapshots=tuple(Snapshot.from_dict(s) for s in data["snapshots"]),
            events=tuple(TrainingEvent.from_dict(e) for e in data["events"]),
            throughput=tuple(Throughput.from_dict(p) for p in data["throughput"]),
        )

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.rows():
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return buf.getvalue()

    def save(self, path) -> tuple[Path, Path]:
        """Write ``<path>.csv`` and ``<path>.json`` (atomically); returns both paths."""
        stem = Path(path)
        if stem.suffix in (".csv", ".json"):
            stem = stem.with_suffix("")
        csv_path, json_path = stem.with_suffix(".csv"), stem.with_suffix(".json")
        with atomic_path(csv_path, ".csv") as tmp:
            Path(tmp).write_text(self.to_csv(), encoding="utf-8")
        with atomic_path(json_path, ".json") as tmp:
            Path(tmp).write_text(json.dumps(self.to_json()), encoding="utf-8")
        return csv_path, json_path


def record_from(
    snapshots: Sequence[Snapshot], log: TrainingLog | None = None, *, name: str = "run"
) -> RunRecord:
    """A RunRecord of ``snapshots`` and what ``log`` recorded while they were taken."""
    events = tuple(log.events()) if log is not None else ()
    throughput = tuple(log.throughput()) if log is not None else ()
    return RunRecord(str(name), tuple(snapshots), events, throughput)


def load_run(path) -> RunRecord:
    """Reload a run exported by :meth:`RunRecord.save` (give the .json, or the path stem)."""
    p = Path(path)
    if p.suffix != ".json":
        p = p.with_suffix(".json")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        # json's own message is English: other languages get where the error is instead
        english = get_language() == "en"
        where = exc if english else t("dash.json_where", line=exc.lineno, col=exc.colno)
        raise ValueError(t("dash.bad_json", name=p.name, detail=where)) from exc
    return RunRecord.from_json(data)


def summarise_runs(record: RunRecord) -> list[dict]:
    """Per training run: seconds, epochs, mean samples/s and the process's peak memory (MiB)."""
    if not isinstance(record, RunRecord):
        raise TypeError(f"record must be a RunRecord, got {type(record).__name__}")
    out, start = [], {}
    for e in record.events:
        if e.kind == "run_start":
            start[e.run] = e.monotonic
        elif e.kind == "run_end" and e.run in start:
            t0, t1 = start.pop(e.run), e.monotonic
            rates = [p.samples_per_s for p in record.throughput if p.run == e.run]
            rss = [
                as_number(s.process_rss_bytes)
                for s in record.snapshots
                if t0 <= s.monotonic <= t1 and as_number(s.process_rss_bytes) is not None
            ]
            out.append(
                {
                    "source": record.name,
                    "run": e.run,
                    "seconds": round(t1 - t0, 2),
                    "epochs": sum(
                        x.kind == "epoch" and x.run == e.run and t0 <= x.monotonic <= t1
                        for x in record.events
                    ),
                    "samples_per_s": round(sum(rates) / len(rates), 1) if rates else None,
                    "peak_process_mib": round(max(rss) / _MIB, 1) if rss else None,
                }
            )
    return out
