"""Compressing the fine-tuned BERT with the TFLite converter (fp32, dynamic range, float16).

HF TF models are subclassed, so tfmot cannot prune or QAT them (STACK.md); post-training
conversion is what works. Accuracy is measured in the interpreter that runs the ``.tflite``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ... import backend, cache, checks, litert
from ...training import Progress
from .classifier import BertTextClassifier, TextClassifierBase, check_text
from .training import evaluate_text_classifier

__all__ = [
    "MODES",
    "convert",
    "make_converter",
    "input_indices",
    "TFLiteTextClassifier",
    "latency_ms",
    "compression_report",
]

MODES = {
    "fp32": "fp32 (TFLite)",
    "dynamic": "dynamic range int8 (TFLite)",
    "float16": "float16 (TFLite)",
}
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_VERSION = 1  # bump when the conversion recipe changes


def _check_mode(mode: str) -> str:
    return checks.one_of(mode, name="mode", choices=sorted(MODES))


def input_indices(it, max_length: int) -> dict[str, int]:
    """Input name -> tensor index; ValueError unless the model takes our three (1, L) inputs."""
    found = {}
    for d in it.get_input_details():
        name = next((k for k in _INPUTS if k in d["name"]), None)
        if name is None or tuple(d["shape"]) != (1, max_length):
            raise ValueError(f"unexpected .tflite input {d['name']} {d['shape']}")
        found[name] = d["index"]
    if "input_ids" not in found:
        raise ValueError("the .tflite model takes no input_ids")
    return found


_input_indices = input_indices


def _load_blob(path: Path, max_length: int) -> bytes:
    """The bytes of a cached ``.tflite``, refused (ValueError) unless an interpreter runs them."""
    blob = Path(path).read_bytes()
    _input_indices(litert.interpreter(blob), max_length)  # a damaged flatbuffer fails here
    return blob


def make_converter(clf: BertTextClassifier):
    """A TFLite converter for ``clf`` at batch 1 and ``clf.max_length``, no optimization set.

    Its inputs are the three (1, L) int32 tensors; a representative dataset yields them as a
    list in ``tf.nest.flatten`` order of ``{name: array}`` (sorted names).
    """
    tf = backend.tf()
    spec = {k: tf.TensorSpec([1, clf.max_length], tf.int32, name=k) for k in _INPUTS}
    model = clf.model

    @tf.function(input_signature=[spec])
    def serve(inputs):
        return {"logits": model(inputs, training=False).logits}

    return tf.lite.TFLiteConverter.from_concrete_functions([serve.get_concrete_function()], model)


def _convert_now(clf: BertTextClassifier, mode: str) -> bytes:
    tf = backend.tf()
    converter = make_converter(clf)
    if mode != "fp32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]  # weights to int8 (dynamic range)
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return bytes(converter.convert())


def convert(
    clf: BertTextClassifier,
    mode: str = "dynamic",
    *,
    cache_key: str | None = None,
    progress: Progress = None,
) -> bytes:
    """``.tflite`` bytes for batch 1 at ``clf.max_length``; cached on disk when ``cache_key`` is given.

    Conversion takes tens of seconds for MiniLM, which is why it is cached: ``cache_key`` names
    the model (e.g. ``FineTuneConfig.key()``); the entry's key also hashes the weights, the
    length and the mode, so a model trained further is converted again. A cached file that an
    interpreter cannot load is noted in one line and converted again.
    """
    _check_mode(mode)
    if not isinstance(clf, BertTextClassifier):
        raise TypeError(f"clf must be a BertTextClassifier, got {type(clf).__name__}")

    def build() -> bytes:
        # the converter reports nothing for tens of seconds: say it started and when it is done
        if progress is not None:
            progress(0, 1, {})
        blob = _convert_now(clf, mode)
        if progress is not None:
            progress(1, 1, {})
        return blob

    if cache_key is None:
        return build()
    if not isinstance(cache_key, str) or not cache_key:
        raise TypeError(f"cache_key must be a non-empty str or None, got {cache_key!r}")
    outcome = cache.fetch_or_build(
        kind="nlp-tflite",
        version=_VERSION,
        name=f"bert-L{clf.max_length}-{mode}",
        suffix=".tflite",
        parts={
            "model": cache_key,
            "weights": cache.fingerprint_arrays(*clf.model.get_weights()),
            "max_length": clf.max_length,
            "mode": mode,
        },
        build=build,
        save=lambda blob, path: Path(path).write_bytes(blob),
        load=lambda path: _load_blob(path, clf.max_length),
        progress=progress,
    )
    return outcome.value


class TFLiteTextClassifier(TextClassifierBase):
    """Same interface as :class:`BertTextClassifier`, running a ``.tflite`` model (batch 1)."""

    def __init__(self, blob: bytes, tokenizer, max_length: int, mode: str = "dynamic", labels=None):
        super().__init__(tokenizer, max_length, labels or ("rotten", "fresh"))
        self.mode = _check_mode(mode)
        self.kind = MODES[mode]
        self.size_bytes = len(blob)
        self._it = litert.interpreter(blob, num_threads=1)
        self._in = _input_indices(self._it, self.max_length)
        self._out = self._it.get_output_details()[0]["index"]

    @classmethod
    def from_keras(
        cls,
        clf: BertTextClassifier,
        mode: str = "dynamic",
        *,
        cache_key: str | None = None,
        progress: Progress = None,
    ) -> TFLiteTextClassifier:
        """Convert ``clf`` (see :func:`convert`) and wrap the result."""
        blob = convert(clf, mode, cache_key=cache_key, progress=progress)
        return cls(blob, clf.tokenizer, clf.max_length, mode, clf.labels)

    def logits(self, encoded: dict) -> np.ndarray:
        rows = []
        for i in range(len(encoded["input_ids"])):
            for name, index in self._in.items():
                self._it.set_tensor(index, encoded[name][i : i + 1])
            self._it.invoke()
            rows.append(self._it.get_tensor(self._out)[0].copy())
        return np.stack(rows)


def latency_ms(clf: TextClassifierBase, texts, *, repeats: int = 1, warmup: int = 3) -> float:
    """Median milliseconds per sentence at batch 1, tokenization excluded."""
    repeats = checks.positive_int(repeats, name="repeats")
    warmup = checks.non_negative_int(warmup, name="warmup")
    texts = [check_text(t) for t in texts]
    if not texts:
        raise ValueError("texts must hold at least one sentence to time")
    enc = clf.encode(texts)
    one = [{k: v[i : i + 1] for k, v in enc.items()} for i in range(len(texts))]
    for e in one[:warmup]:
        clf.logits(e)
    times = []
    for _ in range(repeats):
        for e in one:
            t0 = time.perf_counter()
            clf.logits(e)
            times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def compression_report(
    clf: BertTextClassifier,
    texts,
    labels,
    *,
    modes=("fp32", "dynamic", "float16"),
    cache_key: str | None = None,
    progress: Progress = None,
    latency_sentences: int = 50,
) -> dict:
    """Size, interpreter accuracy and latency per mode, with ratios against fp32 TFLite.

    Returns {'rows': [...], 'models': {mode: TFLiteTextClassifier}}; each row has mode, bytes,
    accuracy, latency_ms and, when fp32 is among ``modes``, size_ratio and acc_drop_pts.
    """
    modes = [_check_mode(m) for m in modes]
    latency_sentences = checks.positive_int(latency_sentences, name="latency_sentences")
    if not modes:
        raise ValueError("modes must name at least one of " + ", ".join(MODES))
    texts, labels = list(texts), np.asarray(labels)
    rows, models = [], {}
    for i, mode in enumerate(modes):
        if progress is not None:
            progress(i, len(modes), {"converting": mode})
        model = TFLiteTextClassifier.from_keras(clf, mode, cache_key=cache_key)
        acc = evaluate_text_classifier(model, texts, labels)["accuracy"]
        lat = latency_ms(model, texts[:latency_sentences])
        rows.append(
            {
                "mode": mode,
                "model": MODES[mode],
                "bytes": model.size_bytes,
                "accuracy": acc,
                "latency_ms": lat,
                "n": int(len(labels)),
            }
        )
        models[mode] = model
    if progress is not None:
        progress(len(modes), len(modes), {})
    base = next((r for r in rows if r["mode"] == "fp32"), None)
    for r in rows:
        r["size_ratio"] = base["bytes"] / r["bytes"] if base else None
        r["acc_drop_pts"] = (base["accuracy"] - r["accuracy"]) * 100 if base else None
    return {"rows": rows, "models": models}
