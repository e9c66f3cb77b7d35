"""A seeded pipeline: ``sample_params()`` draws, ``apply(image, params)`` replays,
``pipeline(img)`` does both.

All geometric transforms compose into one 3x3 matrix and run as a single warp that writes only
the final output window (``fused=True``). ``fused=False`` runs each geometric step on its own,
the way the text's code does (warp at full size, then slice): slower, and bit-identical to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .. import checks, i18n
from . import functional as F
from .transforms import Draw, GeometricTransform, RandomCrop, Transform, transform_from_config

__all__ = ["Params", "Augmented", "Pipeline", "text_pipeline"]


def _message(key: str, default: str) -> str:
    """The message ``key`` in the active language; ``default`` when no catalog has it (a
    transform defined outside the package)."""
    text = i18n.t(key)
    return default if text == key else text


def _drawn_name(key: str) -> str:
    """What a drawn value is called in a caption (``angle``, ``dx`` … translated)."""
    return _message(f"aug.drawn.{key}", _message(f"aug.set.{key}", key))


@dataclass(frozen=True)
class Params:
    """Everything one pipeline drew for one image (a tuple of Draws, in transform order)."""

    draws: tuple

    def to_dict(self) -> list:
        return [d.to_dict() for d in self.draws]

    @classmethod
    def from_dict(cls, items: list) -> Params:
        return cls(tuple(Draw.from_dict(d) for d in items))

    def summary(self) -> str:
        """One short line per applied transform, for tile captions (in the active language:
        a transform keeps its class name, with its translated name beside it)."""
        parts = []
        for d in self.draws:
            if d.applied:
                vals = ", ".join(
                    f"{_drawn_name(k)}={v:.3g}"
                    if isinstance(v, float)
                    else f"{_drawn_name(k)}={len(v)}"
                    if isinstance(v, tuple)
                    else f"{_drawn_name(k)}={v}"
                    for k, v in d.values
                    if k not in ("noise_seed",)
                )
                name = _message(f"aug.tf.{d.name}", d.name)
                parts.append(i18n.t("aug.caption", name=name, values=vals))
        return i18n.t("aug.caption_sep").join(parts) or i18n.t("aug.identity")


@dataclass(frozen=True)
class Augmented:
    """An augmented image with its boxes (and which survived) and keypoints (and which are inside)."""

    image: np.ndarray
    boxes: np.ndarray | None = None
    boxes_kept: np.ndarray | None = None
    keypoints: np.ndarray | None = None
    keypoints_visible: np.ndarray | None = None


class Pipeline:
    """Transforms applied in order, drawing from the pipeline's own seeded generator.

    ``seed`` (None: fresh entropy) seeds that generator; ``interpolation`` and ``border_mode``
    choose how the one fused warp samples and fills (``border_value`` in [0, 1] for
    "constant"); ``fused=False`` runs each geometric step on its own, as the text's code does.
    """

    def __init__(
        self,
        transforms,
        *,
        seed: int | None = 0,
        interpolation: str = "linear",
        border_mode: str = "constant",
        border_value: float = 0.0,
        fused: bool = True,
    ) -> None:
        transforms = list(transforms)
        for i, t in enumerate(transforms):
            if not isinstance(t, Transform):
                raise TypeError(f"transforms[{i}] must be a Transform, got {type(t).__name__}")
        self.interpolation = checks.one_of(
            interpolation, name="interpolation", choices=sorted(F.INTERPOLATIONS)
        )
        self.border_mode = checks.one_of(
            border_mode, name="border_mode", choices=sorted(F.BORDER_MODES)
        )
        self.border_value = checks.number_in_range(
            border_value, name="border_value", low=0.0, high=1.0
        )
        self.fused = checks.boolean(fused, name="fused")
        self.transforms = transforms
        self.reseed(None if seed is None else checks.non_negative_int(seed, name="seed"))

    # --- sampling ---------------------------------------------------------------------------
    def reseed(self, seed: int | None) -> None:
        """Restart this pipeline's own generator (never the global NumPy one)."""
        self.seed = None if seed is None else int(seed)
        self.rng = np.random.default_rng(self.seed)

    def sample_params(self) -> Params:
        return Params(tuple(t.sample(self.rng) for t in self.transforms))

    # --- applying ---------------------------------------------------------------------------
    def _check_params(self, params: Params) -> None:
        if not isinstance(params, Params):
            raise TypeError(
                f"params must be a Params from sample_params(), got {type(params).__name__}"
            )
        names = [d.name for d in params.draws]
        if names != [t.name for t in self.transforms]:
            raise ValueError(
                f"params were drawn for transforms {names}, this pipeline has "
                f"{[t.name for t in self.transforms]}"
            )

    def geometry(self, params: Params, h: int, w: int) -> tuple[np.ndarray, int, int]:
        """The one 3x3 matrix of all applied geometric transforms and the output size."""
        m = None
        for t, d in zip(self.transforms, params.draws):
            if d.applied and isinstance(t, GeometricTransform):
                step, h, w = t.geometry(d, h, w)
                m = step if m is None else step @ m
        return (np.eye(3) if m is None else m), h, w

    def output_shape(self, shape: tuple) -> tuple:
        """Shape of the output for an input of ``shape`` (crop sizes are fixed, so it does not
        depend on the draw unless a size-changing transform has p < 1)."""
        neutral = Params(tuple(Draw.of(t.name, _neutral(t)) for t in self.transforms))
        _, oh, ow = self.geometry(neutral, int(shape[0]), int(shape[1]))
        return (oh, ow) + tuple(shape[2:])

    def _warp(self, image: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
        h, w = image.shape[:2]
        m, oh, ow = self.geometry(params, h, w)
        if self.fused:
            return F.warp(
                image, m, oh, ow, self.interpolation, self.border_mode, self.border_value
            ), m
        out = image  # staged: each step on its own, crops by slicing (the text's way)
        for t, d in zip(self.transforms, params.draws):
            if not (d.applied and isinstance(t, GeometricTransform)):
                continue
            ch, cw = out.shape[:2]
            if isinstance(t, RandomCrop):
                x, y, sh, sw = t.offsets(d, ch, cw)
                out = out[y : y + sh, x : x + sw]
            else:
                step, sh, sw = t.geometry(d, ch, cw)
                out = F.warp(
                    out,
                    step,
                    sh,
                    sw,
                    self.interpolation,
                    self.border_mode,
                    self.border_value,
                    via_rgba=False,
                )
        return np.ascontiguousarray(out), m

    def apply(self, image, params: Params, boxes=None, keypoints=None):
        """Deterministic: the same image and params always give the same pixels.

        Returns the image, or an :class:`Augmented` when boxes (N, 4: x_min, y_min, x_max, y_max
        in pixels) or keypoints (N, 2: x, y) are given.
        """
        image = F.check_image(image)
        self._check_params(params)
        out, m = self._warp(image, params)
        pixel = [
            (t, d)
            for t, d in zip(self.transforms, params.draws)
            if d.applied and not isinstance(t, GeometricTransform)
        ]
        if pixel:
            f = F.to_float(out)
            for t, d in pixel:
                f = t.apply_pixels(f, d)
            out = F.from_float(f, image.dtype)
        if boxes is None and keypoints is None:
            return out
        oh, ow = out.shape[:2]
        result = {"image": out}
        if boxes is not None:
            result["boxes"], result["boxes_kept"] = F.transform_boxes(
                _array(boxes, 4, "boxes"), m, oh, ow
            )
        if keypoints is not None:
            pts = F.transform_points(_array(keypoints, 2, "keypoints"), m)
            result["keypoints"] = pts
            result["keypoints_visible"] = (
                (pts[:, 0] >= 0) & (pts[:, 0] <= ow - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= oh - 1)
            )
        return Augmented(**result)

    def __call__(self, image, boxes=None, keypoints=None):
        return self.apply(image, self.sample_params(), boxes=boxes, keypoints=keypoints)

    def apply_batch(self, images, params_list=None) -> np.ndarray:
        """(N, H, W, C) -> (N, H', W', C), one fresh draw per image unless ``params_list`` is given."""
        images = F.check_batch(images)
        if params_list is None:
            params_list = [self.sample_params() for _ in range(len(images))]
        if len(params_list) != len(images):
            raise ValueError(f"params_list has {len(params_list)} entries for {len(images)} images")
        return np.stack([self.apply(img, p) for img, p in zip(images, params_list)])

    # --- configuration ------------------------------------------------------------------------
    def to_config(self) -> dict:
        return {
            "transforms": [t.to_config() for t in self.transforms],
            "seed": self.seed,
            "interpolation": self.interpolation,
            "border_mode": self.border_mode,
            "border_value": self.border_value,
            "fused": self.fused,
        }

    @classmethod
    def from_config(cls, config) -> Pipeline:
        if isinstance(config, str):
            config = json.loads(config)
        if not isinstance(config, dict) or "transforms" not in config:
            raise ValueError(
                "config must be a dict with a 'transforms' list (from Pipeline.to_config())"
            )
        extra = {
            k: config[k]
            for k in ("seed", "interpolation", "border_mode", "border_value", "fused")
            if k in config
        }
        return cls([transform_from_config(t) for t in config["transforms"]], **extra)

    def to_json(self) -> str:
        return json.dumps(self.to_config(), indent=1)

    def to_code(self) -> str:
        """Python that rebuilds this pipeline through the public API."""
        body = ",\n".join(f"    bmw.{t!r}" for t in self.transforms)
        opts = f"seed={self.seed!r}, interpolation={self.interpolation!r}, border_mode={self.border_mode!r}"
        if self.border_value:
            opts += f", border_value={self.border_value!r}"
        if not self.fused:
            opts += ", fused=False"
        return f"import bigmodel_widgets as bmw\n\npipeline = bmw.Pipeline([\n{body},\n], {opts})\n"

    def __repr__(self) -> str:
        return f"Pipeline({self.transforms!r}, seed={self.seed!r})"


def _neutral(t: Transform) -> dict:
    # values for which a transform's output size is its typical size
    return (
        {"u": 0.0, "v": 0.0}
        if isinstance(t, RandomCrop)
        else {
            "angle": 0.0,
            "scale": 1.0,
            "dx": 0.0,
            "dy": 0.0,
            "sx": 0.0,
            "sy": 0.0,
            "offsets": (0.0,) * 8,
        }
    )


def _array(value, cols: int, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != cols or not np.isfinite(arr).all():
        raise ValueError(f"{name} must be a finite (N, {cols}) array, got shape {arr.shape}")
    return arr


def text_pipeline(seed: int | None = 0, *, fused: bool = True) -> Pipeline:
    """The text's augmentation: rotate by U(-30°, 30°) about the centre, then a half-size crop at
    an offset in [0, W/4) x [0, H/4)."""
    from .transforms import Rotate

    return Pipeline(
        [
            Rotate(angle_range=(-30, 30)),
            RandomCrop(height=0.5, width=0.5, x_range=(0.0, 0.25), y_range=(0.0, 0.25)),
        ],
        seed=seed,
        fused=fused,
    )
