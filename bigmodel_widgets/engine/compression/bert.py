"""The fine-tuned MiniLM BERT as a compression subject: five TFLite variants, measured and cached.

HF TF models are subclassed, so tfmot cannot prune them; post-training conversion is what
works (STACK.md). Each point is converted, then measured in the LiteRT interpreter (gzip size,
accuracy on the fixed held-out snippets, median batch-1 latency), and its record is an entry
of the engine cache (kind ``compression-bert``): a sweep interrupted between points resumes
where it stopped. Records have the CNN sweep's fields (``gzip_bytes``, ``ratio``,
``accuracy``, ``acc_drop_pts``, ``latency_us``), so the same Pareto machinery plots both.

Modes: ``fp32``, ``dynamic`` (int8 weights, float activations), ``float16``, ``int8`` (weights
and activations, calibrated on a representative set of training snippets) and
``int8_selective`` (int8 with the named tensors kept in float, via the quantization debugger's
denylist).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import backend, cache, checks, litert
from ..training import Progress
from . import measure, sensitivity

__all__ = ["BERT_MODES", "BertPoint", "BertSetup", "bert_setup", "convert_bert", "BertSweep"]

BERT_MODES = ("fp32", "dynamic", "float16", "int8", "int8_selective")
_RECORD_VERSION = 1
_FIELDS = ("label", "gzip_bytes", "raw_bytes", "accuracy", "latency_us", "n_test")


@dataclass(frozen=True)
class BertPoint:
    """One BERT variant: a mode and, for ``int8_selective``, the tensors kept in float."""

    mode: str = "fp32"
    keep_float: tuple[str, ...] = ()

    def __post_init__(self):
        checks.one_of(self.mode, name="mode", choices=BERT_MODES)
        keep = self.keep_float
        if isinstance(keep, str) or not all(isinstance(k, str) and k for k in keep):
            raise TypeError("keep_float must be a sequence of tensor names")
        object.__setattr__(self, "keep_float", tuple(sorted(set(keep))))
        if self.keep_float and self.mode != "int8_selective":
            raise ValueError("keep_float needs mode='int8_selective'")

    @property
    def label(self) -> str:
        if self.mode != "int8_selective":
            return self.mode
        return f"int8, {len(self.keep_float)} kept float"

    def to_config(self) -> dict:
        return {"mode": self.mode, "keep_float": list(self.keep_float)}


@dataclass(eq=False)
class BertSetup:
    """A fine-tuned classifier, its fixed held-out snippets and calibration snippets."""

    clf: object
    texts: list
    labels: np.ndarray
    calibration: list
    model_key: str | None = None  # names the model for chapter 4's TFLite cache
    name: str = "minilm"
    _fingerprint: str | None = field(default=None, repr=False)

    def fingerprint(self) -> str:
        """Hash of the weights, length, held-out and calibration snippets: the cache key's core."""
        if self._fingerprint is None:
            weights = cache.fingerprint_arrays(*self.clf.model.get_weights())
            self._fingerprint = cache.cache_key(
                kind="compression-bert-setup",
                version=1,
                parts={
                    "weights": weights,
                    "max_length": self.clf.max_length,
                    "texts": list(self.texts),
                    "labels": [int(v) for v in self.labels],
                    "calibration": list(self.calibration),
                },
            )
        return self._fingerprint


def bert_setup(
    *,
    quick: bool = False,
    progress: Progress = None,
    n_test: int | None = None,
    n_calibration: int | None = None,
) -> BertSetup:
    """Chapter 4's fine-tuned MiniLM (its cached model) with the fixed held-out snippets.

    Full: all 1,000 held-out snippets, 100 training snippets to calibrate int8. ``quick=True``:
    chapter 4's quick model, 16 held-out and 8 calibration snippets (tests stay fast).
    """
    from ..tasks.nlp import training as nlp_training

    quick = checks.boolean(quick, name="quick")
    config = nlp_training.FineTuneConfig.default(quick=quick)
    clf, _info = nlp_training.finetuned_classifier(config, progress=progress)
    parts = nlp_training.rotten_tomatoes_splits(config)
    n_test = (
        (16 if quick else None) if n_test is None else checks.positive_int(n_test, name="n_test")
    )
    n_cal = (8 if quick else 100) if n_calibration is None else n_calibration
    n_cal = checks.positive_int(n_cal, name="n_calibration")
    texts, labels = parts["test"]
    return BertSetup(
        clf,
        list(texts[:n_test]),
        np.asarray(labels[:n_test]),
        list(parts["train"][0][:n_cal]),
        config.key(),
    )


def _samples(setup: BertSetup) -> Callable:
    enc = setup.clf.encode(setup.calibration)
    names = sorted(enc)  # tf.nest.flatten order of the serving function's dict input

    def gen():
        for i in range(len(setup.calibration)):
            yield [enc[k][i : i + 1] for k in names]

    return gen


def _int8_converter(setup: BertSetup):
    from ..tasks.nlp import tflite

    tf = backend.tf()
    converter = tflite.make_converter(setup.clf)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _samples(setup)
    return converter


def convert_bert(setup: BertSetup, point: BertPoint, *, progress: Progress = None) -> bytes:
    """``.tflite`` bytes of ``point``; fp32/dynamic/float16 come from chapter 4's TFLite cache."""
    if not isinstance(point, BertPoint):
        raise TypeError(f"point must be a BertPoint, got {type(point).__name__}")
    from ..tasks.nlp import tflite

    if point.mode in ("fp32", "dynamic", "float16"):
        return tflite.convert(setup.clf, point.mode, cache_key=setup.model_key, progress=progress)
    if point.mode == "int8_selective":
        return sensitivity.selective_int8(_int8_converter(setup), _samples(setup), point.keep_float)
    tf = backend.tf()
    converter = _int8_converter(setup)
    # Full integer: every op with int8 kernels (the calibrated activations included).
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return bytes(converter.convert())


def _predict(blob: bytes, setup: BertSetup) -> tuple[float, float]:
    """(accuracy on the held-out snippets, median batch-1 latency in µs), in the interpreter."""
    from ..tasks.nlp import tflite

    it = litert.interpreter(blob, num_threads=1)
    ins = tflite.input_indices(it, setup.clf.max_length)
    out = it.get_output_details()[0]["index"]
    enc = setup.clf.encode(setup.texts)
    preds, times = [], []
    for i in range(len(setup.texts)):
        for name, index in ins.items():
            it.set_tensor(index, enc[name][i : i + 1])
        t0 = time.perf_counter()
        it.invoke()
        times.append(time.perf_counter() - t0)
        preds.append(int(np.argmax(it.get_tensor(out)[0])))
    acc = float(np.mean(np.asarray(preds) == setup.labels))
    return acc, float(np.median(times[1:] if len(times) > 1 else times) * 1e6)


def _check_record(record) -> dict:
    if not isinstance(record, dict) or any(k not in record for k in _FIELDS):
        raise ValueError("not a BERT compression record")
    return record


def _scope(tensor: str) -> str:
    """The name scope of a tensor (``.../attention/self`` for ``.../attention/self/Softmax``)."""
    return tensor.split(";")[0].rsplit("/", 1)[0]


def _load_errors(path) -> list[dict]:
    rows = cache.load_json(path)
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "tensor" in r for r in rows):
        raise ValueError("not a list of per-layer errors")
    return rows


class BertSweep:
    """The BERT variants of one setup, measured once and cached; lookups never compute.

    ``observe(cb)`` is called with each record an action lands (the explorer's plot).
    """

    def __init__(self, setup: BertSetup, *, modes: tuple = BERT_MODES, keep_float=None):
        if not isinstance(setup, BertSetup):
            raise TypeError(f"setup must be a BertSetup, got {type(setup).__name__}")
        for m in modes:
            checks.one_of(m, name="modes", choices=BERT_MODES)
        self.setup = setup
        self.modes = tuple(modes)
        self.default_keep_float = None if keep_float is None else tuple(keep_float)
        self.records: dict[BertPoint, dict] = {}
        self.blobs: dict[BertPoint, bytes] = {}
        self.computed = 0
        self._errors: list[dict] | None = None
        self._observers: list = []

    # ---- observing ---------------------------------------------------------------------
    def observe(self, callback) -> Callable[[], None]:
        """Call ``callback(record)`` for each point an action lands; returns its remover."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        self._observers.append(callback)
        return lambda: self.unobserve(callback)

    def unobserve(self, callback) -> None:
        self._observers = [cb for cb in self._observers if cb != callback]

    def _publish(self, point: BertPoint, record: dict) -> dict:
        self.records[point] = record
        for cb in list(self._observers):
            cb(record)
        return record

    # ---- keys and lookups --------------------------------------------------------------
    def _parts(self, point: BertPoint) -> dict:
        return {"setup": self.setup.fingerprint(), "point": point.to_config()}

    def _entry(self, point: BertPoint) -> cache.CacheEntry:
        return cache.CacheEntry.for_parts(
            kind="compression-bert",
            parts=self._parts(point),
            version=_RECORD_VERSION,
            name=point.mode,
            suffix=".json",
        )

    def cached(self, point: BertPoint) -> dict | None:
        """The record of ``point`` when measured before (memory, then disk), else None."""
        if point in self.records:
            return self.records[point]
        record, _path, _note = self._entry(point).load(lambda p: _check_record(cache.load_json(p)))
        if record is not None:
            self.records[point] = record
        return record

    def results(self) -> list[dict]:
        return list(self.records.values())

    def points(self, *, cached_only: bool = False) -> list[BertPoint]:
        """The sweep's points; int8_selective keeps :meth:`suggested_keep_float` in float.

        ``cached_only=True`` never runs the quantization debugger: without measured layer
        errors the int8_selective point is left out.
        """
        out = []
        for m in self.modes:
            if m != "int8_selective":
                out.append(BertPoint(m))
                continue
            keep = self.default_keep_float
            if keep is None:
                if cached_only and self.cached_layer_errors() is None:
                    continue
                keep = self.suggested_keep_float()
            out.append(BertPoint(m, keep))
        return out

    # ---- actions -----------------------------------------------------------------------
    def _errors_entry(self):
        return dict(
            kind="compression-bert-qerror",
            parts={"setup": self.setup.fingerprint()},
            version=_RECORD_VERSION,
            name="layer-errors",
            suffix=".json",
        )

    def cached_layer_errors(self) -> list[dict] | None:
        """The per-layer int8 errors when measured before (memory, then disk), else None."""
        if self._errors is None:
            rows, _path, _note = cache.CacheEntry.for_parts(**self._errors_entry()).load(
                _load_errors
            )
            self._errors = rows
        return self._errors

    def layer_errors(self, *, progress: Progress = None) -> list[dict]:
        """Per-tensor int8 error (quantization debugger), worst first; cached on disk."""
        if self._errors is None:
            outcome = cache.fetch_or_build(
                **self._errors_entry(),
                build=lambda: sensitivity.quantization_error(
                    _int8_converter(self.setup), _samples(self.setup)
                ),
                save=cache.save_json,
                load=_load_errors,
                progress=progress,
            )
            self._errors = outcome.value
        return self._errors

    def suggested_keep_float(self, *, top: int = 2, range_factor: float = 50.0) -> tuple[str, ...]:
        """Tensors to keep in float: the ones int8 cannot represent, found from the debugger.

        Two kinds: (1) tensors whose int8 *range* is an outlier (``scale`` above
        ``range_factor`` times the median): BERT's attention scores carry the -10,000 padding
        mask and its LayerNorm variances reach tens of thousands, so one int8 step is worth
        tens of units and the error *in steps* looks small while the values are wiped out;
        with them, the rest of their name scope (the softmax that reads the scores, the mean
        that reads the squared differences). (2) the ``top`` tensors with the largest error in
        steps. At least one quantized tensor is left in int8.
        """
        top = checks.non_negative_int(top, name="top")
        range_factor = checks.number_in_range(range_factor, name="range_factor", low=1.0)
        rows = self.layer_errors()
        scales = [r["scale"] for r in rows if r["scale"] > 0]
        median = float(np.median(scales)) if scales else 0.0
        outliers = {r["tensor"] for r in rows if median and r["scale"] > range_factor * median}
        scopes = {_scope(t) for t in outliers}
        keep = [
            r["tensor"] for r in rows if r["tensor"] in outliers or _scope(r["tensor"]) in scopes
        ]
        keep += [r["tensor"] for r in rows[:top] if r["tensor"] not in keep]
        return tuple(keep[: max(len(rows) - 1, 0)])

    def baseline(self) -> dict:
        return self.compute(BertPoint("fp32"))

    def compute(self, point: BertPoint, *, progress: Progress = None) -> dict:
        """The record of ``point``: from the cache, or converted, measured and cached now."""
        if not isinstance(point, BertPoint):
            raise TypeError(f"point must be a BertPoint, got {type(point).__name__}")
        if point in self.records:
            return self.records[point]
        base = None if point.mode == "fp32" else self.baseline()

        def build() -> dict:
            t0 = time.perf_counter()
            blob = convert_bert(self.setup, point, progress=progress)
            self.blobs[point] = blob
            acc, lat = _predict(blob, self.setup)
            self.computed += 1
            gz = measure.gzip_size(blob)
            ref_gz = gz if base is None else base["gzip_bytes"]
            ref_acc = acc if base is None else base["accuracy"]
            return {
                "label": point.label,
                "mode": point.mode,
                "keep_float": list(point.keep_float),
                "raw_bytes": len(blob),
                "gzip_bytes": gz,
                "ratio": ref_gz / gz,
                "accuracy": acc,
                "acc_drop_pts": 100.0 * (ref_acc - acc),
                "latency_us": lat,
                "latency_ms": lat / 1e3,
                "n_test": len(self.setup.texts),
                "seconds": time.perf_counter() - t0,
            }

        outcome = cache.fetch_or_build(
            kind="compression-bert",
            parts=self._parts(point),
            version=_RECORD_VERSION,
            name=point.mode,
            suffix=".json",
            build=build,
            save=cache.save_json,
            load=lambda p: _check_record(cache.load_json(p)),
        )
        return self._publish(point, outcome.value)

    def blob(self, point: BertPoint) -> bytes:
        """The ``.tflite`` of ``point`` (kept from this session, or converted again)."""
        if point not in self.blobs:
            self.blobs[point] = convert_bert(self.setup, point)
        return self.blobs[point]

    def run(self, progress: Progress = None) -> list[dict]:
        """Every point not measured yet; finished points are on disk, so an interrupt resumes."""
        points = self.points()
        if progress is not None:
            progress(0, len(points), {})
        for done, point in enumerate(points, start=1):
            record = self.compute(point)
            if progress is not None:
                progress(done, len(points), {"label": point.label, "ratio": record["ratio"]})
        return [self.records[p] for p in points]
