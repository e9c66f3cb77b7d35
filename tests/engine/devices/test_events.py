"""Training events (TrainingLog), the tagged run record (export -> reload), per-process GPU memory."""

import csv
import io
import json

import numpy as np
import pytest

from bigmodel_widgets.engine.devices import (
    CSV_COLUMNS,
    NA,
    FakeBackend,
    NvmlBackend,
    RunRecord,
    Sampler,
    TrainingLog,
    load_run,
    process_gpu_memory,
    record_from,
    summarise_runs,
    to_series,
)

from ._fake_nvml import FakeNvml


def _session():
    """Snapshots around two runs: idle, run 'a' (2 epochs), idle, run 'b' (1 epoch)."""
    s, log = Sampler([FakeBackend(gpus=1)], interval=1), TrainingLog(window=1e-9)
    s.sample()
    with log.run("a"):
        log.epoch(1)
        s.sample()
        log.samples(32)
        log.epoch(2)
        s.sample()
        log.samples(32)
    s.sample()
    with log.run("b"):
        log.epoch(1)
        log.samples(64)
        s.sample()
    return s, log


def test_runs_epochs_and_samples_per_s_are_recorded_in_order():
    _, log = _session()
    kinds = [(e.kind, e.run, e.label) for e in log.events()]
    assert kinds == [
        ("run_start", "a", "a"),
        ("epoch", "a", "epoch 1"),
        ("epoch", "a", "epoch 2"),
        ("run_end", "a", "a"),
        ("run_start", "b", "b"),
        ("epoch", "b", "epoch 1"),
        ("run_end", "b", "b"),
    ]
    pts = log.throughput()
    assert {p.run for p in pts} == {"a", "b"} and all(p.samples_per_s > 0 for p in pts)
    assert log.current_run is None
    times = [e.monotonic for e in log.events()]
    assert times == sorted(times)


def test_snapshots_are_tagged_with_run_and_epoch():
    s, log = _session()
    rows = record_from(s.history(), log).rows()
    assert [(r["run"], r["epoch"]) for r in rows] == [
        ("", None),
        ("a", 1),
        ("a", 2),
        ("", None),
        ("b", 1),
    ]
    assert rows[2]["samples_per_s"] is not None and rows[0]["samples_per_s"] is None
    assert rows[1]["gpu_process_mib"] == 512.0
    assert (
        log.run_at(s.history()[1].monotonic) == "a" and log.epoch_at(s.history()[2].monotonic) == 2
    )


def test_export_then_reload_round_trips(tmp_path):
    s, log = _session()
    rec = record_from(s.history(), log, name="session")
    csv_path, json_path = rec.save(tmp_path / "session")
    again = load_run(json_path)
    assert again.to_json() == rec.to_json()
    assert again.rows() == rec.rows() and summarise_runs(again) == summarise_runs(rec)
    assert load_run(tmp_path / "session").to_json() == rec.to_json()  # the stem works too
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(s.history())
    assert [r["run"] for r in rows] == ["", "a", "a", "", "b"]
    assert rows[0]["epoch"] == ""  # not available is an empty cell, never a 0
    # NA survives the trip as NA, not 0
    s2 = Sampler([FakeBackend(missing={"process_rss_bytes"})], interval=1)
    s2.sample()
    rec2 = record_from(s2.history(), None, name="x")
    rec2.save(tmp_path / "x")
    assert load_run(tmp_path / "x.json").snapshots[0].process_rss_bytes is NA


def test_reload_rejects_other_files_with_a_clear_message(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(ValueError, match="not an exported dashboard run"):
        load_run(tmp_path / "a.json")
    (tmp_path / "b.json").write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_run(tmp_path / "b.json")


def test_summary_per_run():
    s, log = _session()
    summary = summarise_runs(record_from(s.history(), log, name="s"))
    assert [(r["run"], r["epochs"]) for r in summary] == [("a", 2), ("b", 1)]
    assert all(r["samples_per_s"] > 0 and r["peak_process_mib"] > 0 for r in summary)


def test_series_carries_marks_and_a_samples_per_s_panel():
    s, log = _session()
    series = to_series(s.history(), events=log.events(), throughput=log.throughput())
    assert series["panels"][0]["title"] == "training"
    assert [line["name"] for line in series["panels"][0]["lines"]] == ["a", "b"]
    assert [m["kind"] for m in series["marks"]].count("epoch") == 3
    assert all(m["t"] <= 0 for m in series["marks"])
    assert "marks" in to_series(s.history()) and to_series(s.history())["marks"] == []


def test_errors_in_a_run_still_end_it_and_a_closed_log_records_nothing():
    log = TrainingLog()
    with pytest.raises(RuntimeError), log.run("boom"):
        raise RuntimeError("x")
    assert log.events()[-1].kind == "run_end" and log.current_run is None
    with pytest.raises(ValueError):
        log.start_run("")
    log.close()
    log.epoch(1)
    assert log.events()[-1].kind == "run_end"


def test_keras_callback_marks_every_epoch():
    from bigmodel_widgets.engine import backend

    keras = backend.keras()
    log = TrainingLog(window=1e-9)
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(4,))])
    model.compile("sgd", "mse")
    x, y = np.zeros((64, 4), np.float32), np.zeros((64, 2), np.float32)
    cb = log.keras_callback(batch_size=16, run="tiny")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[cb])
    assert [e.label for e in log.events() if e.kind == "epoch"] == ["epoch 1", "epoch 2", "epoch 3"]
    assert [e.run for e in log.events() if e.kind == "run_start"] == ["tiny"]
    assert log.throughput() and all(p.run == "tiny" for p in log.throughput())
    with log.run("outer"):  # inside a run, an unnamed callback joins it
        model.fit(
            x, y, epochs=1, batch_size=16, verbose=0, callbacks=[log.keras_callback(batch_size=16)]
        )
    assert [e.run for e in log.events() if e.kind == "run_start"] == ["tiny", "outer"]


def test_nvml_reads_this_process_gpu_memory_or_says_not_available():
    snap = Sampler([NvmlBackend(nvml=FakeNvml(count=2))], interval=1).sample()
    assert snap.gpus[0].process_mem_bytes == 300 * 2**20
    assert snap.gpus[1].process_mem_bytes is NA  # only another process there
    assert process_gpu_memory(snap) == "GPU 0: 300 MiB; GPU 1: not available"
    snap = Sampler([NvmlBackend(nvml=FakeNvml(count=1, no_processes=True))], interval=1).sample()
    assert process_gpu_memory(snap) == "GPU 0: not available"
    snap = Sampler([FakeBackend(nvml_missing=True)], interval=1).sample()
    assert process_gpu_memory(snap) == "not available (no GPU)"


def test_run_record_rejects_bad_input():
    with pytest.raises(TypeError):
        summarise_runs({"not": "a record"})
    assert RunRecord("empty", ()).rows() == []
