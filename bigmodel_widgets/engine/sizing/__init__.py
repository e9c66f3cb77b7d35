"""Chapter 0: parameter, memory, compute and serving estimates for real architectures.

Counts are exact for the architectures we can build offline (tests compare them with
``TFBertModel(BertConfig()).count_params()`` and friends); memory and FLOPs are the standard
first-order estimates, each with the assumption it rests on spelled out beside it.

Modules: ``config`` (shapes, presets, counts, Hugging Face config.json import), ``memory``
(weights, KV cache, activations, training options), ``compute`` (FLOPs with the attention
term), ``gpus`` (datasheet presets), ``serving`` (prefill/decode bounds), ``solve`` (longest
context, largest batch, exercise checks), ``report`` (the one-shot ``estimate``).
"""

from __future__ import annotations

from .compute import (
    attention_crossover_context,
    forward_flops_per_token,
    prefill_flops,
    training_flops,
)
from .config import (
    KINDS,
    MAX_CONTEXT,
    PRESETS,
    SequentialSpec,
    TransformerConfig,
    check_context,
    count_params,
    embedding_params,
    from_hf_config,
    lora_params,
    preset,
)
from .gpus import GPU, GPUS, gpu
from .memory import (
    BYTES_PER_PARAM,
    FINETUNE,
    KV_BYTES,
    OPTIMIZER_BYTES,
    QLORA_BITS,
    RECOMPUTE,
    activation_bytes,
    format_bytes,
    format_count,
    gpus_needed,
    kv_cache_bytes,
    serving_memory,
    training_memory,
)
from .report import GPU_SIZES_GB, SizeReport, estimate, estimate_keras_model
from .serving import compute_precision, serving_bounds
from .solve import (
    MAX_BATCH,
    QUESTIONS,
    AnswerCheck,
    check_answer,
    context_report,
    max_batch,
    max_context,
)

__all__ = [
    "BYTES_PER_PARAM",
    "GPU_SIZES_GB",
    "TransformerConfig",
    "SequentialSpec",
    "SizeReport",
    "PRESETS",
    "KINDS",
    "MAX_CONTEXT",
    "MAX_BATCH",
    "preset",
    "count_params",
    "estimate",
    "estimate_keras_model",
    "gpus_needed",
    "training_flops",
    "KV_BYTES",
    "kv_cache_bytes",
    "embedding_params",
    "forward_flops_per_token",
    "attention_crossover_context",
    "prefill_flops",
    "check_context",
    "lora_params",
    "from_hf_config",
    "OPTIMIZER_BYTES",
    "RECOMPUTE",
    "FINETUNE",
    "QLORA_BITS",
    "activation_bytes",
    "training_memory",
    "serving_memory",
    "GPU",
    "GPUS",
    "gpu",
    "compute_precision",
    "serving_bounds",
    "max_context",
    "max_batch",
    "context_report",
    "AnswerCheck",
    "QUESTIONS",
    "check_answer",
    "format_bytes",
    "format_count",
]
