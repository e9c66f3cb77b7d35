"""Compute: FLOPs per token with the attention term (Kaplan et al. 2020), the context where
attention overtakes the rest, a prompt's prefill FLOPs, and training compute."""

from __future__ import annotations

import math

from ..checks import positive_int
from .config import TransformerConfig, _transformer, check_context, count_params, embedding_params

__all__ = [
    "forward_flops_per_token",
    "attention_crossover_context",
    "prefill_flops",
    "training_flops",
]


def _dense_and_attention_per_context(c: TransformerConfig) -> tuple[float, float]:
    n = count_params(c) - embedding_params(c)
    return 2.0 * n, 2.0 * c.layers * c.heads * c.head_dim


def forward_flops_per_token(config: TransformerConfig, *, context: int) -> dict:
    """Forward FLOPs per token at ``context`` tokens (Kaplan et al. 2020, eq. 2.2).

    ``dense`` = 2 N with N the non-embedding parameters (every weight is one multiply-add per
    token); ``attention`` = 2 * n_layers * context * d_attn (scores QK^T and the weighted sum of
    V, d_attn = heads * head_dim); ``attention_share`` = attention / total.
    """
    c = _transformer(config)
    context = check_context(context)
    dense, per_context = _dense_and_attention_per_context(c)
    attention = per_context * context
    total = dense + attention
    return {
        "dense": dense,
        "attention": attention,
        "total": total,
        "attention_share": attention / total,
    }


def attention_crossover_context(config: TransformerConfig) -> int:
    """The shortest context at which attention FLOPs reach the dense FLOPs (share >= 50 %):
    ceil(N / (n_layers * d_attn)), about 12 * d_model for a standard block (Kaplan et al.)."""
    c = _transformer(config)
    dense, per_context = _dense_and_attention_per_context(c)
    return max(1, math.ceil(dense / per_context))


def prefill_flops(config: TransformerConfig, *, context: int, batch: int = 1) -> float:
    """Forward FLOPs to read a prompt of ``context`` tokens for ``batch`` sequences.

    Dense part 2 N per token. Attention: a decoder's token i attends to i tokens (causal), so
    the sum is 2 * n_layers * d_attn * s (s + 1) / 2; an encoder's every token attends to all
    s (Kaplan's per-token term at n_ctx = s, times s).
    """
    c = _transformer(config)
    s, b = check_context(context), positive_int(batch, name="batch")
    dense, per_context = _dense_and_attention_per_context(c)
    attended = s * (s + 1) / 2 if c.kind != "encoder" else float(s) * s
    return b * (dense * s + per_context * attended)


def training_flops(params: int, tokens: float) -> float:
    """About 6 FLOPs per parameter per training token (forward 2N + backward 4N)."""
    return 6.0 * params * tokens
