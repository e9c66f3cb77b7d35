"""The op and tensor diff of a known pair of .tflite files."""

from __future__ import annotations

import pytest

from bigmodel_widgets.engine import compression as comp


@pytest.fixture(scope="module")
def blobs(tiny):
    rep = tiny.data.representative(20)
    return {mode: comp.convert(tiny.base, mode, rep) for mode in ("none", "float16", "int8")}


def test_float16_adds_dequantize_ops_and_halves_the_weights(blobs):
    d = comp.tflite_diff(blobs["none"], blobs["float16"])
    assert d["added_ops"] == ["DEQUANTIZE"] and d["ops"]["DEQUANTIZE"][0] == 0
    assert d["ops"]["DEQUANTIZE"][1] >= 3  # one per weight tensor turned back into float32
    fp32_before, fp32_after = d["weight_bytes"]["FLOAT32"]
    half_before, half_after = d["weight_bytes"]["FLOAT16"]
    assert half_before == 0 and fp32_after < fp32_before
    assert abs(half_after - fp32_before / 2) < 0.05 * fp32_before  # the same weights, 2 bytes each
    biggest = d["largest"][0]
    assert biggest["dtype"] == "FLOAT16" and biggest["before_dtype"] == "FLOAT32"
    assert biggest["bytes"] * 2 == biggest["before_bytes"]


def test_full_int8_quantizes_the_input_and_dequantizes_the_output(blobs):
    d = comp.tflite_diff(blobs["none"], blobs["int8"])
    assert {"QUANTIZE", "DEQUANTIZE"} <= set(d["added_ops"])
    assert d["weight_bytes"]["INT8"][1] > 0 and d["weight_bytes"]["INT8"][0] == 0
    assert d["activation_dtypes"]["INT8"][1] > 0  # activations are int8 too
    s = comp.summarize_tflite(blobs["int8"])
    assert s.op_counts["CONV_2D"] == 1 and s.op_counts["FULLY_CONNECTED"] == 2
    assert s.file_bytes == len(blobs["int8"])


def test_not_a_tflite_file_is_refused():
    with pytest.raises(ValueError, match="tflite"):
        comp.summarize_tflite(b"\x00garbage" * 20)
    with pytest.raises(TypeError, match="blob"):
        comp.summarize_tflite("model.tflite")
