"""The sweep's result cache: core cache entries, atomic writes, damaged entries read as misses."""

import json
import os
import threading
import warnings

import pytest

from bigmodel_widgets.engine import cache as core_cache
from bigmodel_widgets.engine.compression import ResultCache, check_record, point_key


def _record(**overrides) -> dict:
    """A complete record, as ``run_experiment`` makes them."""
    record = {
        "label": "prune50",
        "config": {"sparsity": 0.5},
        "raw_bytes": 1000,
        "gzip_bytes": 123,
        "ratio": 2.5,
        "accuracy": 0.9,
        "acc_drop_pts": 0.1,
        "latency_us": 12.5,
        "layer_sparsity": {"dense": 0.5},
        "histogram": {"counts": [1, 2], "edges": [0, 1, 2]},
    }
    record.update(overrides)
    return record


def test_put_get_round_trip_and_no_temp_left(tmp_path):
    cache = ResultCache(tmp_path)
    key = point_key("m", "d", {"sparsity": 0.5})
    assert cache.get(key) is None
    cache.put(key, _record())
    assert cache.get(key) == _record()
    assert os.listdir(tmp_path) == [os.path.basename(cache.path(key))] and len(cache) == 1


def test_default_root_is_the_engine_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    cache = ResultCache()
    key = point_key("m", "d", {})
    cache.put(key, _record())
    assert cache.path(key).startswith(str(tmp_path / "compression-sweep"))
    assert ResultCache().get(key) == _record() and len(cache) == 1
    cache.clear()
    assert len(cache) == 0 and ResultCache().get(key) is None


def test_key_depends_on_model_data_and_config():
    base = point_key("m", "d", {"sparsity": 0.5})
    assert base == point_key("m", "d", {"sparsity": 0.5})
    assert (
        len(
            {
                base,
                point_key("m2", "d", {"sparsity": 0.5}),
                point_key("m", "d2", {"sparsity": 0.5}),
                point_key("m", "d", {"sparsity": 0.8}),
            }
        )
        == 4
    )


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    cache = ResultCache(tmp_path)
    key = point_key("m", "d", {})
    cache.put(key, _record(gzip_bytes=1))

    def dump_then_die(obj, fh):
        fh.write('{"key": "half')  # a partial write, then the process "dies"
        raise KeyboardInterrupt

    monkeypatch.setattr(core_cache.json, "dump", dump_then_die)
    with pytest.raises(KeyboardInterrupt):
        cache.put(key, _record(gzip_bytes=2))
    monkeypatch.undo()
    assert cache.get(key)["gzip_bytes"] == 1
    assert os.listdir(tmp_path) == [os.path.basename(cache.path(key))]  # the temp file was removed


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b"\0" * 64,
        b'{"key": "other", "version": 1, "record": {}}',
    ],
)
def test_corrupt_or_foreign_file_is_a_noted_miss(tmp_path, content):
    cache = ResultCache(tmp_path)
    key = point_key("m", "d", {})
    with open(cache.path(key), "wb") as fh:
        fh.write(content)
    with pytest.warns(core_cache.CacheNote, match="unreadable"):
        assert cache.get(key) is None
    assert cache.corrupt_reads == 1
    cache.put(key, _record(gzip_bytes=3))  # recomputed value replaces it
    with warnings.catch_warnings():
        warnings.simplefilter("error", core_cache.CacheNote)
        assert cache.get(key)["gzip_bytes"] == 3


@pytest.mark.parametrize(
    "field", ["label", "gzip_bytes", "accuracy", "histogram", "layer_sparsity"]
)
def test_a_record_missing_a_field_is_not_stored_nor_read(tmp_path, field):
    cache = ResultCache(tmp_path)
    key = point_key("m", "d", {})
    incomplete = {k: v for k, v in _record().items() if k != field}
    with pytest.raises(ValueError, match=field):
        cache.put(key, incomplete)
    with open(cache.path(key), "w") as fh:  # an older engine's record, say
        json.dump({"key": key, "version": 1, "record": incomplete}, fh)
    with pytest.warns(core_cache.CacheNote):
        assert cache.get(key) is None
    with pytest.raises(ValueError, match="accuracy"):
        check_record(_record(accuracy="high"))


def test_concurrent_readers_never_see_a_partial_file(tmp_path):
    cache = ResultCache(tmp_path)
    key = point_key("m", "d", {})
    big = {"payload": list(range(20000))}
    cache.put(key, _record(gzip_bytes=-1, **big))
    seen, stop = [], threading.Event()

    def reader():
        reader_cache = ResultCache(tmp_path)
        while not stop.is_set():
            seen.append(reader_cache.get(key))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for n in range(30):
        cache.put(key, _record(gzip_bytes=n, **big))
    stop.set()
    for t in threads:
        t.join()
    assert seen and all(r is not None and len(r["payload"]) == 20000 for r in seen)


def test_bad_key_is_refused(tmp_path):
    with pytest.raises(ValueError, match="key"):
        ResultCache(tmp_path).get("../../etc/passwd")


def test_stored_file_is_plain_json(tmp_path):
    cache = ResultCache(tmp_path)
    key = point_key("m", "d", {})
    cache.put(key, _record())
    with open(cache.path(key)) as fh:
        stored = json.load(fh)
    assert stored["key"] == key and stored["record"] == _record()
