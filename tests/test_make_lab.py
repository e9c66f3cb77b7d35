"""`make lab` serves the notebooks on 127.0.0.1 behind a token (the README's first command)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=3).status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_make_lab_serves_notebook_00_behind_a_token(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "lab.log"
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"),
    )
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        token = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and token is None:
            m = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", log.read_text())
            token = m.group(1) if m else None
            if proc.poll() is not None:
                pytest.fail(f"make lab exited early:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        assert token, f"no tokenised URL printed:\n{log.read_text()[-3000:]}"
        base = f"http://127.0.0.1:{port}"
        assert _status(f"{base}/api/contents/00_large_models.ipynb") == 403
        assert _status(f"{base}/api/contents/00_large_models.ipynb?token={token}") == 200
        assert f"127.0.0.1:{port}" in log.read_text() and "0.0.0.0" not in log.read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
