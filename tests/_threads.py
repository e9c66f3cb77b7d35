"""Helpers shared by tests that start background threads."""

from __future__ import annotations

import threading
import time

from bigmodel_widgets.engine.devices import THREAD_NAME


def sampler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


def wait_until(cond, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False
