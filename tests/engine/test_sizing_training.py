"""Training memory options: optimizers, activation recomputation (Korthikanti et al. 2022),
LoRA / QLoRA, ZeRO stages and tensor parallelism (per-GPU bytes), each by hand."""

from __future__ import annotations

import math

import pytest

from bigmodel_widgets.engine import sizing

LLAMA2 = sizing.preset("llama2-7b")
N = 6_738_415_616


@pytest.mark.parametrize(
    "optimizer,per_param", [("adam", 16), ("sgd_momentum", 12), ("adafactor", 8), ("adam8bit", 10)]
)
def test_optimizer_bytes_per_parameter(optimizer, per_param):
    t = sizing.training_memory(LLAMA2, seq_len=1, optimizer=optimizer)
    assert t["weights"] == 2 * N and t["gradients"] == 2 * N
    assert t["weights"] + t["gradients"] + t["optimizer"] == per_param * N
    assert t["total"] == t["weights"] + t["gradients"] + t["optimizer"] + t["activations"]
    assert any(optimizer.split("_")[0][:4].lower() in a.lower() for a in t["assumptions"])


def test_estimate_default_is_mixed_precision_adam():
    r = sizing.estimate(LLAMA2, seq_len=2048)
    t = sizing.training_memory(LLAMA2, seq_len=2048)
    assert r.training == {
        k: t[k] for k in ("weights", "gradients", "optimizer", "activations", "total")
    }


def test_activation_recomputation_follows_korthikanti():
    s, b, h, a, L = 2048, 2, 4096, 32, 32
    none = sizing.activation_bytes(LLAMA2, seq_len=s, batch=b)
    assert none == pytest.approx(L * s * b * h * (34 + 5 * a * s / h), rel=1e-12)
    assert sizing.activation_bytes(LLAMA2, seq_len=s, batch=b, recompute="selective") == (
        L * s * b * h * 34
    )
    assert sizing.activation_bytes(LLAMA2, seq_len=s, batch=b, recompute="full") == (
        L * 2 * s * b * h
    )
    tp = sizing.activation_bytes(LLAMA2, seq_len=s, batch=b, tensor_parallel=8)
    assert tp == pytest.approx(L * s * b * h * (10 + 24 / 8 + 5 * a * s / (h * 8)), rel=1e-12)
    with pytest.raises(ValueError, match="recompute"):
        sizing.activation_bytes(LLAMA2, seq_len=s, recompute="some")


def test_lora_params_by_hand():
    # Per layer at rank 8: Q, O (4096 + 4096), K, V (4096 + 4096), gate/up/down (4096 + 11008).
    per_layer = 8 * (4 * 8192 + 3 * (4096 + 11008))
    assert sizing.lora_params(LLAMA2, rank=8) == 32 * per_layer == 19_988_480
    gpt2 = sizing.preset("gpt2")
    assert sizing.lora_params(gpt2, rank=4) == 12 * 4 * (4 * 1536 + 2 * (768 + 3072))


def test_lora_and_qlora_freeze_the_base():
    a = sizing.lora_params(LLAMA2, rank=16)
    lora = sizing.training_memory(LLAMA2, finetune="lora", lora_rank=16)
    assert lora["trained_params"] == a
    assert lora["weights"] == 2 * N + 2 * a
    assert lora["gradients"] == 2 * a and lora["optimizer"] == 12 * a
    qlora = sizing.training_memory(LLAMA2, finetune="qlora", lora_rank=16)
    assert qlora["weights"] == math.ceil(N * 4.127 / 8 + 2 * a)
    assert qlora["total"] < lora["total"] / 3 < sizing.training_memory(LLAMA2)["total"]
    with pytest.raises(ValueError, match="finetune"):
        sizing.training_memory(LLAMA2, finetune="adapters")
    with pytest.raises(ValueError, match="TransformerConfig"):
        sizing.training_memory(1000, finetune="lora")


@pytest.mark.parametrize(
    "stage,weights,grads,states",
    [(0, 2, 2, 12), (1, 2, 2, 12 / 8), (2, 2, 2 / 8, 12 / 8), (3, 2 / 8, 2 / 8, 12 / 8)],
)
def test_zero_stages_shard_over_data_parallel_gpus(stage, weights, grads, states):
    t = sizing.training_memory(N, zero_stage=stage, data_parallel=8)
    assert t["weights"] == math.ceil(weights * N)
    assert t["gradients"] == math.ceil(grads * N)
    assert t["optimizer"] == math.ceil(states * N)


def test_tensor_parallel_splits_model_states_per_gpu():
    t = sizing.training_memory(LLAMA2, tensor_parallel=4, seq_len=1024)
    assert t["weights"] == 2 * N // 4 and t["optimizer"] == 12 * N // 4
    assert t["activations"] == sizing.activation_bytes(LLAMA2, seq_len=1024, tensor_parallel=4)
    with pytest.raises(ValueError, match="divide the heads"):
        sizing.training_memory(LLAMA2, tensor_parallel=3)
    r = sizing.estimate(LLAMA2, zero_stage=3, data_parallel=64, seq_len=1024)
    whole = sizing.estimate(LLAMA2, seq_len=1024)
    assert r.training["total"] < whole.training["total"] and r.gpus == whole.gpus


@pytest.mark.parametrize(
    "kwargs,exc",
    [
        ({"zero_stage": 4}, ValueError),
        ({"data_parallel": 0}, ValueError),
        ({"optimizer": "lion"}, ValueError),
        ({"lora_rank": 0, "finetune": "lora"}, ValueError),
        ({"tensor_parallel": 1.0}, TypeError),
    ],
)
def test_bad_training_options(kwargs, exc):
    with pytest.raises(exc):
        sizing.estimate(LLAMA2, **kwargs)
