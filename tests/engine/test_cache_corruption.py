"""Every cache the engine writes survives a damaged entry: one-line note, rebuilt, never a crash.

``CACHES`` has one row per cache kind (the ``kind=`` given to ``engine.cache``): a function that
asks the engine for the cached thing through its public entry point and returns something the
test can check is usable. A guard reads the engine's source and fails when a kind has no row,
so a new cache cannot skip this test.
"""

from __future__ import annotations

import ast
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from bigmodel_widgets.engine import cache, splits
from tests.engine import _cache_rows_ch34 as ch34

ENGINE = Path(__file__).resolve().parents[2] / "bigmodel_widgets" / "engine"


def _split():
    splits.mnist5k_split.cache_clear()  # the split is also kept in memory; read the disk again
    s = splits.mnist5k_split(seed=0)
    assert s.x_train.shape[1:] == (28, 28) and len(s.y_test) == 1000
    return s.fingerprint()


def _vision_cnn():
    from bigmodel_widgets.engine.tasks import vision

    model = vision.pretrained_cnn("text", epochs=1, max_train=64)  # the tiniest training
    assert tuple(model(np.zeros((1, 32, 32, 3), np.float32)).shape) == (1, 10)
    return model.count_params()


def _speech_recognizer():
    from bigmodel_widgets.engine.tasks import speech

    split = speech.load_split(seed=0, limit=40)
    rec = speech.trained_recognizer("text", epochs=1, split=split)  # a folder: weights + meta
    assert rec.predict_proba(split.x_test[:2]).shape == (2, 10) and rec.history["loss"]
    return rec.model.count_params()


# kind -> (builder, marks). A builder is called in a fresh BMW_CACHE_DIR, three times per test.
CACHES = {
    "mnist5k-split": (_split, ()),
    "vision-cnn": (_vision_cnn, ()),
    "speech-recognizer": (_speech_recognizer, ()),
    "compression-base": (ch34.compression_base, ()),
    "compression-sweep": (ch34.compression_sweep, ()),
    "compression-bert": (ch34.compression_bert, (pytest.mark.slow,)),
    "compression-bert-qerror": (ch34.compression_bert_qerror, (pytest.mark.slow,)),
    "nlp-finetuned": (ch34.nlp_finetuned, (pytest.mark.slow,)),
    "nlp-tflite": (ch34.nlp_tflite, (pytest.mark.slow,)),
}


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: max(1, len(data) // 3)])


def _zero_fill(path: Path) -> None:
    path.write_bytes(b"\0" * max(1, path.stat().st_size))


def _garbage(path: Path) -> None:
    rng = np.random.default_rng(0)
    path.write_bytes(
        rng.integers(0, 256, max(64, path.stat().st_size // 2), dtype=np.uint8).tobytes()
    )


CORRUPTIONS = {"truncated": _truncate, "zero-filled": _zero_fill, "garbage": _garbage}


def _entry_files(root: Path, kind: str) -> list[Path]:
    """The files of every entry of ``kind`` (a folder entry: every file inside it)."""
    folder = root / kind
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files, f"{kind}: nothing was written under {folder}"
    return files


def _kinds_in_engine() -> set[str]:
    """Every literal ``kind=`` passed to engine.cache's entry points in the engine's source."""
    kinds = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name not in {"fetch_or_build", "for_parts", "CacheEntry"}:
                continue
            for kw in node.keywords:
                if kw.arg == "kind" and isinstance(kw.value, ast.Constant):
                    kinds.add(kw.value.value)
    return kinds


def test_every_engine_cache_has_a_corruption_row():
    found = _kinds_in_engine()
    assert found, "no engine.cache users found: did the engine stop using the core cache?"
    assert found <= set(CACHES), (
        f"caches without a corruption test row: {sorted(found - set(CACHES))}"
    )


def _params():
    for kind, (_builder, marks) in CACHES.items():
        for how in CORRUPTIONS:
            yield pytest.param(kind, how, id=f"{kind}-{how}", marks=list(marks))


@pytest.mark.parametrize("kind,how", list(_params()))
def test_a_damaged_entry_is_noted_and_rebuilt(kind, how, tmp_path, monkeypatch):
    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))
    builder = CACHES[kind][0]
    first = builder()
    for path in _entry_files(tmp_path, kind):
        CORRUPTIONS[how](path)
    with pytest.warns(cache.CacheNote) as notes:
        again = builder()
    messages = [str(n.message) for n in notes if issubclass(n.category, cache.CacheNote)]
    assert any("unreadable" in m and "rebuilding" in m for m in messages), messages
    assert all("\n" not in m for m in messages), "a cache note is one line"
    if isinstance(first, (str, int, float, bool)):
        assert again == first, "the rebuilt entry differs from the first build"
    with warnings.catch_warnings():
        warnings.simplefilter("error", cache.CacheNote)  # the rebuilt entry reads cleanly
        builder()
    assert os.listdir(tmp_path / kind)
