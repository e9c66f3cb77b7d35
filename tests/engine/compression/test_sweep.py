"""Sweeps: progress, caching, resume after an interrupt, corrupt files recomputed, selection."""

import pytest

from bigmodel_widgets.engine import cache as core_cache
from bigmodel_widgets.engine.compression import (
    CompressionConfig,
    ResultCache,
    Sweep,
    SweepSpec,
    default_spec,
    pareto_front,
    smallest_within,
)

SPEC = SweepSpec(
    sparsities=(0.0, 0.5), clusters=(0,), quant_modes=("none", "dynamic"), qat=(False,), epochs=1
)


def test_interrupted_sweep_resumes_and_corrupt_points_are_recomputed(tiny, tmp_path):
    cache = ResultCache(tmp_path)
    calls = []

    def interrupt_after_two(done, total, info):
        calls.append((done, total))
        if done == 2:
            raise KeyboardInterrupt  # what a kernel interrupt looks like inside the loop

    first = Sweep(tiny, SPEC, cache=cache, latency_repeats=3)
    with pytest.raises(KeyboardInterrupt):
        first.run(progress=interrupt_after_two)
    assert calls == [(0, 4), (1, 4), (2, 4)]
    assert first.computed == 2 and len(cache) == 2  # finished points kept on disk

    seen = []
    second = Sweep(tiny, SPEC, cache=cache, latency_repeats=3)
    second.observe(seen.append)
    records = second.run()
    assert second.computed == 2  # only the two missing points
    assert [r["label"] for r in records] == ["baseline", "dynamic", "prune50", "prune50+dynamic"]
    assert len(seen) == 4 and len(cache) == 4
    assert records[0]["ratio"] == 1.0 and records[3]["ratio"] > records[1]["ratio"] > 1

    # Damage one file: the next sweep recomputes that point only, without crashing.
    victim = second.key(CompressionConfig(sparsity=0.5, epochs=1))
    with open(cache.path(victim), "w") as fh:
        fh.write('{"key": "' + victim + '", "record": {')
    third = Sweep(tiny, SPEC, cache=cache, latency_repeats=3)
    with pytest.warns(core_cache.CacheNote, match="unreadable"):
        again = third.run()
    assert third.computed == 1 and cache.corrupt_reads >= 1
    assert [r["label"] for r in again] == [r["label"] for r in records]
    assert again[2]["gzip_bytes"] == records[2]["gzip_bytes"]  # same seed, same model, same bytes

    # cached() never computes; an uncomputed point is None.
    assert third.cached(CompressionConfig(sparsity=0.5, quant="float16", epochs=1)) is None
    assert third.cached(CompressionConfig(epochs=1))["label"] == "baseline"


def test_sweep_key_changes_with_the_weights(tiny, tmp_path):
    from bigmodel_widgets.engine.compression import CompressionSetup, clone

    other = clone(tiny.base)
    other.set_weights([w * 0.5 for w in other.get_weights()])
    a = Sweep(tiny, SPEC, cache=ResultCache(tmp_path))
    b = Sweep(CompressionSetup(other, tiny.data), SPEC, cache=ResultCache(tmp_path))
    cfg = CompressionConfig(epochs=1)
    assert a.key(cfg) != b.key(cfg)


def _rec(label, gz, acc, base_acc=0.9):
    return {
        "label": label,
        "gzip_bytes": gz,
        "accuracy": acc,
        "acc_drop_pts": 100 * (base_acc - acc),
    }


def test_pareto_front_and_smallest_within_tolerance():
    recs = [
        _rec("base", 100, 0.90),
        _rec("a", 50, 0.895),
        _rec("b", 60, 0.85),
        _rec("c", 20, 0.80),
        _rec("d", 30, 0.88),
        _rec("e", 10, 0.5),
    ]
    assert [r["label"] for r in pareto_front(recs)] == ["e", "c", "d", "a", "base"]
    assert smallest_within(recs, 1.0)["label"] == "a"
    assert smallest_within(recs, 2.0)["label"] == "d"
    assert smallest_within(recs, 100)["label"] == "e"
    assert smallest_within([_rec("x", 5, 0.1)], 1.0) is None
    with pytest.raises(ValueError, match="tolerance"):
        smallest_within(recs, -1)


def test_setup_type_is_checked(tmp_path, tiny):
    with pytest.raises(TypeError, match="setup"):
        Sweep("not a setup", SPEC, cache=ResultCache(tmp_path))
    with pytest.raises(TypeError, match="latency_repeats"):
        Sweep(tiny, SPEC, cache=ResultCache(tmp_path), latency_repeats=None)
    with pytest.raises(ValueError, match="latency_repeats"):
        Sweep(tiny, SPEC, cache=ResultCache(tmp_path), latency_repeats=0)


def test_default_spec_takes_quick_from_the_caller():
    assert len(default_spec(quick=True).configs()) == 6
    assert len(default_spec(quick=False).configs()) == 28 and default_spec() == SweepSpec()
    with pytest.raises(TypeError, match="quick"):
        default_spec(quick="yes")


def test_cached_is_a_pure_lookup_and_observers_can_be_removed(tiny, tmp_path):
    cache = ResultCache(tmp_path)
    Sweep(tiny, SPEC, cache=cache, latency_repeats=3).baseline()  # one point on disk
    sweep = Sweep(tiny, SPEC, cache=cache, latency_repeats=3)
    seen, other = [], []
    remove = sweep.observe(seen.append)
    sweep.observe(other.append)
    base = sweep.cached(CompressionConfig(epochs=1))
    assert base is not None and seen == [] and other == []  # a disk hit notifies nobody
    assert sweep.results() == [base] and sweep.computed == 0
    assert sweep.compute(CompressionConfig(epochs=1)) is base and seen == []  # already known
    remove()
    sweep.unobserve(other.append)
    sweep.unobserve(other.append)  # twice is fine
    sweep.compute(CompressionConfig(quant="dynamic", epochs=1))
    assert sweep.computed == 1 and seen == [] and other == []
    again = []
    sweep.observe(again.append)
    record = sweep.compute(CompressionConfig(quant="float16", epochs=1))
    assert again == [record]
    with pytest.raises(TypeError, match="callback"):
        sweep.observe("not callable")
