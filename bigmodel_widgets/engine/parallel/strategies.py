"""Data-parallel training of the text's MLP (Dense 128-64-10, adam, sparse categorical
cross-entropy) on real MNIST-5k under the default, OneDevice and Mirrored(N) strategies.

A laptop has one CPU device; :func:`split_cpu` cuts it into N logical devices so
``MirroredStrategy`` can be shown anywhere. TensorFlow fixes its devices when its runtime
starts, so ``split_cpu`` must run first thing in a process: notebooks call it in their first
cell, tests and benchmarks use :func:`run_isolated`, which does it in a fresh child process.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .. import backend, splits, training
from ..checks import boolean, non_negative_int, one_of, positive_int
from ..i18n import t

__all__ = [
    "STRATEGIES",
    "split_cpu",
    "logical_cpu_count",
    "make_strategy",
    "build_mlp",
    "load_mnist_split",
    "mixed_precision_support",
    "TrainResult",
    "train_mlp",
    "compare_strategies",
    "throughput_sweep",
]

STRATEGIES = ("default", "one_device", "mirrored")


def split_cpu(n: int) -> list[str]:
    """Split the physical CPU into ``n`` logical devices; returns their names.

    Must run before TensorFlow initialises its runtime (before any op, model or device list).
    Calling it again with the same ``n`` is harmless; a different ``n`` raises RuntimeError.
    """
    n = positive_int(n, name="n")
    tf = backend.tf()
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
        )
    except RuntimeError as exc:
        have = logical_cpu_count()
        if have != n:
            raise RuntimeError(t("dash.par.split_late", have=have, n=n, detail=exc)) from None
    return [f"/CPU:{i}" for i in range(n)]


def logical_cpu_count() -> int:
    """How many logical CPU devices TensorFlow has (starts its runtime)."""
    return len(backend.tf().config.list_logical_devices("CPU"))


def make_strategy(kind: str = "default", *, replicas: int = 1):
    """A ``tf.distribute`` strategy: 'default', 'one_device' or 'mirrored' over ``replicas``
    devices (GPUs when there are enough, else logical CPUs)."""
    kind = one_of(kind, name="strategy", choices=STRATEGIES)
    replicas = positive_int(replicas, name="replicas")
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
            t("dash.par.too_few_devices", replicas=replicas, gpus=len(gpus), cpus=len(cpus))
        )
    # NCCL is GPU-only: CPUs reduce their gradients on one device.
    return tf.distribute.MirroredStrategy(
        [f"/cpu:{i}" for i in range(replicas)],
        cross_device_ops=tf.distribute.ReductionToOneDevice(),
    )


def build_mlp(seed: int = 0):
    """The text's model: Flatten 28x28 -> Dense 128 relu -> Dense 64 relu -> Dense 10 softmax.

    The output layer is float32 so mixed precision stays numerically safe.
    """
    keras = backend.keras()
    keras.utils.set_random_seed(non_negative_int(seed, name="seed"))
    model = keras.Sequential(
        [
            keras.layers.Input((28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax", dtype="float32"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def load_mnist_split(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST-5k scaled to [0, 1]: ``(x_train, y_train, x_test, y_test)``.

    The engine's one split (``engine.splits.mnist5k_split(seed=seed).scaled()``), which every
    worker process reads from the core cache instead of parsing the CSV again.
    """
    return _scaled_split(non_negative_int(seed, name="seed"))


@functools.lru_cache(maxsize=2)
def _scaled_split(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Kept scaled in memory: train_mlp runs many times per notebook (sweeps, comparisons).
    return splits.mnist5k_split(seed=seed).scaled()


def mixed_precision_support() -> tuple[bool, str]:
    """(supported, why): float16 only pays on GPUs with compute capability >= 7.0."""
    tf = backend.tf()
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return False, t("dash.par.mp_no_gpu")
    cc = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability")
    if cc and tuple(cc) >= (7, 0):
        return True, t("dash.par.mp_yes", cc=f"{cc[0]}.{cc[1]}")
    return False, t("dash.par.mp_old", cc=cc)


@dataclass
class TrainResult:
    """One training run under a strategy: speed, loss, accuracy and where it ran."""

    strategy: str
    replicas: int
    devices: list
    global_batch: int
    epochs: int
    steps: int
    samples_per_s: float | None  # None when too few steps were timed
    final_loss: float
    test_accuracy: float
    seconds: float
    mixed_precision: bool = False
    notes: list = field(default_factory=list)
    weights: list | None = field(default=None, repr=False)  # final weights, in-process only

    def to_dict(self) -> dict:
        """JSON-able, without the weights (what a child process sends back)."""
        out = asdict(self)
        out.pop("weights")
        return out


def _devices_of(strat) -> list[str]:
    try:
        return list(strat.extended.worker_devices)
    except RuntimeError:  # the default strategy has no device list: TF places ops itself
        return [t("dash.par.default_placement")]


def _check_batch(global_batch: int, replicas: int) -> int:
    global_batch = positive_int(global_batch, name="global_batch")
    if global_batch % replicas:
        raise ValueError(t("dash.par.uneven", batch=global_batch, what="replicas", n=replicas))
    return global_batch


def train_mlp(
    strategy: str = "default",
    *,
    replicas: int = 1,
    global_batch: int = 64,
    epochs: int = 1,
    steps_per_epoch: int | None = None,
    seed: int = 0,
    mixed_precision: bool = False,
    progress: training.Progress = None,
    callbacks: list | None = None,
) -> TrainResult:
    """Train the MLP once under ``strategy``; same seed + global batch => same result.

    ``steps_per_epoch=None`` trains on whole epochs of the split. Data are fed unshuffled
    with whole batches only, so every strategy sees identical batches. ``progress(done,
    total, logs)`` is called after each epoch (the core ``training.training_clock``).
    """
    strategy = one_of(strategy, name="strategy", choices=STRATEGIES)
    replicas = positive_int(replicas, name="replicas")
    global_batch = _check_batch(global_batch, replicas)
    epochs = positive_int(epochs, name="epochs")
    seed = non_negative_int(seed, name="seed")
    mixed_precision = boolean(mixed_precision, name="mixed_precision")
    if steps_per_epoch is not None:
        steps_per_epoch = positive_int(steps_per_epoch, name="steps_per_epoch")
    tf, keras = backend.tf(), backend.keras()
    x_tr, y_tr, x_te, y_te = load_mnist_split()
    n_batches = len(x_tr) // global_batch
    steps = n_batches if steps_per_epoch is None else min(steps_per_epoch, n_batches)
    if steps < 1:
        raise ValueError(t("dash.par.batch_too_big", batch=global_batch, n=len(x_tr)))
    notes = []
    policy_set = False
    if mixed_precision:
        ok, why = mixed_precision_support()
        if ok:
            keras.mixed_precision.set_global_policy("mixed_float16")
            policy_set = True
        else:
            notes.append(t("dash.par.mp_not_used", why=why))
    try:
        strat = make_strategy(strategy, replicas=replicas)
        init = build_mlp(seed).get_weights()  # same start for every strategy
        with strat.scope():
            model = build_mlp(seed)
            model.set_weights(init)
        ds = (
            tf.data.Dataset.from_tensor_slices((x_tr, y_tr))
            .take(steps * global_batch)
            .batch(global_batch, drop_remainder=True)
            .repeat()
        )
        clock = training.training_clock(progress=progress, epochs=epochs)
        cbs = [clock] + list(callbacks or [])
        t0 = time.perf_counter()
        hist = model.fit(ds, epochs=epochs, steps_per_epoch=steps, verbose=0, callbacks=cbs)
        seconds = time.perf_counter() - t0
        if clock.clock.stopped_early:  # interrupted inside the progress bar: keep what was learnt
            notes.append(t("dash.par.stopped", done=len(hist.history["loss"]), epochs=epochs))
        _, acc = model.evaluate(x_te, y_te, batch_size=256, verbose=0)
    finally:
        if policy_set:
            keras.mixed_precision.set_global_policy("float32")
    devices = _devices_of(strat)
    return TrainResult(
        strategy=strategy,
        replicas=strat.num_replicas_in_sync,
        devices=devices,
        global_batch=global_batch,
        epochs=epochs,
        steps=steps,
        samples_per_s=clock.clock.samples_per_s(global_batch),
        final_loss=float(hist.history["loss"][-1]),
        test_accuracy=float(acc),
        seconds=seconds,
        mixed_precision=policy_set,
        notes=notes,
        weights=model.get_weights(),
    )


def compare_strategies(
    *,
    replicas: int = 2,
    global_batch: int = 64,
    epochs: int = 1,
    steps_per_epoch: int | None = None,
    seed: int = 0,
    progress: training.Progress = None,
) -> list[TrainResult]:
    """The same training under default, one_device and mirrored(replicas): compare results.

    ``progress(done, 3, {"samples_per_s": ...})`` after each of the three runs.
    """
    replicas = positive_int(replicas, name="replicas")
    _check_batch(global_batch, replicas)  # before the first run, not after two of them
    runs = [("default", 1), ("one_device", 1), ("mirrored", replicas)]
    out = []
    for i, (kind, n) in enumerate(runs):
        out.append(
            train_mlp(
                kind,
                replicas=n,
                global_batch=global_batch,
                epochs=epochs,
                steps_per_epoch=steps_per_epoch,
                seed=seed,
            )
        )
        if progress is not None:
            progress(i + 1, len(runs), {"samples_per_s": out[-1].samples_per_s or float("nan")})
    return out


def throughput_sweep(
    *,
    batch_sizes: Sequence[int] = (32, 128, 512),
    replica_counts: Sequence[int] = (1, 2),
    steps: int = 20,
    seed: int = 0,
    progress: training.Progress = None,
) -> list[dict]:
    """samples/s of Mirrored(r) for every global batch x replica count (r=1 is one device).

    ``progress(done, total, {"samples_per_s": ...})`` after each grid point.
    """
    if not len(batch_sizes) or not len(replica_counts):
        raise ValueError("batch_sizes and replica_counts must be non-empty")
    batch_sizes = [positive_int(b, name="batch_sizes[]") for b in batch_sizes]
    replica_counts = [positive_int(r, name="replica_counts[]") for r in replica_counts]
    steps = positive_int(steps, name="steps")
    grid = [(b, r) for r in replica_counts for b in batch_sizes]
    for b, r in grid:  # every point is checked before minutes of training start
        _check_batch(b, r)
    rows = []
    for i, (b, r) in enumerate(grid):
        res = train_mlp(
            "mirrored" if r > 1 else "default",
            replicas=r,
            global_batch=b,
            epochs=1,
            steps_per_epoch=steps,
            seed=seed,
        )
        rows.append({"global_batch": b, "replicas": r, "samples_per_s": res.samples_per_s})
        if progress is not None:
            progress(i + 1, len(grid), {"samples_per_s": res.samples_per_s or float("nan")})
    return rows
