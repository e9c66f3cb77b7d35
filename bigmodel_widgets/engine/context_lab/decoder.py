"""A GPT-2-shaped decoder with random weights: its KV cache in bytes, and decoding with and
without the cache as the context grows (linear against quadratic cost)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence

import numpy as np

from .. import backend, sizing
from ..checks import int_in_range
from ._models import SMALL_GPT2, build_gpt2, check_contexts, check_decoder, check_quick

__all__ = ["measure_kv_cache", "measure_decoding", "FULL_DECODE", "QUICK_DECODE"]

FULL_DECODE = {"contexts": (64, 128, 256, 512), "new_tokens": 32}
QUICK_DECODE = {"contexts": (64, 256), "new_tokens": 8}


def _prompt(config: sizing.TransformerConfig, context: int, batch: int):
    tf = backend.tf()
    rng = np.random.default_rng(context)
    return tf.constant(rng.integers(0, config.vocab, size=(batch, context), dtype=np.int32))


def measure_kv_cache(
    *, context: int = 512, batch: int = 1, config: sizing.TransformerConfig = SMALL_GPT2
) -> dict:
    """Bytes of the KV cache a real forward leaves, against ``sizing.kv_cache_bytes``.

    A ``TFGPT2LMHeadModel`` of ``config``'s shape (random weights) runs ``context`` tokens with
    ``use_cache=True``; ``measured`` is the sum of ``nbytes`` over every tensor of its
    ``past_key_values``; ``estimated`` is the estimator's answer for the same shape at fp32
    (TensorFlow runs this model in float32). ``exact`` is their equality, to the byte.
    """
    config = check_decoder(config)
    context = int_in_range(context, name="context", low=1, high=config.seq_len)
    batch = int_in_range(batch, name="batch", low=1, high=64)
    model = build_gpt2(config)
    out = model(_prompt(config, context, batch), use_cache=True)
    tf = backend.tf()
    tensors = tf.nest.flatten(out.past_key_values)
    measured = int(sum(t.numpy().nbytes for t in tensors))
    estimated = sizing.kv_cache_bytes(config, context=context, batch=batch, precision="fp32")
    return {
        "config": config.to_config(),
        "context": context,
        "batch": batch,
        "measured": measured,
        "estimated": int(estimated),
        "exact": measured == int(estimated),
        "tensors": [list(t.shape) for t in tensors],
        "dtype": tensors[0].dtype.name,
        "params_exact": int(model.count_params()) == sizing.count_params(config),
        "how": (
            f"sum of nbytes of the {len(tensors)} past_key_values tensors of a random-weight "
            f"TFGPT2LMHeadModel after one forward of {context} tokens (batch {batch}, "
            "use_cache=True), against sizing.kv_cache_bytes(precision='fp32')"
        ),
    }


def _greedy(logits):
    tf = backend.tf()
    return tf.argmax(logits[:, -1, :], axis=-1, output_type=tf.int32)[:, None]


@functools.lru_cache(maxsize=4)
def _steps(config: sizing.TransformerConfig):
    """Three compiled steps (each traced once: lengths are dynamic in the signatures)."""
    tf = backend.tf()
    model = build_gpt2(config)
    ids = tf.TensorSpec([None, None], tf.int32)
    past = tuple(
        tf.TensorSpec([2, None, config.heads, None, config.head_dim], tf.float32)
        for _ in range(config.layers)
    )

    @tf.function(input_signature=[ids])
    def prefill(prompt):  # the prompt once, keeping its keys and values
        out = model(prompt, use_cache=True, training=False)
        return _greedy(out.logits), tuple(out.past_key_values)

    @tf.function(input_signature=[ids, past])
    def step(token, cache):  # one new token, reading the cache
        out = model(token, past_key_values=cache, use_cache=True, training=False)
        return _greedy(out.logits), tuple(out.past_key_values)

    @tf.function(input_signature=[ids])
    def rerun(sequence):  # the whole sequence again, nothing kept
        return _greedy(model(sequence, use_cache=False, training=False).logits)

    return prefill, step, rerun


def _cached(steps, prompt, new_tokens: int) -> tuple[list[int], float, float]:
    """Tokens, seconds to the first token (the prompt's forward), seconds for the rest."""
    prefill, step, _ = steps
    t0 = time.perf_counter()
    token, cache = prefill(prompt)
    tokens = [int(token.numpy()[0, 0])]
    t1 = time.perf_counter()
    for _ in range(new_tokens - 1):
        token, cache = step(token, cache)
        tokens.append(int(token.numpy()[0, 0]))
    return tokens, t1 - t0, time.perf_counter() - t1


def _uncached(steps, prompt, new_tokens: int) -> tuple[list[int], float, float]:
    tf = backend.tf()
    sequence, tokens, t0 = prompt, [], time.perf_counter()
    t1 = t0
    for i in range(new_tokens):
        token = steps[2](sequence)
        tokens.append(int(token.numpy()[0, 0]))
        sequence = tf.concat([sequence, token], axis=1)
        t1 = time.perf_counter() if i == 0 else t1
    return tokens, t1 - t0, time.perf_counter() - t1


def measure_decoding(
    *,
    contexts: Sequence[int] | None = None,
    new_tokens: int | None = None,
    config: sizing.TransformerConfig = SMALL_GPT2,
    quick: bool = False,
    progress: Callable | None = None,
) -> dict:
    """Greedy decoding of ``new_tokens`` after a prompt of each context, with the KV cache and
    without it; decode tokens per second for both and their ratio at the longest context.

    Both produce the first token from one forward of the prompt (``first_token_ms``, the
    same work either way). After that, with the cache each token costs one token's work plus
    reading the cache (linear in the context); without it every token re-runs the whole
    sequence (so generating costs grow quadratically). ``decode_tokens_per_s`` counts the
    tokens after the first over their wall time. Both run as tf.functions traced once over
    the same model and must pick the same tokens (``same_tokens``). Defaults: contexts 64,
    128, 256, 512 and 32 new tokens (64, 256 and 8 with ``quick``). ``progress(done, total,
    info)`` is called after each generation.
    """
    quick = check_quick(quick)
    config = check_decoder(config)
    preset = QUICK_DECODE if quick else FULL_DECODE
    new_tokens = (
        preset["new_tokens"]
        if new_tokens is None
        else int_in_range(new_tokens, name="new_tokens", low=2, high=config.seq_len - 1)
    )
    contexts = check_contexts(
        preset["contexts"] if contexts is None else contexts,
        maximum=config.seq_len - new_tokens,
    )
    steps = _steps(config)
    warm = _prompt(config, 8, 1)
    _cached(steps, warm, 3), _uncached(steps, warm, 3)  # tracing out of the timings
    rates: dict[str, list[float]] = {"cached": [], "uncached": []}
    first: dict[str, list[float]] = {"cached": [], "uncached": []}
    same, total, done = True, 2 * len(contexts), 0
    for c in contexts:
        prompt = _prompt(config, c, 1)
        picked = {}
        for name, run in (("cached", _cached), ("uncached", _uncached)):
            picked[name], first_s, rest_s = run(steps, prompt, new_tokens)
            rates[name].append(round((new_tokens - 1) / rest_s, 2))
            first[name].append(round(first_s * 1000, 2))
            done += 1
            if progress is not None:
                progress(done, total, {"context": c, "mode": name, "tokens_per_s": rates[name][-1]})
        same = same and picked["cached"] == picked["uncached"]
    return {
        "config": config.to_config(),
        "contexts": list(contexts),
        "new_tokens": new_tokens,
        "decode_tokens_per_s": rates,
        "first_token_ms": first,
        "speedup": [round(a / b, 2) for a, b in zip(rates["cached"], rates["uncached"])],
        "speedup_at_longest": round(rates["cached"][-1] / rates["uncached"][-1], 2),
        "same_tokens": same,
        "kv_cache_bytes_at_longest": sizing.kv_cache_bytes(
            config, context=contexts[-1] + new_tokens, precision="fp32"
        ),
        "how": (
            f"greedy decoding of {new_tokens} tokens after a random prompt of each length by a "
            f"random-weight TFGPT2LMHeadModel ({config.layers} layers x {config.hidden}), one "
            "call of a tf.function (traced once) per token; decode tokens/s = the tokens after "
            "the first / their wall time (the first token, one forward of the prompt, is "
            "first_token_ms). Cached: past_key_values fed back, one token per step. "
            "Uncached: the whole sequence re-run every step."
        ),
    }
