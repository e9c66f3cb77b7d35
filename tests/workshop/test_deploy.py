"""The set-up for growing past one server (deploy/) parses, and agrees with the planner and the
project: the image's limits hold the heaviest chapter, the prepared cache is mounted read-only
where BMW_SHARED_CACHE_DIR points, and the proxy is pinned and installed by `make`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from bigmodel_widgets.engine.workshop import planner, table

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _gib(size: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG])i?", str(size))
    assert m, f"not a Kubernetes size: {size!r}"
    return float(m.group(1)) / {"K": 2**20, "M": 2**10, "G": 1}[m.group(2)]


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d is not None]


def test_every_yaml_file_in_deploy_parses():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert files
    for path in files:
        assert all(isinstance(d, dict) for d in yaml.safe_load_all(path.read_text())), path


def test_z2jh_limits_hold_the_heaviest_chapter_in_full_mode():
    (values,) = _docs("z2jh/config.yaml")
    single = values["singleuser"]
    p = planner.plan(students=30, chapters="0-6", table=table.load_table(table.DEFAULT_TABLE))
    need_gib = max(p.per_student_mb.values()) / 1024
    assert _gib(single["memory"]["limit"]) >= need_gib, (single["memory"], need_gib)
    assert _gib(single["memory"]["guarantee"]) <= _gib(single["memory"]["limit"])
    assert values["cull"]["enabled"] is True


def test_the_prepared_cache_is_mounted_read_only_where_the_students_look():
    (values,) = _docs("z2jh/config.yaml")
    single = values["singleuser"]
    shared = single["extraEnv"]["BMW_SHARED_CACHE_DIR"]
    (mount,) = [m for m in single["storage"]["extraVolumeMounts"] if m["mountPath"] == shared]
    assert mount["readOnly"] is True
    (volume,) = [v for v in single["storage"]["extraVolumes"] if v["name"] == mount["name"]]
    claim = volume["persistentVolumeClaim"]["claimName"]
    docs = {d["kind"]: d for d in _docs("z2jh/prepared-cache.yaml")}
    assert docs["PersistentVolumeClaim"]["metadata"]["name"] == claim
    assert "ReadOnlyMany" in docs["PersistentVolumeClaim"]["spec"]["accessModes"]
    (job,) = docs["Job"]["spec"]["template"]["spec"]["containers"]
    assert job["command"][2:5] == ["bigmodel_widgets", "workshop", "prepare"]
    assert job["command"][5] == shared and "--seal" in job["command"]
    image = f"{single['image']['name']}:{single['image']['tag']}"
    assert job["image"] == image


def test_the_image_is_built_from_the_files_binder_uses():
    assert (ROOT / "environment.yml").is_file() and (ROOT / "postBuild").is_file()
    text = (DEPLOY / "z2jh/config.yaml").read_text()
    assert "repo2docker" in text and "environment.yml" in text


def test_the_proxy_is_pinned_and_installed_by_make():
    package = json.loads((DEPLOY / "proxy/package.json").read_text())
    pin = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin), "pin an exact version"
    lock = json.loads((DEPLOY / "proxy/package-lock.json").read_text())
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == pin
    makefile = (ROOT / "Makefile").read_text()
    assert "npm ci --prefix deploy/proxy" in makefile
    assert re.search(r"^setup:.*\bhub-proxy\b", makefile, re.M)
    assert "node_modules/" in (ROOT / ".gitignore").read_text()
    system = (ROOT / "scripts/install_system_packages.sh").read_text()
    assert "want+=(nodejs)" in system and "want+=(npm)" in system
