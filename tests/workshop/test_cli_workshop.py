"""`workshop prepare` and `workshop measure` at the command line: quick mode decided at the edge,
bad input is one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bigmodel_widgets import cli
from bigmodel_widgets.engine.workshop import prepare

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "flag, env, expected", [(True, "0", True), (False, "1", True), (False, "0", False)]
)
def test_prepare_passes_quick_and_steps_down(monkeypatch, capsys, tmp_path, flag, env, expected):
    seen = []

    def fake(folder, *, quick, steps, seal_after, step_done):
        seen.append((folder, quick, steps, seal_after))
        return {"quick": quick}

    monkeypatch.setattr(prepare, "prepare", fake)
    monkeypatch.setenv("BMW_QUICK", env)
    argv = ["workshop", "prepare", str(tmp_path), "--steps", "splits,nlp", "--seal"]
    assert cli.main(argv + (["--quick"] if flag else [])) == 0
    assert seen == [(str(tmp_path), expected, ["splits", "nlp"], True)]
    assert json.loads(capsys.readouterr().out) == {"quick": expected}


def test_prepare_names_an_unknown_step(capsys, tmp_path):
    assert cli.main(["workshop", "prepare", str(tmp_path), "--steps", "everything"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "everything" in err and "splits" in err


@pytest.mark.parametrize(
    "args, message",
    [(["--chapters", "7"], "unknown chapter 7"), (["--notebooks", "/nonexistent"], "no notebooks")],
)
def test_measure_bad_input_exits_2(capsys, monkeypatch, args, message):
    monkeypatch.chdir(ROOT)
    assert cli.main(["workshop", "measure", *args]) == 2
    assert message in capsys.readouterr().err


def test_workshop_help_lists_its_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["workshop", "--help"])
    out = capsys.readouterr().out
    assert all(c in out for c in ("plan", "measure", "prepare"))
