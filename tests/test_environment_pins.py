"""One source of truth for versions: environment.yml, pyproject.toml and the lock agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        m = re.match(r"^\s*(?:-\s*)?([A-Za-z0-9_.\-]+)==([^\s#;]+)", line)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_environment_yml_matches_lock():
    lock = _pins((ROOT / "requirements/lock.txt").read_text().splitlines())
    nodeps = _pins((ROOT / "requirements/data-nodeps.txt").read_text().splitlines())
    env_text = (ROOT / "environment.yml").read_text()
    env = _pins(env_text.splitlines())
    assert env, "environment.yml pins nothing"
    for name, version in env.items():
        expected = lock.get(name) or nodeps.get(name)
        assert expected is not None, f"environment.yml pins {name}, which the lock does not"
        assert version == expected, f"{name}: environment.yml {version} vs lock {expected}"
    m = re.search(r"python\s*=\s*([0-9.]+)", env_text)
    assert m and m.group(1).startswith("3.11")


def test_every_direct_dependency_is_in_environment_yml_and_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = list(project["dependencies"]) + [
        d for extra in project["optional-dependencies"].values() for d in extra
    ]
    lock = _pins((ROOT / "requirements/lock.txt").read_text().splitlines())
    env = _pins((ROOT / "environment.yml").read_text().splitlines())
    for dep in deps:
        name = re.match(r"[A-Za-z0-9_.\-]+", dep).group(0).lower().replace("_", "-")
        assert name in lock, f"{name} is a dependency but not pinned in requirements/lock.txt"
        assert name in env, f"{name} is a dependency but missing from environment.yml"
        m = re.search(r"==([^\s,;]+)", dep)
        if m and not m.group(1).endswith("*"):
            assert lock[name] == m.group(1), f"{name}: pyproject {m.group(1)} vs lock {lock[name]}"


def test_stack_versions_from_shared_stack_md():
    lock = _pins((ROOT / "requirements/lock.txt").read_text().splitlines())
    assert lock["tensorflow"] == "2.21.0" and lock["tf-keras"] == "2.21.0"
    assert lock["tensorflow-model-optimization"] == "0.8.1"
    assert lock["transformers"] == "4.54.1" and lock["ai-edge-litert"] == "2.3.0"
    assert lock["numpy"].startswith("2.") and lock["opencv-python-headless"].startswith("5.")
    assert "tensorflow-cpu" not in lock and "torch" not in lock


def test_ruff_is_pinned_configured_and_run_before_the_tests():
    lock = _pins((ROOT / "requirements/lock.txt").read_text().splitlines())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    test_extra = pyproject["project"]["optional-dependencies"]["test"]
    assert f"ruff=={lock['ruff']}" in test_extra, "pin ruff in the test extra as in the lock"
    assert pyproject["tool"]["ruff"]["lint"]["select"], "ruff needs a rule set in pyproject.toml"
    makefile = (ROOT / "Makefile").read_text()
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert lint and "ruff check" in lint.group(1) and "ruff format --check" in lint.group(1)
    assert re.search(r"^test:.*\blint\b", makefile, re.M), "`make test` must run `lint` first"
