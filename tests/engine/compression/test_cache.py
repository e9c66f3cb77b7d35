"""The result cache: atomic writes, corrupt files read as misses, safe concurrent readers."""
import json
import os
import threading

import pytest

from bigmodel_widgets.engine.compression import ResultCache, cache_key
from bigmodel_widgets.engine.compression import cache as cache_module


def test_put_get_round_trip_and_no_temp_left(tmp_path):
    cache = ResultCache(tmp_path)
    key = cache_key("m", "d", {"sparsity": 0.5})
    assert cache.get(key) is None
    cache.put(key, {"gzip_bytes": 123, "label": "prune50"})
    assert cache.get(key) == {"gzip_bytes": 123, "label": "prune50"}
    assert os.listdir(tmp_path) == [f"{key}.json"] and len(cache) == 1


def test_key_depends_on_model_data_and_config():
    base = cache_key("m", "d", {"sparsity": 0.5})
    assert base == cache_key("m", "d", {"sparsity": 0.5})
    assert len({base, cache_key("m2", "d", {"sparsity": 0.5}), cache_key("m", "d2", {"sparsity": 0.5}),
                cache_key("m", "d", {"sparsity": 0.8})}) == 4


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    cache = ResultCache(tmp_path)
    key = cache_key("m", "d", {})
    cache.put(key, {"v": 1})

    def dump_then_die(obj, fh):
        fh.write('{"key": "half')  # a partial write, then the process "dies"
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module.json, "dump", dump_then_die)
    with pytest.raises(KeyboardInterrupt):
        cache.put(key, {"v": 2})
    monkeypatch.undo()
    assert cache.get(key) == {"v": 1}
    assert os.listdir(tmp_path) == [f"{key}.json"]  # the temp file was removed


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe\x00", b"[1, 2, 3]",
                                     b'{"key": "other", "version": 1, "record": {}}'])
def test_corrupt_or_foreign_file_is_a_miss(tmp_path, content):
    cache = ResultCache(tmp_path)
    key = cache_key("m", "d", {})
    (tmp_path / f"{key}.json").write_bytes(content)
    assert cache.get(key) is None and cache.corrupt_reads == 1
    cache.put(key, {"v": 3})  # recomputed value replaces it
    assert cache.get(key) == {"v": 3}


def test_concurrent_readers_never_see_a_partial_file(tmp_path):
    cache = ResultCache(tmp_path)
    key = cache_key("m", "d", {})
    big = {"payload": list(range(20000))}
    cache.put(key, {"n": -1, **big})
    seen, stop = [], threading.Event()

    def reader():
        reader_cache = ResultCache(tmp_path)
        while not stop.is_set():
            seen.append(reader_cache.get(key))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for n in range(30):
        cache.put(key, {"n": n, **big})
    stop.set()
    for t in threads:
        t.join()
    assert seen and all(r is not None and len(r["payload"]) == 20000 for r in seen)


def test_bad_key_is_refused(tmp_path):
    with pytest.raises(ValueError, match="key"):
        ResultCache(tmp_path).get("../../etc/passwd")


def test_stored_file_is_plain_json(tmp_path):
    cache = ResultCache(tmp_path)
    key = cache_key("m", "d", {})
    cache.put(key, {"a": 1})
    stored = json.loads((tmp_path / f"{key}.json").read_text())
    assert stored["key"] == key and stored["record"] == {"a": 1}
