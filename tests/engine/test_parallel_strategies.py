"""Strategies: same training, same result; Mirrored over logical CPUs runs in a fresh process."""

import math
from pathlib import Path

import numpy as np
import pytest

from bigmodel_widgets.engine import backend, splits
from bigmodel_widgets.engine.parallel import (
    compare_strategies,
    load_mnist_split,
    logical_cpu_count,
    make_strategy,
    mixed_precision_support,
    run_isolated,
    split_cpu,
    throughput_sweep,
    train_mlp,
)


def test_bad_strategy_arguments_name_the_argument():
    with pytest.raises(ValueError, match="strategy"):
        make_strategy("pipeline")
    with pytest.raises(ValueError, match="replicas"):
        make_strategy("mirrored", replicas=0)
    with pytest.raises(ValueError, match="split_cpu"):
        make_strategy("mirrored", replicas=64)
    with pytest.raises(ValueError, match="global_batch"):
        train_mlp("default", replicas=2, global_batch=63)
    with pytest.raises(ValueError, match="job"):
        run_isolated("mine_bitcoin")
    with pytest.raises(ValueError, match="n must be"):
        split_cpu(0)
    with pytest.raises(ValueError, match="epochs"):
        train_mlp("default", epochs=0)
    with pytest.raises(ValueError, match="global_batch"):  # checked before any training
        compare_strategies(replicas=2, global_batch=63)
    with pytest.raises(ValueError, match="global_batch"):
        throughput_sweep(batch_sizes=(64, 33), replica_counts=(1, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda: split_cpu(2.0),
        lambda: split_cpu(True),
        lambda: make_strategy("default", replicas="2"),
        lambda: train_mlp("default", global_batch=64.0),
        lambda: train_mlp("default", epochs=None),
        lambda: train_mlp("default", steps_per_epoch=2.5),
        lambda: train_mlp("default", seed="0"),
        lambda: train_mlp("default", mixed_precision=1),
        lambda: run_isolated("train_mlp", logical_cpus="2"),
        lambda: run_isolated("train_mlp", timeout_s="5"),
        lambda: throughput_sweep(steps=1.5),
    ],
)
def test_wrong_argument_types_are_type_errors(call):
    with pytest.raises(TypeError, match="must be"):
        call()


def test_the_split_is_the_engine_one_scaled():
    x_tr, y_tr, x_te, y_te = load_mnist_split()
    ref = splits.mnist5k_split(seed=0)
    assert x_tr.dtype == np.float32 and x_tr.shape == (4000, 28, 28)
    np.testing.assert_array_equal(y_te, ref.y_test)
    np.testing.assert_allclose(x_te, ref.x_test / 255.0, rtol=1e-6)
    assert load_mnist_split(0)[0] is x_tr  # scaled once per process
    # kept in the core cache (worker processes read it there), not in a file of its own
    root = Path(backend.cache_dir())
    assert list((root / "mnist5k-split").glob("*.npz")) and not list(root.glob("mnist5k_split*"))


def test_split_after_tensorflow_started_is_a_clear_error():
    have = logical_cpu_count()  # starts TF's runtime in this process
    assert split_cpu(have) == [f"/CPU:{i}" for i in range(have)]  # same n: harmless
    with pytest.raises(RuntimeError, match="run_isolated"):
        split_cpu(have + 1)


def test_default_and_one_device_give_identical_training_in_process():
    a = train_mlp("default", global_batch=64, epochs=1, steps_per_epoch=4)
    b = train_mlp("one_device", global_batch=64, epochs=1, steps_per_epoch=4)
    assert a.steps == 4 and math.isfinite(a.final_loss)
    assert b.final_loss == pytest.approx(a.final_loss, rel=1e-6)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(wa, wb, atol=1e-6)
    assert a.samples_per_s is None or a.samples_per_s > 0


def test_mirrored_over_two_logical_cpus_matches_default_in_a_fresh_process():
    load_mnist_split()  # the split is in the core cache: the child reads it, never rebuilds
    entries = sorted((Path(backend.cache_dir()) / "mnist5k-split").iterdir())
    stamps = [p.stat().st_mtime_ns for p in entries]
    progress = []
    runs = run_isolated(
        "compare_strategies",
        logical_cpus=2,
        timeout_s=400,
        progress=lambda d, t, i: progress.append((d, t)),
        replicas=2,
        global_batch=64,
        steps_per_epoch=5,
    )
    kinds = [r["strategy"] for r in runs]
    assert kinds == ["default", "one_device", "mirrored"] and progress[-1] == (3, 3)
    mirrored = runs[2]
    assert mirrored["replicas"] == 2
    assert [d.rsplit("/", 1)[-1] for d in mirrored["devices"]] == ["device:CPU:0", "device:CPU:1"]
    for r in runs[1:]:
        assert r["final_loss"] == pytest.approx(runs[0]["final_loss"], rel=1e-5)
        assert r["test_accuracy"] == pytest.approx(runs[0]["test_accuracy"], abs=2e-3)
    after = sorted((Path(backend.cache_dir()) / "mnist5k-split").iterdir())
    assert after == entries and [p.stat().st_mtime_ns for p in after] == stamps


def test_train_mlp_progress_comes_from_the_core_clock_per_epoch():
    seen = []
    res = train_mlp(
        "default",
        global_batch=64,
        epochs=2,
        steps_per_epoch=3,
        progress=lambda d, t, i: seen.append((d, t, i["epoch"], "loss" in i)),
    )
    assert seen == [(1, 2, 1, True), (2, 2, 2, True)] and res.steps == 3 and res.epochs == 2
    assert res.samples_per_s is not None and res.samples_per_s > 0  # 6 steps timed
    assert res.notes == []


def test_interrupting_train_mlp_in_its_progress_keeps_the_model_and_says_so():
    def progress(done, total, info):
        raise KeyboardInterrupt  # the kernel's stop button, inside a progress bar

    res = train_mlp("default", global_batch=64, epochs=3, steps_per_epoch=2, progress=progress)
    assert res.notes == ["stopped early after 1 of 3 epoch(s)"]
    assert math.isfinite(res.final_loss) and 0.0 <= res.test_accuracy <= 1.0


def test_throughput_sweep_rows():
    rows = throughput_sweep(batch_sizes=(32, 64), replica_counts=(1,), steps=4)
    assert [(r["global_batch"], r["replicas"]) for r in rows] == [(32, 1), (64, 1)]
    assert all(r["samples_per_s"] is None or r["samples_per_s"] > 0 for r in rows)


def test_mixed_precision_is_reported_not_faked():
    ok, why = mixed_precision_support()
    res = train_mlp("default", global_batch=64, steps_per_epoch=3, mixed_precision=True)
    assert res.mixed_precision == ok
    if not ok:
        assert why and res.notes and "not used" in res.notes[0]
