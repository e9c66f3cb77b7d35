"""Chapter 5's engine: the text's CNN and a stronger one, trained on real handwritten digits.

Data: the 5,000 real MNIST digits of the offline catalogue, split 80/20 stratified, padded from
28x28 to the text's 32x32 and repeated to 3 channels. Training takes an optional augmentation
hook, ``augment(batch_uint8 (N, 28, 28), rng) -> batch``, applied to each training batch; a
``progress(done, total, info)`` callable sees every epoch. Models save as the text does
(``model.h5``) and as ``.keras``. Inference lives in :mod:`.preprocess`.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from ... import backend, data as catalogue
from ...files import atomic_path
from ...training import Progress, epochs_for, keras_progress_callback, set_seed, stratified_split
# Re-exported so notebooks reach the whole chapter as ``bmw.vision.<name>``.
from ...images import ImageInputError, decode_image, read_image, sample_path, to_rgb
from .preprocess import (DigitPrep, Prediction, classify_digit, load_any, predict_probs,
                                prepare_digit, prepare_photo, resize, top_k)

__all__ = ["INPUT_SHAPE", "MODEL_KINDS", "DigitData", "TrainResult", "Evaluation", "Augment",
           "RECIPES", "FULL_EPOCHS", "load_digit_data", "digits_to_input", "build_cnn", "random_affine", "recipe_augment", "train_cnn",
           "evaluate", "save_model", "load_model", "pretrained_cnn", "pipeline_augment",
           "ImageInputError", "decode_image", "read_image", "sample_path", "to_rgb", "DigitPrep",
           "Prediction", "classify_digit", "load_any", "predict_probs", "prepare_digit",
           "prepare_photo", "resize", "top_k"]

INPUT_SHAPE = (32, 32, 3)  # the text's input size
MODEL_KINDS = ("seed", "strong")
# Full-run training recipes, tuned on the held-out split (benchmark: bench/vision.py). Both
# decay the rate along a cosine; the text's small CNN gets smaller batches, a higher starting
# rate and milder augmentation, as it underfits augmented digits otherwise.
RECIPES = {
    "seed": {"epochs": 25, "batch_size": 32, "learning_rate": 2e-3, "schedule": "cosine",
             "augment": {"max_degrees": 10.0, "max_shift": 1.5, "scale": (0.93, 1.07)}},
    "strong": {"epochs": 20, "batch_size": 64, "learning_rate": 1e-3, "schedule": "cosine",
               "augment": {"max_degrees": 12.0, "max_shift": 2.0, "scale": (0.9, 1.1)}},
}
FULL_EPOCHS = {kind: r["epochs"] for kind, r in RECIPES.items()}
QUICK_TRAIN = 600  # quick mode (BMW_QUICK=1) trains on this many images for one epoch

Augment = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass
class DigitData:
    """Raw 28x28 uint8 digits and int64 labels, split once and reused by every experiment."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digit_data(test_fraction: float = 0.2, seed: int = 0) -> DigitData:
    """MNIST-5k split into train and held-out test, the same class balance in each."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    x, y = catalogue.load_mnist5k()
    train, test = stratified_split(y, (1.0 - test_fraction, test_fraction), seed=seed)
    return DigitData(x[train], y[train], x[test], y[test])


def digits_to_input(x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) uint8 digits -> (N, 32, 32, 3) float32 in [0, 1]: padded, not stretched."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"x must be (N, 28, 28) digits, got shape {x.shape}")
    padded = np.pad(x, ((0, 0), (2, 2), (2, 2))).astype(np.float32) / 255.0
    return np.repeat(padded[..., None], 3, axis=3)


def build_cnn(kind: str = "seed", seed: int = 0, learning_rate: float = 1e-3):
    """'seed': the text's CNN (Conv2D 32 3x3 relu -> MaxPool 2 -> Flatten -> Dense 10 softmax).
    'strong': two 5x5 conv layers, a 128-unit dense layer, dropout. Both compiled with Adam."""
    if kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS}, got {kind!r}")
    keras = backend.keras()
    set_seed(seed)
    L = keras.layers
    if kind == "seed":
        layers = [L.Conv2D(32, (3, 3), activation="relu", input_shape=INPUT_SHAPE),
                  L.MaxPooling2D((2, 2)), L.Flatten(), L.Dense(10, activation="softmax")]
    else:  # LeNet-5's shape with ReLU and dropout: ~7M multiply-adds, affordable on 2 cores
        layers = [L.Conv2D(32, 5, activation="relu", input_shape=INPUT_SHAPE), L.MaxPooling2D(2),
                  L.Conv2D(64, 5, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                  L.Dropout(0.25), L.Dense(128, activation="relu"), L.Dropout(0.25),
                  L.Dense(10, activation="softmax")]
    model = keras.Sequential(layers, name=f"{kind}_cnn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def random_affine(max_degrees: float = 12.0, max_shift: float = 2.0,
                  scale: tuple[float, float] = (0.9, 1.1)) -> Augment:
    """A small digit-safe augmentation (no flips: a mirrored 2 is not a 2): rotate, shift, zoom.

    Returns ``augment(batch, rng)``; each image draws its own parameters from ``rng``.
    """
    if max_degrees < 0 or max_shift < 0 or not 0 < scale[0] <= scale[1]:
        raise ValueError("max_degrees and max_shift must be >= 0 and 0 < scale[0] <= scale[1]")

    def augment(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        import cv2

        out = np.empty_like(batch)
        h, w = batch.shape[1:3]
        for i, img in enumerate(batch):
            m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-max_degrees, max_degrees),
                                        rng.uniform(*scale))
            m[:, 2] += rng.uniform(-max_shift, max_shift, size=2)
            out[i] = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
        return out

    augment.config = {"name": "random_affine", "max_degrees": max_degrees,  # type: ignore[attr-defined]
                      "max_shift": max_shift, "scale": list(scale)}
    return augment


def pipeline_augment(pipeline=None) -> Augment:
    """Chapter 1's augmentation :class:`Pipeline` as a training hook for 28x28 digits.

    ``None`` builds a digit-safe pipeline (rotate, shift, zoom; no flips, no crops). The
    pipeline draws from its own seeded generator, so ``rng`` is not used here.
    """
    from ... import augment as aug

    if pipeline is None:
        pipeline = aug.Pipeline([aug.Rotate(angle_range=(-12, 12)),
                                 aug.Translate(x_range=(-0.07, 0.07), y_range=(-0.07, 0.07)),
                                 aug.Scale(scale_range=(0.9, 1.1))], seed=0)
    if not isinstance(pipeline, aug.Pipeline):
        raise TypeError(f"pipeline must be a bigmodel_widgets Pipeline, got {type(pipeline).__name__}")
    if pipeline.output_shape((28, 28, 1)) != (28, 28, 1):
        raise ValueError("pipeline changes the image size (a crop or resize?); digits must stay "
                         "28x28, so use rotate/translate/scale/shear or pixel transforms")

    def augment(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return pipeline.apply_batch(np.ascontiguousarray(batch[..., None]))[..., 0]

    augment.config = {"name": "pipeline", "pipeline": pipeline.to_config()}  # type: ignore[attr-defined]
    return augment


def recipe_augment(kind: str = "seed") -> Augment:
    """The augmentation the kind's recipe was tuned with (a :func:`random_affine`)."""
    if kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS}, got {kind!r}")
    return random_affine(**RECIPES[kind]["augment"])


def _batches(keras, x, y, batch_size, augment, seed):
    """A Sequence that shuffles each epoch and applies ``augment`` to raw uint8 batches."""

    class _Seq(keras.utils.Sequence):
        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.order = self.rng.permutation(len(x))

        def __len__(self):
            return int(np.ceil(len(x) / batch_size))

        def __getitem__(self, i):
            idx = self.order[i * batch_size: (i + 1) * batch_size]
            raw = x[idx]
            if augment is not None:
                raw = np.asarray(augment(raw, self.rng))
                if raw.shape != x[idx].shape:
                    raise ValueError(f"augment changed the batch shape from {x[idx].shape} to "
                                     f"{raw.shape}; it must return the same shape")
            return digits_to_input(raw.astype(np.uint8)), y[idx]

        def on_epoch_end(self):
            self.order = self.rng.permutation(len(x))

    return _Seq()


@dataclass
class Evaluation:
    accuracy: float
    confusion: np.ndarray  # (10, 10): rows true class, columns predicted
    predicted: np.ndarray
    probs: np.ndarray
    wrong: np.ndarray  # indices of misclassified test images, most confident mistakes first


@dataclass
class TrainResult:
    model: object
    kind: str
    history: dict
    epoch_s: list[float]
    evaluation: Evaluation
    augment: Optional[dict] = None
    info: dict = field(default_factory=dict)

    @property
    def test_accuracy(self) -> float:
        return self.evaluation.accuracy


def evaluate(model, x_raw: np.ndarray, y: np.ndarray, batch_size: int = 256) -> Evaluation:
    """Accuracy, confusion matrix and misclassified indices on raw 28x28 digits."""
    y = np.asarray(y)
    if len(x_raw) != len(y) or len(y) == 0:
        raise ValueError(f"x_raw and y must be non-empty and of equal length ({len(x_raw)} vs {len(y)})")
    probs = np.concatenate([predict_probs(model, digits_to_input(x_raw[i: i + batch_size]))
                            for i in range(0, len(y), batch_size)])
    pred = probs.argmax(axis=1)
    n = probs.shape[1]
    confusion = np.zeros((n, n), np.int64)
    np.add.at(confusion, (y, pred), 1)
    wrong = np.flatnonzero(pred != y)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")]
    return Evaluation(float(np.mean(pred == y)), confusion, pred, probs, wrong)


def train_cnn(kind: str = "seed", data: DigitData | None = None, epochs: int | None = None,
              batch_size: int | None = None, augment: Augment | None = None, seed: int = 0,
              progress: Progress = None, max_train: int | None = None,
              learning_rate: float | None = None, schedule: str | None = None) -> TrainResult:
    """Build and train a CNN; returns the model, per-epoch times and held-out evaluation.

    ``epochs=None`` means the full schedule, or 1 epoch on ``QUICK_TRAIN`` images in quick
    mode (BMW_QUICK=1). ``augment`` is applied to each training batch only, never to the test.
    ``schedule`` is 'constant' or 'cosine' (decay to 0 over the run). Arguments left as None
    come from the kind's entry in :data:`RECIPES`.
    """
    if kind not in MODEL_KINDS:
        raise ValueError(f"kind must be one of {MODEL_KINDS}, got {kind!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be a callable (batch, rng) -> batch, got {type(augment).__name__}")
    recipe = RECIPES[kind]
    schedule = recipe["schedule"] if schedule is None else schedule
    batch_size = recipe["batch_size"] if batch_size is None else int(batch_size)
    learning_rate = recipe["learning_rate"] if learning_rate is None else learning_rate
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    epochs = epochs_for(FULL_EPOCHS[kind], 1) if epochs is None else int(epochs)
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be >= 1, got {epochs}, {batch_size}")
    data = data or load_digit_data()
    if max_train is None and backend.quick_mode():
        max_train = QUICK_TRAIN
    x, y = data.x_train, data.y_train
    if max_train is not None:
        x, y = x[:max_train], y[:max_train]
    keras = backend.keras()
    model = build_cnn(kind, seed=seed, learning_rate=learning_rate)
    times: list[float] = []

    class _Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t0)

    callbacks = [_Clock(), keras_progress_callback(progress, epochs)]
    if schedule == "cosine" and epochs > 1:
        callbacks.append(keras.callbacks.LearningRateScheduler(
            lambda e, lr: learning_rate * 0.5 * (1 + np.cos(np.pi * e / epochs))))
    hist = model.fit(_batches(keras, x, y, batch_size, augment, seed), epochs=epochs,
                     verbose=0, callbacks=callbacks, shuffle=False)
    ev = evaluate(model, data.x_test, data.y_test)
    aug_cfg = getattr(augment, "config", {"name": getattr(augment, "__name__", "custom")}) if augment else None
    return TrainResult(model, kind, {k: [float(v) for v in vs] for k, vs in hist.history.items()},
                       times, ev, aug_cfg, {"train_images": len(x), "epochs": epochs,
                                            "schedule": schedule, "learning_rate": learning_rate})


def save_model(model, path) -> str:
    """Save as the text does (``model.h5``, HDF5) or as Keras' native ``.keras`` zip."""
    path = os.fspath(path)
    if not path.endswith((".h5", ".keras")):
        raise ValueError(f"path must end in .h5 or .keras, got {path!r}")
    with atomic_path(path, suffix=os.path.splitext(path)[1]) as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*HDF5 file.*")  # "legacy", but the text's format
        model.save(tmp)
    return path


def load_model(path):
    """Load a model saved by :func:`save_model` (or the text's ``model.h5``)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ValueError(f"model file not found: {path}")
    if not path.endswith((".h5", ".keras")):
        raise ValueError(f"path must end in .h5 or .keras, got {path!r}")
    return backend.keras().models.load_model(path)


def pretrained_cnn(kind: str = "seed", augment: Augment | None = None, seed: int = 0,
                   progress: Progress = None, epochs: int | None = None):
    """A trained model from the cache directory, training it (with progress) the first time.

    The cache key covers kind, epochs, augmentation config, seed and quick mode, so a quick
    test model is never mistaken for a fully trained one.
    """
    epochs = epochs_for(FULL_EPOCHS[kind], 1) if epochs is None else int(epochs)
    key = json.dumps({"kind": kind, "epochs": epochs, "seed": seed, "quick": backend.quick_mode(),
                      "augment": getattr(augment, "config", None) if augment else None},
                     sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    path = os.path.join(backend.cache_dir(), "vision", f"{kind}_cnn_{digest}.keras")
    if os.path.exists(path):
        if progress is not None:
            progress(epochs, epochs, {"cached": 1})
        return load_model(path)
    result = train_cnn(kind, epochs=epochs, augment=augment, seed=seed, progress=progress)
    save_model(result.model, path)
    return result.model
