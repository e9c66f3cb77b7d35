"""Shared test set-up: quick mode, a private cache directory, and the `gpu` marker's skip."""

from __future__ import annotations

import os
import shutil

import pytest

# Every test and every notebook kernel started by the tests runs in quick mode with its own cache.
os.environ.setdefault("BMW_QUICK", "1")
# English messages whatever the developer's JupyterLab language (tests match English text).
os.environ.setdefault("BMW_LANGUAGE", "en")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    if "BMW_CACHE_DIR" not in os.environ:
        os.environ["BMW_CACHE_DIR"] = str(tmp_path_factory.mktemp("bmw-cache"))
    yield


def _has_nvidia_gpu() -> bool:
    try:
        import pynvml

        pynvml.nvmlInit()
        try:
            return pynvml.nvmlDeviceGetCount() > 0
        finally:
            pynvml.nvmlShutdown()
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    if any(item.get_closest_marker("gpu") for item in items) and not _has_nvidia_gpu():
        skip = pytest.mark.skip(reason="no NVIDIA GPU with NVML on this machine")
        for item in items:
            if item.get_closest_marker("gpu"):
                item.add_marker(skip)


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.path.exists(candidate):
            return candidate
    return None
