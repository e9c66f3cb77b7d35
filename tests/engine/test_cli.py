"""The command line, run as a user would: `python -m bigmodel_widgets ...`."""

from __future__ import annotations

import json
import subprocess
import sys


def cli(*args, check=True):
    proc = subprocess.run(
        [sys.executable, "-m", "bigmodel_widgets", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_sizing_bert_base_json():
    out = json.loads(cli("sizing", "bert-base", "--json").stdout)
    assert out["params"] == 109_482_240
    assert out["bytes"]["fp32"] == 4 * 109_482_240 and out["bytes"]["int4"] == 109_482_240 // 2


def test_sizing_text_output():
    assert "72,906 parameters" in cli("sizing", "text-cnn").stdout


def test_sizing_unknown_preset_is_a_clear_error():
    proc = cli("sizing", "gpt-17", check=False)
    assert (
        proc.returncode == 2 and "valid presets" in proc.stderr and "Traceback" not in proc.stderr
    )


def test_sizing_rejects_nonpositive_values():
    proc = cli("sizing", "gpt2", "--seq-len", "0", check=False)
    assert proc.returncode == 2 and "seq_len" in proc.stderr


def test_doctor_json_reports_the_stack():
    out = json.loads(cli("doctor", "--json").stdout)
    assert out["tf_keras_active"] is True
    assert out["versions"]["tensorflow"] == "2.21.0" and out["versions"]["tf-keras"] == "2.21.0"
    assert any(d["type"] == "CPU" for d in out["devices"])
    assert "available" in out["nvml"] and (out["nvml"]["available"] or out["nvml"]["reason"])
    assert all(v["available"] for v in out["data"].values() if not v["optional"])


def test_bench_unknown_name():
    proc = cli("bench", "nope", check=False)
    assert proc.returncode == 2 and "available" in proc.stderr


def test_bench_sizing():
    out = json.loads(cli("bench", "sizing", "--quick", "--json").stdout)
    assert out["params"]["bert-base"] == 109_482_240
