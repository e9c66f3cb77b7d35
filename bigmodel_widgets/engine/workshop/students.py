"""A student, scripted: log in to the hub over HTTP, start a server, run a notebook in a kernel.

Everything goes through the hub's public URL (the proxy): the login form, the hub's REST API,
the student's server's REST API (``/user/<name>/api/kernels``) and the kernel's websocket
(``.../channels``), exactly the path a browser takes. Cells are sent one by one as
``execute_request`` messages; a cell that fails ends the run with its error.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests
import websocket

from .hub import LocalHub, tree_rss_mb

__all__ = ["Student", "StudentRun", "notebook_cells"]


@dataclass
class StudentRun:
    """One student's run of a notebook: done or failed, and what it cost."""

    student: str
    notebook: str
    ok: bool = False
    error: str | None = None
    cells: int = 0
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0  # the student's server and kernel, sampled while it ran


def notebook_cells(path: str | Path) -> list[str]:
    """The code cells of a notebook, in order (read as plain JSON)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            src = cell["source"]
            out.append("".join(src) if isinstance(src, list) else src)
    return out


class Student:
    """One student of a :class:`LocalHub`: ``login()``, ``start_server()``, ``run_cells()``."""

    def __init__(self, hub: LocalHub, name: str):
        self.hub = hub
        self.name = name
        self.session = requests.Session()
        self.token: str | None = None
        self.kernel_id: str | None = None

    # ---- the hub ------------------------------------------------------------------------------
    def login(self, password: str | None = None) -> None:
        """Log in through the hub's login form (the way a browser does); raises on refusal.
        ``password`` defaults to the hub's shared one."""
        page = self.session.get(f"{self.hub.url}/hub/login", timeout=30)
        page.raise_for_status()
        m = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        form = {"username": self.name, "password": password or self.hub.password}
        if m:
            form["_xsrf"] = m.group(1)
        r = self.session.post(
            f"{self.hub.url}/hub/login", data=form, allow_redirects=False, timeout=30
        )
        if r.status_code not in (302, 303) or not any(
            c.name.startswith("jupyterhub-") for c in self.session.cookies
        ):
            raise PermissionError(f"{self.name}: the hub refused the login ({r.status_code})")

    def start_server(self, timeout_s: float = 180) -> None:
        """Start this student's server (unless it runs) and wait until it answers; get a token
        for its API."""
        user = self.hub.api("GET", f"/users/{self.name}").json()
        if not (user.get("servers") or {}).get("", {}).get("ready"):
            self.hub.api("POST", f"/users/{self.name}/server")
        deadline = time.monotonic() + timeout_s
        while True:
            user = self.hub.api("GET", f"/users/{self.name}").json()
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: the server did not start in {timeout_s:g} s")
            time.sleep(0.5)
        r = self.hub.api("POST", f"/users/{self.name}/tokens", json={"note": "workshop check"})
        self.token = r.json()["token"]

    def server_pid(self) -> int | None:
        """The process of this student's Jupyter server (its kernels are its children)."""
        home = str(self.hub.home(self.name))
        for p in psutil.process_iter(["cmdline", "cwd"]):
            try:
                cmd = " ".join(p.info["cmdline"] or [])
                if "jupyterhub-singleuser" in cmd and p.info["cwd"] == home:
                    return p.pid
            except psutil.Error:
                continue
        return None

    def rss_mb(self) -> float:
        pid = self.server_pid()
        return 0.0 if pid is None else tree_rss_mb(pid)

    # ---- the student's server -------------------------------------------------------------------
    def _server(self, method: str, path: str, **kw) -> requests.Response:
        url = f"{self.hub.url}/user/{self.name}/api{path}"
        headers = {"Authorization": f"token {self.token}"}
        r = requests.request(method, url, headers=headers, timeout=60, **kw)
        r.raise_for_status()
        return r

    def start_kernel(self) -> str:
        self.kernel_id = self._server("POST", "/kernels", json={"name": "python3"}).json()["id"]
        return self.kernel_id

    def kernels(self) -> list[dict]:
        return self._server("GET", "/kernels").json()

    def kernel_pids(self) -> list[int]:
        """This student's kernel processes (children of the server running ipykernel)."""
        pid = self.server_pid()
        if pid is None:
            return []
        out = []
        for child in psutil.Process(pid).children(recursive=True):
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    out.append(child.pid)
            except psutil.Error:
                continue
        return out

    def run_cells(
        self,
        cells: list[str],
        *,
        name: str = "notebook",
        timeout_s: float = 900,
        shutdown: bool = True,
    ) -> StudentRun:
        """Run ``cells`` in a new kernel over its websocket; a :class:`StudentRun` either way.
        The kernel is shut down afterwards unless ``shutdown=False``."""
        run = StudentRun(student=self.name, notebook=name)
        start = time.monotonic()
        ws = None
        try:
            kid = self.start_kernel()
            ws_url = self.hub.url.replace("http", "ws", 1)
            ws = websocket.create_connection(
                f"{ws_url}/user/{self.name}/api/kernels/{kid}/channels",
                header=[f"Authorization: token {self.token}"],
                timeout=10,
            )
            session = uuid.uuid4().hex
            for code in cells:
                self._execute(ws, session, code, deadline=start + timeout_s)
                run.cells += 1
            run.ok = True
        except Exception as exc:  # a failed run is a result: the caller counts failures
            run.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            if ws is not None:
                ws.close()
            if shutdown and self.kernel_id is not None:
                try:  # as a student should between chapters: kernels left open add up
                    self._server("DELETE", f"/kernels/{self.kernel_id}")
                except requests.RequestException:
                    pass
            run.wall_s = round(time.monotonic() - start, 2)
        return run

    def _execute(self, ws, session: str, code: str, *, deadline: float) -> None:
        msg_id = uuid.uuid4().hex
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": self.name,
                        "session": session,
                        "msg_type": "execute_request",
                        "version": "5.3",
                        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("the notebook did not finish in time")
            try:
                raw = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue  # the deadline above decides
            if not raw or isinstance(raw, bytes):  # binary frames carry widget buffers
                continue
            msg = json.loads(raw)
            kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
            state = msg.get("content", {}).get("execution_state")
            if kind == "status" and state in ("dead", "restarting"):
                raise RuntimeError(f"the kernel died ({state})")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "error":
                content = msg["content"]
                raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
            if kind == "execute_reply":
                if msg["content"].get("status") != "ok":
                    content = msg["content"]
                    raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
                return
