"""Chapter 1: seeded, fused image augmentation (kernels, transforms, pipeline, preview, tf.data).

``functional`` holds pure kernels, ``transforms`` thin classes that sample frozen Draws,
``pipeline`` composes them into one warp. Importing this package loads no OpenCV or TensorFlow.
"""

from __future__ import annotations

from ..images import decode_image  # the one image decoder, also reachable from here
from .pipeline import Augmented, Params, Pipeline, text_pipeline
from .preview import demo_annotations, preview_samples, working_copy
from .transforms import (
    TRANSFORMS,
    Brightness,
    Contrast,
    Cutout,
    Draw,
    Gamma,
    GaussianBlur,
    GaussianNoise,
    HorizontalFlip,
    HueSaturation,
    Perspective,
    RandomCrop,
    Resize,
    Rotate,
    Scale,
    Setting,
    Shear,
    Transform,
    Translate,
    VerticalFlip,
    transform_from_config,
)

__all__ = [
    "Augmented",
    "Params",
    "Pipeline",
    "text_pipeline",
    "decode_image",
    "demo_annotations",
    "preview_samples",
    "working_copy",
    "TRANSFORMS",
    "Draw",
    "Setting",
    "Transform",
    "transform_from_config",
    "Rotate",
    "RandomCrop",
    "HorizontalFlip",
    "VerticalFlip",
    "Scale",
    "Translate",
    "Shear",
    "Perspective",
    "Resize",
    "Brightness",
    "Contrast",
    "Gamma",
    "HueSaturation",
    "GaussianBlur",
    "GaussianNoise",
    "Cutout",
]
