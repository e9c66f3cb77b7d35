"""What a preview grid shows, computed without any UI: a working copy of the photo and N draws.

The AugmentationPreview widget calls these; its tests compare the widget with them.
"""

from __future__ import annotations

import numpy as np

from . import functional as F
from .pipeline import Params, Pipeline

__all__ = ["working_copy", "preview_samples", "demo_annotations"]


def working_copy(image, side: int = 256) -> np.ndarray:
    """The photo resized (area-averaged) so its longer side is at most ``side`` pixels."""
    import cv2

    image = F.check_image(image)
    if not isinstance(side, int) or side < 8:
        raise ValueError(f"side must be an int >= 8, got {side!r}")
    h, w = image.shape[:2]
    k = side / max(h, w)
    if k >= 1:
        return image
    out = cv2.resize(
        image, (max(2, round(w * k)), max(2, round(h * k))), interpolation=cv2.INTER_AREA
    )
    return out.reshape(out.shape[:2] + image.shape[2:])


def demo_annotations(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """A centred box and its corners plus centre as keypoints, to watch them follow the warp."""
    box = np.array([[0.3 * w, 0.25 * h, 0.7 * w, 0.75 * h]])
    kps = np.array([[0.3 * w, 0.25 * h], [0.7 * w, 0.25 * h], [0.5 * w, 0.5 * h]])
    return box, kps


def preview_samples(
    pipeline: Pipeline,
    image: np.ndarray,
    n: int,
    *,
    params: list[Params] | None = None,
    annotate: bool = False,
) -> tuple[list[Params], list]:
    """Reseed-free: draw ``n`` params from ``pipeline`` (unless given) and apply each to ``image``.

    Returns (params, outputs); outputs are arrays, or Augmented records when ``annotate``.
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    image = F.check_image(image)
    if params is None:
        params = [pipeline.sample_params() for _ in range(n)]
    boxes, kps = demo_annotations(*image.shape[:2]) if annotate else (None, None)
    outs = [pipeline.apply(image, p, boxes=boxes, keypoints=kps) for p in params]
    return params, outs
