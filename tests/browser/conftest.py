"""The real-browser harness: JupyterLab on a free 127.0.0.1 port behind a token, Debian's
Chromium driven by Playwright. Notebooks are served from a temporary copy so autosave never
writes outputs into the repository. Failure screenshots go to ``artifacts/`` (ignored)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    # Render every cell (no windowing) so outputs are in the DOM; no news or update checks.
    files = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@contextlib.contextmanager
def running_lab(base: Path, *, locale: str | None = None, env_drop: tuple[str, ...] = ()):
    """JupyterLab on 127.0.0.1 over a copy of notebooks/ under ``base`` (its own settings,
    ``locale`` e.g. "zh_CN" for a language pack); yields a Lab, stops it on exit."""
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    settings = base / "settings"
    _write_settings(settings)
    if locale is not None:
        plugin = settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
        plugin.parent.mkdir(parents=True, exist_ok=True)
        plugin.write_text(json.dumps({"locale": locale}))
    token, port = secrets.token_hex(16), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(
        BMW_QUICK="1",
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
    )
    log = base / "lab.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--expose-app-in-browser",
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",
        ]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab exited:\n{log.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start in 90 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield Lab(url=url, token=token, root=root, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (make setup installs it as root)")
    with running_lab(tmp_path_factory.mktemp("lab")) as running:
        yield running


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def page(browser, lab, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        (ARTIFACTS / f"{request.node.name}-lab.log").write_text(lab.log.read_text()[-20000:])
    # Shut the notebook's kernel so the next test starts clean.
    try:
        pg.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
    except Exception:
        pass
    context.close()
