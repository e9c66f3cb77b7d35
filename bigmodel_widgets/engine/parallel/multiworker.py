"""``MultiWorkerMirroredStrategy`` across worker processes on this machine.

The launcher gives each worker a ``TF_CONFIG`` naming every worker's 127.0.0.1 port and its own
index, starts them, and waits with a hard timeout. On real hosts the code is the same: only
the addresses in ``TF_CONFIG`` change (``"worker": ["host-a:12345", "host-b:12345"]``) and each
host runs :func:`worker_main` itself. A worker that dies stops the run with a WorkerError
naming it (the survivors would otherwise wait for it forever inside a collective).
"""

from __future__ import annotations

import json
import os
import socket
import time

from .. import backend, training
from ..checks import boolean, int_in_range, non_negative_int, positive_int
from ..i18n import t
from ._procs import WorkerError, child_env, emit, run_children
from .strategies import build_mlp, load_mnist_split

__all__ = ["tf_config", "free_ports", "run_multi_worker", "worker_main", "WorkerError"]


def free_ports(n: int) -> list[int]:
    """``n`` distinct free TCP ports on 127.0.0.1 (held open together so they differ)."""
    n = positive_int(n, name="n")
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def tf_config(addresses: list[str], index: int) -> dict:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of ``addresses``."""
    index = int_in_range(index, name="index", low=0, high=len(addresses) - 1)
    return {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}


def run_multi_worker(
    *,
    workers: int = 2,
    global_batch: int = 64,
    epochs: int = 1,
    steps_per_epoch: int = 10,
    seed: int = 0,
    timeout_s: float = 180,
    crash_worker: int | None = None,
    progress: training.Progress = None,
) -> dict:
    """Train the MLP with MultiWorkerMirroredStrategy on ``workers`` local processes.

    Returns ``{"workers", "addresses", "tf_config_example", "results": [per worker], ...}``.
    ``progress(done, total, logs)`` follows worker 0: ``(0, 1)`` when it starts, then one call
    per training step (``total = epochs * steps_per_epoch``). ``crash_worker=i`` makes worker
    i exit mid-training, to show the failure handling.
    """
    workers = positive_int(workers, name="workers")
    global_batch = positive_int(global_batch, name="global_batch")
    epochs = positive_int(epochs, name="epochs")
    steps_per_epoch = positive_int(steps_per_epoch, name="steps_per_epoch")
    seed = non_negative_int(seed, name="seed")
    if global_batch % workers:
        raise ValueError(t("dash.par.uneven", batch=global_batch, what="workers", n=workers))
    if crash_worker is not None:
        crash_worker = int_in_range(crash_worker, name="crash_worker", low=0, high=workers - 1)
    addresses = [f"127.0.0.1:{p}" for p in free_ports(workers)]
    kwargs = {
        "global_batch": global_batch,
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
        "seed": seed,
    }
    payloads, envs = [], []
    for i in range(workers):
        payloads.append({"job": "worker", "kwargs": dict(kwargs, crash=(crash_worker == i))})
        # One intra-op thread each: the workers share this machine's cores.
        envs.append(
            child_env(
                {
                    "TF_CONFIG": json.dumps(tf_config(addresses, i)),
                    "CUDA_VISIBLE_DEVICES": "",
                    "TF_NUM_INTRAOP_THREADS": "1",
                }
            )
        )

    def on_message(index: int, msg: dict) -> None:
        if progress is not None and index == 0 and msg.get("kind") == "progress":
            progress(msg["done"], msg["total"], msg.get("info", {}))

    t0 = time.perf_counter()
    results = run_children(payloads, envs, timeout_s, on_message, what="worker")
    return {
        "workers": workers,
        "addresses": addresses,
        "tf_config_example": tf_config(addresses, 0),
        "seconds": time.perf_counter() - t0,
        "results": results,
    }


def worker_main(
    *, global_batch: int, epochs: int, steps_per_epoch: int, seed: int, crash: bool = False
) -> dict:
    """What each worker runs (on a real cluster too): TF_CONFIG in the environment says who.

    Progress goes to the launcher as ``progress`` messages, one per training step.
    """
    crash = boolean(crash, name="crash")
    tf = backend.tf()
    # The strategy must exist before any other TF op in this process.
    comm = tf.distribute.experimental.CommunicationOptions(
        implementation=tf.distribute.experimental.CommunicationImplementation.RING
    )
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=comm)
    task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    x_tr, y_tr, _, _ = load_mnist_split(seed)
    init = build_mlp(seed).get_weights()
    with strategy.scope():
        model = build_mlp(seed)
        model.set_weights(init)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = (
        tf.data.Dataset.from_tensor_slices((x_tr, y_tr))
        .batch(global_batch, drop_remainder=True)
        .repeat()
        .with_options(options)
    )

    def report(done: int, total: int, info: dict) -> None:
        if crash and done == 2:
            os._exit(3)  # a worker dying mid-run, as a killed host would
        emit("progress", done=done, total=total, info=info)

    # The core clock times every step and reports each one through this worker's channel.
    clock = training.training_clock(progress=report, epochs=epochs, steps_per_epoch=steps_per_epoch)
    hist = model.fit(
        ds, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0, callbacks=[clock]
    )
    return {
        "task": task,
        "replicas": strategy.num_replicas_in_sync,
        "final_loss": float(hist.history["loss"][-1]),
        "samples_per_s": clock.clock.samples_per_s(global_batch),
        "weights_sum": float(sum(float(w.sum()) for w in model.get_weights())),
    }
