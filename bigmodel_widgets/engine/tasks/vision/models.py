"""Chapter 5's models: the text's CNN and a stronger one, their recipes, augmentation hooks, files.

Data: the 5,000 real MNIST digits of the offline catalogue, split once for every chapter
(``engine/splits.py``), padded from 28x28 to the text's 32x32 and repeated to 3 channels.
Training (with an optional augmentation hook ``augment(batch_uint8 (N, 28, 28), rng) -> batch``)
lives in :mod:`.training`; inference in :mod:`.preprocess`. Models save as the text does
(``model.h5``) and as ``.keras``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

import numpy as np

from ... import backend
from ..._aliases import module_aliases
from ...checks import number_in_range, one_of
from ...files import atomic_path
from ...splits import DigitSplit, mnist5k_split
from ...training import set_seed

__all__ = [
    "INPUT_SHAPE",
    "MODEL_KINDS",
    "RECIPES",
    "FULL_EPOCHS",
    "QUICK_TRAIN",
    "Augment",
    "DigitSplit",
    "load_digit_data",
    "digits_to_input",
    "build_cnn",
    "random_affine",
    "recipe_augment",
    "pipeline_augment",
    "save_model",
    "load_model",
]

INPUT_SHAPE = (32, 32, 3)  # the text's input size
# "text": the text's own CNN; "strong": a deeper one. ("seed" was the old name of "text".)
MODEL_KINDS = ("text", "strong")
# Full-run training recipes, tuned on the held-out split (benchmark: bench/vision.py). Both
# decay the rate along a cosine; the text's small CNN gets smaller batches, a higher starting
# rate and milder augmentation, as it underfits augmented digits otherwise.
RECIPES = {
    "text": {
        "epochs": 25,
        "batch_size": 32,
        "learning_rate": 2e-3,
        "schedule": "cosine",
        "augment": {"max_degrees": 10.0, "max_shift": 1.5, "scale": (0.93, 1.07)},
    },
    "strong": {
        "epochs": 20,
        "batch_size": 64,
        "learning_rate": 1e-3,
        "schedule": "cosine",
        "augment": {"max_degrees": 12.0, "max_shift": 2.0, "scale": (0.9, 1.1)},
    },
}
FULL_EPOCHS = {kind: r["epochs"] for kind, r in RECIPES.items()}
QUICK_TRAIN = 600  # quick runs (quick=True) train on this many images for one epoch

Augment = Callable[[np.ndarray, np.random.Generator], np.ndarray]

# The digits split is the engine core's DigitSplit; the old name is kept for one release.
__getattr__ = module_aliases(__name__, {"DigitData": "DigitSplit"})


def _kind(kind: str) -> str:
    """``kind`` checked against :data:`MODEL_KINDS`; the old name "seed" warns and means "text"."""
    if kind == "seed":
        warnings.warn(
            "kind='seed' is now kind='text' (the text's own CNN); 'seed' goes in the next release",
            DeprecationWarning,
            stacklevel=3,
        )
        return "text"
    return one_of(kind, name="kind", choices=MODEL_KINDS)


def load_digit_data(*, test_fraction: float = 0.2, seed: int = 0) -> DigitSplit:
    """MNIST-5k split into train and held-out test, the same class balance in each.

    The engine core's one split (:func:`engine.splits.mnist5k_split`), shared with chapters
    2 and 3, so accuracies are comparable across notebooks.
    """
    return mnist5k_split(seed=seed, test_fraction=test_fraction)


def digits_to_input(x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) uint8 digits -> (N, 32, 32, 3) float32 in [0, 1]: padded, not stretched."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"x must be (N, 28, 28) digits, got shape {x.shape}")
    padded = np.pad(x, ((0, 0), (2, 2), (2, 2))).astype(np.float32) / 255.0
    return np.repeat(padded[..., None], 3, axis=3)


def build_cnn(kind: str = "text", *, seed: int = 0, learning_rate: float = 1e-3):
    """'text': the text's CNN (Conv2D 32 3x3 relu -> MaxPool 2 -> Flatten -> Dense 10 softmax).
    'strong': two 5x5 conv layers, a 128-unit dense layer, dropout. Both compiled with Adam."""
    kind = _kind(kind)
    learning_rate = number_in_range(learning_rate, name="learning_rate", low=0.0, low_open=True)
    keras = backend.keras()
    set_seed(seed)
    L = keras.layers
    if kind == "text":
        layers = [
            L.Conv2D(32, (3, 3), activation="relu", input_shape=INPUT_SHAPE),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dense(10, activation="softmax"),
        ]
    else:  # LeNet-5's shape with ReLU and dropout: ~7M multiply-adds, affordable on 2 cores
        layers = [
            L.Conv2D(32, 5, activation="relu", input_shape=INPUT_SHAPE),
            L.MaxPooling2D(2),
            L.Conv2D(64, 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dropout(0.25),
            L.Dense(128, activation="relu"),
            L.Dropout(0.25),
            L.Dense(10, activation="softmax"),
        ]
    model = keras.Sequential(layers, name=f"{kind}_cnn")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def random_affine(
    *, max_degrees: float = 12.0, max_shift: float = 2.0, scale: tuple[float, float] = (0.9, 1.1)
) -> Augment:
    """A small digit-safe augmentation (no flips: a mirrored 2 is not a 2): rotate, shift, zoom.

    Returns ``augment(batch, rng)``; each image draws its own parameters from ``rng``.
    """
    max_degrees = number_in_range(max_degrees, name="max_degrees", low=0.0)
    max_shift = number_in_range(max_shift, name="max_shift", low=0.0)
    if not isinstance(scale, (tuple, list)) or len(scale) != 2:
        raise TypeError(f"scale must be a (low, high) pair, got {scale!r}")
    low = number_in_range(scale[0], name="scale[0]", low=0.0, low_open=True)
    high = number_in_range(scale[1], name="scale[1]", low=0.0, low_open=True)
    if low > high:
        raise ValueError(f"scale must be (low, high) with 0 < low <= high, got {tuple(scale)}")

    def augment(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        import cv2

        out = np.empty_like(batch)
        h, w = batch.shape[1:3]
        for i, img in enumerate(batch):
            m = cv2.getRotationMatrix2D(
                (w / 2, h / 2), rng.uniform(-max_degrees, max_degrees), rng.uniform(low, high)
            )
            m[:, 2] += rng.uniform(-max_shift, max_shift, size=2)
            out[i] = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
        return out

    augment.config = {
        "name": "random_affine",
        "max_degrees": max_degrees,  # type: ignore[attr-defined]
        "max_shift": max_shift,
        "scale": [low, high],
    }
    return augment


def pipeline_augment(pipeline=None) -> Augment:
    """Chapter 1's augmentation :class:`Pipeline` as a training hook for 28x28 digits.

    ``None`` builds a digit-safe pipeline (rotate, shift, zoom; no flips, no crops). The
    pipeline draws from its own seeded generator, so ``rng`` is not used here.
    """
    from ... import augment as aug

    if pipeline is None:
        pipeline = aug.Pipeline(
            [
                aug.Rotate(angle_range=(-12, 12)),
                aug.Translate(x_range=(-0.07, 0.07), y_range=(-0.07, 0.07)),
                aug.Scale(scale_range=(0.9, 1.1)),
            ],
            seed=0,
        )
    if not isinstance(pipeline, aug.Pipeline):
        raise TypeError(
            f"pipeline must be a bigmodel_widgets Pipeline, got {type(pipeline).__name__}"
        )
    if pipeline.output_shape((28, 28, 1)) != (28, 28, 1):
        raise ValueError(
            "pipeline changes the image size (a crop or resize?); digits must stay "
            "28x28, so use rotate/translate/scale/shear or pixel transforms"
        )

    def augment(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return pipeline.apply_batch(np.ascontiguousarray(batch[..., None]))[..., 0]

    augment.config = {"name": "pipeline", "pipeline": pipeline.to_config()}  # type: ignore[attr-defined]
    return augment


def recipe_augment(kind: str = "text") -> Augment:
    """The augmentation the kind's recipe was tuned with (a :func:`random_affine`)."""
    return random_affine(**RECIPES[_kind(kind)]["augment"])


def save_model(model, path) -> str:
    """Save as the text does (``model.h5``, HDF5) or as Keras' native ``.keras`` zip."""
    path = os.fspath(path)
    if not path.endswith((".h5", ".keras")):
        raise ValueError(f"path must end in .h5 or .keras, got {path!r}")
    with atomic_path(path, suffix=os.path.splitext(path)[1]) as tmp, warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*HDF5 file.*"
        )  # "legacy", but the text's format
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
