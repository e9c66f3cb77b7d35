"""Chapter 0 measured (issue 12): KV cache bytes to the byte, decoding with and without the
cache, the forward-time fit's structure, peak memory, and bad input. No wall-clock targets:
the benchmark (`bench context`) holds those."""

from __future__ import annotations

import pytest

from bigmodel_widgets.engine import context_lab, sizing
from bigmodel_widgets.engine.context_lab import forward

TINY = sizing.TransformerConfig("tiny-gpt2", "decoder", 2, 32, 4, 97, 64)


def test_kv_cache_measured_equals_estimate_to_the_byte():
    kv = context_lab.measure_kv_cache(context=10, batch=2, config=TINY)
    # 2 tensors (K, V) x 2 layers x 4 heads x 8 dims x 10 tokens x batch 2 x 4 bytes (fp32)
    assert kv["measured"] == kv["estimated"] == 2 * 2 * 4 * 8 * 10 * 2 * 4
    assert kv["exact"] is True and kv["dtype"] == "float32"
    assert kv["params_exact"] is True  # the same config counts the model's parameters exactly


def test_decoding_with_the_cache_beats_re_running_the_sequence():
    seen = []
    out = context_lab.measure_decoding(
        contexts=(200,), new_tokens=4, progress=lambda d, t, i: seen.append((d, t))
    )
    rates = out["decode_tokens_per_s"]
    assert rates["cached"][0] > 0 and rates["uncached"][0] > 0
    assert rates["cached"][0] > rates["uncached"][0]  # ordering only: a large margin expected
    assert out["same_tokens"] is True  # the cache changes the cost, not the answer
    assert out["speedup_at_longest"] == out["speedup"][-1]
    assert seen[-1] == (2, 2)


def test_forward_fit_structure_and_config_json_exact():
    seen = []
    out = context_lab.measure_forward(
        contexts=(8, 16, 32), fit_context=16, repeats=1, progress=lambda d, t, i: seen.append(d)
    )
    assert out["contexts"] == [8, 16, 32]
    for key in ("forward_ms", "predicted_ms", "rel_error", "attention_share", "flops"):
        assert len(out[key]) == 3, key
    assert all(ms > 0 for ms in out["forward_ms"]) and out["clock"] == "cpu"
    assert out["forward_ms"] == out["cpu_ms"] and len(out["wall_ms"]) == 3
    assert out["rel_error"][1] == 0.0  # the fit point is predicted exactly by construction
    assert out["max_rel_error"] == max(abs(out["rel_error"][0]), abs(out["rel_error"][2]))
    assert out["one_constant"]["rel_error"][1] == 0.0
    shares = out["attention_share"]
    assert shares == sorted(shares) and 0 < shares[0] < shares[-1] < 1
    # 5 warm-ups (the 1- and 4-token calls too), then 1 round
    assert "16 tokens" in out["how"] and seen[-1] == 5 + 1
    # the roofline: only the throughput is fitted; the bandwidth is measured apart
    assert out["bandwidth_gbs"] > 0 and out["overhead_context"] == 4
    assert out["score_passes"] == {"reads": 8, "writes": 6}
    assert out["attention_bytes"] == [
        forward.score_bytes(context_lab.minilm_config(), context=c) for c in (8, 16, 32)
    ]
    for c, flops, mem, pred in zip(
        out["contexts"], out["flops"], out["memory_ms"], out["predicted_ms"]
    ):
        parts = out["overhead_ms"] + flops / (out["throughput_gflops"] * 1e6) + mem
        assert abs(parts - pred) <= 0.01 * pred + 0.01, c
    old = out["flops_only"]  # the older FLOPs-only model, kept for the comparison
    assert old["overhead_context"] == 1 and old["rel_error"][1] == 0.0
    assert old["max_rel_error"] == max(abs(old["rel_error"][0]), abs(old["rel_error"][2]))
    minilm = context_lab.minilm_config()
    assert (minilm.layers, minilm.hidden, minilm.heads, minilm.ffn) == (6, 384, 12, 1536)
    assert sizing.count_params(minilm) == out["params"] == 22_713_216  # the real model's


def test_score_bytes_and_copy_bandwidth():
    minilm = context_lab.minilm_config()
    # 6 layers x 12 heads x 512^2 scores x 4 bytes x (8 reads + 6 writes)
    assert forward.score_bytes(minilm, context=512) == 6 * 12 * 512**2 * 4 * 14
    assert forward.score_bytes(minilm, context=256, batch=2) == 2 * 6 * 12 * 256**2 * 4 * 14
    assert forward.copy_bandwidth(mib=8, runs=2) > 0
    with pytest.raises(ValueError):
        forward.copy_bandwidth(mib=0)
    with pytest.raises(ValueError):
        forward.copy_bandwidth(clock="gpu")


@pytest.mark.slow
def test_memory_is_measured_by_the_allocator_in_a_child():
    out = context_lab.measure_memory(contexts=(16, 128), timeout_s=300)
    assert out["contexts"] == [16, 128]
    assert 0 < out["peak_bytes"][0] < out["peak_bytes"][1]
    assert len(out["forward_estimate_bytes"]) == 2 and out["device"] in ("CPU:0", "GPU:0")
    assert "allocator" in out["how"] and out["why_cpu_differs"]


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: context_lab.measure_forward(contexts=(0, 128)), ValueError),
        (lambda: context_lab.measure_forward(contexts=(128, 10**9)), ValueError),
        (lambda: context_lab.measure_forward(contexts=("128",)), TypeError),
        (lambda: context_lab.measure_forward(contexts=128), TypeError),
        (lambda: context_lab.measure_forward(contexts=()), ValueError),
        (lambda: context_lab.measure_forward(contexts=(64, 256), fit_context=128), ValueError),
        (lambda: context_lab.measure_forward(repeats=0), ValueError),
        (lambda: context_lab.measure_forward(quick="yes"), TypeError),
        (lambda: context_lab.measure_forward(clock="gpu"), ValueError),
        (lambda: context_lab.measure_kv_cache(context=0), ValueError),
        (lambda: context_lab.measure_kv_cache(context=10**9), ValueError),
        (lambda: context_lab.measure_kv_cache(context=1.5), TypeError),
        (lambda: context_lab.measure_kv_cache(config=sizing.preset("minilm-l6")), ValueError),
        (lambda: context_lab.measure_kv_cache(config={"layers": 2}), TypeError),
        (lambda: context_lab.measure_decoding(contexts=(0,)), ValueError),
        (lambda: context_lab.measure_decoding(contexts=(1020,), new_tokens=8), ValueError),
        (lambda: context_lab.measure_decoding(new_tokens=1), ValueError),
        (lambda: context_lab.measure_memory(contexts=(10**9,)), ValueError),
        (lambda: context_lab.measure_memory(timeout_s=0), ValueError),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, exc):
    with pytest.raises(
        exc, match=r"context|fit_context|repeats|quick|clock|config|new_tokens|timeout"
    ):
        call()
