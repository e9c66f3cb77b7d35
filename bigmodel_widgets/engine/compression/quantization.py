"""Quantization: quantization-aware training with tfmot, and TFLite post-training quantization."""

from __future__ import annotations

from .. import backend, checks
from ..training import Progress
from ._validate import check_representative, check_tf_keras_model
from .models import Dataset, clone, compile_for_training, fit

__all__ = ["QUANT_MODES", "quantize_aware", "convert"]

# none = fp32; dynamic = int8 weights, float activations; int8 = weights and activations.
QUANT_MODES = ("none", "dynamic", "float16", "int8")


def quantize_aware(
    base,
    ds: Dataset,
    *,
    epochs: int = 1,
    preserve_sparsity: bool = False,
    batch_size: int = 64,
    learning_rate: float = 1e-4,
    progress: Progress = None,
):
    """QAT on a clone of ``base``: fake-quant ops learn int8 ranges during fine-tuning.

    With ``preserve_sparsity`` the pruning-preserving scheme keeps pruned zeros at zero
    (prune -> QAT). Convert the result with ``convert(model, "int8", ...)``.
    """
    check_tf_keras_model(base, "base")
    tfmot = backend.tfmot()
    model = clone(base)
    qk = tfmot.quantization.keras
    if preserve_sparsity:
        annotated = qk.quantize_annotate_model(model)
        qat = qk.quantize_apply(annotated, qk.collab_opts.Default8BitPrunePreserveQuantizeScheme())
    else:
        qat = qk.quantize_model(model)
    compile_for_training(qat, learning_rate)
    fit(qat, ds, epochs=epochs, batch_size=batch_size, progress=progress)
    return qat


def convert(model, mode: str = "none", representative=None, *, int8_io: bool = False) -> bytes:
    """A ``.tflite`` flatbuffer of ``model`` under post-training quantization ``mode``.

    ``int8`` needs ``representative`` samples (n, *input_shape) to calibrate activation ranges;
    ``int8_io`` also makes the input and output int8 (for integer-only accelerators).
    """
    check_tf_keras_model(model, "model")
    checks.one_of(mode, name="mode", choices=QUANT_MODES)
    if int8_io and mode != "int8":
        raise ValueError("int8_io=True needs mode='int8'")
    tf = backend.tf()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if mode == "int8":
        if representative is None:
            raise ValueError("mode='int8' needs representative samples to calibrate activations")
        rep = check_representative(representative, model.input_shape)

        def samples():
            for i in range(len(rep)):
                yield [rep[i : i + 1]]

        converter.representative_dataset = samples
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if int8_io:
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
    return bytes(converter.convert())
