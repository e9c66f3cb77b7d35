"""Chapter 0's "maximum input" formulas, pinned to published figures and hand computations:
KV cache by precision, Kaplan's attention term, the inverse solvers, serving bounds, GPUs."""

from __future__ import annotations

import math

import pytest

from bigmodel_widgets.engine import sizing

KIB = 2**10
LLAMA2 = sizing.preset("llama2-7b")
GPT3 = sizing.preset("gpt3-175b")


@pytest.mark.parametrize(
    "precision,per_token",
    [("fp32", 1024), ("fp16", 512), ("bf16", 512), ("fp8", 256), ("int8", 256), ("int4", 128)],
)
def test_llama2_7b_kv_cache_per_token_by_precision(precision, per_token):
    # 2 (K and V) * 32 layers * 4096 wide * bytes per element: 512 KiB at fp16 (published).
    assert sizing.kv_cache_bytes(LLAMA2, context=1, precision=precision) == per_token * KIB
    assert sizing.kv_cache_bytes(LLAMA2, context=4096, batch=3, precision=precision) == (
        per_token * KIB * 4096 * 3
    )


def test_grouped_query_attention_shrinks_the_cache_and_encoders_keep_none():
    assert sizing.kv_cache_bytes(sizing.preset("llama3-8b"), context=1) == 2 * 32 * 8 * 128 * 2
    assert sizing.kv_cache_bytes(sizing.preset("bert-base"), context=512) == 0


def test_estimate_keeps_kv_precision_separate_from_the_weights():
    r = sizing.estimate(LLAMA2, precision="int4", kv_precision="fp8", seq_len=4096, batch=2)
    assert r.inference["weights"] == r.bytes["int4"]
    assert r.inference["kv_cache"] == 256 * KIB * 4096 * 2
    assert r.settings["kv_precision"] == "fp8"
    assert any("fp8 KV cache" in a for a in r.assumptions)
    with pytest.raises(ValueError, match="kv_precision"):
        sizing.estimate(LLAMA2, kv_precision="fp6")


def test_gpt3_attention_share_at_2048_tokens_follows_kaplan():
    f = sizing.forward_flops_per_token(GPT3, context=2048)
    n_non_embedding = sizing.count_params(GPT3) - sizing.embedding_params(GPT3)
    assert f["attention"] == 2 * 96 * 2048 * 12288
    assert f["dense"] == 2 * n_non_embedding
    assert f["attention_share"] == pytest.approx(f["attention"] / (f["attention"] + f["dense"]))
    assert 0.013 < f["attention_share"] < 0.014  # about 1.4 %: small below 12 * d_model tokens


@pytest.mark.parametrize("name", ["gpt2", "gpt3-175b", "llama2-7b", "minilm-l6"])
def test_crossover_context_is_where_attention_reaches_half(name):
    c = sizing.preset(name)
    x = sizing.attention_crossover_context(c)
    assert sizing.forward_flops_per_token(c, context=x)["attention_share"] >= 0.5
    assert sizing.forward_flops_per_token(c, context=x - 1)["attention_share"] < 0.5


def test_gpt3_crossover_is_about_12_d_model():
    assert sizing.attention_crossover_context(GPT3) == pytest.approx(12 * 12288, rel=0.001)


CASES = [
    ("llama2-7b", "a100-80gb-sxm", "fp16", "fp16", 1),
    ("llama2-7b", "l4", "int4", "fp8", 4),
    ("llama3-8b", "h100-sxm", "bf16", "int4", 1),
    ("gpt2", "t4", "fp32", "fp32", 8),
    ("bert-large", "rtx-4090", "fp16", "fp16", 1),
]


@pytest.mark.parametrize("name,gpu,wp,kp,batch", CASES)
def test_max_context_fits_and_one_more_token_does_not(name, gpu, wp, kp, batch):
    c, limit = sizing.preset(name), sizing.GPUS[gpu].memory_bytes
    best = sizing.max_context(c, gpu=gpu, weight_precision=wp, kv_precision=kp, batch=batch)
    assert 1 <= best < sizing.MAX_CONTEXT

    def total(s):
        return sizing.serving_memory(
            c, context=s, batch=batch, weight_precision=wp, kv_precision=kp
        )["total"]

    assert total(best) <= limit < total(best + 1)


@pytest.mark.parametrize("name,gpu,wp,kp,_", CASES)
def test_max_batch_fits_and_one_more_sequence_does_not(name, gpu, wp, kp, _):
    c, limit = sizing.preset(name), sizing.GPUS[gpu].memory_bytes
    best = sizing.max_batch(c, gpu=gpu, context=2048, weight_precision=wp, kv_precision=kp)

    def total(b):
        return sizing.serving_memory(
            c, context=2048, batch=b, weight_precision=wp, kv_precision=kp
        )["total"]

    assert total(best) <= limit < total(best + 1)


def test_a_gpu_smaller_than_the_weights_is_a_clear_error():
    with pytest.raises(ValueError, match="fp32 weights .* do not fit the NVIDIA T4"):
        sizing.max_context(LLAMA2, gpu="t4", weight_precision="fp32")
    with pytest.raises(ValueError, match="do not fit"):
        sizing.max_batch(GPT3, gpu="h100-sxm", context=2048)
    tiny = sizing.GPU("tiny", 10 * 2**20, (("fp16", 1e12),), 1e9, "made up for a test")
    with pytest.raises(ValueError, match="do not fit the tiny"):
        sizing.max_context(sizing.preset("gpt2"), gpu=tiny)
    r = sizing.context_report(LLAMA2, gpu="t4", context=4096, weight_precision="fp32")
    assert r["max_context"] is None and "do not fit" in r["problem"] and r["fits"] is False


def test_serving_bounds_by_hand_llama2_on_a100():
    b = sizing.serving_bounds(LLAMA2, gpu="a100-80gb-sxm", context=4096)
    weights = 6_738_415_616 * 2
    kv = 2 * 32 * 4096 * 2 * 4096  # 512 KiB per token, 4,096 tokens: 2 GiB
    assert b["decode_bytes_per_step"] == weights + kv == 15_624_314_880
    assert b["decode_tokens_per_s"] == pytest.approx(2039e9 / 15_624_314_880)  # ~130.5
    assert b["decode_bound"] == "memory"
    n = 6_738_415_616 - 32000 * 4096  # non-embedding parameters
    prefill = 2 * n * 4096 + 2 * 32 * 4096 * (4096 * 4097 / 2)  # causal attention
    assert b["prefill_flops"] == pytest.approx(prefill)
    assert b["ttft_s"] == pytest.approx(prefill / 312e12)  # ~0.18 s, compute-bound
    assert b["prefill_bound"] == "compute" and b["fits"]
    assert any("datasheet" in a for a in b["assumptions"])


def test_serving_bounds_batch_and_encoder():
    one = sizing.serving_bounds(LLAMA2, gpu="h100-sxm", context=1024)
    eight = sizing.serving_bounds(LLAMA2, gpu="h100-sxm", context=1024, batch=8)
    assert eight["decode_tokens_per_s"] > 5 * one["decode_tokens_per_s"]  # weights read once
    enc = sizing.serving_bounds(sizing.preset("bert-base"), gpu="t4", context=512)
    assert enc["decode_tokens_per_s"] is None and enc["ttft_s"] > 0


def test_gpu_presets_carry_their_datasheet_figures():
    a100 = sizing.GPUS["a100-80gb-sxm"]
    assert a100.flops("bf16") == 312e12 and a100.bandwidth == 2039e9
    assert a100.memory_bytes == 80 * 2**30
    assert sizing.GPUS["h100-sxm"].flops("fp16") == 989.5e12
    for g in sizing.GPUS.values():
        assert g.flops("fp16") > g.flops("fp32") > 0  # every preset serves 16-bit
        assert ("datasheet" in g.source or "whitepaper" in g.source) and g.bandwidth > 0
        assert g.to_dict()["peak_flops"]["fp16"] == g.flops("fp16")
    with pytest.raises(ValueError, match="bf16"):
        sizing.GPUS["t4"].flops("bf16")
    with pytest.raises(ValueError, match="valid GPUs"):
        sizing.gpu("a200")
    with pytest.raises(TypeError):
        sizing.gpu(80)


@pytest.mark.parametrize("context,exc", [(0, ValueError), (10**9, ValueError), (2.5, TypeError)])
def test_bad_contexts_are_refused_everywhere(context, exc):
    for call in (
        lambda: sizing.kv_cache_bytes(LLAMA2, context=context),
        lambda: sizing.forward_flops_per_token(LLAMA2, context=context),
        lambda: sizing.serving_bounds(LLAMA2, gpu="l4", context=context),
        lambda: sizing.max_batch(LLAMA2, gpu="l4", context=context),
        lambda: sizing.estimate(LLAMA2, seq_len=context),
    ):
        with pytest.raises(exc, match="context|seq_len"):
            call()


def test_unknown_precisions_are_refused():
    with pytest.raises(ValueError, match="precision"):
        sizing.kv_cache_bytes(LLAMA2, context=8, precision="fp6")
    with pytest.raises(ValueError, match="weight_precision"):
        sizing.max_context(LLAMA2, gpu="l4", weight_precision="fp8")
    with pytest.raises(ValueError, match="kv_precision"):
        sizing.serving_bounds(LLAMA2, gpu="l4", context=8, kv_precision="int2")


def test_check_answer_computes_the_truth_from_the_engine():
    truth = sizing.max_context(LLAMA2, gpu="l4")
    ok = sizing.check_answer("max_context", truth * 1.01, config=LLAMA2, gpu="l4")
    assert ok.correct and ok.truth == truth and str(ok).startswith("Correct")
    bad = sizing.check_answer("max_context", truth * 2, config=LLAMA2, gpu="l4")
    # a wrong answer gets "Not yet" and a hint, never the engine's value (issue 17)
    assert not bad.correct and "Not yet" in bad.message and "too high" in bad.message
    assert f"{truth:,}" not in bad.message and str(truth) not in bad.message
    assert bad.hint and bad.hint in bad.message and bad.truth == truth
    kv = sizing.check_answer("kv_cache_bytes", 512 * KIB * 4096, config=LLAMA2, context=4096)
    assert kv.correct
    share = sizing.check_answer("attention_share", 0.0137, config=GPT3, context=2048)
    assert share.correct
    with pytest.raises(ValueError, match="needs gpu"):
        sizing.check_answer("max_batch", 3, config=LLAMA2, context=4096)
    with pytest.raises(ValueError, match="question"):
        sizing.check_answer("max_speed", 3, config=LLAMA2)
    with pytest.raises(TypeError, match="answer"):
        sizing.check_answer("max_context", "lots", config=LLAMA2, gpu="l4")


def test_context_report_gathers_the_engine_figures():
    r = sizing.context_report(LLAMA2, gpu="l4", context=8192, batch=2, kv_precision="fp8")
    assert r["max_context"] == sizing.max_context(LLAMA2, gpu="l4", batch=2, kv_precision="fp8")
    assert r["flops"] == sizing.forward_flops_per_token(LLAMA2, context=8192)
    assert r["crossover_context"] == sizing.attention_crossover_context(LLAMA2)
    mem = sizing.serving_memory(LLAMA2, context=8192, batch=2, kv_precision="fp8")
    assert r["memory"] == {k: v for k, v in mem.items() if k != "assumptions"}
    assert math.isclose(
        r["serving"]["decode_tokens_per_s"],
        sizing.serving_bounds(LLAMA2, gpu="l4", context=8192, batch=2, kv_precision="fp8")[
            "decode_tokens_per_s"
        ],
    )
