"""Strategies: same training, same result; Mirrored over logical CPUs runs in a fresh process."""
import math

import numpy as np
import pytest

from bigmodel_widgets.engine.parallel import (logical_cpu_count, make_strategy,
                                              mixed_precision_support, run_isolated, split_cpu,
                                              throughput_sweep, train_mlp)


def test_bad_strategy_arguments_name_the_argument():
    with pytest.raises(ValueError, match="strategy"):
        make_strategy("pipeline")
    with pytest.raises(ValueError, match="replicas"):
        make_strategy("mirrored", 0)
    with pytest.raises(ValueError, match="split_cpu"):
        make_strategy("mirrored", 64)
    with pytest.raises(ValueError, match="global_batch"):
        train_mlp("default", 2, global_batch=63)
    with pytest.raises(ValueError, match="job"):
        run_isolated("mine_bitcoin")
    with pytest.raises(ValueError, match="n must be"):
        split_cpu(0)


def test_split_after_tensorflow_started_is_a_clear_error():
    have = logical_cpu_count()  # starts TF's runtime in this process
    assert split_cpu(have) == [f"/CPU:{i}" for i in range(have)]  # same n: harmless
    with pytest.raises(RuntimeError, match="run_isolated"):
        split_cpu(have + 1)


def test_default_and_one_device_give_identical_training_in_process():
    a = train_mlp("default", 1, 64, 1, steps_per_epoch=4)
    b = train_mlp("one_device", 1, 64, 1, steps_per_epoch=4)
    assert a.steps == 4 and math.isfinite(a.final_loss)
    assert b.final_loss == pytest.approx(a.final_loss, rel=1e-6)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(wa, wb, atol=1e-6)
    assert a.samples_per_s is None or a.samples_per_s > 0


def test_mirrored_over_two_logical_cpus_matches_default_in_a_fresh_process():
    progress = []
    runs = run_isolated("compare_strategies", logical_cpus=2, timeout_s=400,
                        progress=lambda d, t, i: progress.append((d, t)), replicas=2,
                        global_batch=64, steps_per_epoch=5)
    kinds = [r["strategy"] for r in runs]
    assert kinds == ["default", "one_device", "mirrored"] and progress[-1] == (3, 3)
    mirrored = runs[2]
    assert mirrored["replicas"] == 2
    assert [d.rsplit("/", 1)[-1] for d in mirrored["devices"]] == ["device:CPU:0", "device:CPU:1"]
    for r in runs[1:]:
        assert r["final_loss"] == pytest.approx(runs[0]["final_loss"], rel=1e-5)
        assert r["test_accuracy"] == pytest.approx(runs[0]["test_accuracy"], abs=2e-3)


def test_throughput_sweep_rows():
    rows = throughput_sweep(batch_sizes=(32, 64), replica_counts=(1,), steps=4)
    assert [(r["global_batch"], r["replicas"]) for r in rows] == [(32, 1), (64, 1)]
    assert all(r["samples_per_s"] is None or r["samples_per_s"] > 0 for r in rows)


def test_mixed_precision_is_reported_not_faked():
    ok, why = mixed_precision_support()
    res = train_mlp("default", 1, 64, 1, steps_per_epoch=3, mixed_precision=True)
    assert res.mixed_precision == ok
    if not ok:
        assert why and res.notes and "not used" in res.notes[0]
