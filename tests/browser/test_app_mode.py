"""App mode: each chapter's main widget as a standalone page (Voila, no code shown), in Chromium.

Voila serves apps/ on 127.0.0.1; the index lists the seven chapter apps; the model-size app
reacts to its controls; the live dashboard keeps drawing from its sampler thread (trait updates
from a thread reach a Voila page live, not only JupyterLab).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM_FLAGS
from tests.conftest import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted((ROOT / "apps").glob("*.ipynb"))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (scripts/install_system_packages.sh)")
    root = tmp_path_factory.mktemp("apps")
    for app in APPS:  # a copy: nothing the page does can write into the repository
        shutil.copy(app, root / app.name)
    port = _free_port()
    log = root / "voila.log"
    bindir = Path(sys.executable).parent
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [
                str(bindir / "voila"),
                str(root),
                "--no-browser",
                f"--port={port}",
                "--Voila.ip=127.0.0.1",
            ],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env={**os.environ, "BMW_QUICK": "1", "PATH": f"{bindir}:{os.environ['PATH']}"},
            cwd=root,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(voila):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    context.close()


def test_the_index_lists_every_chapter_app(page, voila):
    assert [a.name[:2] for a in APPS] == [f"{i:02d}" for i in range(7)]
    page.goto(voila)
    for app in APPS:
        page.get_by_text(app.name).wait_for()


def test_the_model_size_app_reacts_to_its_controls_and_shows_no_code(page, voila):
    page.goto(f"{voila}/voila/render/00_model_size.ipynb")
    select = page.locator(".widget-dropdown select").first
    select.wait_for()
    page.wait_for_function("() => /\\d/.test(document.body.innerText)")  # the first figures
    before = page.inner_text("body")
    current = select.evaluate("el => el.value")
    values = select.locator("option").evaluate_all("els => els.map(e => e.value)")
    select.select_option(value=next(v for v in values if v != current))
    page.wait_for_function("old => document.body.innerText !== old", arg=before)
    assert "model_size_calculator" not in page.content(), "app mode must not show the code"


def test_the_live_dashboard_keeps_drawing_in_app_mode(page, voila):
    page.goto(f"{voila}/voila/render/02_dashboard.ipynb")
    chart = page.locator(".bmw-live-chart")
    chart.locator("svg.bmw-panel").first.wait_for()
    draws = []
    for _ in range(12):
        draws.append(int(chart.first.get_attribute("data-draws") or -1))
        time.sleep(0.5)
    assert draws[-1] - draws[0] >= 4, f"the chart stopped drawing in app mode: {draws}"
    assert not re.search(r"Traceback|Error:", page.inner_text("body")), page.inner_text("body")
