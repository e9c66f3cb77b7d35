"""The tf.data adapter feeds a pipeline's draws to model.fit."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine.augment import Pipeline, RandomCrop, Rotate
from bigmodel_widgets.engine.augment.tfdata import augment_dataset


def test_augment_dataset_matches_the_pipeline():
    from bigmodel_widgets.engine.backend import tf

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(6, 28, 28, 1), dtype=np.uint8)
    y = np.arange(6)
    ds = tf().data.Dataset.from_tensor_slices((x, y))
    pipe = Pipeline([Rotate(), RandomCrop(height=24, width=24)], seed=4)
    got = list(augment_dataset(ds, pipe).batch(6).as_numpy_iterator())[0]
    assert got[0].shape == (6, 24, 24, 1) and got[1].tolist() == list(range(6))
    pipe.reseed(4)
    expected = np.stack([pipe(img) for img in x])
    np.testing.assert_array_equal(got[0], expected)
    with pytest.raises(TypeError, match="dataset"):
        augment_dataset(x, pipe)
