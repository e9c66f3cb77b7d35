"""The tutorial text's augmentation snippet, kept verbatim as the reference our engine must match.

It uses the global NumPy generator (not reproducible without ``np.random.seed``), returns a
half-size image, and leaves black corners from the rotation: the chapter notebook shows each.
``draws_for_seed`` replays its three draws so tests and the notebook can feed them to our engine.
"""

from __future__ import annotations

import functools

import numpy as np

from .pipeline import Params
from .transforms import Draw

__all__ = ["TEXT_SNIPPET", "augment_image", "draws_for_seed", "params_for_text_draws"]

TEXT_SNIPPET = """\
import cv2
import numpy as np

def augment_image(image):
    # random rotation
    angle = np.random.uniform(-30, 30)
    h, w = image.shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1)
    image = cv2.warpAffine(image, M, (w, h))
    # random crop
    x = np.random.randint(0, w // 4)
    y = np.random.randint(0, h // 4)
    image = image[y:y + h // 2, x:x + w // 2]
    return image
"""


@functools.lru_cache(maxsize=1)
def _text_function():
    # Run the snippet itself, so what the notebook shows is exactly what the tests compare against.
    namespace: dict = {}
    exec(compile(TEXT_SNIPPET, "<tutorial text>", "exec"), namespace)
    return namespace["augment_image"]


def augment_image(image):
    """The text's function, executed from ``TEXT_SNIPPET`` unchanged (global RNG and all)."""
    return _text_function()(image)


def draws_for_seed(seed: int, h: int, w: int) -> tuple[float, int, int]:
    """(angle, x, y) that ``augment_image`` draws right after ``np.random.seed(seed)``."""
    rs = np.random.RandomState(seed)
    angle = rs.uniform(-30, 30)
    return float(angle), int(rs.randint(0, w // 4)), int(rs.randint(0, h // 4))


def params_for_text_draws(angle: float, x: int, y: int, h: int, w: int) -> Params:
    """Params for :func:`text_pipeline` that reproduce the text's draws exactly."""
    if not (0 <= x < w // 4 and 0 <= y < h // 4):
        raise ValueError(f"x, y must lie in [0, {w // 4}) x [0, {h // 4}), got ({x}, {y})")
    return Params(
        (
            Draw.of("Rotate", {"angle": float(angle)}),
            Draw.of("RandomCrop", {"u": (x + 0.5) / (w // 4), "v": (y + 0.5) / (h // 4)}),
        )
    )
