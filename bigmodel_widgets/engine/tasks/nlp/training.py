"""Fine-tuning MiniLM on Rotten Tomatoes: fixed-seed splits, per-step progress, evaluation and a
cached fine-tuned model so notebooks and widgets do not retrain every time.

The fine-tuned model is an entry of the engine cache (``engine/cache.py``, kind
``nlp-finetuned``): keyed by the config, written atomically, and a damaged folder is noted in
one line and retrained. Kept for one release: ``evaluate`` (now ``evaluate_text_classifier``).

The recipe (measured on 2 shared CPU cores, see ``bench nlp``): 6,000 training snippets, up to
48 wordpieces, 2 epochs of AdamW (weight decay 0.01, not on biases and LayerNorm) with linear
warmup and decay; batches group snippets of similar length and are padded to their longest
(a snippet has 27 wordpieces on average: this saves about 40 % of padding all to 48); the
epoch with the best *validation* accuracy is kept. The 1,000 test and 1,000 validation
snippets are drawn first, so they stay the same whatever ``n_train`` is, and ``seed`` (the
head's initialisation, dropout, batch order) is separate from ``split_seed``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ... import backend, cache, checks, data
from ..._aliases import module_aliases
from ...training import Progress, set_seed, stratified_split, training_clock
from .classifier import BertTextClassifier, TextClassifierBase

__all__ = [
    "FineTuneConfig",
    "rotten_tomatoes_splits",
    "length_batches",
    "fine_tune",
    "evaluate_text_classifier",
    "finetuned_classifier",
    "cache_path",
]

__getattr__ = module_aliases(__name__, {"evaluate": "evaluate_text_classifier"})

_VERSION = 2  # bump when the training recipe or the saved folder's layout changes
_CHECKPOINT = "all-MiniLM-L6-v2"  # the offline checkpoint every fine-tune starts from
_METRICS = "metrics.json"
_NAME = "minilm-rotten-tomatoes"


@dataclass(frozen=True)
class FineTuneConfig:
    """Everything that decides the fine-tuned weights (and so the cache key)."""

    # Before (fixed padding to 48, Adam, 3 epochs on 4,000): 0.79-0.80 on the old test split.
    # Length-grouped batches make 6,000 snippets x 2 epochs cheaper than that was.
    n_train: int = 6000
    n_val: int = 1000
    n_test: int = 1000
    max_length: int = 48  # 3.9 % of the snippets are longer (0.05 % beyond 64)
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 5e-5  # peak, reached after warmup, then linear decay to 0
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01  # AdamW's decoupled decay; 0 gives plain Adam
    seed: int = 0  # training randomness: the new head, dropout, batch order
    split_seed: int = 0  # which snippets are train/val/test
    keep_best_epoch: bool = True  # restore the epoch with the best validation accuracy
    steps_per_epoch: int | None = None  # cap (quick mode); None = the whole training split

    def __post_init__(self):
        for name in ("n_train", "n_val", "n_test", "epochs", "batch_size"):
            checks.positive_int(getattr(self, name), name=name)
        if self.n_train + self.n_val + self.n_test > 12808:
            raise ValueError("n_train + n_val + n_test must be at most 12,808 (the corpus size)")
        checks.int_in_range(self.max_length, name="max_length", low=8, high=512)
        checks.number_in_range(
            self.learning_rate,
            name="learning_rate",
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        checks.number_in_range(
            self.warmup_fraction, name="warmup_fraction", low=0.0, high=1.0, high_open=True
        )
        checks.number_in_range(self.weight_decay, name="weight_decay", low=0.0, high=1.0)
        checks.non_negative_int(self.seed, name="seed")
        checks.non_negative_int(self.split_seed, name="split_seed")
        checks.boolean(self.keep_best_epoch, name="keep_best_epoch")
        if self.steps_per_epoch is not None:
            checks.positive_int(self.steps_per_epoch, name="steps_per_epoch")

    @classmethod
    def quick(cls) -> FineTuneConfig:
        """A few steps at short length: for tests, CI and BMW_QUICK=1 notebooks."""
        return cls(
            n_train=64,
            n_val=32,
            n_test=64,
            max_length=32,
            epochs=1,
            batch_size=16,
            steps_per_epoch=4,
        )

    @classmethod
    def default(cls, *, quick: bool = False) -> FineTuneConfig:
        """:meth:`quick` when ``quick`` (the caller decides: a notebook passes its QUICK)."""
        return cls.quick() if checks.boolean(quick, name="quick") else cls()

    def to_config(self) -> dict:
        return asdict(self)

    @classmethod
    def from_config(cls, config: dict) -> FineTuneConfig:
        return cls(**config)

    def key(self) -> str:
        blob = json.dumps(self.to_config(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def rotten_tomatoes_splits(config: FineTuneConfig) -> dict:
    """{'train'|'val'|'test': (texts, labels)}, stratified and fixed by ``config.split_seed``.

    Test is drawn first, then validation, then training from the rest: the test snippets
    depend only on ``n_test`` and ``split_seed``, never on ``n_train`` or the training seed.
    """
    texts, labels = data.load_rotten_tomatoes()
    n = len(labels)
    # two spare snippets per part absorb per-class rounding; each part is then cut to size
    held = [config.n_test + 2, config.n_val + 2]
    fractions = [h / n for h in held] + [(n - sum(held)) / n]
    test, val, rest = stratified_split(labels, fractions, seed=config.split_seed)
    # interleave the classes of the (shuffled) rest: every prefix keeps the balance, so a larger
    # n_train only adds snippets to a smaller one's
    rank = np.empty(len(rest))
    for label in np.unique(labels[rest]):
        where = np.flatnonzero(labels[rest] == label)
        rank[where] = (np.arange(len(where)) + 0.5) / len(where)
    rest = rest[np.argsort(rank, kind="stable")]
    out = {}
    for name, idx, size in (
        ("train", rest, config.n_train),
        ("val", val, config.n_val),
        ("test", test, config.n_test),
    ):
        idx = idx[:size]
        out[name] = ([texts[i] for i in idx], labels[idx])
    return out


def length_batches(x: dict, y: np.ndarray, batch_size: int, *, seed: int | None = None):
    """A Keras ``Sequence`` of batches of similar-length snippets, each cut to its longest.

    Exactly what fixed padding computes (the attention mask hides padding), without the
    padding's cost. With ``seed``: each epoch reshuffles, sorts by length within windows of 50
    batches and shuffles the batch order, all from one seeded generator; ``seed=None`` keeps
    the order (validation).
    """
    keras = backend.keras()
    lengths = x["attention_mask"].sum(axis=1)

    class _Batches(keras.utils.Sequence):
        def __init__(self):
            super().__init__()
            self.rng = None if seed is None else np.random.default_rng(seed)
            self.on_epoch_end()

        def on_epoch_end(self):
            order = np.arange(len(y)) if self.rng is None else self.rng.permutation(len(y))
            window = batch_size * 50
            for i in range(0, len(order), window):
                chunk = order[i : i + window]
                order[i : i + window] = chunk[np.argsort(lengths[chunk], kind="stable")]
            batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
            if self.rng is not None:
                batches = [batches[i] for i in self.rng.permutation(len(batches))]
            self.batches = batches

        def __len__(self):
            return len(self.batches)

        def __getitem__(self, i):
            idx = self.batches[i]
            width = int(lengths[idx].max())
            return {k: v[idx, :width] for k, v in x.items()}, y[idx]

    return _Batches()


class _Deterministic:
    """TensorFlow's op determinism for the duration of a fine-tune, then as it was before."""

    def __enter__(self):
        from tensorflow.python.framework import config as tf_config  # no public "disable"

        self.cfg, self.was = tf_config, tf_config.is_op_determinism_enabled()
        tf_config.enable_op_determinism()

    def __exit__(self, *exc):
        if not self.was:
            self.cfg.disable_op_determinism()


def _best_epoch_keeper():
    """Keeps the weights of the epoch with the best ``val_accuracy``; restores them at the end."""
    keras = backend.keras()

    class _Keeper(keras.callbacks.Callback):
        best, best_epoch, weights = -1.0, None, None

        def on_epoch_end(self, epoch, logs=None):
            acc = (logs or {}).get("val_accuracy")
            if acc is not None and acc > self.best:
                self.best, self.best_epoch = float(acc), epoch + 1
                self.weights = self.model.get_weights()

        def on_train_end(self, logs=None):
            if self.weights is not None:
                self.model.set_weights(self.weights)

    return _Keeper()


def _warmup_linear_decay(peak: float, total_steps: int, warmup_fraction: float):
    """The usual BERT fine-tuning schedule: linear warmup, then linear decay to 0.

    A constant rate of 5e-5 shakes the pretrained weights hardest at the start, when the new
    head's gradients are still random; warming up avoids that, decaying settles the end.
    """
    tf, keras = backend.tf(), backend.keras()
    warmup = max(1, int(total_steps * warmup_fraction))

    class _Schedule(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            step = tf.cast(step, tf.float32) + 1.0
            up = step / warmup
            down = (total_steps - step + 1.0) / max(1, total_steps - warmup + 1)
            return peak * tf.maximum(0.0, tf.minimum(up, down))

        def get_config(self):
            return {"peak": peak, "total_steps": total_steps, "warmup_fraction": warmup_fraction}

    return _Schedule()


def fine_tune(
    clf: BertTextClassifier,
    train,
    *,
    val=None,
    config: FineTuneConfig | None = None,
    progress: Progress = None,
) -> dict:
    """Train ``clf.model`` in place; returns {'epoch_s', 'history', 'best_epoch'}.

    ``progress(done, total, logs)`` after every step (one epoch is minutes on a laptop CPU).
    ``config`` defaults to the full :class:`FineTuneConfig`. Runs with TensorFlow's op
    determinism on: the same config on the same machine gives the same weights, provided the
    classifier was built right after ``set_seed(config.seed)`` (as :func:`finetuned_classifier`
    does). ``best_epoch`` is the epoch kept (the last one without validation data).
    """
    config = FineTuneConfig() if config is None else config
    if not isinstance(clf, BertTextClassifier):
        raise TypeError(f"clf must be a BertTextClassifier, got {type(clf).__name__}")
    if not isinstance(config, FineTuneConfig):
        raise TypeError(f"config must be a FineTuneConfig, got {type(config).__name__}")
    keras = backend.keras()
    set_seed(config.seed)
    texts, labels = train
    x, y = clf.encode(list(texts)), np.asarray(labels, dtype=np.int64)
    steps = int(np.ceil(len(y) / config.batch_size))
    if config.steps_per_epoch:  # a quick run: only the first few batches
        steps = min(steps, config.steps_per_epoch)
        keep = steps * config.batch_size
        x, y = {k: v[:keep] for k, v in x.items()}, y[:keep]
    schedule = _warmup_linear_decay(
        config.learning_rate, steps * config.epochs, config.warmup_fraction
    )
    optimizer = keras.optimizers.AdamW(schedule, weight_decay=config.weight_decay)
    optimizer.exclude_from_weight_decay(var_names=["LayerNorm", "bias"])
    clf.model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    val_data = None
    if val is not None:
        val_x = clf.encode(list(val[0]))
        val_data = length_batches(
            val_x, np.asarray(val[1], dtype=np.int64), config.batch_size, seed=None
        )
    clock = training_clock(progress=progress, epochs=config.epochs, steps_per_epoch=steps)
    keeper = _best_epoch_keeper()
    callbacks = [clock, keeper] if (val_data is not None and config.keep_best_epoch) else [clock]
    with _Deterministic():
        hist = clf.model.fit(
            length_batches(x, y, config.batch_size, seed=config.seed),
            epochs=config.epochs,
            verbose=0,
            validation_data=val_data,
            shuffle=False,  # the batches' own seeded order
            callbacks=callbacks,
        )
    history = {k: [float(v) for v in vs] for k, vs in hist.history.items()}
    kept = keeper.best_epoch if keeper in callbacks else None
    return {
        "epoch_s": list(clock.clock.epoch_seconds),
        "history": history,
        "best_epoch": kept if kept is not None else len(history.get("loss", [])),
    }


def evaluate_text_classifier(
    clf: TextClassifierBase, texts, labels, *, progress: Progress = None, batch_size: int = 32
) -> dict:
    """Accuracy of any text classifier (Keras or TFLite) on ``texts``: {'accuracy', 'n'}."""
    if not isinstance(clf, TextClassifierBase):
        raise TypeError(f"clf must be a text classifier, got {type(clf).__name__}")
    batch_size = checks.positive_int(batch_size, name="batch_size")
    labels = np.asarray(labels)
    if len(texts) != len(labels) or not len(labels):
        raise ValueError(
            "texts and labels must be non-empty and the same length, got "
            f"{len(texts)} and {len(labels)}"
        )
    correct = 0
    for i in range(0, len(labels), batch_size):
        probs = clf.predict_proba(list(texts[i : i + batch_size]), batch_size=batch_size)
        correct += int((probs.argmax(axis=1) == labels[i : i + batch_size]).sum())
        if progress is not None:
            done = min(i + batch_size, len(labels))
            progress(done, len(labels), {"accuracy": correct / done})
    return {"accuracy": correct / len(labels), "n": int(len(labels))}


def _parts(config: FineTuneConfig) -> dict:
    """What decides the fine-tuned weights: the checkpoint and the whole config."""
    return {"checkpoint": _CHECKPOINT, "config": config.to_config()}


def _entry(config: FineTuneConfig) -> cache.CacheEntry:
    return cache.CacheEntry.for_parts(
        kind="nlp-finetuned", version=_VERSION, name=_NAME, parts=_parts(config)
    )


def cache_path(config: FineTuneConfig) -> Path:
    """Where the fine-tuned model for ``config`` is kept (a folder)."""
    entry = _entry(config)
    return entry.path if entry.path is not None else entry.candidates()[0]


def _save(value: tuple[BertTextClassifier, dict], path: Path) -> None:
    clf, metrics = value
    clf.save(path, extra_files={_METRICS: json.dumps(metrics)})


def _load(path: Path) -> tuple[BertTextClassifier, dict]:
    clf = BertTextClassifier.load(path)  # checks every file against the checksums saved with it
    metrics = json.loads((path / _METRICS).read_text())
    if not isinstance(metrics, dict) or not {
        "epoch_s",
        "history",
        "test_accuracy",
        "n_test",
    } <= set(metrics):
        raise ValueError(f"{_METRICS} does not hold the training metrics")
    return clf, metrics


def finetuned_classifier(
    config: FineTuneConfig | None = None, *, progress: Progress = None, use_cache: bool = True
) -> tuple[BertTextClassifier, dict]:
    """The fine-tuned classifier and an info dict: loaded from the cache, or trained and cached.

    ``info`` holds the config, ``path``, ``from_cache``, ``epoch_s``, ``history``,
    ``test_accuracy`` and ``n_test``. A damaged cached model is noted in one line, reported in
    ``info['retrained_because']`` and retrained; it never crashes the caller. ``config``
    defaults to the full :class:`FineTuneConfig` (pass ``FineTuneConfig.default(quick=...)``).
    """
    config = FineTuneConfig() if config is None else config
    if not isinstance(config, FineTuneConfig):
        raise TypeError(f"config must be a FineTuneConfig, got {type(config).__name__}")
    use_cache = checks.boolean(use_cache, name="use_cache")

    def build() -> tuple[BertTextClassifier, dict]:
        splits = rotten_tomatoes_splits(config)
        set_seed(config.seed)  # the new head's initial weights come from here
        clf = BertTextClassifier.from_checkpoint(max_length=config.max_length)
        trained = fine_tune(
            clf, splits["train"], val=splits["val"], config=config, progress=progress
        )
        test = evaluate_text_classifier(clf, *splits["test"])
        return clf, {
            "epoch_s": trained["epoch_s"],
            "history": trained["history"],
            "best_epoch": trained["best_epoch"],
            "test_accuracy": test["accuracy"],
            "n_test": test["n"],
        }

    outcome = cache.fetch_or_build(
        kind="nlp-finetuned",
        version=_VERSION,
        name=_NAME,
        parts=_parts(config),
        build=build,
        save=_save,
        load=_load,
        progress=progress,
        use_cache=use_cache,
    )
    clf, metrics = outcome.value
    info = {
        "config": config.to_config(),
        "from_cache": outcome.from_cache,
        "path": str(outcome.path if outcome.path is not None else cache_path(config)),
        **metrics,
    }
    if outcome.note and not outcome.from_cache:
        info["retrained_because"] = outcome.note
    return clf, info
