"""What changed inside a ``.tflite``: its ops, tensor dtypes and bytes, and the diff of two files.

Read from the flatbuffer itself (TensorFlow's ``flatbuffer_utils``), not from an interpreter:
a constant tensor's bytes are the bytes stored in the file. The diff explains "smaller but not
faster": float16 weights come with ``DEQUANTIZE`` ops that turn them back into float32 at run
time; dynamic-range int8 keeps float activations (hybrid kernels); full int8 adds ``QUANTIZE``
at the input and ``DEQUANTIZE`` at the output.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

__all__ = ["TensorInfo", "TfliteSummary", "summarize_tflite", "tflite_diff"]


@dataclass(frozen=True)
class TensorInfo:
    """One tensor of a ``.tflite``: name, dtype, shape, and the bytes stored for it (constants)."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    stored_bytes: int  # 0 for activations (computed at run time)


@dataclass(frozen=True)
class TfliteSummary:
    """Ops (in execution order), tensors, and totals of one ``.tflite`` file."""

    ops: tuple[str, ...]
    tensors: tuple[TensorInfo, ...]
    file_bytes: int

    @property
    def op_counts(self) -> dict[str, int]:
        return dict(Counter(self.ops))

    @property
    def weight_bytes_by_dtype(self) -> dict[str, int]:
        """Bytes of constant tensors (weights) per dtype."""
        out: Counter = Counter()
        for t in self.tensors:
            if t.stored_bytes:
                out[t.dtype] += t.stored_bytes
        return dict(out)

    @property
    def activation_dtypes(self) -> dict[str, int]:
        """How many run-time (non-constant) tensors have each dtype."""
        return dict(Counter(t.dtype for t in self.tensors if not t.stored_bytes))


def summarize_tflite(blob: bytes) -> TfliteSummary:
    """Ops, tensors (dtype, shape, stored bytes) and size of the main subgraph of ``blob``."""
    if not isinstance(blob, (bytes, bytearray)) or not blob:
        raise TypeError(f"blob must be non-empty .tflite bytes, got {type(blob).__name__}")
    from tensorflow.lite.tools import flatbuffer_utils as fu

    from .. import backend

    backend.tf()  # the bootstrap first (quiet logs, tf_keras)
    try:
        model = fu.convert_bytearray_to_object(bytearray(blob))
    except Exception as exc:  # a flatbuffer parser raises many kinds of errors on garbage
        raise ValueError(f"not a .tflite flatbuffer ({type(exc).__name__}: {exc})") from exc
    if not model.subgraphs:
        raise ValueError("the .tflite model has no subgraph")
    graph = model.subgraphs[0]
    ops = tuple(fu.opcode_to_name(model, op.opcodeIndex) or "CUSTOM" for op in graph.operators)
    tensors = []
    for t in graph.tensors:
        buf = model.buffers[t.buffer] if t.buffer < len(model.buffers) else None
        data = getattr(buf, "data", None)
        stored = len(data) if data is not None else 0
        if not stored and buf is not None and getattr(buf, "size", 0):
            stored = int(buf.size)  # large models keep buffers outside the flatbuffer table
        name = t.name.decode() if isinstance(t.name, bytes) else str(t.name)
        shape = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
        tensors.append(TensorInfo(name, fu.type_to_name(t.type) or str(t.type), shape, stored))
    return TfliteSummary(ops, tuple(tensors), len(blob))


def tflite_diff(before: bytes, after: bytes, *, top: int = 10) -> dict:
    """How ``after`` differs from ``before``: op counts, weight bytes per dtype, biggest tensors.

    Returns a JSON-able dict: ``ops`` ({op: [count before, count after]} for ops whose count
    changed), ``added_ops``/``removed_ops``, ``weight_bytes`` ({dtype: [before, after]}),
    ``activation_dtypes`` ({dtype: [before, after]}), ``file_bytes`` [before, after] and
    ``largest`` (the ``top`` biggest constant tensors of ``after`` with their dtype and the
    dtype/bytes of the same-shaped tensor in ``before`` when there is one).
    """
    from .. import checks

    top = checks.positive_int(top, name="top")
    a, b = summarize_tflite(before), summarize_tflite(after)
    ca, cb = a.op_counts, b.op_counts
    ops = {op: [ca.get(op, 0), cb.get(op, 0)] for op in sorted(set(ca) | set(cb))}
    changed = {op: n for op, n in ops.items() if n[0] != n[1]}

    def pair(x: dict, y: dict) -> dict:
        return {k: [x.get(k, 0), y.get(k, 0)] for k in sorted(set(x) | set(y))}

    by_shape: dict[tuple, list[TensorInfo]] = {}
    for t in a.tensors:
        if t.stored_bytes:
            by_shape.setdefault(t.shape, []).append(t)
    largest = []
    for t in sorted((t for t in b.tensors if t.stored_bytes), key=lambda t: -t.stored_bytes)[:top]:
        match = by_shape.get(t.shape) or by_shape.get(t.shape[::-1]) or []
        largest.append(
            {
                "name": t.name,
                "shape": list(t.shape),
                "dtype": t.dtype,
                "bytes": t.stored_bytes,
                "before_dtype": match[0].dtype if match else None,
                "before_bytes": match[0].stored_bytes if match else None,
            }
        )
    return {
        "ops": changed,
        "added_ops": sorted(op for op, n in ops.items() if n[0] == 0),
        "removed_ops": sorted(op for op, n in ops.items() if n[1] == 0),
        "weight_bytes": pair(a.weight_bytes_by_dtype, b.weight_bytes_by_dtype),
        "activation_dtypes": pair(a.activation_dtypes, b.activation_dtypes),
        "file_bytes": [a.file_bytes, b.file_bytes],
        "largest": largest,
    }
