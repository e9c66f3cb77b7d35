"""Measurements on a converted model: gzip size, accuracy and latency in the LiteRT interpreter.

Sizes are gzip bytes: sparsity and clustering only shrink a file once it is compressed
(STACK.md). Accuracy is measured by running the .tflite itself, never the Keras model.
"""

from __future__ import annotations

import gzip
import time

import numpy as np

from .. import checks, litert
from .._aliases import module_aliases

__all__ = [
    "gzip_size",
    "tflite_accuracy",
    "predict_tflite",
    "latency_us",
    "layer_sparsity",
    "weight_histogram",
    "kernel_weights",
]

# Kept for one release: the interpreter factory is the core's one door now.
__getattr__ = module_aliases(
    __name__,
    {
        "interpreter": "bigmodel_widgets.engine.litert.interpreter",
        "evaluate_tflite": "tflite_accuracy",
    },
)


def gzip_size(blob: bytes) -> int:
    """Bytes of ``blob`` after gzip at level 9 (what a download or an app bundle would carry)."""
    return len(gzip.compress(blob, compresslevel=9, mtime=0))


def _to_input(x: np.ndarray, detail: dict) -> np.ndarray:
    # A full-int8 model with int8 input expects x quantized with the input tensor's scale.
    if detail["dtype"] in (np.int8, np.uint8):
        scale, zero = detail["quantization"]
        info = np.iinfo(detail["dtype"])
        return np.clip(np.round(x / scale + zero), info.min, info.max).astype(detail["dtype"])
    return x.astype(detail["dtype"])


def predict_tflite(blob: bytes, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """Model outputs for ``x`` (float32, dequantized if the output is int8)."""
    batch = checks.positive_int(batch, name="batch")
    it = litert.interpreter(blob, num_threads=2)
    inp, out = it.get_input_details()[0], it.get_output_details()[0]
    results = []
    current = None
    for start in range(0, len(x), batch):
        chunk = x[start : start + batch]
        if current != len(chunk):
            it.resize_tensor_input(inp["index"], [len(chunk), *inp["shape"][1:]])
            it.allocate_tensors()
            inp, out = it.get_input_details()[0], it.get_output_details()[0]
            current = len(chunk)
        it.set_tensor(inp["index"], _to_input(chunk, inp))
        it.invoke()
        y = it.get_tensor(out["index"]).astype(np.float32)
        if out["dtype"] in (np.int8, np.uint8):
            scale, zero = out["quantization"]
            y = (y - zero) * scale
        results.append(y)
    return np.concatenate(results)


def tflite_accuracy(blob: bytes, x: np.ndarray, y: np.ndarray) -> float:
    """Top-1 accuracy of the converted model on (x, y), run in the interpreter."""
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"x and y must be non-empty and the same length, got {len(x)} and {len(y)}"
        )
    return float(np.mean(np.argmax(predict_tflite(blob, x), axis=-1) == np.asarray(y)))


def latency_us(blob: bytes, sample: np.ndarray, repeats: int = 200, warmup: int = 10) -> float:
    """Median wall time of one batch-1 ``invoke()`` in microseconds, one thread."""
    repeats = checks.positive_int(repeats, name="repeats")
    warmup = checks.non_negative_int(warmup, name="warmup")
    it = litert.interpreter(blob, num_threads=1)
    inp = it.get_input_details()[0]
    it.set_tensor(inp["index"], _to_input(np.asarray(sample)[None][:1], inp))
    for _ in range(warmup):
        it.invoke()
    times = np.empty(repeats)
    for i in range(repeats):
        t0 = time.perf_counter()
        it.invoke()
        times[i] = time.perf_counter() - t0
    return float(np.median(times) * 1e6)


def kernel_weights(model) -> dict[str, np.ndarray]:
    """Layer name -> its kernel (the weights pruning and clustering act on; biases left out)."""
    out = {}
    for layer in model.layers:
        inner = getattr(
            layer, "layer", layer
        )  # QAT wraps each layer: name it after the wrapped one
        # Find the variable by name: inside a QAT wrapper ``inner.kernel`` is a symbolic tensor.
        for var in layer.weights:
            if var.name.rsplit("/", 1)[-1].split(":")[0] == "kernel":
                out[inner.name] = np.asarray(var.numpy())
                break
    return out


def layer_sparsity(model) -> dict[str, float]:
    """Fraction of exactly-zero kernel weights per layer."""
    return {name: float(np.mean(k == 0)) for name, k in kernel_weights(model).items()}


def weight_histogram(model, bins: int = 61, limit: float | None = None) -> dict:
    """Histogram of all kernel weights: ``{"edges", "counts", "zeros", "unique"}`` (plain lists).

    ``limit`` fixes the range so before/after histograms share their bins.
    """
    kernels = kernel_weights(model)
    flat = np.concatenate([k.ravel() for k in kernels.values()]) if kernels else np.zeros(0)
    if limit is None:
        limit = float(np.max(np.abs(flat))) if flat.size else 1.0
    counts, edges = np.histogram(flat, bins=bins, range=(-limit, limit))
    return {
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
        "zeros": int(np.sum(flat == 0)),
        "total": int(flat.size),
        "unique": {n: int(np.unique(k).size) for n, k in kernels.items()},
    }
