"""Quick mode is resolved at the edge: the CLI reads ``--quick`` or ``BMW_QUICK`` and passes the
answer down as an argument (the engine does not read the environment for it)."""

from __future__ import annotations

import pytest

from bigmodel_widgets import bench, cli
from bigmodel_widgets.engine import compression


class _Stop(Exception):
    pass


@pytest.mark.parametrize(
    "flag, env, expected",
    [(True, None, True), (False, "1", True), (False, "0", False), (False, None, False)],
)
def test_bench_passes_quick_down(monkeypatch, capsys, flag, env, expected):
    seen = []
    monkeypatch.setattr(bench, "run", lambda name, *, quick: seen.append(quick) or {"ok": 1})
    if env is None:
        monkeypatch.delenv("BMW_QUICK", raising=False)
    else:
        monkeypatch.setenv("BMW_QUICK", env)
    assert cli.main(["bench", "sizing", "--json"] + (["--quick"] if flag else [])) == 0
    assert seen == [expected]
    assert '"ok": 1' in capsys.readouterr().out


@pytest.mark.parametrize(
    "flag, env, expected", [(True, None, True), (False, "1", True), (False, None, False)]
)
def test_sweep_passes_quick_down(monkeypatch, flag, env, expected):
    seen = []

    def fake_setup(*args, quick, **rest):
        seen.append(quick)
        raise _Stop

    monkeypatch.setattr(compression, "default_setup", fake_setup)
    if env is None:
        monkeypatch.delenv("BMW_QUICK", raising=False)
    else:
        monkeypatch.setenv("BMW_QUICK", env)
    with pytest.raises(_Stop):
        cli.main(["sweep", "--json"] + (["--quick"] if flag else []))
    assert seen == [expected]


def test_quick_flag_is_documented_in_help(capsys):
    for command in ("bench", "sweep"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert "BMW_QUICK" in capsys.readouterr().out.replace("\n", " ")
