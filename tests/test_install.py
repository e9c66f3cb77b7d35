"""The package works from a non-editable install: a wheel built from the source, installed into
a fresh virtual environment that cannot see this checkout, imports, finds its sample images and
starts its child processes. The notebooks name no path into the checkout either."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Files a wheel is built from (pyproject's readme included); caches and build leftovers are not.
SOURCE = ("pyproject.toml", "README.md", "bigmodel_widgets")
PIP_ENV = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INDEX": "1", "PIP_NO_INPUT": "1"}


def _run(cmd, *, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd[:4]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A wheel of this source, installed with ``pip install --no-deps --target`` into the
    site-packages of a fresh venv whose only other path entry is this venv's site-packages
    (via a .pth line, which does not run this venv's editable-install hook: the checkout is
    out of reach)."""
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCE:  # build from a copy: setuptools writes build/ and *.egg-info beside it
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(ROOT / name, src / name)
    env = {**os.environ, **PIP_ENV}
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "wheels"),
            str(src),
        ],
        cwd=tmp,
        env=env,
    )
    (wheel,) = (tmp / "wheels").glob("bigmodel_widgets-*.whl")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp,
        ).stdout.strip()
    )
    (site / "_bmw_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        cwd=tmp,
        env=env,
    )
    work = tmp / "work"  # the child's working folder: neither the checkout nor the install
    work.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {"python": python, "site": site, "wheel": wheel, "work": work, "env": clean_env}


def _child(installed: dict, code: str, timeout: int = 600) -> dict:
    proc = _run(
        [str(installed["python"]), "-c", textwrap.dedent(code)],
        cwd=installed["work"],
        env=installed["env"],
        timeout=timeout,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_wheel_carries_the_samples(installed):
    import zipfile

    names = zipfile.ZipFile(installed["wheel"]).namelist()
    assert "bigmodel_widgets/samples/digit_photo_7.jpg" in names
    assert not [n for n in names if n.startswith(("tests/", "data/", "notebooks/"))]


def test_installed_package_imports_and_reads_a_sample(installed):
    out = _child(
        installed,
        """
        import json, sys
        import bigmodel_widgets as bmw
        path = bmw.sample_path("digit_photo_7.jpg")
        print(json.dumps({"file": bmw.__file__, "sample": str(path),
                          "shape": list(bmw.read_image(path).shape), "path": sys.path}))
    """,
    )
    site = installed["site"].resolve()
    assert site in Path(out["file"]).resolve().parents, out["file"]
    assert site in Path(out["sample"]).resolve().parents, out["sample"]
    assert out["shape"][2] == 3
    assert not [p for p in out["path"] if p and Path(p).resolve() == ROOT], "checkout on sys.path"


def test_installed_package_runs_its_child_processes(installed):
    # The grandchild is started by the installed package; the checkout is out of its reach, so
    # it can only succeed by importing the installed copy (about 6 s here).
    out = _child(
        installed,
        """
        import json
        import bigmodel_widgets as bmw
        result = bmw.run_isolated("train_mlp", logical_cpus=1, timeout_s=300, global_batch=64,
                                  steps_per_epoch=2)
        print(json.dumps({"result": result}))
    """,
    )
    assert out["result"]["final_loss"] > 0


NOTEBOOK_CHECKOUT_PATHS = re.compile(r"\.\./|\bdata/|sys\.path|os\.chdir|__file__|notebooks/")


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem
)
def test_notebooks_name_no_path_into_the_checkout(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    bad = [
        line.strip()
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if NOTEBOOK_CHECKOUT_PATHS.search(line)
    ]
    assert not bad, f"{notebook.name} reaches into the checkout: {bad}"
