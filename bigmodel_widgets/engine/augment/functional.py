"""Pure augmentation kernels: input checks, 3x3 geometry matrices, one warp, pixel operations.

Nothing here draws random numbers: every function is deterministic in its arguments
(ARCHITECTURE.md rule 4). Images are uint8 or float32 in [0, 1], shaped (H, W), (H, W, 1),
(H, W, 3) or (H, W, 4); the alpha channel of RGBA is never recoloured.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "INTERPOLATIONS",
    "BORDER_MODES",
    "check_image",
    "check_batch",
    "identity",
    "rotation",
    "translation",
    "scaling",
    "shear",
    "hflip",
    "vflip",
    "perspective",
    "is_affine",
    "warp",
    "to_float",
    "from_float",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_hue_saturation",
    "gaussian_blur",
    "add_gaussian_noise",
    "cutout",
    "transform_points",
    "transform_boxes",
]

INTERPOLATIONS = {"nearest": 0, "linear": 1, "cubic": 2, "lanczos": 4}  # cv2.INTER_* values
BORDER_MODES = {
    "constant": 0,
    "replicate": 1,
    "reflect": 4,
    "wrap": 3,
}  # cv2.BORDER_* (reflect=101)


def check_image(image, name: str = "image") -> np.ndarray:
    """Return ``image`` if it is a usable image, else raise a TypeError/ValueError naming ``name``."""
    if image is None:
        raise TypeError(
            f"{name} is None (cv2.imread returns None for a missing or unreadable file)"
        )
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(image).__name__}")
    if image.dtype not in (np.uint8, np.float32):
        raise TypeError(
            f"{name} has unsupported dtype {image.dtype}; use uint8 or float32 in [0, 1]"
        )
    if image.size == 0:
        raise ValueError(f"{name} is empty (shape {image.shape})")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise ValueError(
            f"{name} must be (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got shape {image.shape}"
        )
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(
            f"{name} is too small ({image.shape[0]}x{image.shape[1]}); need at least 2x2"
        )
    if image.dtype == np.float32:
        lo, hi = float(np.min(image)), float(np.max(image))
        if math.isnan(lo) or math.isnan(hi):
            raise ValueError(f"{name} contains NaN")
        if lo < 0.0 or hi > 1.0:
            raise ValueError(f"float32 {name} must lie in [0, 1], found [{lo:.3g}, {hi:.3g}]")
    return image


def check_batch(images, name: str = "images") -> np.ndarray:
    if not isinstance(images, np.ndarray) or images.ndim != 4:
        shape = getattr(images, "shape", None)
        raise ValueError(
            f"{name} must be a (N, H, W, C) array, got {type(images).__name__} {shape}"
        )
    if len(images) == 0:
        raise ValueError(f"{name} is an empty batch")
    check_image(images[0], f"{name}[0]")
    if images.dtype == np.float32 and np.isnan(images).any():
        raise ValueError(f"{name} contains NaN")
    return images


# --- geometry: 3x3 matrices mapping input (x, y) to output (x, y), pixel centres at integers ---


def identity() -> np.ndarray:
    return np.eye(3)


def rotation(angle_deg: float, cx: float, cy: float) -> np.ndarray:
    """cv2.getRotationMatrix2D((cx, cy), angle, 1) as 3x3 (positive = counter-clockwise)."""
    a = math.radians(angle_deg)
    al, be = math.cos(a), math.sin(a)
    return np.array(
        [[al, be, (1 - al) * cx - be * cy], [-be, al, be * cx + (1 - al) * cy], [0, 0, 1.0]]
    )


def translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0, dx], [0, 1.0, dy], [0, 0, 1.0]])


def scaling(sx: float, sy: float, cx: float = 0.0, cy: float = 0.0) -> np.ndarray:
    """Scale by (sx, sy) about (cx, cy)."""
    return translation(cx, cy) @ np.diag([sx, sy, 1.0]) @ translation(-cx, -cy)


def shear(sx_deg: float, sy_deg: float, cx: float, cy: float) -> np.ndarray:
    m = np.array(
        [
            [1.0, math.tan(math.radians(sx_deg)), 0],
            [math.tan(math.radians(sy_deg)), 1.0, 0],
            [0, 0, 1.0],
        ]
    )
    return translation(cx, cy) @ m @ translation(-cx, -cy)


def hflip(w: int) -> np.ndarray:
    return np.array([[-1.0, 0, w - 1], [0, 1.0, 0], [0, 0, 1.0]])


def vflip(h: int) -> np.ndarray:
    return np.array([[1.0, 0, 0], [0, -1.0, h - 1], [0, 0, 1.0]])


def perspective(offsets, h: int, w: int) -> np.ndarray:
    """Homography moving the four corners by ``offsets`` (8 fractions of W/H: x0,y0,...,x3,y3)."""
    import cv2

    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    off = np.asarray(offsets, dtype=np.float64).reshape(4, 2) * [w - 1, h - 1]
    return cv2.getPerspectiveTransform(src, (src + off).astype(np.float32)).astype(np.float64)


def is_affine(m: np.ndarray) -> bool:
    # exact test: products of affine matrices keep an exact [0, 0, 1] last row
    return m[2, 0] == 0.0 and m[2, 1] == 0.0 and m[2, 2] == 1.0


def warp(
    image: np.ndarray,
    m: np.ndarray,
    out_h: int,
    out_w: int,
    interpolation: str = "linear",
    border_mode: str = "constant",
    border_value: float = 0.0,
    via_rgba: bool = True,
) -> np.ndarray:
    """One cv2 warp writing only the (out_h, out_w) output window; keeps (H, W, 1) shapes.

    ``via_rgba``: OpenCV 5 has a vectorised 4-channel path but not a 3-channel one, so a uint8
    RGB image is warped as RGBA (same pixels, checked by the tests) when that is cheaper.
    """
    import cv2

    flags = INTERPOLATIONS[interpolation]
    border = BORDER_MODES[border_mode]
    scale = 255.0 if image.dtype == np.uint8 else 1.0
    value = (border_value * scale,) * 4
    if is_affine(m):
        rgba = (
            via_rgba
            and flags == 1
            and image.dtype == np.uint8
            and image.ndim == 3
            and image.shape[2] == 3
        )
        src = cv2.cvtColor(image, cv2.COLOR_RGB2RGBA) if rgba else image
        out = cv2.warpAffine(
            src, m[:2], (out_w, out_h), flags=flags, borderMode=border, borderValue=value
        )
        if rgba:
            out = cv2.cvtColor(out, cv2.COLOR_RGBA2RGB)
    else:
        out = cv2.warpPerspective(
            image, m, (out_w, out_h), flags=flags, borderMode=border, borderValue=value
        )
    return out.reshape(out_h, out_w, 1) if image.ndim == 3 and out.ndim == 2 else out


# --- pixel operations on float32 [0, 1] colour channels ---


def to_float(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32) / 255.0 if image.dtype == np.uint8 else image.astype(np.float32)


def from_float(image: np.ndarray, dtype) -> np.ndarray:
    image = np.clip(image, 0.0, 1.0)
    return (
        np.rint(image * 255.0).astype(np.uint8) if dtype == np.uint8 else image.astype(np.float32)
    )


def _colour(image: np.ndarray) -> np.ndarray:
    """The colour channels (a view): RGBA's alpha is left alone."""
    return image[..., :3] if image.ndim == 3 and image.shape[2] == 4 else image


def adjust_brightness(image: np.ndarray, delta: float) -> np.ndarray:
    out = image.copy()
    _colour(out)[...] += delta
    return out


def adjust_contrast(image: np.ndarray, factor: float) -> np.ndarray:
    out = image.copy()
    c = _colour(out)
    mean = float(c.mean())
    c[...] = (c - mean) * factor + mean
    return out


def adjust_gamma(image: np.ndarray, gamma: float) -> np.ndarray:
    out = image.copy()
    c = _colour(out)
    c[...] = np.power(np.clip(c, 0.0, 1.0), gamma)
    return out


def adjust_hue_saturation(image: np.ndarray, hue_deg: float, saturation: float) -> np.ndarray:
    """Rotate hue by ``hue_deg`` and scale saturation; gray images have no colour to change."""
    import cv2

    if image.ndim == 2 or image.shape[2] == 1:
        return image.copy()
    out = image.copy()
    rgb = np.ascontiguousarray(np.clip(out[..., :3], 0.0, 1.0))
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)  # float input: H in [0, 360)
    hsv[..., 0] = np.mod(hsv[..., 0] + hue_deg, 360.0)
    hsv[..., 1] = np.clip(hsv[..., 1] * saturation, 0.0, 1.0)
    out[..., :3] = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    return out


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    if sigma <= 0:
        return image.copy()
    out = cv2.GaussianBlur(
        image, (0, 0), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT_101
    )
    return out.reshape(image.shape)


def add_gaussian_noise(image: np.ndarray, std: float, noise_seed: int) -> np.ndarray:
    """Noise from its own generator seeded by the recorded ``noise_seed``: replay gives the same noise."""
    out = image.copy()
    c = _colour(out)
    c[...] += np.random.default_rng(noise_seed).standard_normal(
        c.shape, dtype=np.float32
    ) * np.float32(std)
    return out


def cutout(image: np.ndarray, holes, fill: float = 0.0) -> np.ndarray:
    """Erase rectangles given as (cx, cy, size) fractions of the image (size of the shorter side)."""
    out = image.copy()
    h, w = image.shape[:2]
    for cx, cy, size in holes:
        side = max(1, int(round(size * min(h, w))))
        x0, y0 = int(round(cx * w - side / 2)), int(round(cy * h - side / 2))
        _colour(out)[max(y0, 0) : max(y0 + side, 0), max(x0, 0) : max(x0 + side, 0)] = fill
    return out


# --- boxes and keypoints follow the same matrix ---


def transform_points(points, m: np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    hom = np.hstack([pts, np.ones((len(pts), 1))]) @ m.T
    return hom[:, :2] / hom[:, 2:3]


def transform_boxes(boxes, m: np.ndarray, out_h: int, out_w: int) -> tuple[np.ndarray, np.ndarray]:
    """(N, 4) boxes (x_min, y_min, x_max, y_max) -> enclosing boxes clipped to the output, and a
    mask of the boxes that still have area there (the others are returned clipped to zero area)."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    corners = np.stack([b[:, [0, 1]], b[:, [2, 1]], b[:, [2, 3]], b[:, [0, 3]]], axis=1)
    moved = transform_points(corners.reshape(-1, 2), m).reshape(-1, 4, 2)
    lo, hi = moved.min(axis=1), moved.max(axis=1)
    out = np.hstack([lo, hi])
    out[:, [0, 2]] = np.clip(out[:, [0, 2]], 0, out_w)
    out[:, [1, 3]] = np.clip(out[:, [1, 3]], 0, out_h)
    keep = (out[:, 2] > out[:, 0]) & (out[:, 3] > out[:, 1])
    return out, keep
