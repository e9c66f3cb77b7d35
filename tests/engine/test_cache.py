"""The core cache (engine/cache.py): canonical keys, atomic writes, one rebuild rule, prepared
read-only caches and one build across processes."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from bigmodel_widgets.engine import cache


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("BMW_CACHE_DIR", str(root))
    monkeypatch.delenv("BMW_SHARED_CACHE_DIR", raising=False)
    return root


def _write_text(value, path: Path) -> None:
    path.write_text(json.dumps(value))


def _read_text(path: Path):
    return json.loads(path.read_text())


def _files(root: Path) -> list[str]:
    """Every file and folder under ``root`` (hidden lock files excluded), relative."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.name.endswith(".lock"))


# ---- the key ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Cfg:
    epochs: int
    rate: float


def key(parts, *, kind="test", version=1):
    return cache.cache_key(kind=kind, parts=parts, version=version)


def test_key_ignores_dict_order_and_tuple_vs_list():
    a = key({"a": 1, "b": [1, 2], "c": {"x": 1, "y": 2}})
    b = key({"c": {"y": 2, "x": 1}, "b": (1, 2), "a": 1})
    assert a == b and len(a) == 16 and int(a, 16) >= 0


def test_key_treats_numpy_scalars_as_python_numbers():
    assert key({"n": np.int64(3), "f": np.float64(0.5), "b": np.bool_(True)}) == key(
        {"n": 3, "f": 0.5, "b": True}
    )


def test_key_hashes_array_contents_shape_and_dtype():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert key({"x": x}) == key({"x": x.copy()})
    assert key({"x": x.T}) == key({"x": np.ascontiguousarray(x.T)})  # layout does not matter
    assert key({"x": x}) != key({"x": x.reshape(4, 3)})
    assert key({"x": x}) != key({"x": x.astype(np.float64)})
    y = x.copy()
    y[0, 0] = 99
    assert key({"x": x}) != key({"x": y})


def test_key_reads_dataclasses_like_their_fields():
    assert key({"cfg": _Cfg(2, 0.1)}) == key({"cfg": {"rate": 0.1, "epochs": 2}})
    assert key({"cfg": _Cfg(2, 0.1)}) != key({"cfg": _Cfg(3, 0.1)})


def test_key_changes_with_what_determines_the_result():
    base = key({"a": 1})
    assert key({"a": 2}) != base
    assert key({"a": 1}, version=2) != base  # the cache's own format version
    assert key({"a": 1}, kind="other") != base
    assert key({"a": True}) != key({"a": 1})  # a flag is not a count
    assert key({"a": "1"}) != base


def test_key_depends_on_the_module_format_version(monkeypatch):
    before = key({"a": 1})
    monkeypatch.setattr(cache, "FORMAT_VERSION", cache.FORMAT_VERSION + 1)
    assert key({"a": 1}) != before


def test_key_rejects_parts_it_cannot_hash_canonically():
    with pytest.raises(TypeError, match="JSON-like"):
        key({"model": object()})
    with pytest.raises(ValueError, match="kind"):
        cache.cache_key(kind="bad kind/../x", parts={}, version=1)


# ---- fetch_or_build: hit, miss, atomic writes ------------------------------------------------
def _fetch(build, *, progress=None, parts=None, save=_write_text, load=_read_text, **kw):
    return cache.fetch_or_build(
        kind="test",
        parts=parts or {"a": 1},
        version=1,
        build=build,
        save=save,
        load=load,
        name="thing",
        suffix=".json",
        progress=progress,
        **kw,
    )


def test_builds_once_then_loads_and_reports_a_hit_as_done(cache_root):
    calls = []
    first = _fetch(lambda: calls.append(1) or {"v": 1})
    assert not first.from_cache and first.value == {"v": 1} and first.note is None
    assert first.path.parent == cache_root / "test" and first.path.suffix == ".json"
    seen = []
    second = _fetch(
        lambda: calls.append(1) or {"v": 2}, progress=lambda d, t, i: seen.append((d, t, i))
    )
    assert second.from_cache and second.value == {"v": 1} and second.path == first.path
    assert calls == [1] and seen == [(1, 1, {"cached": 1})]


def test_use_cache_false_builds_and_touches_nothing(cache_root):
    out = _fetch(lambda: {"v": 1}, use_cache=False)
    assert out.value == {"v": 1} and out.path is None and not out.from_cache
    assert not (cache_root / "test").exists()


def test_a_failing_save_leaves_no_entry_and_no_temp_file(cache_root):
    def bad_save(value, path):
        path.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        _fetch(lambda: {"v": 1}, save=bad_save)
    assert _files(cache_root / "test") == []
    assert _fetch(lambda: {"v": 1}).value == {"v": 1}  # and the next call builds normally


def test_a_save_that_writes_nothing_is_an_error_not_an_empty_entry(cache_root):
    with pytest.raises(RuntimeError, match="wrote nothing"):
        _fetch(lambda: {"v": 1}, save=lambda value, path: None)
    assert _files(cache_root / "test") == []


def _save_folder(value, path: Path) -> None:
    path.mkdir()
    (path / "value.json").write_text(json.dumps(value))


def _load_folder(path: Path):
    return json.loads((path / "value.json").read_text())


def test_a_folder_entry_replaces_a_stale_folder_whole(cache_root):
    entry = cache.CacheEntry.for_parts(kind="test", parts={"a": 1}, version=1, name="model")
    assert entry.save({"v": 1}, _save_folder) == entry.path
    (entry.path / "stale-extra.bin").write_bytes(b"old")
    entry.save({"v": 2}, _save_folder)
    assert sorted(p.name for p in entry.path.iterdir()) == ["value.json"]
    assert entry.load(_load_folder)[0] == {"v": 2}
    assert [p.name for p in entry.path.parent.iterdir() if p.name.endswith((".old", ".tmp"))] == []


def test_a_folder_entry_replaces_a_stale_file_of_the_same_name(cache_root):
    entry = cache.CacheEntry.for_parts(kind="test", parts={"a": 2}, version=1, name="model")
    entry.path.parent.mkdir(parents=True, exist_ok=True)
    entry.path.write_bytes(b"an older layout wrote a file here")
    entry.save({"v": 3}, _save_folder)
    assert entry.load(_load_folder)[0] == {"v": 3}


def test_an_unreadable_entry_is_one_note_and_a_rebuild(cache_root):
    first = _fetch(lambda: {"v": 1})
    first.path.write_bytes(b"\0\0\0")
    with pytest.warns(cache.CacheNote) as notes:
        again = _fetch(lambda: {"v": 1})
    messages = [str(n.message) for n in notes]
    assert len(messages) == 1 and "\n" not in messages[0]
    assert "unreadable" in messages[0] and first.path.name in messages[0]
    assert again.value == {"v": 1} and not again.from_cache and again.note == messages[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", cache.CacheNote)
        assert _fetch(lambda: {"v": 9}).value == {"v": 1}  # the rebuilt entry reads cleanly


def test_save_and_load_json_round_trip(tmp_path):
    cache.save_json({"a": [1, 2.5, None]}, tmp_path / "x.json")
    assert cache.load_json(tmp_path / "x.json") == {"a": [1, 2.5, None]}


# ---- prepared, read-only caches -------------------------------------------------------------
@pytest.fixture
def read_only(tmp_path, monkeypatch):
    """A BMW_CACHE_DIR the user cannot write, and a shared folder holding a prepared entry."""
    shared, own = tmp_path / "shared", tmp_path / "own"
    monkeypatch.setenv("BMW_SHARED_CACHE_DIR", str(shared))
    monkeypatch.setenv("BMW_CACHE_DIR", str(shared))
    _fetch(lambda: {"v": "prepared"})  # the workshop's organiser prepares the entry
    own.mkdir()
    own.chmod(0o555)
    monkeypatch.setenv("BMW_CACHE_DIR", str(own))
    if os.access(own, os.W_OK):
        # root ignores file modes, so os.access says "writable"; make it answer as it would for
        # a student. The cache code still could write there: the test checks that it does not.
        real = os.access
        monkeypatch.setattr(
            cache.os,
            "access",
            lambda p, mode, **kw: (
                False if Path(p) == own and mode & os.W_OK else real(p, mode, **kw)
            ),
        )
    yield shared, own
    own.chmod(0o755)


def test_a_prepared_read_only_cache_is_read_never_written(read_only):
    shared, own = read_only
    before = {p: p.stat().st_mtime_ns for p in shared.rglob("*")}
    built = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", cache.CacheNote)  # a hit says nothing
        out = _fetch(lambda: built.append(1) or {"v": "new"})
    assert out.from_cache and out.value == {"v": "prepared"} and built == []
    assert out.path.is_relative_to(shared)
    assert list(own.iterdir()) == []
    assert {p: p.stat().st_mtime_ns for p in shared.rglob("*")} == before


def test_a_miss_in_a_read_only_cache_builds_in_memory_and_says_so(read_only):
    shared, own = read_only
    with pytest.warns(cache.CacheNote, match="read-only"):
        out = _fetch(lambda: {"v": "fresh"}, parts={"a": "not prepared"})
    assert out.value == {"v": "fresh"} and not out.from_cache and out.path is None
    assert out.note and "read-only" in out.note and "\n" not in out.note
    assert list(own.iterdir()) == []


def test_an_unreadable_prepared_entry_is_rebuilt_without_touching_it(read_only):
    shared, own = read_only
    (prepared,) = [p for p in shared.rglob("*.json")]
    prepared.write_bytes(b"garbage")
    with pytest.warns(cache.CacheNote) as notes:
        out = _fetch(lambda: {"v": "rebuilt"})
    unreadable = [str(n.message) for n in notes if "unreadable" in str(n.message)]
    assert len(unreadable) == 1, unreadable  # said once, though looked at twice (lock)
    assert out.value == {"v": "rebuilt"} and prepared.read_bytes() == b"garbage"
    assert list(own.iterdir()) == []


# ---- two processes, one build ----------------------------------------------------------------
_BUILDER = textwrap.dedent("""
    import json, sys, time, warnings
    from pathlib import Path
    from bigmodel_widgets.engine import cache

    counter = Path(sys.argv[1])

    def build():
        with open(counter, "a") as fh:
            fh.write("built\\n")
        time.sleep(float(sys.argv[2]))
        return {"value": time.time()}

    progress = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = cache.fetch_or_build(kind="race", parts={"x": 1}, version=1, build=build,
                                   save=cache.save_json, load=cache.load_json, suffix=".json",
                                   progress=lambda d, t, i: progress.append([d, t, i]))
    print(json.dumps({"value": out.value, "from_cache": out.from_cache, "progress": progress,
                      "notes": [str(w.message) for w in caught
                                if issubclass(w.category, cache.CacheNote)]}))
""")


def _start(counter: Path, sleep_s: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _BUILDER, str(counter), str(sleep_s)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def test_two_processes_building_the_same_key_end_with_one_build(cache_root, tmp_path):
    counter = tmp_path / "builds.txt"
    first = _start(counter, 4.0)
    deadline = time.monotonic() + 120
    while not counter.exists():  # the first one is inside build(), holding the lock
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first builder never started building"
        time.sleep(0.05)
    second = _start(counter, 0.0)
    outs = []
    for proc in (first, second):
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr[-2000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    a, b = outs
    assert counter.read_text().splitlines() == ["built"]
    assert a["value"] == b["value"] and not a["from_cache"] and b["from_cache"]
    assert any("waiting" in n for n in b["notes"]), b["notes"]
    assert b["progress"][0] == [0, 1, {"waiting": 1}] and b["progress"][-1] == [1, 1, {"cached": 1}]
