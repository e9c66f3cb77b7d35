"""Every transform, by name: the registry that configs, the widget and the contract tests use.

Geometric transforms return a 3x3 matrix (and the new frame size) so the pipeline can fuse them
into a single warp; pixel transforms change colours of the warped output. Each declares its
settings once (``cls.settings``, see ``base.py``). A new transform must be listed in
``TRANSFORMS`` (and then needs an entry in the contract test table).
"""

from __future__ import annotations

from .base import Draw, GeometricTransform, PixelTransform, Setting, Transform
from .geometric import (
    HorizontalFlip,
    Perspective,
    RandomCrop,
    Resize,
    Rotate,
    Scale,
    Shear,
    Translate,
    VerticalFlip,
)
from .pixel import Brightness, Contrast, Cutout, Gamma, GaussianBlur, GaussianNoise, HueSaturation

__all__ = [
    "Draw",
    "Setting",
    "Transform",
    "GeometricTransform",
    "PixelTransform",
    "TRANSFORMS",
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


TRANSFORMS: dict[str, type] = {
    cls.__name__: cls
    for cls in [
        Rotate,
        RandomCrop,
        HorizontalFlip,
        VerticalFlip,
        Scale,
        Translate,
        Shear,
        Perspective,
        Resize,
        Brightness,
        Contrast,
        Gamma,
        HueSaturation,
        GaussianBlur,
        GaussianNoise,
        Cutout,
    ]
}


def transform_from_config(config: dict) -> Transform:
    """Any transform from its ``to_config()`` dict (the class is looked up by name)."""
    if not isinstance(config, dict) or "name" not in config:
        raise ValueError(
            f"a transform config is {{'name': ..., 'params': {{...}}}}, got {config!r}"
        )
    if config["name"] not in TRANSFORMS:
        raise ValueError(f"unknown transform {config['name']!r}; known: {sorted(TRANSFORMS)}")
    return TRANSFORMS[config["name"]].from_config(config)
