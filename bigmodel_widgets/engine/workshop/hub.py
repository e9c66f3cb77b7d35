"""A real JupyterHub on 127.0.0.1 for checking a workshop: local spawning, a shared password.

:class:`LocalHub` writes a ``jupyterhub_config.py`` into a work folder (the hub's database,
cookie secret and one home folder per student live there too), starts ``jupyterhub`` with
``configurable-http-proxy`` (:func:`find_proxy`), and on :meth:`LocalHub.stop` ends every
process it started: the hub, the proxy, the students' servers and their kernels.

The hub uses ``SimpleLocalProcessSpawner`` (every student's server runs as this user, in its
own home folder) and ``DummyAuthenticator`` with one shared password: right for a check on one
machine, never for a real class (deploy/ has the Kubernetes set-up for that).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

__all__ = ["ProxyMissing", "find_proxy", "free_port", "LocalHub", "tree_rss_mb"]

PROXY_ENV = "BMW_PROXY"  # an explicit configurable-http-proxy executable
_REPO_PROXY = Path("deploy/proxy/node_modules/.bin/configurable-http-proxy")


class ProxyMissing(RuntimeError):
    """configurable-http-proxy is not installed (the hub cannot start without it)."""


def find_proxy() -> str:
    """The configurable-http-proxy executable: ``$BMW_PROXY``, the project's own install
    (``make hub-proxy`` puts it in ``deploy/proxy/node_modules`` of the checkout this runs in),
    or one on ``PATH``."""
    if os.environ.get(PROXY_ENV):
        return os.environ[PROXY_ENV]
    candidate = Path.cwd() / _REPO_PROXY
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    raise ProxyMissing(
        "configurable-http-proxy is not installed: run `make hub-proxy` (npm ci in "
        "deploy/proxy; Node.js and npm come from Debian: scripts/install_system_packages.sh)"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, MB (0 when it is gone)."""
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


_CONFIG = """\
# Written by bigmodel_widgets.engine.workshop.hub: a local hub for checking a workshop.
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{root}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.JupyterHub.services = [{{"name": "workshop-check", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [
    {{
        "name": "workshop-check",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
        "services": ["workshop-check"],
    }}
]
"""


class LocalHub:
    """A JupyterHub on 127.0.0.1 with local spawning; use it as a context manager.

    ``environment`` goes to every student's server (and so their kernels): for example
    ``{"BMW_QUICK": "1", "BMW_SHARED_CACHE_DIR": "/srv/prepared"}``.
    """

    def __init__(
        self,
        workdir: str | os.PathLike,
        *,
        environment: dict[str, str] | None = None,
        password: str | None = None,
        start_timeout_s: int = 180,
    ):
        self.root = Path(workdir).resolve()
        self.password = password or secrets.token_urlsafe(12)
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = dict(environment or {})
        self.start_timeout_s = start_timeout_s
        self.proc: subprocess.Popen | None = None
        self.log_path = self.root / "jupyterhub.log"

    # ---- lifecycle ----------------------------------------------------------------------------
    def _write_config(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        homes = self.root / "home"
        homes.mkdir(exist_ok=True)
        bindir = Path(sys.executable).parent
        args = ["--allow-root"] if os.geteuid() == 0 else []
        text = _CONFIG.format(
            port=self.port,
            hub_port=free_port(),
            proxy_api_port=free_port(),
            proxy=find_proxy(),
            proxy_pid=str(self.root / "proxy.pid"),
            root=self.root,
            cookie=str(self.root / "cookie_secret"),
            password=self.password,
            homes=str(homes),
            singleuser=str(bindir / "jupyterhub-singleuser"),
            args=args,
            environment=self.environment,
            timeout=self.start_timeout_s,
            token=self.token,
        )
        path = self.root / "jupyterhub_config.py"
        path.write_text(text)
        return path

    def start(self) -> LocalHub:
        config = self._write_config()
        bindir = Path(sys.executable).parent
        env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(bindir / "jupyterhub"), "-f", str(config)],
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}): {self.log_tail()}")
            try:
                if requests.request("GET", f"{self.url}/hub/api", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(
            f"jupyterhub did not answer in {self.start_timeout_s} s: {self.log_tail()}"
        )

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def alive(self) -> bool:
        """The hub process runs and its API answers through the proxy."""
        if self.proc is None or self.proc.poll() is not None:
            return False
        try:
            return requests.request("GET", f"{self.url}/hub/api", timeout=5).ok
        except requests.RequestException:
            return False

    def hub_rss_mb(self) -> float:
        """The hub process and its proxy (not the students' servers), MB."""
        if self.proc is None:
            return 0.0
        total = 0.0
        try:
            procs = [psutil.Process(self.proc.pid)] + psutil.Process(self.proc.pid).children()
        except psutil.Error:
            return 0.0
        for p in procs:
            try:
                if p.pid == self.proc.pid or "configurable-http-proxy" in " ".join(p.cmdline()):
                    total += p.memory_info().rss
            except psutil.Error:
                continue
        return total / 2**20

    def stop(self, timeout_s: float = 30) -> list[int]:
        """Stop the hub (which stops the servers) and end whatever is still running.

        Returns the processes it started that are still alive afterwards (none, normally)."""
        if self.proc is None:
            return []
        try:
            family = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            family = []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for p in family:  # anything the hub did not stop: its servers, kernels, proxy
            try:
                p.kill()
            except psutil.Error:
                continue
        _, alive = psutil.wait_procs(family, timeout=10)
        self.proc = None
        return [p.pid for p in alive]

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- the admin API ------------------------------------------------------------------------
    def api(self, method: str, path: str, **kw) -> requests.Response:
        """A hub REST API call with the check service's token (``path`` under /hub/api)."""
        headers = {"Authorization": f"token {self.token}"}
        r = requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kw)
        r.raise_for_status()
        return r

    def home(self, name: str) -> Path:
        return self.root / "home" / name
