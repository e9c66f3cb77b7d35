"""MiniLM's forward time as the context grows, against the FLOPs model fitted at one length."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from .. import backend, sizing
from ..checks import int_in_range, one_of
from ._models import check_contexts, check_quick, load_minilm, minilm_config, set_threads

__all__ = ["measure_forward", "FULL_CONTEXTS", "QUICK_CONTEXTS"]

FULL_CONTEXTS = (32, 64, 128, 256, 512)
QUICK_CONTEXTS = (32, 128, 512)
OVERHEAD_CONTEXT = 1  # a 1-token call: almost no arithmetic, all the fixed per-call cost


_CLOCKS = {
    "cpu": "process CPU time (time.process_time: the work done, not the wait for a core)",
    "wall": "wall-clock time",
}


def _inputs(context: int, batch: int, vocab: int):
    tf = backend.tf()
    rng = np.random.default_rng(context)  # word-piece ids; the cost does not depend on them
    ids = rng.integers(1000, vocab, size=(batch, context), dtype=np.int32)
    ids[:, 0], ids[:, -1] = 101, 102  # [CLS] ... [SEP]
    return tf.constant(ids), tf.ones((batch, context), tf.int32)


def _predict(flops: dict, overhead_ms: float, gflops: float) -> dict:
    return {c: overhead_ms + f / (gflops * 1e6) for c, f in flops.items()}


def _errors(measured: dict, predicted: dict, fit: int) -> tuple[list, float]:
    errors = [round(predicted[c] / measured[c] - 1.0, 4) for c in measured]
    held_out = [abs(e) for c, e in zip(measured, errors) if c != fit]
    return errors, round(max(held_out), 4) if held_out else 0.0


def _note(contexts: tuple[int, ...], errors: list[float]) -> str:
    longest, error = contexts[-1], errors[-1]
    if error > -0.10:
        return ""
    return (
        f"At {longest} tokens the run is {-error:.0%} slower than the FLOPs model says. The "
        "model prices every FLOP alike, but attention's many small per-head products and its "
        "scale, mask and softmax passes over heads x context^2 scores run at a fraction of "
        "the dense layers' FLOP rate (they are limited by memory traffic), and that part "
        "grows with context^2."
    )


def measure_forward(
    *,
    contexts: Sequence[int] | None = None,
    fit_context: int = 128,
    repeats: int | None = None,
    batch: int = 1,
    threads: int | None = 1,
    clock: str = "cpu",
    quick: bool = False,
    progress: Callable | None = None,
) -> dict:
    """Time a real MiniLM forward at each context length; predict it from the FLOPs model.

    The FLOPs per forward are ``sizing.prefill_flops`` (``context`` tokens, each at
    ``forward_flops_per_token``: Kaplan et al. 2020, 2N + 2 * n_layers * context * d_attn).
    Two models are fitted:

    * ``one_constant``: time = FLOPs / throughput, the throughput fitted at ``fit_context``;
    * the reported ``predicted_ms``: time = overhead + FLOPs / throughput, where the overhead
      is a 1-token call (the fixed per-call cost) and the throughput is fitted at
      ``fit_context``. Both are judged by their relative error at the other lengths.

    ``contexts`` defaults to 32, 64, 128, 256, 512 (32, 128, 512 with ``quick``); ``repeats``
    timed rounds (15, or 3 with ``quick``) run every length once per round, so a busy moment
    on the machine hits all of them alike; the median is kept. ``threads`` asks TensorFlow for
    that many threads (honoured only before TensorFlow first runs; ``how`` says what was used).
    ``clock``: "cpu" fits the process's CPU time per forward (``time.process_time``: the work
    done, which other programs on a shared machine do not inflate) or "wall" the elapsed time;
    both are reported (``cpu_ms``, ``wall_ms``), ``forward_ms`` is the one fitted.
    ``progress(done, total, info)`` is called once per warm-up and per round.
    """
    quick = check_quick(quick)
    config = minilm_config()
    fit_context = int_in_range(fit_context, name="fit_context", low=1, high=config.seq_len)
    if contexts is None:
        contexts = QUICK_CONTEXTS if quick and fit_context in QUICK_CONTEXTS else FULL_CONTEXTS
    contexts = check_contexts(contexts, maximum=config.seq_len)
    if fit_context not in contexts:
        raise ValueError(f"fit_context {fit_context} must be one of the contexts {contexts}")
    repeats = (
        (3 if quick else 15)
        if repeats is None
        else int_in_range(repeats, name="repeats", low=1, high=1000)
    )
    batch = int_in_range(batch, name="batch", low=1, high=64)
    clock = one_of(clock, name="clock", choices=("cpu", "wall"))
    thread_note = set_threads(threads)
    tf = backend.tf()
    model = load_minilm()

    @tf.function(reduce_retracing=False)
    def forward(ids, mask):
        return model(input_ids=ids, attention_mask=mask, training=False).last_hidden_state

    lengths = (OVERHEAD_CONTEXT, *contexts)
    inputs = {c: _inputs(c, batch, config.vocab) for c in lengths}
    total, done = len(lengths) + repeats, 0
    for c in lengths:  # trace once per shape, then one warm call
        forward(*inputs[c]).numpy()
        forward(*inputs[c]).numpy()
        done += 1
        if progress is not None:
            progress(done, total, {"stage": "warm-up", "context": c})
    wall: dict[int, list[float]] = {c: [] for c in lengths}
    cpu: dict[int, list[float]] = {c: [] for c in lengths}
    for r in range(repeats):
        for c in lengths:
            t0, c0 = time.perf_counter(), time.process_time()
            forward(*inputs[c]).numpy()
            cpu[c].append((time.process_time() - c0) * 1000.0)
            wall[c].append((time.perf_counter() - t0) * 1000.0)
        done += 1
        if progress is not None:
            progress(done, total, {"stage": "timing", "round": r + 1})

    times = cpu if clock == "cpu" else wall
    ms = {c: statistics.median(times[c]) for c in lengths}
    per_token = {c: sizing.forward_flops_per_token(config, context=c) for c in lengths}
    flops = {c: sizing.prefill_flops(config, context=c, batch=batch) for c in lengths}
    measured = {c: ms[c] for c in contexts}
    # one constant: all of the time is arithmetic at one throughput
    gflops_one = flops[fit_context] / (ms[fit_context] * 1e6)
    one = _predict({c: flops[c] for c in contexts}, 0.0, gflops_one)
    one_err, one_max = _errors(measured, one, fit_context)
    # two terms: the 1-token call gives the fixed cost, fit_context the throughput
    extra_ms = ms[fit_context] - ms[OVERHEAD_CONTEXT]
    extra_flops = flops[fit_context] - flops[OVERHEAD_CONTEXT]
    if extra_ms > 0:
        gflops = extra_flops / (extra_ms * 1e6)
        overhead = ms[OVERHEAD_CONTEXT] - flops[OVERHEAD_CONTEXT] / (gflops * 1e6)
        model_name = "overhead + FLOPs / throughput"
    else:  # noise made the 1-token call as slow as fit_context: no overhead can be separated
        gflops, overhead, model_name = (
            gflops_one,
            0.0,
            "FLOPs / throughput (overhead not separable)",
        )
    two = _predict({c: flops[c] for c in contexts}, overhead, gflops)
    two_err, two_max = _errors(measured, two, fit_context)
    return {
        "model_name": "all-MiniLM-L6-v2 (TFBertModel, real checkpoint)",
        "params": int(model.count_params()),
        "contexts": list(contexts),
        "batch": batch,
        "repeats": repeats,
        "clock": clock,
        "forward_ms": [round(ms[c], 3) for c in contexts],
        "cpu_ms": [round(statistics.median(cpu[c]), 3) for c in contexts],
        "wall_ms": [round(statistics.median(wall[c]), 3) for c in contexts],
        "flops": [flops[c] for c in contexts],
        "attention_share": [round(per_token[c]["attention_share"], 4) for c in contexts],
        "fit_context": fit_context,
        "model": model_name,
        "overhead_ms": round(overhead, 3),
        "throughput_gflops": round(gflops, 2),
        "predicted_ms": [round(two[c], 3) for c in contexts],
        "rel_error": two_err,
        "max_rel_error": two_max,
        "one_constant": {
            "throughput_gflops": round(gflops_one, 2),
            "predicted_ms": [round(one[c], 3) for c in contexts],
            "rel_error": one_err,
            "max_rel_error": one_max,
        },
        "threads": thread_note,
        "note": _note(contexts, two_err),
        "how": (
            f"Median {_CLOCKS[clock]} of {repeats} timed rounds (each round runs every length "
            f"once, after a warm-up) of a tf.function forward of the real MiniLM, batch "
            f"{batch}, {thread_note}. Predicted = a fixed per-call cost (measured as a "
            f"{OVERHEAD_CONTEXT}-token call) + FLOPs / throughput, the throughput fitted at "
            f"{fit_context} tokens only; FLOPs per token from sizing.forward_flops_per_token "
            "(Kaplan: 2N + 2 * n_layers * context * d_attn). max_rel_error is over the other "
            "lengths. 'one_constant' is the same fit without the fixed cost."
        ),
    }
