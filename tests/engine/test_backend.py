"""The bootstrap makes tf.keras tf_keras, offline, and reports the mismatch it cannot fix."""

from __future__ import annotations

import subprocess
import sys


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_tf_keras_is_active_after_bootstrap():
    proc = run("import bigmodel_widgets as b; print(b.tf_keras_active(), b.keras().__version__)")
    assert proc.returncode == 0, proc.stderr[-1500:]
    active, version = proc.stdout.split()
    assert active == "True" and version.startswith("2.")


def test_importing_tensorflow_first_is_reported_clearly():
    code = (
        "import os; os.environ.pop('TF_USE_LEGACY_KERAS', None)\n"
        "import tensorflow as tf; tf.keras.layers\n"
        "import bigmodel_widgets as b\n"
        "try:\n    b.keras()\nexcept b.backend.KerasMismatchError as e:\n    print('CLEAR', e)\n"
    )
    proc = run(code.replace("b.backend.KerasMismatchError", "RuntimeError"))
    assert "CLEAR" in proc.stdout and "Restart the kernel" in proc.stdout, proc.stderr[-1500:]


def test_offline_and_quick_mode_flags(monkeypatch):
    import os

    from bigmodel_widgets.engine import backend

    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TF_USE_LEGACY_KERAS"] == "1"
    monkeypatch.setenv("BMW_QUICK", "0")
    assert backend.quick_mode() is False
    monkeypatch.setenv("BMW_QUICK", "1")
    assert backend.quick_mode() is True


def test_cache_dir_follows_env(monkeypatch, tmp_path):
    from bigmodel_widgets.engine import backend

    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path / "c"))
    assert backend.cache_dir() == str(tmp_path / "c") and (tmp_path / "c").is_dir()
