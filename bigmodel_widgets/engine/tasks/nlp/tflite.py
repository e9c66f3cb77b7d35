"""Compressing the fine-tuned BERT with the TFLite converter (fp32, dynamic range, float16).

HF TF models are subclassed, so tfmot cannot prune or QAT them (STACK.md); post-training
conversion is what works. Accuracy is measured in the interpreter that runs the ``.tflite``.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ...files import atomic_path
from ... import backend
from ...training import Progress
from .classifier import BertTextClassifier, TextClassifierBase, check_text
from .training import evaluate

__all__ = ["MODES", "convert", "TFLiteTextClassifier", "latency_ms", "compression_report"]

MODES = {"fp32": "fp32 (TFLite)", "dynamic": "dynamic range int8 (TFLite)", "float16": "float16 (TFLite)"}
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    return mode


def convert(clf: BertTextClassifier, mode: str = "dynamic", cache_key: str | None = None) -> bytes:
    """``.tflite`` bytes for batch 1 at ``clf.max_length``; cached on disk when ``cache_key`` is given.

    Conversion takes tens of seconds for MiniLM, which is why it is cached.
    """
    _check_mode(mode)
    if not isinstance(clf, BertTextClassifier):
        raise TypeError(f"clf must be a BertTextClassifier, got {type(clf).__name__}")
    cached = None
    if cache_key:
        cached = Path(backend.cache_dir()) / "nlp" / f"{cache_key}-L{clf.max_length}-{mode}.tflite"
        if cached.exists() and cached.stat().st_size > 0:
            return cached.read_bytes()
    tf = backend.tf()
    spec = {k: tf.TensorSpec([1, clf.max_length], tf.int32, name=k) for k in _INPUTS}
    model = clf.model

    @tf.function(input_signature=[spec])
    def serve(inputs):
        return {"logits": model(inputs, training=False).logits}

    converter = tf.lite.TFLiteConverter.from_concrete_functions([serve.get_concrete_function()], model)
    if mode != "fp32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]  # weights to int8 (dynamic range)
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
    blob = converter.convert()
    if cached is not None:
        with atomic_path(cached) as tmp:
            Path(tmp).write_bytes(blob)
    return blob


def _interpreter(blob: bytes):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # the deprecated TF copy still works; ai-edge-litert is preferred
        Interpreter = backend.tf().lite.Interpreter
    it = Interpreter(model_content=blob, num_threads=1)
    it.allocate_tensors()
    return it


class TFLiteTextClassifier(TextClassifierBase):
    """Same interface as :class:`BertTextClassifier`, running a ``.tflite`` model (batch 1)."""

    def __init__(self, blob: bytes, tokenizer, max_length: int, mode: str = "dynamic", labels=None):
        super().__init__(tokenizer, max_length, labels or ("rotten", "fresh"))
        self.mode = _check_mode(mode)
        self.kind = MODES[mode]
        self.size_bytes = len(blob)
        self._it = _interpreter(blob)
        self._in = {}
        for d in self._it.get_input_details():
            name = next((k for k in _INPUTS if k in d["name"]), None)
            if name is None or tuple(d["shape"]) != (1, max_length):
                raise ValueError(f"unexpected .tflite input {d['name']} {d['shape']}")
            self._in[name] = d["index"]
        self._out = self._it.get_output_details()[0]["index"]

    @classmethod
    def from_keras(cls, clf: BertTextClassifier, mode: str = "dynamic",
                   cache_key: str | None = None) -> "TFLiteTextClassifier":
        return cls(convert(clf, mode, cache_key), clf.tokenizer, clf.max_length, mode, clf.labels)

    def logits(self, encoded: dict) -> np.ndarray:
        rows = []
        for i in range(len(encoded["input_ids"])):
            for name, index in self._in.items():
                self._it.set_tensor(index, encoded[name][i:i + 1])
            self._it.invoke()
            rows.append(self._it.get_tensor(self._out)[0].copy())
        return np.stack(rows)


def latency_ms(clf: TextClassifierBase, texts, repeats: int = 1, warmup: int = 3) -> float:
    """Median milliseconds per sentence at batch 1, tokenization excluded."""
    texts = [check_text(t) for t in texts]
    enc = clf.encode(texts)
    one = [{k: v[i:i + 1] for k, v in enc.items()} for i in range(len(texts))]
    for e in one[:warmup]:
        clf.logits(e)
    times = []
    for _ in range(repeats):
        for e in one:
            t0 = time.perf_counter()
            clf.logits(e)
            times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def compression_report(clf: BertTextClassifier, texts, labels, modes=("fp32", "dynamic", "float16"),
                       cache_key: str | None = None, progress: Progress = None,
                       latency_sentences: int = 50) -> dict:
    """Size, interpreter accuracy and latency per mode, with ratios against fp32 TFLite.

    Returns {'rows': [...], 'models': {mode: TFLiteTextClassifier}}; each row has mode, bytes,
    accuracy, latency_ms and, when fp32 is among ``modes``, size_ratio and acc_drop_pts.
    """
    modes = [_check_mode(m) for m in modes]
    if not modes:
        raise ValueError("modes must name at least one of " + ", ".join(MODES))
    texts, labels = list(texts), np.asarray(labels)
    rows, models = [], {}
    for i, mode in enumerate(modes):
        if progress is not None:
            progress(i, len(modes), {"converting": mode})
        model = TFLiteTextClassifier.from_keras(clf, mode, cache_key)
        acc = evaluate(model, texts, labels)["accuracy"]
        lat = latency_ms(model, texts[:latency_sentences])
        rows.append({"mode": mode, "model": MODES[mode], "bytes": model.size_bytes,
                     "accuracy": acc, "latency_ms": lat, "n": int(len(labels))})
        models[mode] = model
    if progress is not None:
        progress(len(modes), len(modes), {})
    base = next((r for r in rows if r["mode"] == "fp32"), None)
    for r in rows:
        r["size_ratio"] = base["bytes"] / r["bytes"] if base else None
        r["acc_drop_pts"] = (base["accuracy"] - r["accuracy"]) * 100 if base else None
    return {"rows": rows, "models": models}
