"""Chapter 3, model compression: pruning, clustering, QAT and post-training quantization.

The default base is chapter 5's strong CNN; ``BertSweep`` compresses the fine-tuned MiniLM;
``layer_sensitivity``/``quantization_error`` say which layers are fragile; ``tflite_diff``
says what changed inside a converted file.

Every experiment clones the base model, converts it to ``.tflite`` and measures it in the
LiteRT interpreter (gzip size, accuracy, batch-1 latency). ``Sweep`` runs a grid once and
caches each point on disk. Nothing here imports TensorFlow until a function needs it.

Kept for one release: ``evaluate_tflite`` (now ``tflite_accuracy``) and ``cache_key`` (now
``point_key``; ``engine.cache.cache_key`` is the core's).
"""

from .._aliases import module_aliases
from .bert import BERT_MODES, BertPoint, BertSetup, BertSweep, bert_setup, convert_bert
from .cache import ResultCache, check_record, point_key
from .clustering import cluster
from .experiment import CompressionConfig, measure_baseline, run_experiment, train_variant
from .measure import (
    gzip_size,
    latency_us,
    layer_sparsity,
    tflite_accuracy,
    weight_histogram,
)
from .models import (
    BASE_MODELS,
    CompressionSetup,
    Dataset,
    build_digits_cnn,
    clone,
    default_setup,
    digits_data,
    fingerprint,
    strong_digits_cnn,
)
from .opdiff import TensorInfo, TfliteSummary, summarize_tflite, tflite_diff
from .pruning import prune
from .quantization import QUANT_MODES, convert, quantize_aware
from .sensitivity import (
    SENSITIVITY_METHODS,
    int8_scale,
    keras_converter,
    layer_sensitivity,
    quantization_error,
    representative_samples,
    selective_int8,
)
from .sweep import Sweep, SweepSpec, default_spec, pareto_front, smallest_within

__all__ = [
    "BASE_MODELS",
    "BERT_MODES",
    "BertPoint",
    "BertSetup",
    "BertSweep",
    "SENSITIVITY_METHODS",
    "TensorInfo",
    "TfliteSummary",
    "bert_setup",
    "convert_bert",
    "int8_scale",
    "keras_converter",
    "layer_sensitivity",
    "quantization_error",
    "representative_samples",
    "selective_int8",
    "strong_digits_cnn",
    "summarize_tflite",
    "tflite_diff",
    "CompressionConfig",
    "CompressionSetup",
    "Dataset",
    "QUANT_MODES",
    "ResultCache",
    "Sweep",
    "SweepSpec",
    "build_digits_cnn",
    "check_record",
    "clone",
    "cluster",
    "convert",
    "default_setup",
    "default_spec",
    "digits_data",
    "fingerprint",
    "gzip_size",
    "latency_us",
    "layer_sparsity",
    "measure_baseline",
    "pareto_front",
    "point_key",
    "prune",
    "quantize_aware",
    "run_experiment",
    "smallest_within",
    "tflite_accuracy",
    "train_variant",
    "weight_histogram",
]

__getattr__ = module_aliases(
    __name__, {"evaluate_tflite": "tflite_accuracy", "cache_key": "point_key"}
)
