"""Chapter 6 engine: spoken-digit recognition on the Free Spoken Digit Dataset's MFCCs.

The data are 3,000 variable-length (frames, 13) MFCC sequences (no waveforms). This module
splits them with a fixed seed, standardises with training-set statistics, zero-pads batches
(the models mask padding, see models.py), trains, evaluates and predicts probabilities.
The waveform front end lives in frontend.py. Quick runs are asked for explicitly
(``quick=True``: 2 epochs instead of 15); notebooks and widgets decide that from ``BMW_QUICK``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ... import backend, cache, data, training
from ..._aliases import module_aliases
from ...checks import boolean, fraction, int_in_range, non_negative_int, positive_int
from .models import KERNEL_SIZE, LEARNING_RATES, build_model, check_kind

__all__ = [
    "SpeechSplit",
    "SpeechPrediction",
    "SpeechRecognizer",
    "load_split",
    "check_sequences",
    "pad_batch",
    "train",
    "trained_recognizer",
    "MIN_FRAMES",
    "N_FEATURES",
    "DIGITS",
    "FULL_EPOCHS",
    "QUICK_EPOCHS",
    "CACHE_VERSION",
]

FULL_EPOCHS = 15
QUICK_EPOCHS = 2  # quick=True: enough to see learning, not to measure it
CACHE_VERSION = 1  # bump when training changes in a way the cache key does not see
N_FEATURES = 13
MIN_FRAMES = KERNEL_SIZE  # a sequence shorter than the conv kernel has no valid window
DIGITS = tuple(range(10))


def check_sequences(seqs, *, n_features: int = N_FEATURES, name: str = "seqs") -> list[np.ndarray]:
    """Validate a list of (frames, n_features) arrays; return them as float32.

    Raises ValueError naming the offending sequence: wrong rank or width, NaN/inf values,
    fewer than MIN_FRAMES frames, or an all-zero frame (zeros mean padding to the models).
    """
    if isinstance(seqs, np.ndarray) and seqs.ndim == 2:
        seqs = [seqs]
    if not isinstance(seqs, (list, tuple)) or not seqs:
        raise TypeError(f"{name} must be a non-empty list of (frames, {n_features}) arrays")
    out = []
    for i, s in enumerate(seqs):
        a = np.asarray(s, dtype=np.float32)
        if a.ndim != 2 or a.shape[1] != n_features:
            raise ValueError(
                f"{name}[{i}] has shape {a.shape}; expected (frames, {n_features}) "
                f"- the models' input width follows the data's {n_features} MFCCs"
            )
        if a.shape[0] < MIN_FRAMES:
            raise ValueError(
                f"{name}[{i}] has {a.shape[0]} frame(s); at least {MIN_FRAMES} are "
                f"needed (the Conv1D kernel_size is {KERNEL_SIZE})"
            )
        if not np.isfinite(a).all():
            raise ValueError(f"{name}[{i}] contains NaN or infinite values")
        if not np.any(a != 0, axis=1).all():
            raise ValueError(
                f"{name}[{i}] has an all-zero frame, which the models treat as padding"
            )
        out.append(a)
    return out


def pad_batch(seqs, *, max_frames: int | None = None) -> np.ndarray:
    """Zero-pad a list of (T_i, F) arrays to (N, max T, F); longer ones are cut at max_frames."""
    if not len(seqs):
        raise ValueError("pad_batch needs at least one sequence")
    longest = max(len(s) for s in seqs)
    t = longest if max_frames is None else positive_int(max_frames, name="max_frames")
    out = np.zeros((len(seqs), t, seqs[0].shape[1]), np.float32)
    for i, s in enumerate(seqs):
        n = min(len(s), t)
        out[i, :n] = s[:n]
    return out


@dataclass(frozen=True)
class SpeechSplit:
    """Raw (unstandardised) train/test sequences and the training set's feature statistics."""

    x_train: list
    y_train: np.ndarray
    x_test: list
    y_test: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    seed: int
    test_fraction: float

    def key(self) -> str:
        """A short id of the split's content, used in cache keys."""
        h = hashlib.sha1(
            f"{self.seed}-{self.test_fraction}-{len(self.x_train)}-{len(self.x_test)}".encode()
        )
        h.update(self.y_test.tobytes())
        return h.hexdigest()[:12]

    def fingerprint(self) -> str:
        """A hash of every sequence and label: the data part of a cache key."""
        h = hashlib.sha256()
        for seqs, labels in ((self.x_train, self.y_train), (self.x_test, self.y_test)):
            h.update(np.asarray([len(s) for s in seqs], np.int64).tobytes())
            for s in seqs:
                h.update(np.ascontiguousarray(s, np.float32).tobytes())
            h.update(np.ascontiguousarray(labels, np.int64).tobytes())
        return h.hexdigest()


def load_split(
    *, seed: int = 0, test_fraction: float = 0.2, limit: int | None = None
) -> SpeechSplit:
    """The 3,000 recordings split with class balance by ``seed``; ``limit`` keeps the first
    ``limit`` recordings per split (small tests)."""
    seed = non_negative_int(seed, name="seed")
    test_fraction = fraction(test_fraction, name="test_fraction")
    if limit is not None:
        limit = int_in_range(limit, name="limit", low=10)
    seqs, y = data.load_spoken_digits()
    train_idx, test_idx = training.stratified_split(y, (1 - test_fraction, test_fraction), seed)
    if limit is not None:
        train_idx, test_idx = train_idx[:limit], test_idx[:limit]
    x_train = [seqs[i] for i in train_idx]
    frames = np.concatenate(x_train)
    return SpeechSplit(
        x_train,
        y[train_idx],
        [seqs[i] for i in test_idx],
        y[test_idx],
        frames.mean(0).astype(np.float32),
        frames.std(0).astype(np.float32) + 1e-6,
        seed,
        test_fraction,
    )


@dataclass(frozen=True)
class SpeechPrediction:
    """The recognizer's answer for one recording: the digit and all ten probabilities."""

    digit: int
    probabilities: tuple  # 10 floats summing to 1

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        k = positive_int(k, name="k")
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(i), float(self.probabilities[i])) for i in order]


__getattr__ = module_aliases(__name__, {"Prediction": "SpeechPrediction"})  # for one release


@dataclass
class SpeechRecognizer:
    """A trained model together with the standardisation it was trained with."""

    model: object
    mean: np.ndarray
    std: np.ndarray
    kind: str = "strong"
    history: dict = field(default_factory=dict)
    train_s: float = float("nan")

    def standardize(self, seqs) -> list[np.ndarray]:
        return [(s - self.mean) / self.std for s in check_sequences(seqs)]

    def predict_proba(self, seqs, *, batch_size: int = 128) -> np.ndarray:
        """(N, 10) class probabilities for raw MFCC sequences of any lengths."""
        batch_size = positive_int(batch_size, name="batch_size")
        x = self.standardize(seqs)
        # Pad per length-sorted chunk: less padding, identical results thanks to masking.
        order = np.argsort([len(s) for s in x])
        out = np.zeros((len(x), self.model.output_shape[-1]), np.float32)
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            batch = pad_batch([x[i] for i in idx])
            out[idx] = self._forward(batch).numpy()
        return out

    def _forward(self, batch):
        # One graph for every batch and length (input_signature): no retracing, and much faster
        # than an eager call for batch-1 predictions in the widget.
        if getattr(self, "_fn", None) is None:
            tf = backend.tf()
            spec = tf.TensorSpec([None, None, self.model.input_shape[-1]], tf.float32)
            self._fn = tf.function(lambda x: self.model(x, training=False), input_signature=[spec])
        return self._fn(batch)

    def predict(self, seq) -> SpeechPrediction:
        """The digit and probabilities for one raw (frames, 13) MFCC sequence."""
        p = self.predict_proba([seq])[0]
        return SpeechPrediction(int(np.argmax(p)), tuple(float(v) for v in p))

    def evaluate(self, seqs, y) -> dict:
        """Accuracy, count and (10, 10) confusion matrix (rows spoken, columns predicted)."""
        y = np.asarray(y)
        pred = self.predict_proba(seqs).argmax(1)
        confusion = np.zeros((10, 10), np.int64)
        np.add.at(confusion, (y, pred), 1)
        return {
            "accuracy": float((pred == y).mean()),
            "n": int(len(y)),
            "confusion": confusion.tolist(),
        }


def _epochs(epochs: int | None, quick: bool) -> int:
    quick = boolean(quick, name="quick")
    if epochs is None:
        return QUICK_EPOCHS if quick else FULL_EPOCHS
    return positive_int(epochs, name="epochs")


def train(
    split: SpeechSplit,
    kind: str = "strong",
    *,
    epochs: int | None = None,
    batch_size: int = 32,
    seed: int = 0,
    progress: training.Progress = None,
    quick: bool = False,
) -> SpeechRecognizer:
    """Train a fresh model of ``kind`` on ``split``; ``epochs`` defaults to :data:`FULL_EPOCHS`
    (:data:`QUICK_EPOCHS` with ``quick=True``)."""
    if not isinstance(split, SpeechSplit):
        raise TypeError(f"split must be a SpeechSplit (use load_split), got {type(split).__name__}")
    kind = check_kind(kind)
    epochs = _epochs(epochs, quick)
    batch_size = positive_int(batch_size, name="batch_size")
    seed = non_negative_int(seed, name="seed")
    training.set_seed(seed)
    x = pad_batch(
        [(s - split.mean) / split.std for s in check_sequences(split.x_train, name="x_train")]
    )
    model = build_model(kind, n_features=N_FEATURES, n_classes=10)
    keras = backend.keras()
    lr_drop = keras.callbacks.LearningRateScheduler(_lr_drop(epochs))
    t0 = time.perf_counter()
    hist = model.fit(
        x,
        split.y_train,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
        callbacks=[training.training_clock(progress=progress, epochs=epochs), lr_drop],
    )
    elapsed = time.perf_counter() - t0
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return SpeechRecognizer(model, split.mean, split.std, kind, history, elapsed)


def _lr_drop(epochs: int):
    """Halve the rate at each third of the run."""
    return lambda e, lr: lr * 0.5 if e and e % max(epochs // 3, 1) == 0 else lr


_WEIGHTS, _META = "model.weights.h5", "meta.json"


def _save(rec: SpeechRecognizer, folder: Path) -> None:
    """One folder entry: the weights and what training reported."""
    folder.mkdir()
    rec.model.save_weights(str(folder / _WEIGHTS))
    cache.save_json(
        {"kind": rec.kind, "history": rec.history, "train_s": rec.train_s}, folder / _META
    )


def trained_recognizer(
    kind: str = "strong",
    *,
    seed: int = 0,
    epochs: int | None = None,
    progress: training.Progress = None,
    split: SpeechSplit | None = None,
    batch_size: int = 32,
    quick: bool = False,
    use_cache: bool = True,
) -> SpeechRecognizer:
    """Train once, then load the weights from the engine cache.

    The key covers kind, seed, epochs, batch size, the learning-rate recipe and the split's
    content; a quick model (``quick=True``: :data:`QUICK_EPOCHS` epochs) is never mistaken for
    a fully trained one. A cache hit reports progress as one finished step; a damaged entry is
    reported in one line and retrained. ``use_cache=False`` trains without the cache.
    """
    kind = check_kind(kind)
    seed = non_negative_int(seed, name="seed")
    epochs = _epochs(epochs, quick)
    batch_size = positive_int(batch_size, name="batch_size")
    split = split if split is not None else load_split(seed=seed)
    parts = {
        "kind": kind,
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "recipe": {"learning_rate": LEARNING_RATES[kind], "schedule": "halve every third"},
        "split": split.fingerprint(),
    }

    def load(folder: Path) -> SpeechRecognizer:
        meta = cache.load_json(folder / _META)
        if meta.get("kind") != kind or not isinstance(meta.get("history"), dict):
            raise ValueError(f"{_META} does not describe a trained {kind!r} model")
        model = build_model(kind, n_features=N_FEATURES, n_classes=10)
        model.load_weights(str(folder / _WEIGHTS))
        return SpeechRecognizer(
            model, split.mean, split.std, kind, meta["history"], float(meta["train_s"])
        )

    def build() -> SpeechRecognizer:
        return train(
            split, kind, epochs=epochs, batch_size=batch_size, seed=seed, progress=progress
        )

    return cache.fetch_or_build(
        kind="speech-recognizer",
        parts=parts,
        version=CACHE_VERSION,
        name=kind,
        build=build,
        save=_save,
        load=load,
        progress=progress,
        use_cache=use_cache,
    ).value
