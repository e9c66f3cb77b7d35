"""Prepare once, share read-only: a sealed prepared cache is read and never written; two
processes building the same entry at the same moment leave one loadable result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from bigmodel_widgets.engine.workshop import prepare


def _kernel(code: str, env: dict, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prepared")
    done = []
    manifest = prepare.prepare(
        folder, steps=["splits"], seal_after=True, step_done=lambda n, s: done.append(n)
    )
    yield folder, manifest, done
    for p in [folder, *folder.rglob("*")]:  # let pytest clean it up
        p.chmod(0o755 if p.is_dir() else 0o644)


def test_prepare_builds_the_steps_writes_a_manifest_and_seals(prepared):
    folder, manifest, done = prepared
    assert done == ["splits"] and set(manifest["steps"]) == {"splits"}
    assert json.loads((folder / prepare.MANIFEST).read_text())["steps"] == manifest["steps"]
    assert list((folder / "mnist5k-split").iterdir()), "the split was not built into the folder"
    modes = {p.stat().st_mode & 0o222 for p in [folder, *folder.rglob("*")]}
    assert modes == {0}, "sealed: no write bit anywhere"


def test_a_sealed_prepared_cache_is_used_without_writes(prepared, tmp_path):
    folder, _, _ = prepared
    before = prepare.snapshot(folder)
    own = tmp_path / "student-cache"
    code = textwrap.dedent("""
        import json, warnings
        from bigmodel_widgets.engine import cache, splits
        with warnings.catch_warnings():
            warnings.simplefilter("error", cache.CacheNote)  # a hit says nothing
            split = splits.mnist5k_split(seed=0)
        print(json.dumps({"n": int(len(split.y_train))}))
    """)
    r = _kernel(code, {"BMW_SHARED_CACHE_DIR": str(folder), "BMW_CACHE_DIR": str(own)})
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout.strip().splitlines()[-1])["n"] > 0
    assert prepare.snapshot(folder) == before, "the prepared cache was written to"
    assert not list(own.rglob("*.npz")), "the student's cache rebuilt what was prepared"


def test_prepare_refuses_a_sealed_folder_and_unknown_steps(prepared, tmp_path):
    folder, _, _ = prepared
    if os.geteuid() != 0:  # root may write anywhere: the folder's mode cannot stop it
        with pytest.raises(PermissionError, match="read-only"):
            prepare.prepare(folder, steps=["splits"])
    with pytest.raises(ValueError, match="step"):
        prepare.prepare(tmp_path, steps=["everything"])


_RACER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    go = Path(sys.argv[1])
    while not go.exists():  # both start building at the same moment
        time.sleep(0.01)
    from bigmodel_widgets.engine import splits
    split = splits.mnist5k_split(seed=0)
    print(json.dumps({"n": int(len(split.y_train)), "sum": int(split.y_train.sum())}))
""")


def test_two_kernels_building_the_same_entry_leave_one_loadable_result(tmp_path):
    cache_dir, go = tmp_path / "cache", tmp_path / "go"
    env = {**os.environ, "BMW_CACHE_DIR": str(cache_dir)}
    env.pop("BMW_SHARED_CACHE_DIR", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    go.touch()
    outs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=240)
        assert p.returncode == 0, stderr[-2000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    assert outs[0] == outs[1]
    entries = [p for p in (cache_dir / "mnist5k-split").iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1, entries
    leftovers = [p.name for p in (cache_dir / "mnist5k-split").iterdir() if ".tmp" in p.name]
    assert not leftovers
    # the one entry loads in a third process that may only read it: the same split, no note
    own = tmp_path / "third"
    code = textwrap.dedent("""
        import json, warnings
        from bigmodel_widgets.engine import cache, splits
        warnings.simplefilter("error", cache.CacheNote)  # unreadable -> a note -> an error here
        split = splits.mnist5k_split(seed=0)
        print(json.dumps({"n": int(len(split.y_train)), "sum": int(split.y_train.sum())}))
    """)
    again = _kernel(code, {"BMW_SHARED_CACHE_DIR": str(cache_dir), "BMW_CACHE_DIR": str(own)})
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout.strip().splitlines()[-1]) == outs[0]
    assert not list(own.rglob("*.npz")), "the entry was not loadable: it was built again"
