"""Chapter 0 measured: the context-length estimates checked against real models on this machine.

* :func:`measure_forward`: the real MiniLM's forward time at each context against a roofline
  model (per-call overhead + Kaplan FLOPs / throughput fitted at one length + attention-score
  bytes / this machine's measured copy bandwidth, :func:`score_bytes`, :func:`copy_bandwidth`),
  with the FLOPs-only model's errors beside it; the attention share as the context grows.
* :func:`measure_kv_cache`: a GPT-2-shaped decoder's ``past_key_values`` bytes against
  ``sizing.kv_cache_bytes`` (exact to the byte).
* :func:`measure_decoding`: greedy decoding with and without the KV cache (linear vs quadratic).
* :func:`measure_memory`: a forward's peak memory against the activation estimate.
* :func:`minilm_config` and :data:`SMALL_GPT2`: the shapes measured.

Nothing here downloads: MiniLM is the shipped checkpoint, the decoder has random weights.
TensorFlow loads on the first measurement, not on import.
"""

from __future__ import annotations

from ._models import SMALL_GPT2, minilm_config
from .decoder import measure_decoding, measure_kv_cache
from .forward import copy_bandwidth, measure_forward, score_bytes
from .memory import measure_memory

__all__ = [
    "SMALL_GPT2",
    "minilm_config",
    "measure_forward",
    "score_bytes",
    "copy_bandwidth",
    "measure_kv_cache",
    "measure_decoding",
    "measure_memory",
]
