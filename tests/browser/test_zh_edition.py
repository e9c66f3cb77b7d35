"""The Chinese edition in a real browser (issue 17): JupyterLab with its Simplified Chinese
language pack active opens notebooks/zh/00, runs it, and shows Chinese widget labels; a bad
setting gets a Chinese error. The kernel follows the Lab's language on its own: the notebook's
code cells are the English ones, byte for byte."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser._lab import open_notebook, press_slider, run_all_cells
from tests.browser.conftest import ROOT, Lab, _free_port, _write_settings

pytestmark = [pytest.mark.browser, pytest.mark.notebook]


@pytest.fixture(scope="module")
def lab_zh(tmp_path_factory, browser):
    import shutil

    base = tmp_path_factory.mktemp("lab-zh")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    settings = base / "settings"
    _write_settings(settings)
    locale = settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    locale.parent.mkdir(parents=True, exist_ok=True)
    locale.write_text(json.dumps({"locale": "zh_CN"}))
    token, port = secrets.token_hex(16), _free_port()
    env = {k: v for k, v in os.environ.items() if k != "BMW_LANGUAGE"}  # the Lab decides
    env.update(
        BMW_QUICK="1",
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
    )
    log = base / "lab.log"
    args = [
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
    ] + (["--allow-root"] if os.geteuid() == 0 else [])
    proc = subprocess.Popen(args, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield Lab(url=url, token=token, root=root, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def zh_page(browser, lab_zh):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    try:
        page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
    except Exception:
        pass
    context.close()


def test_chinese_notebook_with_the_chinese_language_pack(zh_page, lab_zh):
    page = zh_page
    open_notebook(page, lab_zh, "zh/00_large_models.ipynb")
    # JupyterLab's own menus are Chinese: the language pack is installed and active
    page.locator(".lm-MenuBar-itemLabel", has_text="文件").first.wait_for()
    run_all_cells(page, timeout_s=300)
    # the calculator's labels follow the Lab's language (the code cell is the English one)
    page.locator(".widget-label", has_text="注意力头数").first.wait_for()
    assert page.locator(".widget-label", has_text="层数").count() >= 1
    assert "个参数" in page.locator(".bmw-params").first.inner_text()
    # a bad setting: 13 heads do not divide 768 -> a Chinese message in the error area
    press_slider(page, "注意力头数", "ArrowRight", times=1)
    error = page.locator(".bmw-error").first
    error.wait_for(timeout=30_000)
    assert error.inner_text().startswith("无法估算这个模型")
    # the exercise checks answered in Chinese too
    assert page.locator(".jp-OutputArea-output", has_text="还没有答案").count() >= 1
