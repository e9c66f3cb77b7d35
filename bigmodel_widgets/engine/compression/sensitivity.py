"""Why a layer shrinks or not: per-layer sensitivity and per-layer quantization error.

- :func:`layer_sensitivity` damages ONE layer at a time (one-shot magnitude pruning of its
  kernel, or rounding it to a few bits) and measures the held-out accuracy drop; the other
  layers keep their weights. No fine-tuning, so the drop is the layer's raw fragility.
- :func:`quantization_error` runs TensorFlow Lite's ``QuantizationDebugger`` on a converter set
  up for int8: for every quantized op output it compares the int8 result with the float one.
  ``rmse / scale`` (the error in units of one quantization step) is the guide's measure: well
  above ~0.3 means the int8 grid is too coarse for that tensor.
- :func:`selective_int8` converts with chosen tensors kept in float (the debugger's denylist).
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Callable, Iterable

import numpy as np

from .. import backend, checks
from ._validate import check_tf_keras_model
from .measure import kernel_weights
from .models import Dataset, clone

__all__ = [
    "SENSITIVITY_METHODS",
    "layer_sensitivity",
    "quantization_error",
    "selective_int8",
    "keras_converter",
    "representative_samples",
    "int8_scale",
]

SENSITIVITY_METHODS = ("prune", "quantize")


def _accuracy(model, x: np.ndarray, y: np.ndarray) -> float:
    out = model.predict(x, batch_size=256, verbose=0)
    return float(np.mean(np.argmax(out, axis=-1) == np.asarray(y)))


def _damage(kernel: np.ndarray, method: str, sparsity: float, bits: int) -> np.ndarray:
    if method == "prune":
        k = int(round(sparsity * kernel.size))
        if k == 0:
            return kernel
        threshold = np.partition(np.abs(kernel).ravel(), k - 1)[k - 1]
        return np.where(np.abs(kernel) <= threshold, 0.0, kernel).astype(kernel.dtype)
    levels = 2 ** (bits - 1) - 1  # symmetric, per tensor: what a coarse int grid keeps
    scale = float(np.max(np.abs(kernel))) / levels or 1.0
    return (np.round(kernel / scale) * scale).astype(kernel.dtype)


def layer_sensitivity(
    base,
    ds: Dataset,
    *,
    method: str = "prune",
    sparsity: float = 0.8,
    bits: int = 4,
    n_test: int | None = None,
) -> list[dict]:
    """Accuracy drop when only one layer is pruned (``sparsity``) or rounded (``bits``).

    Returns one row per layer with a kernel, most sensitive first: ``{layer, params,
    accuracy, base_accuracy, drop_pts, method}``. Measured on the Keras model (a one-shot
    change, no fine-tuning, no conversion), on the first ``n_test`` test images (all if None).
    """
    check_tf_keras_model(base, "base")
    checks.one_of(method, name="method", choices=SENSITIVITY_METHODS)
    sparsity = checks.number_in_range(sparsity, name="sparsity", low=0.0, high=1.0, high_open=True)
    bits = checks.int_in_range(bits, name="bits", low=2, high=16)
    n = None if n_test is None else checks.positive_int(n_test, name="n_test")
    x, y = ds.x_test[:n], ds.y_test[:n]
    model = clone(base)
    base_acc = _accuracy(model, x, y)
    kernels = kernel_weights(model)
    rows = []
    for layer in model.layers:
        if layer.name not in kernels:
            continue
        weights = layer.get_weights()
        kernel_i = next(
            i for i, v in enumerate(layer.weights) if v.name.rsplit("/", 1)[-1].startswith("kernel")
        )
        damaged = list(weights)
        damaged[kernel_i] = _damage(weights[kernel_i], method, sparsity, bits)
        layer.set_weights(damaged)
        acc = _accuracy(model, x, y)
        layer.set_weights(weights)
        rows.append(
            {
                "layer": layer.name,
                "params": int(weights[kernel_i].size),
                "accuracy": acc,
                "base_accuracy": base_acc,
                "drop_pts": 100.0 * (base_acc - acc),
                "method": method if method == "prune" else f"quantize{bits}",
            }
        )
    return sorted(rows, key=lambda r: -r["drop_pts"])


def int8_scale(low: float, high: float) -> float:
    """The width of one int8 step when 256 levels cover ``[low, high]`` (asymmetric, as TFLite
    quantizes activations): ``(high - low) / 255``. A range stretched by one outlier (BERT's
    -10,000 attention mask) makes every step that wide."""
    low = checks.number_in_range(low, name="low")
    high = checks.number_in_range(high, name="high")
    if not high > low:
        raise ValueError(f"need low < high, got [{low}, {high}]")
    return (high - low) / 255.0


def representative_samples(representative: np.ndarray) -> Callable[[], Iterable]:
    """``samples()`` yielding ``[x[i:i+1]]`` for each image: a converter's calibration set."""
    rep = np.asarray(representative, dtype=np.float32)
    if rep.ndim < 2 or len(rep) == 0:
        raise ValueError(f"representative must be a non-empty batch, got shape {rep.shape}")
    return lambda: ([rep[i : i + 1]] for i in range(len(rep)))


def keras_converter(model, representative: np.ndarray):
    """A TFLite converter for ``model`` set up for int8 with ``representative`` calibration."""
    check_tf_keras_model(model, "model")
    tf = backend.tf()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_samples(representative)
    return converter


def _debugger(converter, samples: Callable[[], Iterable], denylist: tuple[str, ...] = ()):
    tf = backend.tf()
    options = tf.lite.experimental.QuantizationDebugOptions(denylisted_nodes=list(denylist))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the debugger uses the deprecated tf.lite.Interpreter
        return tf.lite.experimental.QuantizationDebugger(
            converter=converter, debug_dataset=samples, debug_options=options
        )


def quantization_error(converter, samples: Callable[[], Iterable]) -> list[dict]:
    """Per quantized op output: its int8 error against float, worst first.

    ``converter``: a TFLite converter with ``optimizations`` and ``representative_dataset``
    set (see :func:`keras_converter`); ``samples()``: yields model inputs (the debug set).
    Rows: ``{tensor, op, elements, rmse, scale, error_steps}`` with ``error_steps = rmse/scale``.
    """
    if not callable(samples):
        raise TypeError(f"samples must be a callable returning an iterable, got {samples!r}")
    debugger = _debugger(converter, samples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        debugger.run()
    buf = io.StringIO()
    debugger.layer_statistics_dump(buf)
    rows = []
    for row in csv.DictReader(io.StringIO(buf.getvalue())):
        mse, scale = float(row["mean_squared_error"]), float(row["scale"])
        rmse = float(np.sqrt(max(mse, 0.0)))
        rows.append(
            {
                "tensor": row["tensor_name"],
                "op": row["op_name"],
                "elements": int(float(row["num_elements"])),
                "rmse": rmse,
                "scale": scale,
                "error_steps": rmse / scale if scale > 0 else 0.0,
            }
        )
    return sorted(rows, key=lambda r: -r["error_steps"])


def selective_int8(converter, samples: Callable[[], Iterable], keep_float: Iterable[str]) -> bytes:
    """``.tflite`` bytes quantized to int8 except the tensors named in ``keep_float``."""
    keep = tuple(keep_float)
    if not all(isinstance(k, str) and k for k in keep):
        raise TypeError("keep_float must be tensor names (non-empty str)")
    try:
        debugger = _debugger(converter, samples, keep)
    except ValueError as exc:
        if "debug mode" not in str(exc):
            raise
        raise ValueError(
            "keep_float names every quantized tensor: nothing is left to quantize"
        ) from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bytes(debugger.get_nondebug_quantized_model())
