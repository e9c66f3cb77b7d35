"""Hugging Face config.json import (BERT, GPT-2, LLaMA) and the `sizing` command line's
context, KV precision, GPU and --config options."""

from __future__ import annotations

import json

import pytest

from bigmodel_widgets import cli
from bigmodel_widgets.engine import data, sizing

GPT2_JSON = {
    "model_type": "gpt2",
    "n_layer": 12,
    "n_embd": 768,
    "n_head": 12,
    "n_positions": 1024,
    "vocab_size": 50257,
}
LLAMA2_JSON = {
    "model_type": "llama",
    "num_hidden_layers": 32,
    "hidden_size": 4096,
    "num_attention_heads": 32,
    "num_key_value_heads": 32,
    "vocab_size": 32000,
    "max_position_embeddings": 4096,
    "intermediate_size": 11008,
    "tie_word_embeddings": False,
}


def test_the_shipped_minilm_config_imports_to_the_exact_count():
    c = sizing.from_hf_config(data.minilm_path())  # the folder; its config.json is read
    assert sizing.count_params(c) == 22_713_216
    assert c.with_(name="minilm-l6") == sizing.preset("minilm-l6")
    again = sizing.from_hf_config(data.minilm_path() / "config.json", name="mine")
    assert again.name == "mine" and again.with_(name=c.name) == c


def test_gpt2_and_llama_dicts_import_to_published_counts():
    assert sizing.count_params(sizing.from_hf_config(GPT2_JSON)) == 124_439_808
    assert sizing.count_params(sizing.from_hf_config(LLAMA2_JSON)) == 6_738_415_616
    llama3 = dict(
        LLAMA2_JSON,
        num_key_value_heads=8,
        vocab_size=128256,
        intermediate_size=14336,
        max_position_embeddings=8192,
    )
    assert sizing.count_params(sizing.from_hf_config(llama3)) == 8_030_261_248


@pytest.mark.slow
def test_minilm_config_count_matches_the_real_tf_model():
    from bigmodel_widgets.engine.backend import tf

    tf()
    from transformers import BertConfig, TFBertModel

    model = TFBertModel(BertConfig.from_pretrained(data.minilm_path()))
    model(model.dummy_inputs)
    assert model.count_params() == sizing.count_params(sizing.from_hf_config(data.minilm_path()))


@pytest.mark.parametrize(
    "content,exc,match",
    [
        ("{not json", ValueError, "not valid JSON"),
        ("[1, 2]", ValueError, "JSON object"),
        ('{"model_type": "t5", "d_model": 512}', ValueError, "not supported"),
        ('{"hidden_size": 8}', ValueError, "not supported"),
        ('{"model_type": ["bert"]}', ValueError, "not supported"),
        ('{"model_type": "bert", "hidden_size": 384}', ValueError, "num_hidden_layers"),
    ],
)
def test_malformed_config_json_is_a_clear_error(tmp_path, content, exc, match):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(exc, match=match):
        sizing.from_hf_config(path)


def test_other_bad_sources():
    with pytest.raises(ValueError, match="no config.json"):
        sizing.from_hf_config("/nonexistent/folder")
    with pytest.raises(TypeError, match="path"):
        sizing.from_hf_config(42)
    with pytest.raises(ValueError, match="tie_word_embeddings"):
        sizing.from_hf_config(dict(LLAMA2_JSON, tie_word_embeddings=True))
    with pytest.raises(TypeError, match="hidden"):
        sizing.from_hf_config(dict(GPT2_JSON, n_embd="768"))


def _run(capsys, *args):
    code = cli.main(["sizing", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_context_kv_precision_and_gpu(capsys):
    code, out, _ = _run(
        capsys, "llama2-7b", "--context", "8192", "--kv-precision", "fp8", "--gpu", "l4", "--json"
    )
    r = json.loads(out)
    assert code == 0 and r["settings"]["seq_len"] == 8192
    assert r["inference"]["kv_cache"] == 256 * 1024 * 8192
    assert r["gpu"]["max_context"] == sizing.max_context(
        sizing.preset("llama2-7b"), gpu="l4", kv_precision="fp8"
    )
    assert r["gpu"]["serving"]["decode_tokens_per_s"] > 0
    code, out, _ = _run(capsys, "llama2-7b", "--gpu", "h100-sxm")
    assert code == 0 and "longest context that fits" in out and "tokens/s" in out


def test_cli_imports_a_config_json(capsys):
    code, out, _ = _run(capsys, "--config", str(data.minilm_path()), "--json")
    assert code == 0 and json.loads(out)["params"] == 22_713_216


@pytest.mark.parametrize(
    "args,match",
    [
        (["gpt2", "--context", "0"], "context"),
        (["gpt2", "--context", "1000000000"], "context"),
        (["llama2-7b", "--gpu", "t4", "--precision", "fp32", "--json"], None),
        ([], "preset or --config"),
        (["gpt2", "--config", "x.json"], "preset or --config"),
        (["--config", "/nonexistent"], "no config.json"),
        (["text-cnn", "--gpu", "t4"], "transformer"),
    ],
)
def test_cli_bad_input_is_one_clear_line(capsys, args, match):
    code, out, err = _run(capsys, *args)
    if match is None:  # weights bigger than the GPU: reported in the JSON, not a crash
        assert code == 0 and "do not fit" in json.loads(out)["gpu"]["problem"]
        return
    assert code == 2 and match in err and "Traceback" not in err


def test_cli_refuses_context_and_seq_len_together(capsys):
    code, _, err = _run(capsys, "gpt2", "--context", "64", "--seq-len", "64")
    assert code == 2 and "not both" in err
