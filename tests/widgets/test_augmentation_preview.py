"""AugmentationPreview is a thin view: what it shows is exactly the engine's preview_samples."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest

from bigmodel_widgets import AugmentationPreview, preview_augmentations
from bigmodel_widgets.engine.augment import (
    HorizontalFlip,
    Pipeline,
    RandomCrop,
    Rotate,
    preview_samples,
    working_copy,
)
from bigmodel_widgets.engine.data import load_photo


def _upload(content: bytes, name: str = "photo.jpg"):
    return (
        {
            "name": name,
            "type": "image/jpeg",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC),
        },
    )


def _same(widget_outputs, engine_outputs):
    assert len(widget_outputs) == len(engine_outputs)
    for a, b in zip(widget_outputs, engine_outputs):
        np.testing.assert_array_equal(a, b)


def test_preview_equals_the_engine_for_the_same_seed():
    view = AugmentationPreview(photo="chelsea")
    assert view.errors.message == ""
    source = working_copy(load_photo("chelsea"), 256)
    np.testing.assert_array_equal(view.source, source)
    view.seed.value = 42
    view.controls["Rotate"].settings["angle_range"].value = (-10.0, 10.0)
    view.controls["HorizontalFlip"].enabled.value = True
    expected = Pipeline(
        [
            Rotate(angle_range=(-10, 10)),
            RandomCrop(height=0.5, width=0.5, x_range=(0.0, 0.25), y_range=(0.0, 0.25)),
            HorizontalFlip(p=0.5),
        ],
        seed=42,
    )
    params, outs = preview_samples(expected, source, 9)
    assert view.params == params
    _same(view.samples, outs)
    # 128-px samples are sent at their own size; the browser shows them as 256-px tiles
    assert view.grid_array.shape == (3 * 128 + 2 * 2, 3 * 128 + 2 * 2, 3)
    assert view.grid.layout.width == f"{3 * 256 + 2 * 4}px"
    assert view.grid.value[:2] == b"\xff\xd8"  # a JPEG
    # Resample continues the same generator; Replay goes back to the first draws
    view.resample.click()
    _same(view.samples, preview_samples(expected, source, 9)[1])
    view.replay.click()
    _same(view.samples, outs)


def test_each_tile_shows_its_parameters_and_grid_follows_rows_cols():
    view = AugmentationPreview(rows=2, cols=2, seed=3)
    assert len(view.samples) == 4
    angle = view.params[0].draws[0].get("angle")
    assert f"Rotate(angle={angle:.3g}" in view.captions.value
    view.cols.value = 3
    assert len(view.samples) == 6 and view.grid_array.shape[1] == 3 * 128 + 2 * 2


def test_changing_photo_replays_the_same_draws():
    view = AugmentationPreview(seed=5)
    before = view.params
    view.photo.value = "coffee"
    assert view.params == before
    _same(view.samples, [view.pipeline.apply(view.source, p) for p in before])


def test_overlay_and_exports_round_trip():
    view = AugmentationPreview(seed=1)
    plain = view.grid_array.copy()
    view.annotate.value = True
    assert view.samples[0].boxes.shape == (1, 4)
    assert not np.array_equal(view.grid_array, plain)
    view.export_json.click()
    import json

    cfg = json.loads(view.export_area.value)
    assert (
        Pipeline.from_config(cfg).to_config()
        == Pipeline.from_config(view.pipeline_config()).to_config()
    )
    view.export_code.click()
    ns = {}
    exec(view.export_area.value, ns)
    assert ns["pipeline"].to_config() == Pipeline.from_config(view.pipeline_config()).to_config()


def test_bad_uploads_show_an_error_and_the_widget_keeps_working():
    view = AugmentationPreview(seed=2)
    shown = view.samples
    view.upload.value = _upload(b"this is not an image", "notes.jpg")
    assert view.errors.message.startswith("notes.jpg: ") and "not an image" in view.errors.message
    assert (
        view.errors.message.count("notes.jpg") == 1
    )  # the name once, not "upload 'x': upload 'x'"
    _same(view.samples, shown)
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(load_photo("rocket")).save(buf, format="JPEG")
    view.upload.value = _upload(buf.getvalue()[: len(buf.getvalue()) // 2], "cut.jpg")
    assert "cut.jpg" in view.errors.message
    png = io.BytesIO()
    Image.fromarray(load_photo("rocket")).save(png, format="PNG")  # lossless, so comparable
    view.upload.value = _upload(png.getvalue(), "rocket.png")
    assert view.errors.message == "" and view.photo.value == "(uploaded)"
    np.testing.assert_array_equal(view.source, working_copy(load_photo("rocket"), 256))
    # an impossible setting: a crop of 300 px on a 256 px working copy
    view.controls["Resize"].enabled.value = True
    view.controls["RandomCrop"].settings["height"].value = 1.0
    assert view.errors.message == ""
    view.controls["Resize"].settings["height"].value = 300
    view.controls["Resize"].settings["width"].value = 300
    assert view.errors.message == ""  # a resize may grow the image; the crop is before it
    view.seed.value = 9
    assert view.errors.message == ""


def test_bad_arguments():
    with pytest.raises(ValueError, match="photo"):
        AugmentationPreview(photo="eagle")
    with pytest.raises(TypeError, match="unexpected keyword"):
        AugmentationPreview(colour=True)
    view = preview_augmentations(None, photo="camera")  # gray photo works too
    assert view.samples[0].ndim == 2
    bad = AugmentationPreview(image=np.zeros((1, 1, 3), np.uint8))
    assert "too small" in bad.errors.message


def test_controls_are_built_from_each_transforms_settings_table():
    from bigmodel_widgets.engine.augment import TRANSFORMS, Cutout

    view = AugmentationPreview(seed=0)
    assert list(view.controls) == list(TRANSFORMS)
    for name, ctl in view.controls.items():
        cls = TRANSFORMS[name]
        assert list(ctl.settings) == [s.name for s in cls.settings]  # one control per row
        for s in cls.settings:
            lo, hi, _ = s.slider_limits()
            slider = ctl.settings[s.name]
            assert (slider.min, slider.max) == (lo, hi) and slider.tooltip == s.doc, s.name
    # an enabled transform's config is the engine's own config for the same values
    view.controls["Cutout"].enabled.value = True
    view.controls["Cutout"].settings["fill"].value = 0.5
    cutout = [t for t in view.pipeline_config()["transforms"] if t["name"] == "Cutout"]
    assert cutout == [Cutout(fill=0.5).to_config()]
    assert view.errors.message == ""
    # a crop offset over the full span means "anywhere it fits", which the engine spells None
    view.controls["RandomCrop"].settings["x_range"].value = (0.0, 1.0)
    crop = view.pipeline_config()["transforms"][1]
    assert crop["name"] == "RandomCrop" and crop["params"]["x_range"] is None


def test_upload_bytes_uses_the_one_decoder():
    from bigmodel_widgets.engine.images import decode_image

    view = AugmentationPreview(seed=0)
    png = io.BytesIO()
    from PIL import Image

    Image.fromarray(load_photo("coffee")).save(png, format="PNG")
    got = view.upload_bytes(png.getvalue(), name="coffee.png")
    np.testing.assert_array_equal(got, decode_image(png.getvalue(), name="coffee.png"))
    assert view.photo.value == "(uploaded)" and view.errors.message == ""
    assert view.upload_bytes(b"GIF89a", name="bad.gif") is None
    assert view.errors.message.startswith("bad.gif: ")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"rows": 9}, ValueError, "rows"),
        ({"cols": 0}, ValueError, "cols"),
        ({"seed": -1}, ValueError, "seed"),
        ({"tile": "big"}, TypeError, "tile"),
        ({"photo": 3}, ValueError, "photo"),
    ],
)
def test_constructor_checks_its_keyword_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        AugmentationPreview(**kwargs)


def test_signatures_are_explicit_and_keyword_only():
    import inspect

    for func in (AugmentationPreview.__init__, preview_augmentations):
        params = inspect.signature(func).parameters
        names = [n for n in params if n != "self"]
        assert names == ["image", "photo", "rows", "cols", "seed", "tile", "side"]
        assert all(params[n].kind is inspect.Parameter.KEYWORD_ONLY for n in names[1:])
