"""Chapters 3 and 4's rows for ``test_cache_corruption.CACHES`` (the builders, kept out of its way).

Each builder asks the engine for its cached thing through the public entry point, in whatever
``BMW_CACHE_DIR`` the test set, and returns a value a rebuild must reproduce. The expensive
first builds (fine-tuning BERT, converting a tiny one) are done once per session and copied into
each test's fresh cache folder; the rebuild after the damage is always real.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["compression_base", "compression_sweep", "nlp_finetuned", "nlp_tflite"]

_PREBUILT: dict[str, Path] = {}  # kind -> a session-wide copy of its first build


def _with_prebuilt(kind: str, build):
    """``build()``, starting from a copy of the first build when this cache has none yet."""
    folder = Path(os.environ["BMW_CACHE_DIR"]) / kind
    if not folder.exists() and kind in _PREBUILT:
        shutil.copytree(_PREBUILT[kind], folder)
    value = build()
    if kind not in _PREBUILT:
        stash = Path(tempfile.mkdtemp(prefix=f"bmw-prebuilt-{kind}-")) / kind
        shutil.copytree(folder, stash)
        _PREBUILT[kind] = stash
    return value


def compression_base():
    from bigmodel_widgets.engine import compression as comp

    setup = comp.default_setup(quick=True, epochs=1, model="small")  # the strong one: vision-cnn
    assert tuple(setup.base(np.zeros((1, 28, 28, 1), np.float32)).shape) == (1, 10)
    return comp.fingerprint(setup.base)  # training is seeded: a rebuild gives the same weights


@functools.lru_cache(maxsize=1)
def _tiny():
    from tests.engine.compression._tiny import tiny_setup

    return tiny_setup(epochs=1)


def compression_sweep():
    from bigmodel_widgets.engine import compression as comp

    spec = comp.SweepSpec(
        sparsities=(0.0,), clusters=(0,), quant_modes=("none",), qat=(False,), epochs=1
    )
    record = comp.Sweep(_tiny(), spec, latency_repeats=2).baseline()  # a new sweep reads the disk
    assert record["label"] == "baseline" and record["ratio"] == 1.0
    return record["gzip_bytes"]


def nlp_finetuned():
    from bigmodel_widgets.engine.tasks.nlp import training as nlp_train

    # smaller than FineTuneConfig.quick(): the row tests the cache, each rebuild is a real fine-tune
    config = nlp_train.FineTuneConfig(
        n_train=16, n_val=8, n_test=16, max_length=16, epochs=1, batch_size=8, steps_per_epoch=1
    )

    def build():
        clf, info = nlp_train.finetuned_classifier(config)
        assert clf.predict_proba(["a triumph"]).shape == (1, 2) and info["n_test"] == 16
        return f"{info['n_test']} test snippets, max_length {clf.max_length}"

    return _with_prebuilt("nlp-finetuned", build)


@functools.lru_cache(maxsize=1)
def _bert16():
    from bigmodel_widgets.engine.tasks import nlp

    return nlp.tiny_classifier(max_length=16)  # converts in half MiniLM's time; same cache code


def nlp_tflite():
    from bigmodel_widgets.engine.tasks.nlp import tflite

    def build():
        clf = _bert16()
        blob = tflite.convert(clf, "dynamic", cache_key="corruption-test")
        lite = tflite.TFLiteTextClassifier(blob, clf.tokenizer, clf.max_length, "dynamic")
        assert lite.predict_proba(["a triumph"]).shape == (1, 2)
        return len(blob)

    return _with_prebuilt("nlp-tflite", build)


def compression_bert():
    from bigmodel_widgets.engine import compression as comp
    from tests.engine.compression._tiny_bert import tiny_bert_setup

    record = comp.BertSweep(tiny_bert_setup(), modes=("fp32",)).baseline()  # a fresh sweep
    assert record["label"] == "fp32" and record["ratio"] == 1.0
    return record["gzip_bytes"]


def compression_bert_qerror():
    from bigmodel_widgets.engine import compression as comp
    from tests.engine.compression._tiny_bert import tiny_bert_setup

    rows = comp.BertSweep(tiny_bert_setup()).layer_errors()
    assert rows and {"tensor", "op", "error_steps", "scale"} <= set(rows[0])
    return len(rows)
