"""`python -m bigmodel_widgets sweep` precomputes the sweep; a second run reads the cache."""

import json

from bigmodel_widgets import cli
from bigmodel_widgets.engine import compression as comp


def test_sweep_command_precomputes_then_resumes(tiny, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    spec = comp.SweepSpec(
        sparsities=(0.0, 0.5), clusters=(0,), quant_modes=("none",), qat=(False,), epochs=1
    )
    # The chapter's model takes a minute to train; the command's logic is the same on the tiny one.
    monkeypatch.setattr(comp, "default_setup", lambda *, quick, progress=None: tiny)
    monkeypatch.setattr(comp, "default_spec", lambda *, quick: spec)
    assert cli.main(["sweep", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["points"] == 2 and first["computed"] == 2
    assert [r["label"] for r in first["results"]] == ["baseline", "prune50"]
    assert first["cache"].startswith(str(tmp_path))
    assert cli.main(["sweep", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["computed"] == 0 and second["results"] == first["results"]
