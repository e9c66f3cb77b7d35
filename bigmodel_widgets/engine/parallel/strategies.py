"""Data-parallel training of the text's MLP (Dense 128-64-10, adam, sparse categorical
cross-entropy) on real MNIST-5k under the default, OneDevice and Mirrored(N) strategies.

A laptop has one CPU device; :func:`split_cpu` cuts it into N logical devices so
``MirroredStrategy`` can be shown anywhere. TensorFlow fixes its devices when its runtime
starts, so ``split_cpu`` must run first thing in a process: notebooks call it in their first
cell, tests and benchmarks use :func:`run_isolated`, which does it in a fresh child process.
"""
from __future__ import annotations

import functools
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Optional

import numpy as np

from ..files import atomic_path
from .. import backend, data, training

__all__ = ["STRATEGIES", "split_cpu", "logical_cpu_count", "make_strategy", "build_mlp",
           "load_mnist_split", "mixed_precision_support", "TrainResult", "train_mlp",
           "compare_strategies", "throughput_sweep"]

STRATEGIES = ("default", "one_device", "mirrored")


def split_cpu(n: int) -> list[str]:
    """Split the physical CPU into ``n`` logical devices; returns their names.

    Must run before TensorFlow initialises its runtime (before any op, model or device list).
    Calling it again with the same ``n`` is harmless; a different ``n`` raises RuntimeError.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int (logical CPU devices), got {n!r}")
    tf = backend.tf()
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)])
    except RuntimeError as exc:
        have = logical_cpu_count()
        if have != n:
            raise RuntimeError(
                f"TensorFlow already started with {have} logical CPU device(s), so it cannot be "
                f"split into {n} now ({exc}). Call split_cpu({n}) first thing after import "
                "(restart the kernel), or use run_isolated(), which runs in a fresh process."
            ) from None
    return [f"/CPU:{i}" for i in range(n)]


def logical_cpu_count() -> int:
    return len(backend.tf().config.list_logical_devices("CPU"))


def make_strategy(kind: str = "default", replicas: int = 1):
    """A ``tf.distribute`` strategy: 'default', 'one_device' or 'mirrored' over ``replicas``
    devices (GPUs when there are enough, else logical CPUs)."""
    if kind not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {kind!r}")
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
        raise ValueError(f"replicas must be a positive int, got {replicas!r}")
    tf = backend.tf()
    gpus = tf.config.list_logical_devices("GPU")
    if kind == "default":
        return tf.distribute.get_strategy()
    if kind == "one_device":
        return tf.distribute.OneDeviceStrategy("/gpu:0" if gpus else "/cpu:0")
    if len(gpus) >= replicas:
        return tf.distribute.MirroredStrategy([f"/gpu:{i}" for i in range(replicas)])
    cpus = tf.config.list_logical_devices("CPU")
    if len(cpus) < replicas:
        raise ValueError(
            f"replicas={replicas} needs {replicas} devices but this process has {len(gpus)} GPU(s) "
            f"and {len(cpus)} logical CPU(s); call split_cpu({replicas}) before TensorFlow starts "
            "or use run_isolated(..., logical_cpus=N)")
    # NCCL is GPU-only: CPUs reduce their gradients on one device.
    return tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(replicas)],
                                          cross_device_ops=tf.distribute.ReductionToOneDevice())


def build_mlp(seed: int = 0):
    """The text's model: Flatten 28x28 -> Dense 128 relu -> Dense 64 relu -> Dense 10 softmax.

    The output layer is float32 so mixed precision stays numerically safe.
    """
    keras = backend.keras()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.layers.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax", dtype="float32"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@functools.lru_cache(maxsize=2)
def load_mnist_split(seed: int = 0):
    """MNIST-5k scaled to [0, 1]: (x_train, y_train, x_test, y_test), a stratified 80/20 split.

    Parsing the CSV takes seconds, and every worker process needs it: the split is cached as
    .npz in cache_dir() (written atomically), keyed by the seed.
    """
    path = os.path.join(backend.cache_dir(), f"mnist5k_split_seed{seed}.npz")
    try:
        with np.load(path) as z:
            return z["x_tr"], z["y_tr"], z["x_te"], z["y_te"]
    except (OSError, KeyError, ValueError):  # not cached yet, or a torn file: rebuild it
        pass
    x, y = data.load_mnist5k()
    x = (x.astype(np.float32) / 255.0)
    tr, te = training.stratified_split(y, (0.8, 0.2), seed=seed)
    out = (x[tr], y[tr], x[te], y[te])
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, x_tr=out[0], y_tr=out[1], x_te=out[2], y_te=out[3])
    return out


def mixed_precision_support() -> tuple[bool, str]:
    """(supported, why): float16 only pays on GPUs with compute capability >= 7.0."""
    tf = backend.tf()
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return False, "no GPU found: mixed_float16 on a CPU is emulated and slower"
    cc = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability")
    if cc and tuple(cc) >= (7, 0):
        return True, f"GPU compute capability {cc[0]}.{cc[1]} has float16 tensor cores"
    return False, f"GPU compute capability {cc} < 7.0: no float16 speed-up"


@dataclass
class TrainResult:
    strategy: str
    replicas: int
    devices: list
    global_batch: int
    epochs: int
    steps: int
    samples_per_s: Optional[float]  # None when too few steps were timed
    final_loss: float
    test_accuracy: float
    seconds: float
    mixed_precision: bool = False
    notes: list = field(default_factory=list)
    weights: Optional[list] = field(default=None, repr=False)  # final weights, in-process only

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("weights")
        return out


class _StepTimer:
    """Times training steps after the first (which traces the function) for samples/s."""

    def __init__(self, keras):
        timer = self

        class _CB(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                timer.stamps.append(time.perf_counter())

        self.stamps: list[float] = []
        self.callback = _CB()

    def samples_per_s(self, global_batch: int) -> Optional[float]:
        # Skip the first step of each run (graph tracing); need at least 2 timed steps.
        if len(self.stamps) < 3:
            return None
        return (len(self.stamps) - 2) * global_batch / (self.stamps[-1] - self.stamps[1])


def _devices_of(strat) -> list[str]:
    try:
        return list(strat.extended.worker_devices)
    except RuntimeError:  # the default strategy has no device list: TF places ops itself
        return ["(TensorFlow's default placement)"]


def _check_batch(global_batch: int, replicas: int) -> None:
    if isinstance(global_batch, bool) or not isinstance(global_batch, int) or global_batch < 1:
        raise ValueError(f"global_batch must be a positive int, got {global_batch!r}")
    if global_batch % replicas:
        raise ValueError(f"global_batch={global_batch} must divide evenly over replicas={replicas}")


def train_mlp(strategy: str = "default", replicas: int = 1, global_batch: int = 64,
              epochs: int = 1, steps_per_epoch: Optional[int] = None, seed: int = 0,
              mixed_precision: bool = False, progress: training.Progress = None,
              callbacks: Optional[list] = None) -> TrainResult:
    """Train the MLP once under ``strategy``; same seed + global batch => same result.

    Data are fed unshuffled with whole batches only, so every strategy sees identical batches.
    """
    _check_batch(global_batch, replicas)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    tf, keras = backend.tf(), backend.keras()
    x_tr, y_tr, x_te, y_te = load_mnist_split()
    n_batches = len(x_tr) // global_batch
    steps = n_batches if steps_per_epoch is None else min(int(steps_per_epoch), n_batches)
    if steps < 1:
        raise ValueError(f"steps_per_epoch must be >= 1, got {steps_per_epoch!r}")
    notes = []
    policy_set = False
    if mixed_precision:
        ok, why = mixed_precision_support()
        if ok:
            keras.mixed_precision.set_global_policy("mixed_float16")
            policy_set = True
        else:
            notes.append(f"mixed precision not used: {why}")
    try:
        strat = make_strategy(strategy, replicas)
        init = build_mlp(seed).get_weights()  # same start for every strategy
        with strat.scope():
            model = build_mlp(seed)
            model.set_weights(init)
        ds = (tf.data.Dataset.from_tensor_slices((x_tr, y_tr))
              .take(steps * global_batch).batch(global_batch, drop_remainder=True).repeat())
        timer = _StepTimer(keras)
        cbs = [timer.callback] + list(callbacks or [])
        if progress is not None:
            cbs.append(training.keras_progress_callback(progress, epochs))
        t0 = time.perf_counter()
        hist = model.fit(ds, epochs=epochs, steps_per_epoch=steps, verbose=0, callbacks=cbs)
        seconds = time.perf_counter() - t0
        _, acc = model.evaluate(x_te, y_te, batch_size=256, verbose=0)
    finally:
        if policy_set:
            keras.mixed_precision.set_global_policy("float32")
    devices = _devices_of(strat)
    return TrainResult(strategy=strategy, replicas=strat.num_replicas_in_sync, devices=devices,
                       global_batch=global_batch, epochs=epochs, steps=steps,
                       samples_per_s=timer.samples_per_s(global_batch),
                       final_loss=float(hist.history["loss"][-1]), test_accuracy=float(acc),
                       seconds=seconds, mixed_precision=policy_set, notes=notes,
                       weights=model.get_weights())


def compare_strategies(replicas: int = 2, global_batch: int = 64, epochs: int = 1,
                       steps_per_epoch: Optional[int] = None, seed: int = 0,
                       progress: training.Progress = None) -> list[TrainResult]:
    """The same training under default, one_device and mirrored(replicas): compare results."""
    runs = [("default", 1), ("one_device", 1), ("mirrored", replicas)]
    out = []
    for i, (kind, n) in enumerate(runs):
        out.append(train_mlp(kind, n, global_batch, epochs, steps_per_epoch, seed))
        if progress is not None:
            progress(i + 1, len(runs), {"samples_per_s": out[-1].samples_per_s or float("nan")})
    return out


def throughput_sweep(batch_sizes=(32, 128, 512), replica_counts=(1, 2), steps: int = 20,
                     seed: int = 0, progress: training.Progress = None) -> list[dict]:
    """samples/s of Mirrored(r) for every global batch x replica count (r=1 is one device)."""
    if not batch_sizes or not replica_counts:
        raise ValueError("batch_sizes and replica_counts must be non-empty")
    grid = [(b, r) for r in replica_counts for b in batch_sizes]
    rows = []
    for i, (b, r) in enumerate(grid):
        res = train_mlp("mirrored" if r > 1 else "default", r, b, 1, steps, seed)
        rows.append({"global_batch": b, "replicas": r, "samples_per_s": res.samples_per_s})
        if progress is not None:
            progress(i + 1, len(grid), {"samples_per_s": res.samples_per_s or float("nan")})
    return rows
