"""From a picture to the model's input, step by step, and from the model's output to top-k.

Two paths. :func:`prepare_photo` is the text's ``imread -> resize -> /255 -> predict`` made
correct (RGB, interpolation chosen by direction, float32 in [0, 1], a batch axis).
:func:`prepare_digit` turns a photo or drawing of a digit into what MNIST looks like
(white ink on black, thresholded, cropped, scaled to 20 px, centred by mass in 28x28, padded
to 32x32), because a dark digit on white paper is *not* what the network was trained on.
Every step's image is kept so a widget can show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..._aliases import module_aliases
from ...checks import int_in_range, positive_int
from ...i18n import t
from ...images import ImageInputError, read_image, to_rgb

__all__ = [
    "DigitPrep",
    "DigitPrediction",
    "load_any",
    "resize",
    "prepare_photo",
    "prepare_digit",
    "top_k",
    "predict_probs",
    "classify_digit",
    "DIGIT_BOX",
    "MNIST_SIDE",
]

MNIST_SIDE = 28  # MNIST digits: a 20x20 box centred by mass in 28x28
DIGIT_BOX = 20
INK_MIN_FRACTION = 0.0005  # less ink than this is an empty canvas, not a digit


@dataclass
class DigitPrep:
    """The model input (1, size, size, 3) float32 in [0, 1] and each step's picture."""

    batch: np.ndarray
    steps: dict[str, np.ndarray] = field(default_factory=dict)
    inverted: bool = False


@dataclass
class DigitPrediction:
    """A digit classifier's answer: class probabilities, the top-k and the preprocessing."""

    probs: np.ndarray  # (classes,)
    top: list[tuple[int, float]]  # [(class, probability)], best first
    prep: DigitPrep | None = None

    @property
    def label(self) -> int:
        return self.top[0][0]


__getattr__ = module_aliases(__name__, {"Prediction": "DigitPrediction"})  # for one release


def load_any(image, *, name: str = "image") -> np.ndarray:
    """A path, encoded bytes or an array -> RGB uint8. The one entry point for user input."""
    from ...images import decode_image

    if isinstance(image, np.ndarray):
        return to_rgb(image, name=name)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return decode_image(bytes(image), name=name)
    if isinstance(image, str) or hasattr(image, "__fspath__"):
        return read_image(image)
    raise TypeError(f"image must be a path, bytes or a NumPy array, got {type(image).__name__}")


def resize(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize to (width, height): INTER_AREA to shrink (no aliasing), INTER_CUBIC to enlarge."""
    import cv2

    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise TypeError(f"size must be a (width, height) pair, got {size!r}")
    w, h = (
        positive_int(size[0], name="size[0] (width)"),
        positive_int(size[1], name="size[1] (height)"),
    )
    shrinking = w * h < img.shape[0] * img.shape[1]
    out = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)
    return out


def prepare_photo(image, *, size: int = 32) -> np.ndarray:
    """The text's inference path made correct: RGB, resized, float32 in [0, 1], batch axis."""
    rgb = load_any(image)
    small = resize(rgb, (size, size))
    return (small.astype(np.float32) / 255.0)[None]


def _gray(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _border_median(gray: np.ndarray) -> float:
    edge = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(np.median(edge))


def prepare_digit(image, *, size: int = 32, invert: bool | None = None) -> DigitPrep:
    """A user's digit (photo, scan, canvas drawing) -> an MNIST-like (1, size, size, 3) batch.

    ``invert=None`` decides from the border: a light background means dark ink, which is
    inverted to MNIST's white-on-black. Raises ImageInputError when no ink is found.
    """
    import cv2

    size = int_in_range(size, name="size", low=MNIST_SIDE)
    if invert is not None and not isinstance(invert, bool):
        raise TypeError(
            f"invert must be True, False or None (decide from the border), got {invert!r}"
        )
    rgb = load_any(image)
    steps: dict[str, np.ndarray] = {"input": rgb}
    if max(rgb.shape[:2]) > 512:  # work on a bounded copy: thresholding needs no megapixels
        scale = 512 / max(rgb.shape[:2])
        rgb = resize(
            rgb, (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
        )
    gray = _gray(rgb)
    steps["gray"] = gray
    if invert is None:
        invert = _border_median(gray) > 127
    if invert:
        gray = 255 - gray
    steps["white on black"] = gray
    if int(gray.max()) - int(gray.min()) < 32:
        raise ImageInputError(t("vision.err.blank"))
    # Otsu splits ink from background; the background goes to 0 (removing paper texture and
    # uneven light), the ink keeps its soft edges, and its bright end is stretched to 255.
    thresh, mask = cv2.threshold(
        cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    # Specks of paper texture or dust would stretch the crop: keep only blobs of at least a
    # tenth of the largest one (a digit drawn in two strokes keeps both).
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n > 2:
        areas = stats[1:, cv2.CC_STAT_AREA]
        keep = np.flatnonzero(areas >= 0.1 * areas.max()) + 1
        mask = np.where(np.isin(labels, keep), 255, 0).astype(np.uint8)
    floor = float(np.median(gray[mask == 0])) if np.any(mask == 0) else 0.0
    ink = np.clip(gray.astype(np.float32) - floor, 0, None) * (mask > 0)
    top = float(np.percentile(ink[mask > 0], 95)) if np.any(mask > 0) else 0.0
    ink = np.clip(ink * (255.0 / max(top, 1.0)), 0, 255).astype(np.uint8)
    steps["threshold"] = ink
    ys, xs = np.nonzero(ink)
    if len(ys) < max(4, INK_MIN_FRACTION * ink.size):
        raise ImageInputError(t("vision.err.little_ink"))
    crop = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    steps["cropped"] = crop
    h, w = crop.shape
    scale = DIGIT_BOX / max(h, w)  # longest side to 20 px, aspect kept (MNIST's recipe)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    box = resize(crop, (nw, nh))
    steps["scaled to 20 px"] = box
    canvas = np.zeros((MNIST_SIDE, MNIST_SIDE), np.float32)
    m = box.astype(np.float32)
    total = m.sum()
    cy = (m.sum(axis=1) @ np.arange(nh)) / total if total else nh / 2
    cx = (m.sum(axis=0) @ np.arange(nw)) / total if total else nw / 2
    # Shift so the centre of mass lands on the centre of the 28x28 field.
    top = int(np.clip(round(MNIST_SIDE / 2 - cy - 0.5), 0, MNIST_SIDE - nh))
    left = int(np.clip(round(MNIST_SIDE / 2 - cx - 0.5), 0, MNIST_SIDE - nw))
    canvas[top : top + nh, left : left + nw] = m
    centred = canvas.astype(np.uint8)
    steps["centred 28x28"] = centred
    pad_lo = (size - MNIST_SIDE) // 2
    padded = np.pad(centred, ((pad_lo, size - MNIST_SIDE - pad_lo),) * 2)
    steps[f"padded {size}x{size}"] = padded
    batch = np.repeat(padded[None, :, :, None], 3, axis=3).astype(np.float32) / 255.0
    return DigitPrep(batch=batch, steps=steps, inverted=bool(invert))


def top_k(probs, k: int = 3) -> list[tuple[int, float]]:
    """[(class, probability)] for the k most probable classes, best first."""
    probs = np.asarray(probs, dtype=np.float64).ravel()
    k = positive_int(k, name="k")
    order = np.argsort(-probs, kind="stable")[: min(k, len(probs))]
    return [(int(i), float(probs[i])) for i in order]


def predict_probs(model, batch: np.ndarray) -> np.ndarray:
    """Class probabilities (N, classes) for a float batch, without Keras' progress output."""
    batch = np.asarray(batch, dtype=np.float32)
    if batch.ndim != 4:
        raise ValueError(
            f"batch must be (N, H, W, C); got shape {batch.shape} (did you forget the batch axis?)"
        )
    want = tuple(model.input_shape[1:])
    if batch.shape[1:] != want:
        raise ValueError(f"batch images are {batch.shape[1:]}, the model expects {want}")
    # Calling the model directly avoids predict()'s per-call overhead for small batches.
    return np.asarray(model(batch, training=False))


def classify_digit(model, image, *, k: int = 3, invert: bool | None = None) -> DigitPrediction:
    """Prepare ``image`` as a digit and return the model's probabilities and top-k."""
    size = int(model.input_shape[1])
    prep = prepare_digit(image, size=size, invert=invert)
    probs = predict_probs(model, prep.batch)[0]
    return DigitPrediction(probs=probs, top=top_k(probs, k), prep=prep)
