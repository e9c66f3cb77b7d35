"""Run child Python processes with a hard timeout, read their JSON messages, and turn a dying
child into a clear error instead of a hang. Shared by run_isolated and the multi-worker launcher.

A child speaks by printing lines ``BMW-JSON {...}``: ``{"kind": "progress", ...}`` or
``{"kind": "result", "value": ...}``. Anything else on stdout/stderr is kept as its log tail.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import queue
import site
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..checks import number_in_range
from ..i18n import t

__all__ = ["WorkerError", "PREFIX", "emit", "run_children", "child_env", "import_root"]

PREFIX = "BMW-JSON "
_PKG_DIR = Path(__file__).resolve().parents[2]  # the bigmodel_widgets folder this process runs


class WorkerError(RuntimeError):
    """A child process exited with an error (or without a result); the message has its log."""


def emit(kind: str, **payload) -> None:
    """In a child: send one message to the parent."""
    print(PREFIX + json.dumps({"kind": kind, **payload}, default=float), flush=True)


def _installed_here(pkg_dir: Path) -> bool:
    """True when a distribution installed in this interpreter's site folders provides
    ``pkg_dir`` (a regular install, or an editable one of this checkout): a child finds it."""
    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    for dist in importlib.metadata.distributions(name="bigmodel_widgets", path=site_dirs):
        init = Path(dist.locate_file("bigmodel_widgets/__init__.py"))
        if init.is_file() and init.resolve().parent == pkg_dir:
            return True
        url = json.loads(dist.read_text("direct_url.json") or "{}")
        editable = url.get("dir_info", {}).get("editable") and url.get("url", "").startswith(
            "file:"
        )
        if editable and Path(unquote(urlparse(url["url"]).path)).resolve() == pkg_dir.parent:
            return True
    return False


def import_root(env: dict | None = None) -> str | None:
    """The folder a child must put on PYTHONPATH to import the same bigmodel_widgets as this
    process, or None when it needs nothing: the package is installed (editable or not) or
    already on the inherited PYTHONPATH. Only a bare checkout needs it."""
    root = str(_PKG_DIR.parent)
    inherited = (env if env is not None else os.environ).get("PYTHONPATH", "")
    if any(p and Path(p).resolve() == _PKG_DIR.parent for p in inherited.split(os.pathsep)):
        return None
    return None if _installed_here(_PKG_DIR) else root


def child_env(extra: dict | None = None) -> dict:
    """This process's environment for a child, plus ``extra``; PYTHONPATH gains the checkout
    only when the package is not installed (see :func:`import_root`)."""
    env = dict(os.environ)
    root = import_root(env)
    if root is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(extra or {})
    return env


def _pump(stream, index: int, q: queue.Queue, tail: deque) -> None:
    for line in iter(stream.readline, ""):
        if line.startswith(PREFIX):
            try:
                q.put((index, json.loads(line[len(PREFIX) :])))
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


def _who(what: str) -> str:
    """ "worker" or "child" in the active language (English: as given)."""
    return t(f"dash.par.{what}") if what in ("worker", "child") else what


def run_children(
    payloads: list[dict],
    envs: list[dict],
    timeout_s: float,
    on_message: Callable[[int, dict], None] | None = None,
    what: str = "worker",
) -> list:
    """Start one ``python -m bigmodel_widgets.engine.parallel._child`` per payload; return each
    child's result value. Raises WorkerError when a child fails, TimeoutError after
    ``timeout_s``; either way every child is killed before returning (also on KeyboardInterrupt).
    """
    timeout_s = number_in_range(timeout_s, name="timeout_s", low=0, low_open=True)
    q: queue.Queue = queue.Queue()
    procs, tails, pumps = [], [], []
    results: dict[int, object] = {}
    try:
        for i, (payload, env) in enumerate(zip(payloads, envs)):
            # -P: the child's working folder is not put on sys.path, so it imports the package
            # its interpreter has installed (or the checkout child_env named), never a stray copy.
            p = subprocess.Popen(
                [
                    sys.executable,
                    "-P",
                    "-m",
                    "bigmodel_widgets.engine.parallel._child",
                    json.dumps(payload),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            tail: deque = deque(maxlen=40)
            pump = threading.Thread(
                target=_pump,
                args=(p.stdout, i, q, tail),
                daemon=True,
                name=f"bmw-{what}-{i}-reader",
            )
            pump.start()
            procs.append(p), tails.append(tail), pumps.append(pump)
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
                    raise WorkerError(
                        t("dash.par.died", what=_who(what), i=i, code=code)
                        + "\n"
                        + "\n".join(tails[i])
                    )
            if all(c == 0 for c in codes):
                for pump in pumps:
                    pump.join(5)
                while not q.empty():
                    index, msg = q.get()
                    if msg.get("kind") == "result":
                        results[index] = msg.get("value")
                missing = [i for i in range(len(procs)) if i not in results]
                if missing:
                    raise WorkerError(
                        t("dash.par.no_result", what=_who(what), i=missing[0])
                        + "\n"
                        + "\n".join(tails[missing[0]])
                    )
                return [results[i] for i in range(len(procs))]
            if time.monotonic() > deadline:
                raise TimeoutError(
                    t("dash.par.timeout", what=_who(what), s=f"{timeout_s:.0f}")
                    + "\n"
                    + "\n".join(tails[0])
                )
    finally:
        _kill(procs)
