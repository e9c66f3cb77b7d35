"""The capacity planner: its arithmetic on a known table, its errors, the CLI, the shipped table."""

from __future__ import annotations

import json

import pytest

from bigmodel_widgets import cli
from bigmodel_widgets.engine.workshop import planner, table


def _table() -> dict:
    run = lambda mb, cpu: {"peak_rss_mb": mb, "cpu_s": cpu, "wall_s": cpu * 1.5}  # noqa: E731
    return {
        "format": table.FORMAT,
        "source": "made up for the test",
        "overheads": {"idle_kernel_mb": 100.0, "server_mb": 150.0, "hub_mb": 200.0},
        "chapters": {
            "0": {"quick": run(800, 10), "full": run(1300, 20)},
            "1": {"quick": run(900, 12), "full": run(1000, 30)},
            "2": {"full": run(2200, 90)},
        },
    }


def test_memory_is_hub_plus_students_times_server_and_heaviest_kernel():
    p = planner.plan(students=30, chapters="0-1", table=_table())
    assert p.mode == "full" and p.chapters == (0, 1)
    assert p.per_student_mb == {0: 1450.0, 1: 1150.0}
    assert p.peak_ram_gb == round((200 + 30 * 1450) / 1024, 2)
    assert p.kernels_left_open_gb == round((200 + 30 * (150 + 1300 + 1000)) / 1024, 2)
    assert p.recommended_ram_gb >= p.peak_ram_gb
    # every student's run of the heaviest chapter (30 CPU-s) within 10 min: 900 s / 600 s
    assert p.cores == 2 and p.cpu_s_per_student == {0: 20, 1: 30}


def test_quick_mode_reads_the_quick_runs_only():
    p = planner.plan(students=4, chapters=[0, 1], quick=True, table=_table())
    assert p.per_student_mb == {0: 950.0, 1: 1050.0}
    with pytest.raises(ValueError, match="chapter 2 has no quick-mode measurement.*--mode quick"):
        planner.plan(students=4, chapters="2", quick=True, table=_table())


@pytest.mark.parametrize(
    "spec, chapters",
    [("0-2", (0, 1, 2)), ("2,0", (0, 2)), ("1", (1,)), (1, (1,)), ([2, 0, 2], (0, 2))],
)
def test_chapter_specs(spec, chapters):
    assert planner.parse_chapters(spec, known=[0, 1, 2]) == chapters


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"students": 0}, ValueError, "students"),
        ({"students": -3}, ValueError, "students"),
        ({"students": 2.5}, TypeError, "students"),
        ({"students": 5, "chapters": "0-9"}, ValueError, r"unknown chapter 3, 4, 5, 6, 7, 8, 9"),
        ({"students": 5, "chapters": "seven"}, ValueError, "not a number or a range"),
        ({"students": 5, "chapters": "3-1"}, ValueError, "backwards"),
        ({"students": 5, "limit_gb": 0.2}, ValueError, "below one kernel"),
        ({"students": 5, "limit_gb": -1}, ValueError, "limit_gb"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, error, match):
    with pytest.raises(error, match=match):
        planner.plan(**{"chapters": "0-2", **kwargs}, table=_table())


def test_a_limit_warns_for_each_chapter_over_it():
    p = planner.plan(students=30, chapters="0-2", limit_gb=2, table=_table())
    assert p.over_limit == (2,)
    assert len(p.warnings) == 1 and "chapter 2" in p.warnings[0] and "2 GB" in p.warnings[0]
    assert planner.plan(students=30, chapters="0-1", limit_gb=2, table=_table()).warnings == ()


def test_predicted_wall_time_is_cpu_bound_past_the_cores():
    assert planner.predicted_wall_s(students=1, cpu_s=10, wall_s=15, cores=2) == 15
    assert planner.predicted_wall_s(students=8, cpu_s=10, wall_s=15, cores=2) == 40


def test_the_shipped_table_covers_every_chapter_in_both_modes():
    t = table.load_table(table.DEFAULT_TABLE)
    assert "workshop measure" in t["source"]
    assert set(t["overheads"]) == {"idle_kernel_mb", "server_mb", "hub_mb"}
    assert sorted(map(int, t["chapters"])) == list(range(7))
    for ch, row in t["chapters"].items():
        for mode in ("quick", "full"):
            assert row[mode]["peak_rss_mb"] > t["overheads"]["idle_kernel_mb"], (ch, mode)
            assert row[mode]["cpu_s"] > 0, (ch, mode)


def test_a_fresh_clone_plans_from_the_shipped_table(tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))  # no table measured on this server
    p = planner.plan(students=30, chapters="0-6")
    assert p.source.startswith(str(table.DEFAULT_TABLE)) and p.peak_ram_gb > 30


def test_measure_writes_a_table_the_planner_reads_first(tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    t = _table()
    table.save_table(t)
    loaded = table.load_table()
    assert loaded["path"] == str(table.user_table_path()) and loaded["chapters"] == t["chapters"]
    assert planner.plan(students=1, chapters="2", table=loaded).per_student_mb == {2: 2350.0}


def test_cli_plan_prints_the_plan_and_json(capsys, tmp_path):
    path = tmp_path / "t.json"
    table.save_table(_table(), path)
    base = ["workshop", "plan", "--table", str(path), "--chapters", "0-2"]
    assert cli.main([*base, "--students", "30", "--limit-gb", "2"]) == 0
    out = capsys.readouterr().out
    assert "30 students" in out and "warning: chapter 2" in out and "GB" in out
    assert cli.main([*base, "--students", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["students"] == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--students", "0"], "students"),
        (["--students", "30", "--chapters", "0-8"], "unknown chapter"),
        (["--students", "30", "--limit-gb", "0.1"], "below one kernel"),
    ],
)
def test_cli_plan_bad_input_exits_2_with_one_line(capsys, tmp_path, args, message):
    path = tmp_path / "t.json"
    table.save_table(_table(), path)
    argv = ["workshop", "plan", "--table", str(path), "--chapters", "0-2", *args]
    if "--chapters" in args:
        argv = ["workshop", "plan", "--table", str(path), *args]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
