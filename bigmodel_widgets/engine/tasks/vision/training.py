"""Chapter 5's training: train a CNN on the digits, evaluate it, keep a trained one in the cache.

Training takes an optional augmentation hook ``augment(batch_uint8 (N, 28, 28), rng) -> batch``,
applied to each training batch only; a ``progress(done, total, info)`` callable sees every epoch
(through the engine core's :func:`engine.training.training_clock`). Quick runs are asked for
explicitly (``quick=True``: one epoch on :data:`QUICK_TRAIN` images); the notebooks, the one-call
widget and the benchmark decide that from ``BMW_QUICK``, never this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ... import backend, cache
from ..._aliases import module_aliases
from ...checks import boolean, non_negative_int, number_in_range, one_of, positive_int
from ...splits import DigitSplit
from ...training import Progress, training_clock
from .models import (
    FULL_EPOCHS,
    QUICK_TRAIN,
    RECIPES,
    Augment,
    _kind,
    build_cnn,
    digits_to_input,
    load_digit_data,
)
from .preprocess import predict_probs

__all__ = [
    "DigitEvaluation",
    "CnnTrainResult",
    "evaluate",
    "train_cnn",
    "pretrained_cnn",
    "CACHE_VERSION",
]

CACHE_VERSION = 1  # bump when training changes in a way the key does not see


@dataclass
class DigitEvaluation:
    """A model's verdict on held-out digits."""

    accuracy: float
    confusion: np.ndarray  # (10, 10): rows true class, columns predicted
    predicted: np.ndarray
    probs: np.ndarray
    wrong: np.ndarray  # indices of misclassified test images, most confident mistakes first


@dataclass
class CnnTrainResult:
    """One CNN training run: the model, its history, seconds per epoch and held-out evaluation."""

    model: object
    kind: str
    history: dict
    epoch_s: list[float]
    evaluation: DigitEvaluation
    augment: dict | None = None
    info: dict = field(default_factory=dict)

    @property
    def test_accuracy(self) -> float:
        return self.evaluation.accuracy


# Old names kept for one release (they clashed with other chapters' records).
__getattr__ = module_aliases(
    __name__, {"Evaluation": "DigitEvaluation", "TrainResult": "CnnTrainResult"}
)


def evaluate(model, x_raw: np.ndarray, y: np.ndarray, *, batch_size: int = 256) -> DigitEvaluation:
    """Accuracy, confusion matrix and misclassified indices on raw 28x28 digits."""
    batch_size = positive_int(batch_size, name="batch_size")
    y = np.asarray(y)
    if len(x_raw) != len(y) or len(y) == 0:
        raise ValueError(
            f"x_raw and y must be non-empty and of equal length ({len(x_raw)} vs {len(y)})"
        )
    probs = np.concatenate(
        [
            predict_probs(model, digits_to_input(x_raw[i : i + batch_size]))
            for i in range(0, len(y), batch_size)
        ]
    )
    pred = probs.argmax(axis=1)
    n = probs.shape[1]
    confusion = np.zeros((n, n), np.int64)
    np.add.at(confusion, (y, pred), 1)
    wrong = np.flatnonzero(pred != y)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")]
    return DigitEvaluation(float(np.mean(pred == y)), confusion, pred, probs, wrong)


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
            idx = self.order[i * batch_size : (i + 1) * batch_size]
            raw = x[idx]
            if augment is not None:
                raw = np.asarray(augment(raw, self.rng))
                if raw.shape != x[idx].shape:
                    raise ValueError(
                        f"augment changed the batch shape from {x[idx].shape} to "
                        f"{raw.shape}; it must return the same shape"
                    )
            return digits_to_input(raw.astype(np.uint8)), y[idx]

        def on_epoch_end(self):
            self.order = self.rng.permutation(len(x))

    return _Seq()


def _sizes(
    kind: str, epochs: int | None, max_train: int | None, quick: bool
) -> tuple[int, int | None]:
    """``(epochs, max_train)`` with None filled in: the recipe's, or 1 epoch on QUICK_TRAIN."""
    quick = boolean(quick, name="quick")
    if epochs is None:
        epochs = 1 if quick else FULL_EPOCHS[kind]
    epochs = positive_int(epochs, name="epochs")
    if max_train is None and quick:
        max_train = QUICK_TRAIN
    if max_train is not None:
        max_train = positive_int(max_train, name="max_train")
    return epochs, max_train


def _augment_config(augment: Augment | None) -> dict | None:
    if augment is None:
        return None
    if not callable(augment):
        raise TypeError(
            f"augment must be a callable (batch, rng) -> batch, got {type(augment).__name__}"
        )
    return getattr(augment, "config", {"name": getattr(augment, "__name__", "custom")})


def train_cnn(
    kind: str = "text",
    data: DigitSplit | None = None,
    *,
    epochs: int | None = None,
    batch_size: int | None = None,
    augment: Augment | None = None,
    seed: int = 0,
    progress: Progress = None,
    max_train: int | None = None,
    learning_rate: float | None = None,
    schedule: str | None = None,
    quick: bool = False,
) -> CnnTrainResult:
    """Build and train a CNN; returns the model, per-epoch times and held-out evaluation.

    ``epochs=None`` means the recipe's full schedule, or 1 epoch on :data:`QUICK_TRAIN`
    images with ``quick=True``. ``augment`` is applied to each training batch only, never to
    the test. ``schedule`` is 'constant' or 'cosine' (decay to 0 over the run). Arguments
    left as None come from the kind's entry in :data:`RECIPES`.
    """
    kind = _kind(kind)
    seed = non_negative_int(seed, name="seed")
    aug_cfg = _augment_config(augment)
    recipe = RECIPES[kind]
    schedule = one_of(
        recipe["schedule"] if schedule is None else schedule,
        name="schedule",
        choices=("constant", "cosine"),
    )
    batch_size = positive_int(
        recipe["batch_size"] if batch_size is None else batch_size, name="batch_size"
    )
    learning_rate = number_in_range(
        recipe["learning_rate"] if learning_rate is None else learning_rate,
        name="learning_rate",
        low=0.0,
        low_open=True,
    )
    epochs, max_train = _sizes(kind, epochs, max_train, quick)
    data = data if data is not None else load_digit_data()
    x, y = data.x_train, data.y_train
    if max_train is not None:
        x, y = x[:max_train], y[:max_train]
    keras = backend.keras()
    model = build_cnn(kind, seed=seed, learning_rate=learning_rate)
    clock = training_clock(progress=progress, epochs=epochs)
    callbacks = [clock]
    if schedule == "cosine" and epochs > 1:
        callbacks.append(
            keras.callbacks.LearningRateScheduler(
                lambda e, lr: learning_rate * 0.5 * (1 + np.cos(np.pi * e / epochs))
            )
        )
    hist = model.fit(
        _batches(keras, x, y, batch_size, augment, seed),
        epochs=epochs,
        verbose=0,
        callbacks=callbacks,
        shuffle=False,
    )
    ev = evaluate(model, data.x_test, data.y_test)
    return CnnTrainResult(
        model,
        kind,
        {k: [float(v) for v in vs] for k, vs in hist.history.items()},
        list(clock.clock.epoch_seconds),
        ev,
        aug_cfg,
        {
            "train_images": len(x),
            "epochs": epochs,
            "schedule": schedule,
            "learning_rate": learning_rate,
        },
    )


def _save_keras(model, path: Path) -> None:
    model.save(str(path))


def _load_keras(path: Path):
    model = backend.keras().models.load_model(str(path))
    if tuple(model.output_shape) != (None, 10):
        raise ValueError(f"not a digit classifier: output shape {model.output_shape}")
    return model


def pretrained_cnn(
    kind: str = "text",
    *,
    augment: Augment | None = None,
    seed: int = 0,
    progress: Progress = None,
    epochs: int | None = None,
    max_train: int | None = None,
    data: DigitSplit | None = None,
    quick: bool = False,
    use_cache: bool = True,
):
    """A trained model from the engine cache, training it (with progress) the first time.

    The key covers everything that decides the weights: kind, recipe, epochs, training-set
    size, seed, augmentation config and the split's content; so a quick model (``quick=True``:
    1 epoch on :data:`QUICK_TRAIN` images) is never mistaken for a fully trained one. A
    damaged cache file is reported in one line and the model retrained. ``use_cache=False``
    trains without reading or writing the cache.
    """
    kind = _kind(kind)
    seed = non_negative_int(seed, name="seed")
    aug_cfg = _augment_config(augment)
    epochs, max_train = _sizes(kind, epochs, max_train, quick)
    data = data if data is not None else load_digit_data()
    n_train = len(data.x_train) if max_train is None else min(max_train, len(data.x_train))
    parts = {
        "kind": kind,
        "recipe": RECIPES[kind],
        "epochs": epochs,
        "train_images": n_train,
        "seed": seed,
        "augment": aug_cfg,
        "data": data.fingerprint(),
    }

    def build():
        return train_cnn(
            kind,
            data,
            epochs=epochs,
            augment=augment,
            seed=seed,
            progress=progress,
            max_train=max_train,
        ).model

    return cache.fetch_or_build(
        kind="vision-cnn",
        parts=parts,
        version=CACHE_VERSION,
        name=f"{kind}_cnn",
        suffix=".keras",
        build=build,
        save=_save_keras,
        load=_load_keras,
        progress=progress,
        use_cache=use_cache,
    ).value
