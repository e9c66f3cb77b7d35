"""One decoder, one verdict: each awkward input gets the same answer through every path.

The paths: ``bmw.read_image`` on a file, the AugmentationPreview's upload button, and the
ImageClassifier's upload (its button and ``upload_bytes``). Accepted inputs must decode to the
same array; refused ones must show the very same message text.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest

import bigmodel_widgets as bmw
from bigmodel_widgets.widgets.augmentation_preview import UPLOADED, AugmentationPreview
from bigmodel_widgets.widgets.image_classifier import ImageClassifier
from tests._image_files import INPUTS, write_input

# name -> what every path must say: ("ok", shape) or ("error", words the message must contain)
EXPECTED = {
    "bomb.png": ("error", "20000x20000 pixels is more than the 16,000,000-pixel limit"),
    "truncated.jpg": ("error", "the JPEG is truncated"),
    "page.jpg": ("error", "web page (HTML), not an image"),
    "one_pixel.png": ("error", "only 1x1 pixels"),
    "sixteen_bit.png": ("ok", (48, 40, 3)),
    "float.tiff": ("ok", (48, 40, 3)),
    "rgba.png": ("ok", (48, 40, 3)),
}


def test_the_table_covers_every_input():
    assert set(EXPECTED) == set(INPUTS) | {"bomb.png"}


class _FakeModel:
    """Enough of a Keras model for the classifier view: the decoder is what is tested here."""

    input_shape = (None, 32, 32, 3)

    def __call__(self, batch, training=False):
        return np.full((len(batch), 10), 0.1, np.float32)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    return {name: write_input(folder, name) for name in EXPECTED}


@pytest.fixture(scope="module")
def classifier():
    return ImageClassifier(_FakeModel())


def _upload_value(content: bytes, name: str) -> tuple:
    # What ipywidgets 8's FileUpload.value holds after a browser upload.
    return (
        {
            "name": name,
            "type": "image/png",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC),
        },
    )


def _via_read_image(path):
    try:
        return "ok", bmw.read_image(path)
    except bmw.ImageInputError as exc:
        return "error", str(exc)


def _via_preview(path):
    view = AugmentationPreview(seed=0)
    view.upload.value = _upload_value(path.read_bytes(), path.name)
    if view.errors.message:
        return "error", view.errors.message
    assert view.photo.value == UPLOADED
    return "ok", view.source  # the inputs are smaller than the working copy: not resized


def _via_classifier(clf, path, button: bool):
    clf.prediction = None
    if button:
        clf.upload.value = _upload_value(path.read_bytes(), path.name)
    else:
        clf.upload_bytes(path.read_bytes(), path.name)
    if clf.errors.message:
        assert clf.prediction is None
        return "error", clf.errors.message
    return "ok", clf.prediction.prep.steps["input"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_path_gives_the_same_verdict(name, files, classifier):
    path = files[name]
    verdicts = {
        "read_image": _via_read_image(path),
        "preview upload": _via_preview(path),
        "classifier upload": _via_classifier(classifier, path, button=True),
        "classifier upload_bytes": _via_classifier(classifier, path, button=False),
    }
    kind, want = EXPECTED[name]
    first = verdicts["read_image"]
    assert first[0] == kind, verdicts
    for route, (got_kind, got) in verdicts.items():
        assert got_kind == kind, (route, got)
        if kind == "ok":
            assert got.shape == want and got.dtype == np.uint8, route
            np.testing.assert_array_equal(got, first[1], err_msg=route)
        else:
            assert got == first[1], route  # the very same text
            assert want in got, route
            assert got.startswith(f"{name}: ") and got.count(name) == 1, got  # named once
