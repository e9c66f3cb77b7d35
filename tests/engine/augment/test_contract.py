"""One contract table over every transform: a transform added to TRANSFORMS without an entry here fails."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine.augment import TRANSFORMS, Pipeline, transform_from_config

# name -> (settings that make a visible change, a bad setting and the argument its error must name)
CONTRACT = {
    "Rotate": ({"angle_range": (20, 30)}, {"angle_range": (30, 20)}, "angle_range"),
    "RandomCrop": ({"height": 0.5, "width": 0.5}, {"height": -3}, "height"),
    "HorizontalFlip": ({"p": 1.0}, {"p": 1.5}, "p"),
    "VerticalFlip": ({"p": 1.0}, {"p": -0.1}, "p"),
    "Scale": ({"scale_range": (1.3, 1.5)}, {"scale_range": (2.0, 1.0)}, "scale_range"),
    "Translate": (
        {"x_range": (0.1, 0.2), "y_range": (0.1, 0.2)},
        {"x_range": (0.5, -0.5)},
        "x_range",
    ),
    "Shear": ({"x_range": (10, 20)}, {"y_range": (5, 1)}, "y_range"),
    "Perspective": (
        {"distortion_range": (0.1, 0.2)},
        {"distortion_range": (0.3, 0.1)},
        "distortion_range",
    ),
    "Resize": ({"height": 20, "width": 24}, {"height": 0}, "height"),
    "Brightness": (
        {"brightness_range": (0.2, 0.3)},
        {"brightness_range": (0.3, 0.2)},
        "brightness_range",
    ),
    "Contrast": ({"contrast_range": (1.5, 2.0)}, {"contrast_range": (2.0, 1.5)}, "contrast_range"),
    "Gamma": ({"gamma_range": (2.0, 3.0)}, {"gamma_range": (3.0, 2.0)}, "gamma_range"),
    "HueSaturation": (
        {"hue_range": (40, 60), "saturation_range": (0.3, 0.5)},
        {"saturation_range": (1.0, 0.5)},
        "saturation_range",
    ),
    "GaussianBlur": ({"sigma_range": (2.0, 3.0)}, {"sigma_range": (3.0, 2.0)}, "sigma_range"),
    "GaussianNoise": ({"std_range": (0.1, 0.2)}, {"std_range": (0.2, 0.1)}, "std_range"),
    "Cutout": (
        {"p": 1.0, "holes_range": (2, 3), "size_range": (0.3, 0.4)},
        {"size_range": (0.5, 0.1)},
        "size_range",
    ),
}

GEOMETRIC = {
    "Rotate",
    "RandomCrop",
    "HorizontalFlip",
    "VerticalFlip",
    "Scale",
    "Translate",
    "Shear",
    "Perspective",
    "Resize",
}
COLOUR_ONLY = {"HueSaturation"}  # nothing to change on gray images


def _photo(kind: str) -> np.ndarray:
    # a smooth gradient with texture, so every transform moves pixels visibly
    yy, xx = np.mgrid[0:40, 0:48]
    base = np.stack([xx / 47, yy / 39, (xx + yy) / 86], axis=-1) * 0.8 + 0.1
    base = (base + 0.05 * np.sin(xx / 3.0)[..., None]).clip(0, 1).astype(np.float32)
    img = {
        "rgb": base,
        "gray": base.mean(axis=2),
        "gray1": base.mean(axis=2, keepdims=True),
        "rgba": np.dstack([base, np.full(base.shape[:2], 0.75, np.float32)]),
    }[kind.removesuffix("_u8")]
    return np.rint(img * 255).astype(np.uint8) if kind.endswith("_u8") else img


def test_every_transform_has_a_contract_entry():
    assert set(TRANSFORMS) == set(CONTRACT), (
        f"add contract entries for {set(TRANSFORMS) ^ set(CONTRACT)}"
    )


KINDS = ["rgb_u8", "rgb", "gray_u8", "gray1_u8", "rgba_u8", "gray1"]


@pytest.mark.parametrize("name", sorted(CONTRACT))
@pytest.mark.parametrize("kind", KINDS)
def test_transform_contract(name, kind):
    good, _, _ = CONTRACT[name]
    t = TRANSFORMS[name](**good)
    pipe = Pipeline([t], seed=3)
    img = _photo(kind)
    params = pipe.sample_params()
    out = pipe.apply(img, params)
    # dtype and channel layout kept; replay is deterministic
    assert out.dtype == img.dtype and out.ndim == img.ndim and out.shape[2:] == img.shape[2:]
    np.testing.assert_array_equal(out, pipe.apply(img, params))
    # the same seed draws the same params; a different seed draws different ones
    assert Pipeline([t], seed=3).sample_params() == params
    if name not in ("HorizontalFlip", "VerticalFlip", "Resize"):
        assert Pipeline([t], seed=4).sample_params() != params
    # it does something (alpha and gray are left alone by colour changes)
    if not (name in COLOUR_ONLY and kind.startswith("gray")):
        same_shape = out.shape == img.shape
        assert not same_shape or not np.array_equal(out, img), f"{name} changed nothing on {kind}"
    if img.ndim == 3 and img.shape[2] == 4 and name not in GEOMETRIC:
        np.testing.assert_array_equal(out[..., 3], img[..., 3])


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_transform_p0_is_identity_and_config_round_trips(name):
    good, _, _ = CONTRACT[name]
    t = TRANSFORMS[name](**good)
    again = transform_from_config(t.to_config())
    assert type(again) is type(t) and again.to_config() == t.to_config()
    off = TRANSFORMS[name](**{**good, "p": 0.0})
    pipe = Pipeline([off], seed=0)
    img = _photo("rgb_u8")
    np.testing.assert_array_equal(pipe(img), img)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_transform_bad_setting_names_the_argument(name):
    _, bad, arg = CONTRACT[name]
    with pytest.raises((ValueError, TypeError), match=arg):
        TRANSFORMS[name](**bad)
    with pytest.raises(ValueError, match="p must be"):
        TRANSFORMS[name](p=2)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_signature_defaults_and_config_come_from_the_settings_table(name):
    import inspect

    cls = TRANSFORMS[name]
    table = {s.name: s for s in cls.settings}
    params = inspect.signature(cls).parameters
    # the signature is the table: same names in the same order, same defaults, keyword-only
    assert list(params) == [s.name for s in cls.settings]
    assert "p" in table
    for pname, param in params.items():
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, pname
        assert param.default == table[pname].default, pname
        assert table[pname].doc and pname in cls.__doc__  # help() and Shift-Tab explain it
    # defaults pass their own validation, and to_config/from_config round-trip them
    t = cls()
    assert {k: getattr(t, k) for k in table} == {k: s.check(s.default) for k, s in table.items()}
    cfg = t.to_config()
    assert set(cfg["params"]) == set(table)
    again = cls.from_config(cfg)
    assert type(again) is cls and again.to_config() == cfg
    # slider limits are usable: low < high and the default fits inside
    for s in cls.settings:
        lo, hi, step = s.slider_limits()
        assert lo < hi and 0 < step <= hi - lo, s.name
        values = (
            []
            if s.default is None
            else (list(s.default) if isinstance(s.default, tuple) else [s.default])
        )
        assert all(lo <= v <= hi for v in values), s.name


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_unknown_setting_is_refused_with_the_table_names(name):
    cls = TRANSFORMS[name]
    with pytest.raises(TypeError, match="colour"):
        cls(colour=1)
    with pytest.raises(ValueError, match=r"no setting\(s\) \['colour'\]"):
        cls.from_config({"name": name, "params": {"colour": 1}})
    with pytest.raises(TypeError, match="p must be a number"):
        cls(p="often")
