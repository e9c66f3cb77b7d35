"""The one door to the TFLite runtime: an allocated interpreter for ``.tflite`` bytes.

ai-edge-litert's interpreter is the non-deprecated one and runs the TF 2.21 converter's output
with numpy 2 (STACK.md); TensorFlow's own ``tf.lite.Interpreter`` is the fallback.
"""

from __future__ import annotations

from . import backend
from .checks import positive_int

__all__ = ["interpreter"]


def interpreter(blob: bytes, *, num_threads: int = 1):
    """An interpreter over ``blob`` with its tensors allocated, ready to ``invoke()``."""
    if not isinstance(blob, (bytes, bytearray)) or not blob:
        raise ValueError("blob must be the non-empty bytes of a .tflite model")
    num_threads = positive_int(num_threads, name="num_threads")
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # the deprecated TensorFlow copy still works
        Interpreter = backend.tf().lite.Interpreter
    it = Interpreter(model_content=bytes(blob), num_threads=num_threads)
    it.allocate_tensors()
    return it
