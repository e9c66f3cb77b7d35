"""MiniLM's forward time as the context grows, against a roofline model fitted at one length.

time = overhead + FLOPs / throughput + bytes moved / bandwidth. Only the throughput is fitted
(at ``fit_context``); the bandwidth is measured separately (:func:`copy_bandwidth`) and the
overhead is a tiny call of the same function. The older FLOPs-only fit is kept for comparison.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from .. import backend, sizing
from ..checks import int_in_range, one_of
from ..i18n import t
from ._models import check_contexts, check_quick, load_minilm, minilm_config, set_threads

__all__ = ["measure_forward", "copy_bandwidth", "score_bytes", "FULL_CONTEXTS", "QUICK_CONTEXTS"]

FULL_CONTEXTS = (32, 64, 128, 256, 512)
QUICK_CONTEXTS = (32, 128, 512)
# The fixed per-call cost is timed at 4 tokens, not 1: at 1 token every matmul is a
# matrix-vector product, which runs through a different (GEMV) kernel; on this machine it was
# at times slower than 2 or 4 tokens (one single-thread run: 16.6 ms at 1 token, 12.5 at 2,
# 11.8 at 4; another: 8.9 at both 1 and 4), so a 1-token call can overstate the overhead.
# The 4-token call is timed 3 times per round (median of 3 x rounds calls).
OVERHEAD_CONTEXT = 4
OVERHEAD_CALLS = 3
FLOPS_ONLY_OVERHEAD_CONTEXT = 1  # the older model's overhead call, kept for the comparison
# Passes over each layer's (batch, heads, context, context) float32 score tensor, counted from
# the ops TensorFlow runs for TFBertSelfAttention (graph op types of a traced forward):
#   BatchMatMulV2 Q.K^T  -> write 1                    RealDiv by sqrt(head_dim) -> read 1, write 1
#   AddV2 + mask         -> read 1, write 1            AddV2 + 1e-9 (stable_softmax) -> read 1, write 1
#   Softmax (Eigen, tensorflow/core/kernels/softmax_op_functor.h: row max, exp, row sum, scale)
#                        -> read 4, write 2            dropout: Identity at inference (no pass)
#   BatchMatMulV2 probs.V -> read 1
# = 8 reads + 6 writes. Activation traffic that grows like context (not context^2) is left in
# the fitted throughput, as it grows like the dense FLOPs.
SCORE_READS, SCORE_WRITES = 8, 6
SCORE_PASSES = SCORE_READS + SCORE_WRITES
BYTES_PER_ELEMENT = 4  # float32
BANDWIDTH_MIB = 256  # the copy benchmark's array: far larger than a core's L2 (a few MiB)


def _inputs(context: int, batch: int, vocab: int):
    tf = backend.tf()
    rng = np.random.default_rng(context)  # word-piece ids; the cost does not depend on them
    ids = rng.integers(1000, vocab, size=(batch, context), dtype=np.int32)
    ids[:, 0], ids[:, -1] = 101, 102  # [CLS] ... [SEP]
    return tf.constant(ids), tf.ones((batch, context), tf.int32)


def _predict(
    flops: dict, overhead_ms: float, gflops: float, bytes_: dict | None = None, gbs: float = 0.0
) -> dict:
    moved = {c: (bytes_[c] / (gbs * 1e6) if bytes_ and gbs > 0 else 0.0) for c in flops}
    return {c: overhead_ms + f / (gflops * 1e6) + moved[c] for c, f in flops.items()}


def copy_bandwidth(*, mib: int = BANDWIDTH_MIB, runs: int = 5, clock: str = "cpu") -> float:
    """Single-threaded memory bandwidth in GB/s: numpy copies one float32 array of ``mib``
    MiB into another (bytes read + bytes written, as a STREAM "copy" counts them, and as the
    score passes are counted); the median of ``runs`` timed copies after one untimed copy.
    An elementwise TensorFlow pass (read a tensor, write one) has the same access pattern.
    """
    mib = int_in_range(mib, name="mib", low=1, high=4096)
    runs = int_in_range(runs, name="runs", low=1, high=100)
    clock = one_of(clock, name="clock", choices=("cpu", "wall"))
    tick = time.process_time if clock == "cpu" else time.perf_counter
    src = np.ones(mib * 2**18, np.float32)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # first touch: page faults out of the timing
    seconds = []
    for _ in range(runs):
        t0 = tick()
        np.copyto(dst, src)
        seconds.append(tick() - t0)
    return 2 * src.nbytes / max(statistics.median(seconds), 1e-9) / 1e9


def score_bytes(config: sizing.TransformerConfig, *, context: int, batch: int = 1) -> int:
    """Bytes moved over the attention scores in one forward: layers x batch x heads x
    context^2 x 4 bytes x SCORE_PASSES (8 reads + 6 writes, see the module's count)."""
    return (
        config.layers * batch * config.heads * context * context * BYTES_PER_ELEMENT * SCORE_PASSES
    )


def _errors(measured: dict, predicted: dict, fit: int) -> tuple[list, float]:
    errors = [round(predicted[c] / measured[c] - 1.0, 4) for c in measured]
    held_out = [abs(e) for c, e in zip(measured, errors) if c != fit]
    return errors, round(max(held_out), 4) if held_out else 0.0


def _note(contexts: tuple[int, ...], errors: list[float]) -> str:
    longest, error = contexts[-1], errors[-1]
    if abs(error) < 0.10:
        return ""
    side = t("ctx.slower") if error < 0 else t("ctx.faster")
    return t("ctx.note", longest=longest, error=f"{abs(error):.0%}", side=side)


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
    """Time a real MiniLM forward at each context length; predict it from a roofline model.

    ``predicted_ms`` = overhead + FLOPs / throughput + bytes / bandwidth, where the FLOPs are
    ``sizing.prefill_flops`` (Kaplan et al. 2020: 2N + 2 * n_layers * context * d_attn per
    token); the bytes are the weights read once plus the attention-score traffic
    (:func:`score_bytes`: layers x heads x context^2 x 4 B x 14 passes, which CPU attention is
    bound by at long contexts); the bandwidth is measured apart (:func:`copy_bandwidth`), never
    fitted to the forward times; the overhead and the throughput come from a 4-token call and
    ``fit_context`` -- the throughput is the one fitted constant. For comparison,
    ``flops_only`` is the older model (overhead from a 1-token call + FLOPs / throughput) and
    ``one_constant`` is FLOPs / throughput alone. All are judged by their relative error at
    the other lengths.

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
        raise ValueError(t("ctx.fit_context", fit=fit_context, contexts=contexts))
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

    lengths = tuple(sorted({FLOPS_ONLY_OVERHEAD_CONTEXT, OVERHEAD_CONTEXT, *contexts}))
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
            for _ in range(OVERHEAD_CALLS if c == OVERHEAD_CONTEXT else 1):
                t0, c0 = time.perf_counter(), time.process_time()
                forward(*inputs[c]).numpy()
                cpu[c].append((time.process_time() - c0) * 1000.0)
                wall[c].append((time.perf_counter() - t0) * 1000.0)
        done += 1
        if progress is not None:
            progress(done, total, {"stage": "timing", "round": r + 1})
    bandwidth = copy_bandwidth(clock=clock)

    times = cpu if clock == "cpu" else wall
    ms = {c: statistics.median(times[c]) for c in lengths}
    per_token = {c: sizing.forward_flops_per_token(config, context=c) for c in lengths}
    flops = {c: sizing.prefill_flops(config, context=c, batch=batch) for c in lengths}
    # the weights (2N FLOPs per token: N non-embedding parameters, float32) are read once a call
    weight_bytes = int(per_token[fit_context]["dense"] / 2) * BYTES_PER_ELEMENT
    attention_bytes = {c: score_bytes(config, context=c, batch=batch) for c in lengths}
    moved = {c: weight_bytes + attention_bytes[c] for c in lengths}
    measured = {c: ms[c] for c in contexts}
    shown = {c: flops[c] for c in contexts}
    # one constant: all of the time is arithmetic at one throughput
    gflops_one = flops[fit_context] / (ms[fit_context] * 1e6)
    one = _predict(shown, 0.0, gflops_one)
    one_err, one_max = _errors(measured, one, fit_context)
    # the older FLOPs-only model: a 1-token call gives the fixed cost, fit_context the throughput
    old_ctx = FLOPS_ONLY_OVERHEAD_CONTEXT
    extra_ms = ms[fit_context] - ms[old_ctx]
    if extra_ms > 0 and fit_context != old_ctx:
        old_gflops = (flops[fit_context] - flops[old_ctx]) / (extra_ms * 1e6)
        old_overhead = ms[old_ctx] - flops[old_ctx] / (old_gflops * 1e6)
    else:  # noise made the 1-token call as slow as fit_context: no overhead can be separated
        old_gflops, old_overhead = gflops_one, 0.0
    old = _predict(shown, old_overhead, old_gflops)
    old_err, old_max = _errors(measured, old, fit_context)

    # the roofline: overhead + FLOPs / throughput + bytes / bandwidth, the bandwidth measured;
    # the small call and fit_context give two equations for the overhead and the throughput
    def memory_ms(c: int) -> float:
        return moved[c] / (bandwidth * 1e6)

    small = OVERHEAD_CONTEXT
    compute_ms = (ms[fit_context] - memory_ms(fit_context)) - (ms[small] - memory_ms(small))
    if compute_ms > 0 and fit_context != small:
        gflops = (flops[fit_context] - flops[small]) / (compute_ms * 1e6)
        overhead = ms[small] - flops[small] / (gflops * 1e6) - memory_ms(small)
        model_name = "overhead + FLOPs / throughput + bytes / bandwidth"
    else:  # noise (or fit_context = the small call): no overhead can be separated
        overhead = 0.0
        gflops = flops[fit_context] / (max(ms[fit_context] - memory_ms(fit_context), 1e-6) * 1e6)
        model_name = "FLOPs / throughput + bytes / bandwidth (overhead not separable)"
    two = _predict(shown, overhead, gflops, moved, bandwidth)
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
        "overhead_context": small,
        "overhead_call_ms": round(ms[small], 3),
        "throughput_gflops": round(gflops, 2),
        "bandwidth_gbs": round(bandwidth, 2),
        "weight_bytes": weight_bytes,
        "score_passes": {"reads": SCORE_READS, "writes": SCORE_WRITES},
        "attention_bytes": [attention_bytes[c] for c in contexts],
        "memory_ms": [round(memory_ms(c), 3) for c in contexts],
        "predicted_ms": [round(two[c], 3) for c in contexts],
        "rel_error": two_err,
        "max_rel_error": two_max,
        "flops_only": {
            "overhead_context": old_ctx,
            "overhead_ms": round(old_overhead, 3),
            "throughput_gflops": round(old_gflops, 2),
            "predicted_ms": [round(old[c], 3) for c in contexts],
            "rel_error": old_err,
            "max_rel_error": old_max,
        },
        "one_constant": {
            "throughput_gflops": round(gflops_one, 2),
            "predicted_ms": [round(one[c], 3) for c in contexts],
            "rel_error": one_err,
            "max_rel_error": one_max,
        },
        "threads": thread_note,
        "note": _note(contexts, two_err),
        "how": t(
            "ctx.how",
            clock=t(f"ctx.clock.{clock}"),
            repeats=repeats,
            batch=batch,
            threads=thread_note,
            weight_bytes=f"{weight_bytes:,}",
            passes=SCORE_PASSES,
            reads=SCORE_READS,
            writes=SCORE_WRITES,
            bandwidth=f"{bandwidth:.1f}",
            mib=BANDWIDTH_MIB,
            clock_name=t(f"ctx.clock_name.{clock}"),
            small=small,
            calls=OVERHEAD_CALLS,
            fit=fit_context,
            old=old_ctx,
        ),
    }
