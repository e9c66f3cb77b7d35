"""Run child Python processes with a hard timeout, read their JSON messages, and turn a dying
child into a clear error instead of a hang. Shared by run_isolated and the multi-worker launcher.

A child speaks by printing lines ``BMW-JSON {...}``: ``{"kind": "progress", ...}`` or
``{"kind": "result", "value": ...}``. Anything else on stdout/stderr is kept as its log tail.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable, Optional

__all__ = ["WorkerError", "PREFIX", "emit", "run_children", "child_env"]

PREFIX = "BMW-JSON "
_PKG_PARENT = str(Path(__file__).resolve().parents[3])


class WorkerError(RuntimeError):
    """A child process exited with an error (or without a result); the message has its log."""


def emit(kind: str, **payload) -> None:
    """In a child: send one message to the parent."""
    print(PREFIX + json.dumps({"kind": kind, **payload}, default=float), flush=True)


def child_env(extra: Optional[dict] = None) -> dict:
    env = dict(os.environ)
    # The child imports the same bigmodel_widgets as the parent, installed or not.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PKG_PARENT, env.get("PYTHONPATH")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(extra or {})
    return env


def _pump(stream, index: int, q: queue.Queue, tail: deque) -> None:
    for line in iter(stream.readline, ""):
        if line.startswith(PREFIX):
            try:
                q.put((index, json.loads(line[len(PREFIX):])))
                continue
            except json.JSONDecodeError:  # a garbled message is logged like any other line
                pass
        tail.append(line.rstrip())
    stream.close()


def _kill(procs) -> None:
    for p in procs:
        if p.poll() is None:
            p.kill()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:  # unkillable (D state): nothing more we can do
            pass


def run_children(payloads: list[dict], envs: list[dict], timeout_s: float,
                 on_message: Optional[Callable[[int, dict], None]] = None,
                 what: str = "worker") -> list:
    """Start one ``python -m bigmodel_widgets.engine.parallel._child`` per payload; return each
    child's result value. Raises WorkerError when a child fails, TimeoutError after
    ``timeout_s``; either way every child is killed before returning (also on KeyboardInterrupt).
    """
    if not (isinstance(timeout_s, (int, float)) and timeout_s > 0):
        raise ValueError(f"timeout_s must be a positive number of seconds, got {timeout_s!r}")
    q: queue.Queue = queue.Queue()
    procs, tails, pumps = [], [], []
    results: dict[int, object] = {}
    try:
        for i, (payload, env) in enumerate(zip(payloads, envs)):
            p = subprocess.Popen(
                [sys.executable, "-m", "bigmodel_widgets.engine.parallel._child", json.dumps(payload)],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                stdin=subprocess.DEVNULL)
            tail: deque = deque(maxlen=40)
            t = threading.Thread(target=_pump, args=(p.stdout, i, q, tail), daemon=True,
                                 name=f"bmw-{what}-{i}-reader")
            t.start()
            procs.append(p), tails.append(tail), pumps.append(t)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                index, msg = q.get(timeout=0.1)
                if msg.get("kind") == "result":
                    results[index] = msg.get("value")
                elif on_message is not None:
                    on_message(index, msg)
                continue
            except queue.Empty:
                pass
            codes = [p.poll() for p in procs]
            for i, code in enumerate(codes):
                if code not in (None, 0):
                    pumps[i].join(2)
                    raise WorkerError(f"{what} {i} died with exit code {code}; the other "
                                      f"{what}(s) were stopped. Last output:\n" + "\n".join(tails[i]))
            if all(c == 0 for c in codes):
                for t in pumps:
                    t.join(5)
                while not q.empty():
                    index, msg = q.get()
                    if msg.get("kind") == "result":
                        results[index] = msg.get("value")
                missing = [i for i in range(len(procs)) if i not in results]
                if missing:
                    raise WorkerError(f"{what} {missing[0]} exited without a result. Last output:\n"
                                      + "\n".join(tails[missing[0]]))
                return [results[i] for i in range(len(procs))]
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what}s did not finish within {timeout_s:.0f} s and were "
                                   "stopped. Last output of " + what + " 0:\n" + "\n".join(tails[0]))
    finally:
        _kill(procs)
