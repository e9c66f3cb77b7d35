"""Chapter 0 sizing: exact counts against the models the frameworks build, and bad input."""

from __future__ import annotations

import pytest

from bigmodel_widgets.engine import sizing

KNOWN = {  # published / framework-counted totals
    "bert-base": 109_482_240,
    "bert-large": 335_141_888,
    "minilm-l6": 22_713_216,
    "gpt2": 124_439_808,
    "llama2-7b": 6_738_415_616,
    "llama3-8b": 8_030_261_248,
    "text-mlp": 109_386,
    "text-cnn": 72_906,
}


@pytest.mark.parametrize("name,expected", sorted(KNOWN.items()))
def test_preset_counts_match_published_totals(name, expected):
    assert sizing.count_params(sizing.preset(name)) == expected


def test_gpt3_is_about_175_billion():
    n = sizing.count_params(sizing.preset("gpt3-175b"))
    assert 174e9 < n < 176e9


def test_text_models_match_tf_keras():
    from bigmodel_widgets.engine.backend import keras

    k = keras()
    mlp = k.Sequential(
        [
            k.layers.Input((784,)),
            k.layers.Dense(128, activation="relu"),
            k.layers.Dense(64, activation="relu"),
            k.layers.Dense(10, activation="softmax"),
        ]
    )
    cnn = k.Sequential(
        [
            k.layers.Input((32, 32, 3)),
            k.layers.Conv2D(32, 3, activation="relu"),
            k.layers.MaxPooling2D(2),
            k.layers.Flatten(),
            k.layers.Dense(10, activation="softmax"),
        ]
    )
    assert mlp.count_params() == sizing.count_params(sizing.preset("text-mlp"))
    assert cnn.count_params() == sizing.count_params(sizing.preset("text-cnn"))
    assert sizing.estimate_keras_model(cnn).params == 72_906


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bert-base", "minilm-l6"])
def test_bert_counts_match_transformers(name):
    from bigmodel_widgets.engine.backend import tf

    tf()
    from transformers import BertConfig, TFBertModel

    c = sizing.preset(name)
    model = TFBertModel(
        BertConfig(
            vocab_size=c.vocab,
            hidden_size=c.hidden,
            num_hidden_layers=c.layers,
            num_attention_heads=c.heads,
            intermediate_size=c.ffn,
            max_position_embeddings=c.seq_len,
        )
    )
    model(model.dummy_inputs)
    assert model.count_params() == sizing.count_params(c)


@pytest.mark.slow
def test_gpt2_count_matches_transformers():
    from bigmodel_widgets.engine.backend import tf

    tf()
    from transformers import GPT2Config, TFGPT2Model

    model = TFGPT2Model(GPT2Config(n_layer=2))  # 2 layers keep it quick; the formula is per layer
    model(model.dummy_inputs)
    assert model.count_params() == sizing.count_params(sizing.preset("gpt2").with_(layers=2))


def test_memory_and_flops_follow_the_stated_rules():
    r = sizing.estimate(sizing.preset("gpt2"), precision="int8", seq_len=1024, batch=2)
    n = r.params
    assert r.bytes == {"fp32": 4 * n, "fp16": 2 * n, "bf16": 2 * n, "int8": n, "int4": n // 2}
    assert r.training["weights"] + r.training["gradients"] + r.training["optimizer"] == 16 * n
    assert r.training["activations"] > 0
    assert r.inference["kv_cache"] == 2 * 12 * 768 * 1024 * 2 * 2
    assert r.inference["total"] == n + r.inference["kv_cache"]
    assert r.flops_per_token == {"train": 6 * n, "inference": 2 * n}
    assert sizing.training_flops(n, 1e9) == 6 * n * 1e9
    # More memory never needs fewer GPUs, and bigger GPUs never need more.
    needs = [r.gpus[str(g)]["train"] for g in sizing.GPU_SIZES_GB]
    assert needs == sorted(needs, reverse=True)


def test_gpus_needed_is_a_ceiling():
    assert sizing.gpus_needed(80 * 2**30, 80) == 1
    assert sizing.gpus_needed(80 * 2**30 + 1, 80) == 2
    assert sizing.gpus_needed(0, 16) == 1


@pytest.mark.parametrize("field,value", [("layers", 0), ("hidden", -64), ("kv_heads", 0)])
def test_rejects_bad_sizes(field, value):
    with pytest.raises(ValueError, match=field):
        sizing.preset("bert-base").with_(**{field: value})


# A size of the wrong type (a float, a bool, a string) is a TypeError (engine/checks.py's rule).
@pytest.mark.parametrize(
    "field,value", [("heads", 2.5), ("vocab", True), ("seq_len", "512"), ("intermediate", 3072.0)]
)
def test_rejects_sizes_of_the_wrong_type(field, value):
    with pytest.raises(TypeError, match=field):
        sizing.preset("bert-base").with_(**{field: value})


def test_rejects_bad_kind_batch_and_seq_len():
    with pytest.raises(ValueError, match="kind must be one of 'encoder'"):
        sizing.preset("bert-base").with_(kind="rnn")
    with pytest.raises(ValueError, match="batch"):
        sizing.estimate(sizing.preset("gpt2"), batch=0)
    with pytest.raises(TypeError, match="seq_len"):
        sizing.estimate(sizing.preset("gpt2"), seq_len=1.5)


def test_rejects_heads_not_dividing_hidden():
    with pytest.raises(ValueError, match="divisible"):
        sizing.preset("bert-base").with_(heads=7)


def test_unknown_preset_lists_valid_ones():
    with pytest.raises(ValueError) as err:
        sizing.preset("gpt5")
    assert "bert-base" in str(err.value) and "llama2-7b" in str(err.value)


def test_rejects_unknown_precision():
    with pytest.raises(ValueError, match="precision"):
        sizing.estimate(sizing.preset("gpt2"), precision="fp8")


def test_config_round_trip():
    c = sizing.preset("llama3-8b")
    assert sizing.TransformerConfig.from_config(c.to_config()) == c


def test_keras_model_must_be_built():
    from bigmodel_widgets.engine.backend import keras

    with pytest.raises(ValueError, match="not built"):
        sizing.estimate_keras_model(keras().Sequential([keras().layers.Dense(3)]))
    with pytest.raises(TypeError):
        sizing.estimate_keras_model("not a model")
