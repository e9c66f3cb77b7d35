"""Chapter 6 engine: spoken-digit recognition on the Free Spoken Digit Dataset's MFCCs.

The data are 3,000 variable-length (frames, 13) MFCC sequences (no waveforms). This module
splits them with a fixed seed, standardises with training-set statistics, zero-pads batches
(the models mask padding, see models.py), trains, evaluates and predicts probabilities.
The waveform front end lives in frontend.py.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field

import numpy as np

from ... import backend, data, training
from .models import KERNEL_SIZE, MODEL_KINDS, build_model

__all__ = ["SpeechSplit", "Prediction", "SpeechRecognizer", "load_split", "check_sequences",
           "pad_batch", "train", "trained_recognizer", "MIN_FRAMES", "N_FEATURES", "DIGITS"]

N_FEATURES = 13
MIN_FRAMES = KERNEL_SIZE  # a sequence shorter than the conv kernel has no valid window
DIGITS = tuple(range(10))


def check_sequences(seqs, n_features: int = N_FEATURES, name: str = "seqs") -> list[np.ndarray]:
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
            raise ValueError(f"{name}[{i}] has shape {a.shape}; expected (frames, {n_features}) "
                             f"- the models' input width follows the data's {n_features} MFCCs")
        if a.shape[0] < MIN_FRAMES:
            raise ValueError(f"{name}[{i}] has {a.shape[0]} frame(s); at least {MIN_FRAMES} are "
                             f"needed (the Conv1D kernel_size is {KERNEL_SIZE})")
        if not np.isfinite(a).all():
            raise ValueError(f"{name}[{i}] contains NaN or infinite values")
        if not np.any(a != 0, axis=1).all():
            raise ValueError(f"{name}[{i}] has an all-zero frame, which the models treat as padding")
        out.append(a)
    return out


def pad_batch(seqs, max_frames: int | None = None) -> np.ndarray:
    """Zero-pad a list of (T_i, F) arrays to (N, max T, F); longer ones are cut at max_frames."""
    if not seqs:
        raise ValueError("pad_batch needs at least one sequence")
    longest = max(len(s) for s in seqs)
    t = longest if max_frames is None else int(max_frames)
    if t < 1:
        raise ValueError(f"max_frames must be >= 1, got {max_frames}")
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
        h = hashlib.sha1(f"{self.seed}-{self.test_fraction}-{len(self.x_train)}-{len(self.x_test)}".encode())
        h.update(self.y_test.tobytes())
        return h.hexdigest()[:12]


def load_split(seed: int = 0, test_fraction: float = 0.2, limit: int | None = None) -> SpeechSplit:
    """The 3,000 recordings split with class balance by ``seed``; ``limit`` keeps the first
    ``limit`` recordings per split (small tests)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    seqs, y = data.load_spoken_digits()
    train_idx, test_idx = training.stratified_split(y, (1 - test_fraction, test_fraction), seed)
    if limit is not None:
        if limit < 10:
            raise ValueError(f"limit must be >= 10, got {limit}")
        train_idx, test_idx = train_idx[:limit], test_idx[:limit]
    x_train = [seqs[i] for i in train_idx]
    frames = np.concatenate(x_train)
    return SpeechSplit(x_train, y[train_idx], [seqs[i] for i in test_idx], y[test_idx],
                       frames.mean(0).astype(np.float32), frames.std(0).astype(np.float32) + 1e-6,
                       seed, test_fraction)


@dataclass(frozen=True)
class Prediction:
    digit: int
    probabilities: tuple  # 10 floats summing to 1

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(i), float(self.probabilities[i])) for i in order]


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

    def predict_proba(self, seqs, batch_size: int = 128) -> np.ndarray:
        """(N, 10) class probabilities for raw MFCC sequences of any lengths."""
        x = self.standardize(seqs)
        # Pad per length-sorted chunk: less padding, identical results thanks to masking.
        order = np.argsort([len(s) for s in x])
        out = np.zeros((len(x), self.model.output_shape[-1]), np.float32)
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
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

    def predict(self, seq) -> Prediction:
        p = self.predict_proba([seq])[0]
        return Prediction(int(np.argmax(p)), tuple(float(v) for v in p))

    def evaluate(self, seqs, y) -> dict:
        y = np.asarray(y)
        pred = self.predict_proba(seqs).argmax(1)
        confusion = np.zeros((10, 10), np.int64)
        np.add.at(confusion, (y, pred), 1)
        return {"accuracy": float((pred == y).mean()), "n": int(len(y)),
                "confusion": confusion.tolist()}


def train(split: SpeechSplit, kind: str = "strong", epochs: int | None = None,
          batch_size: int = 32, seed: int = 0, progress: training.Progress = None) -> SpeechRecognizer:
    """Train a fresh model of ``kind`` on ``split``; ``epochs`` defaults to 15 (2 in quick mode)."""
    if kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS}, got {kind!r}")
    epochs = training.epochs_for(15, 2) if epochs is None else int(epochs)
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    training.set_seed(seed)
    x = pad_batch([(s - split.mean) / split.std for s in check_sequences(split.x_train, name="x_train")])
    model = build_model(kind, N_FEATURES, 10)
    keras = backend.keras()
    lr_drop = keras.callbacks.LearningRateScheduler(
        lambda e, lr: lr * 0.5 if e and e % max(epochs // 3, 1) == 0 else lr)
    t0 = time.perf_counter()
    hist = model.fit(x, split.y_train, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0,
                     callbacks=[training.keras_progress_callback(progress, epochs), lr_drop])
    elapsed = time.perf_counter() - t0
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return SpeechRecognizer(model, split.mean, split.std, kind, history, elapsed)


def trained_recognizer(kind: str = "strong", seed: int = 0, epochs: int | None = None,
                       progress: training.Progress = None, split: SpeechSplit | None = None,
                       use_cache: bool = True) -> SpeechRecognizer:
    """Train once, then load the weights from ``backend.cache_dir()`` (keyed by kind, seed,
    epochs and split). A cache hit reports progress as one finished step."""
    split = split or load_split(seed)
    epochs = training.epochs_for(15, 2) if epochs is None else int(epochs)
    folder = os.path.join(backend.cache_dir(), "speech")
    stem = os.path.join(folder, f"{kind}-s{seed}-e{epochs}-{split.key()}")
    if use_cache and os.path.exists(stem + ".weights.h5") and os.path.exists(stem + ".json"):
        model = build_model(kind, N_FEATURES, 10)
        model.load_weights(stem + ".weights.h5")
        with open(stem + ".json") as fh:
            meta = json.load(fh)
        if progress is not None:
            progress(1, 1, {"cached": 1})
        return SpeechRecognizer(model, split.mean, split.std, kind, meta["history"], meta["train_s"])
    rec = train(split, kind, epochs, seed=seed, progress=progress)
    if use_cache:
        os.makedirs(folder, exist_ok=True)
        tmp = f"{stem}.{os.getpid()}.tmp"
        rec.model.save_weights(tmp + ".weights.h5")
        with open(tmp + ".json", "w") as fh:
            json.dump({"history": rec.history, "train_s": rec.train_s}, fh)
        os.replace(tmp + ".weights.h5", stem + ".weights.h5")  # atomic: no half-written cache
        os.replace(tmp + ".json", stem + ".json")
    return rec
