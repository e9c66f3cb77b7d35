"""The pipeline: the text's transforms reproduced, sample-then-apply, one warp, bad input, config."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from bigmodel_widgets.engine.augment import (
    Cutout,
    GaussianNoise,
    HorizontalFlip,
    Params,
    Pipeline,
    RandomCrop,
    Resize,
    Rotate,
    Scale,
    Shear,
    Translate,
    preview_samples,
    text_pipeline,
    working_copy,
)
from bigmodel_widgets.engine.augment import functional as F
from bigmodel_widgets.engine.augment import text_reference as T
from bigmodel_widgets.engine.data import load_photo


@pytest.fixture(scope="module")
def photo():
    return cv2.resize(load_photo("astronaut"), (256, 256), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("seed", range(12))
def test_text_function_and_ours_give_identical_pixels(photo, seed):
    h, w = photo.shape[:2]
    np.random.seed(seed)  # the text's function uses the global generator
    expected = T.augment_image(photo)
    angle, x, y = T.draws_for_seed(seed, h, w)
    params = T.params_for_text_draws(angle, x, y, h, w)
    staged = text_pipeline(fused=False).apply(photo, params)
    np.testing.assert_array_equal(staged, expected)
    # the single fused warp lands on the same sub-pixel grid up to float rounding: at most one
    # grey level on a handful of values
    fused = text_pipeline().apply(photo, params)
    assert fused.shape == expected.shape == (128, 128, 3)
    diff = np.abs(fused.astype(int) - expected)
    assert diff.max() <= 1 and (diff > 0).mean() < 1e-3


def test_text_snippet_is_the_function_we_run():
    assert (
        "np.random.uniform(-30, 30)" in T.TEXT_SNIPPET
        and "image[y:y + h // 2, x:x + w // 2]" in T.TEXT_SNIPPET
    )


def test_rgba_fast_path_matches_three_channel_warp(photo):
    m = F.rotation(17.3, 128, 128) @ F.translation(-5, -9)
    a = F.warp(photo, m, 128, 128, via_rgba=True)
    b = F.warp(photo, m, 128, 128, via_rgba=False)
    np.testing.assert_array_equal(a, b)


def test_sample_then_apply_and_replay(photo):
    pipe = Pipeline(
        [Rotate(), Scale(), HorizontalFlip(), GaussianNoise(p=1.0), Cutout(p=1.0)], seed=11
    )
    params = [pipe.sample_params() for _ in range(4)]
    assert len(set(params)) == 4  # frozen, hashable, different
    outs = [pipe.apply(photo, p) for p in params]
    pipe.reseed(11)
    again = [pipe(photo) for _ in range(4)]
    for a, b in zip(outs, again):
        np.testing.assert_array_equal(a, b)
    # a draw survives a JSON round trip and replays the same pixels
    p0 = Params.from_dict(json.loads(json.dumps(params[0].to_dict())))
    assert p0 == params[0]
    np.testing.assert_array_equal(pipe.apply(photo, p0), outs[0])
    assert "Rotate(angle=" in params[0].summary()


def test_fused_matches_staged_for_a_composite(photo):
    ts = [
        Rotate(),
        Scale(),
        Shear(),
        Translate(),
        HorizontalFlip(p=1.0),
        RandomCrop(height=100, width=120),
        Resize(height=64, width=80),
    ]
    fused, staged = Pipeline(ts, seed=5), Pipeline(ts, seed=5, fused=False)
    p = fused.sample_params()
    a, b = fused.apply(photo, p), staged.apply(photo, p)
    assert a.shape == b.shape == (64, 80, 3)
    # staged interpolates several times (and loses corners between steps); fused once
    inner = np.abs(a.astype(int) - b)[8:-8, 8:-8]
    assert np.median(inner) <= 3


def test_batch_path_and_output_shape(photo):
    pipe = text_pipeline(seed=2)
    batch = np.stack([photo, photo[::-1]])
    out = pipe.apply_batch(batch)
    assert out.shape == (2, 128, 128, 3) == (2,) + pipe.output_shape(photo.shape)
    with pytest.raises(ValueError, match="images"):
        pipe.apply_batch(photo)


def test_boxes_and_keypoints_follow_the_image():
    img = np.zeros((100, 120, 3), np.uint8)
    img[20:40, 30:60] = 255
    pipe = Pipeline([HorizontalFlip(p=1.0)], seed=0)
    res = pipe(img, boxes=[[30, 20, 59, 39]], keypoints=[[30, 20], [119, 0]])
    ys, xs = np.nonzero(res.image[..., 0])
    np.testing.assert_allclose(res.boxes[0], [xs.min(), ys.min(), xs.max(), ys.max()])
    np.testing.assert_allclose(res.keypoints, [[89, 20], [0, 0]])
    assert res.boxes_kept.all() and res.keypoints_visible.all()
    crop = Pipeline(
        [RandomCrop(height=50, width=50, x_range=(0.0, 0.0), y_range=(0.0, 0.0))], seed=0
    )
    res = crop(img, boxes=[[70, 60, 110, 90]], keypoints=[[10, 10], [100, 90]])
    assert not res.boxes_kept[0] and res.keypoints_visible.tolist() == [True, False]


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (None, TypeError, "None"),
        (np.zeros((0, 5, 3), np.uint8), ValueError, "empty"),
        (np.zeros((4, 4, 4, 4), np.uint8), ValueError, "shape"),
        (np.zeros((4, 4, 2), np.uint8), ValueError, "shape"),
        (np.zeros((4, 4), np.float64), TypeError, "dtype"),
        (np.full((4, 4), np.nan, np.float32), ValueError, "NaN"),
        (np.full((4, 4), 2.0, np.float32), ValueError, r"\[0, 1\]"),
        (np.zeros((1, 1, 3), np.uint8), ValueError, "too small"),
        ([[1, 2], [3, 4]], TypeError, "numpy array"),
    ],
)
def test_bad_images_raise_naming_the_argument(bad, exc, match):
    with pytest.raises(exc, match=match) as info:
        text_pipeline()(bad)
    assert "image" in str(info.value)


def test_bad_settings():
    with pytest.raises(ValueError, match="larger than the image"):
        Pipeline([RandomCrop(height=64, width=64)])(np.zeros((32, 32, 3), np.uint8))
    with pytest.raises(ValueError, match="min 5 is greater than max 1"):
        Rotate(angle_range=(5, 1))
    with pytest.raises(ValueError, match="interpolation"):
        Pipeline([Rotate()], interpolation="bogus")
    with pytest.raises(TypeError, match=r"transforms\[0\]"):
        Pipeline(["rotate"])
    with pytest.raises(ValueError, match="seed"):
        Pipeline([Rotate()], seed=-1)
    with pytest.raises(ValueError, match="params were drawn"):
        Pipeline([Rotate()]).apply(np.zeros((8, 8), np.uint8), text_pipeline().sample_params())


def test_config_round_trip_and_code_export(photo):
    pipe = Pipeline(
        [Rotate(angle_range=(-10, 10)), Cutout(p=0.3, fill=0.5), RandomCrop(height=0.5, width=0.5)],
        seed=9,
        border_mode="reflect",
        interpolation="cubic",
    )
    cfg = json.loads(json.dumps(pipe.to_config()))
    again = Pipeline.from_config(cfg)
    assert again.to_config() == pipe.to_config()
    np.testing.assert_array_equal(again(photo), pipe(photo))
    import bigmodel_widgets as bmw

    namespace = {}
    exec(pipe.to_code(), namespace)  # the exported code rebuilds the same pipeline
    assert namespace["pipeline"].to_config() == pipe.to_config()
    assert isinstance(namespace["bmw"], type(bmw))


def test_preview_samples_and_working_copy(photo):
    big = load_photo("chelsea")
    small = working_copy(big, 256)
    assert max(small.shape[:2]) == 256 and small.dtype == np.uint8
    params, outs = preview_samples(text_pipeline(seed=1), small, 9)
    assert len(params) == len(outs) == 9
    params2, outs2 = preview_samples(text_pipeline(seed=1), small, 9)
    assert params == params2 and all(np.array_equal(a, b) for a, b in zip(outs, outs2))
    _, annotated = preview_samples(text_pipeline(seed=1), small, 2, annotate=True)
    assert annotated[0].boxes.shape == (1, 4)
