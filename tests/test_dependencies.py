"""Declared dependencies match imports: every third-party distribution the package imports is
declared in pyproject.toml, and every declared one is imported (or listed below, with why)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "bigmodel_widgets"

# Declared but never imported by the package: needed at run time all the same.
RUNTIME_ONLY = {
    "jupyterlab": "the notebooks' front end (`make lab`); the package never imports it",
    "jupyterlab-language-pack-zh-cn": "JupyterLab's Simplified Chinese UI (the Lab loads it)",
}
# The benchmarks (bigmodel_widgets/bench/) may also use the `bench` extra: peers to measure against.
BENCH_EXTRA = "bench"


def _norm(name: str) -> str:
    """PEP 503 name: ``tf_keras`` and ``TF-Keras`` are the same distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist_name(requirement: str) -> str:
    return _norm(re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0))


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _imported_modules(files) -> dict[str, set[str]]:
    """Top-level module name -> files importing it (absolute imports, at any depth)."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _third_party(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """Distribution (normalized) -> files whose imports need it."""
    owners = packages_distributions()
    out: dict[str, set[str]] = {}
    for module, files in modules.items():
        if module in sys.stdlib_module_names or module in {"bigmodel_widgets", "__future__"}:
            continue
        dists = owners.get(module)
        assert dists, f"{module} (imported by {sorted(files)}) belongs to no installed distribution"
        for dist in dists:
            out.setdefault(_norm(dist), set()).update(files)
    return out


def _package_files(bench: bool) -> list[Path]:
    files = sorted(PKG.rglob("*.py"))
    return [p for p in files if (p.parent.name == "bench") == bench]


def test_every_imported_distribution_is_declared():
    declared = {_dist_name(d) for d in _project()["dependencies"]}
    used = _third_party(_imported_modules(_package_files(bench=False)))
    missing = {d: sorted(f) for d, f in used.items() if d not in declared}
    assert not missing, f"imported but not in [project.dependencies]: {missing}"


def test_benchmarks_import_only_declared_distributions():
    project = _project()
    declared = {_dist_name(d) for d in project["dependencies"]}
    declared |= {_dist_name(d) for d in project["optional-dependencies"][BENCH_EXTRA]}
    used = _third_party(_imported_modules(_package_files(bench=True)))
    missing = {d: sorted(f) for d, f in used.items() if d not in declared}
    assert not missing, f"benchmarks import undeclared distributions: {missing}"


def test_every_declared_dependency_is_imported():
    used = set(_third_party(_imported_modules(_package_files(bench=False))))
    unused = sorted(
        d
        for d in map(_dist_name, _project()["dependencies"])
        if d not in used and d not in RUNTIME_ONLY
    )
    assert not unused, f"declared in [project.dependencies] but never imported: {unused}"
    stale = sorted(d for d in RUNTIME_ONLY if d not in map(_dist_name, _project()["dependencies"]))
    assert not stale, f"RUNTIME_ONLY names undeclared distributions: {stale}"


def test_bench_extra_is_used_by_the_benchmarks():
    used = set(_third_party(_imported_modules(_package_files(bench=True))))
    unused = sorted(
        d
        for d in map(_dist_name, _project()["optional-dependencies"][BENCH_EXTRA])
        if d not in used
    )
    assert not unused, f"the bench extra declares {unused}, which no benchmark imports"


def test_the_check_sees_function_level_imports():
    # Heavy modules are imported inside functions (cheap top-level import): the walk must see them.
    used = _third_party(_imported_modules(_package_files(bench=False)))
    assert "tensorflow" in used and "scipy" in used and "pillow" in used
