"""The one MNIST-5k split every digit chapter uses: stratified, seeded, cached once on disk."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import cache, data, splits, training


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache folder and no in-memory copy."""
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BMW_SHARED_CACHE_DIR", raising=False)
    splits.mnist5k_split.cache_clear()
    yield tmp_path
    splits.mnist5k_split.cache_clear()


def test_split_is_stratified_disjoint_and_the_documented_shape(fresh):
    s = splits.mnist5k_split(seed=0)
    assert s.x_train.shape == (4000, 28, 28) and s.x_test.shape == (1000, 28, 28)
    assert s.x_train.dtype == np.uint8 and s.y_train.shape == (4000,) and s.seed == 0
    x, y = data.load_mnist5k()
    assert (
        np.bincount(s.y_test, minlength=10).tolist()
        == np.round(np.bincount(y, minlength=10) * 0.2).astype(int).tolist()
    )
    # the same rows as training.stratified_split over the catalogue's digits
    train, test = training.stratified_split(y, (0.8, 0.2), seed=0)
    np.testing.assert_array_equal(s.x_test, x[test])
    np.testing.assert_array_equal(s.y_train, y[train])


def test_same_seed_same_split_from_disk_other_seed_other_split(fresh):
    a = splits.mnist5k_split(seed=0)
    assert splits.mnist5k_split(seed=0) is a  # in memory
    entries = list((fresh / "mnist5k-split").glob("*.npz"))
    assert len(entries) == 1
    splits.mnist5k_split.cache_clear()
    b = splits.mnist5k_split(seed=0)  # read back from the .npz
    assert b is not a and b.fingerprint() == a.fingerprint()
    c = splits.mnist5k_split(seed=1)
    assert c.fingerprint() != a.fingerprint()
    assert len(list((fresh / "mnist5k-split").glob("*.npz"))) == 2


def test_scaled_is_float32_in_unit_range_with_the_same_labels(fresh):
    s = splits.mnist5k_split()
    x_tr, y_tr, x_te, y_te = s.scaled()
    assert x_tr.dtype == x_te.dtype == np.float32
    assert x_tr.min() >= 0.0 and x_tr.max() <= 1.0 and x_tr.max() > 0.5
    np.testing.assert_allclose(x_te * 255.0, s.x_test, atol=1e-3)
    assert y_tr is s.y_train and y_te is s.y_test


def test_a_foreign_npz_in_the_entry_is_rebuilt(fresh):
    first = splits.mnist5k_split(seed=0)
    (entry,) = (fresh / "mnist5k-split").glob("*.npz")
    np.savez(
        entry,
        x_train=np.zeros((3, 5, 5), np.uint8),
        y_train=np.zeros(3),
        x_test=np.zeros((1, 5, 5), np.uint8),
        y_test=np.zeros(1),
        seed=np.int64(0),
    )
    splits.mnist5k_split.cache_clear()
    with pytest.warns(cache.CacheNote, match="not a digit split"):
        again = splits.mnist5k_split(seed=0)
    assert again.fingerprint() == first.fingerprint()


@pytest.mark.parametrize(
    "kwargs,exc,name",
    [
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.0}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
        ({"test_fraction": 0.0}, ValueError, "test_fraction"),
        ({"test_fraction": 1}, ValueError, "test_fraction"),
        ({"test_fraction": "0.2"}, TypeError, "test_fraction"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        splits.mnist5k_split(**kwargs)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        splits.mnist5k_split(0)
