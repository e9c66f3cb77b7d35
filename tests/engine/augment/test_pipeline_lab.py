"""The input-pipeline lab: settings round-trip, the text's augmentation in tf.data, the cache
decodes once, every step timed as waiting vs computing, steady-state figures."""

import numpy as np
import pytest

from bigmodel_widgets.engine.augment import pipeline_lab as lab
from bigmodel_widgets.engine.augment import text_pipeline


@pytest.fixture(scope="module")
def files():
    return lab.lab_images(16, size=96, seed=0)


def test_settings_round_trip_and_are_checked():
    for s in (lab.NAIVE, lab.BEST, lab.InputSettings(parallel_calls=2, prefetch=1)):
        assert lab.InputSettings.from_config(s.to_config()) == s
    assert lab.NAIVE.label().startswith("step-by-step augmentation, parallel calls none")
    with pytest.raises(TypeError):
        lab.InputSettings(fused=1)
    with pytest.raises(ValueError):
        lab.InputSettings(prefetch=-2)
    with pytest.raises(TypeError):
        lab.InputSettings.from_config("fused")


def test_lab_images_are_decodable_jpegs_with_labels(files):
    from bigmodel_widgets.engine.images import decode_image

    jpegs, labels = files
    assert len(jpegs) == 16 and labels.shape == (16,) and labels.max() < len(lab.LAB_PHOTOS)
    assert decode_image(jpegs[0]).shape == (96, 96, 3)
    again = lab.lab_images(16, size=96, seed=0)
    assert again[0] == jpegs and np.array_equal(again[1], labels)


def test_the_dataset_applies_the_texts_augmentation(files):
    jpegs, labels = files
    ds = lab.build_dataset(jpegs, labels, lab.NAIVE, image_size=64, batch_size=4)
    x, y = next(iter(ds))
    assert x.shape == (4, 32, 32, 3) and str(x.dtype.name) == "uint8"
    assert y.numpy().tolist() == labels[:4].tolist()
    assert text_pipeline(fused=False).output_shape((64, 64, 3)) == (32, 32, 3)


def test_cache_decodes_each_file_once():
    assert lab.count_loads(lab.NAIVE, images=4, epochs=3) == 12
    assert lab.count_loads(lab.InputSettings(cache=True), images=4, epochs=3) == 4


def test_every_step_is_split_into_waiting_and_computing(files):
    seen = []
    run = lab.run_input_lab(
        lab.InputSettings(fused=True, cache=True, prefetch=1),
        files=files,
        image_size=64,
        epochs=2,
        batch_size=8,
        on_step=seen.append,
    )
    assert len(run.steps) == 4 and seen == list(run.steps)
    assert [s.epoch for s in run.steps] == [0, 0, 1, 1]
    assert all(s.wait_s >= 0 and s.compute_s > 0 and s.images == 8 for s in run.steps)
    assert run.steady() == run.steps[2:]
    total = sum(s.wait_s + s.compute_s for s in run.steady())
    assert run.wait_fraction == pytest.approx(sum(s.wait_s for s in run.steady()) / total)
    assert run.images_per_s == pytest.approx(16 / total)
    summary = run.summary()
    assert summary["steps_measured"] == 2 and 0 <= summary["input_wait_fraction"] <= 1


def test_overlap_model():
    assert lab.overlap_wait_fraction(30, 20, overlapped=False) == pytest.approx(0.6)
    assert lab.overlap_wait_fraction(30, 20, overlapped=True) == pytest.approx(1 / 3)
    assert lab.overlap_wait_fraction(10, 20, overlapped=True) == 0.0
    with pytest.raises(ValueError):
        lab.overlap_wait_fraction(0, 0, overlapped=True)
