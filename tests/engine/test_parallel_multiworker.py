"""MultiWorkerMirroredStrategy for real: two worker processes on 127.0.0.1 ports via TF_CONFIG."""

import pytest

from bigmodel_widgets.engine.parallel import (
    WorkerError,
    free_ports,
    run_isolated,
    run_multi_worker,
    tf_config,
    train_mlp,
)


def test_tf_config_and_ports():
    ports = free_ports(3)
    assert len(set(ports)) == 3
    cfg = tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1)
    assert cfg == {
        "cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]},
        "task": {"type": "worker", "index": 1},
    }
    with pytest.raises(ValueError, match="index"):
        tf_config(["a:1"], 1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="workers"):
        run_multi_worker(workers=0)
    with pytest.raises(ValueError, match="crash_worker"):
        run_multi_worker(workers=2, crash_worker=2)
    with pytest.raises(ValueError, match="global_batch"):
        run_multi_worker(workers=2, global_batch=33)
    with pytest.raises(ValueError, match="timeout_s"):
        run_isolated("train_mlp", timeout_s=0)
    with pytest.raises(TypeError, match="workers"):
        run_multi_worker(workers=2.0)
    with pytest.raises(TypeError, match="crash_worker"):
        run_multi_worker(workers=2, crash_worker="1")
    with pytest.raises(TypeError):
        run_multi_worker(2)  # keyword-only


@pytest.mark.slow
def test_two_workers_train_in_sync_and_match_one_device():
    seen = []
    out = run_multi_worker(
        workers=2,
        global_batch=64,
        epochs=1,
        steps_per_epoch=3,
        timeout_s=400,
        progress=lambda d, t, i: seen.append((d, t)),
    )
    r0, r1 = out["results"]
    assert (r0["task"], r1["task"]) == (0, 1) and r0["replicas"] == r1["replicas"] == 2
    assert all(a.startswith("127.0.0.1:") for a in out["addresses"])
    assert r0["weights_sum"] == pytest.approx(r1["weights_sum"], rel=1e-6)  # kept in sync
    single = train_mlp("default", global_batch=64, epochs=1, steps_per_epoch=3)
    assert r0["final_loss"] == pytest.approx(single.final_loss, rel=1e-4)
    assert seen == [(0, 1), (1, 3), (2, 3), (3, 3)]  # "started", then every step (core clock)
    assert r0["samples_per_s"] is not None and r0["samples_per_s"] > 0


@pytest.mark.slow
def test_a_dying_worker_is_a_clear_error_not_a_hang():
    with pytest.raises(WorkerError, match=r"worker 1 died with exit code 3"):
        run_multi_worker(
            workers=2, global_batch=64, steps_per_epoch=50, crash_worker=1, timeout_s=400
        )


def test_a_child_past_its_timeout_is_stopped():
    import psutil

    with pytest.raises(TimeoutError, match="did not finish within"):
        run_isolated("train_mlp", logical_cpus=1, timeout_s=0.5)
    assert not [
        p
        for p in psutil.Process().children()
        if p.is_running()
        and p.status() != psutil.STATUS_ZOMBIE
        and "_child" in " ".join(p.cmdline())
    ]


def test_interrupting_the_wait_kills_the_workers():
    import psutil

    def interrupt(done, total, info):
        raise KeyboardInterrupt  # what a kernel interrupt raises in the waiting cell

    with pytest.raises(KeyboardInterrupt):
        run_isolated(
            "train_mlp",
            logical_cpus=1,
            timeout_s=300,
            progress=interrupt,
            global_batch=64,
            steps_per_epoch=2,
        )
    assert not [
        p
        for p in psutil.Process().children()
        if p.is_running()
        and p.status() != psutil.STATUS_ZOMBIE
        and "_child" in " ".join(p.cmdline())
    ]
