"""Chapter 3, model compression: pruning, clustering, QAT and post-training quantization.

Every experiment clones the base model, converts it to ``.tflite`` and measures it in the
LiteRT interpreter (gzip size, accuracy, batch-1 latency). ``Sweep`` runs a grid once and
caches each point on disk. Nothing here imports TensorFlow until a function needs it.
"""
from .cache import ResultCache, cache_key
from .clustering import cluster
from .experiment import CompressionConfig, measure_baseline, run_experiment, train_variant
from .measure import evaluate_tflite, gzip_size, latency_us, layer_sparsity, weight_histogram
from .models import (CompressionSetup, Dataset, build_digits_cnn, clone, default_setup,
                     digits_data, fingerprint)
from .pruning import prune
from .quantization import QUANT_MODES, convert, quantize_aware
from .sweep import Sweep, SweepSpec, default_spec, pareto_front, smallest_within

__all__ = [
    "CompressionConfig", "CompressionSetup", "Dataset", "QUANT_MODES", "ResultCache", "Sweep",
    "SweepSpec", "build_digits_cnn", "cache_key", "clone", "cluster", "convert", "default_setup",
    "default_spec", "digits_data", "evaluate_tflite", "fingerprint", "gzip_size", "latency_us",
    "layer_sparsity", "measure_baseline", "pareto_front", "prune", "quantize_aware",
    "run_experiment", "smallest_within", "train_variant", "weight_histogram",
]
