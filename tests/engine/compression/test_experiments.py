"""Each experiment kind on a tiny model: the numbers come from the converted model itself."""

import numpy as np
import pytest

from bigmodel_widgets.engine.compression import (
    CompressionConfig,
    cluster,
    convert,
    gzip_size,
    layer_sparsity,
    measure,
    prune,
    quantize_aware,
    run_experiment,
    tflite_accuracy,
)


def _kernels(model):
    return measure.kernel_weights(model)


def test_prune_constant_hits_the_target_and_leaves_base_alone(tiny, tiny_baseline):
    before = [w.copy() for w in tiny.base.get_weights()]
    pruned = prune(tiny.base, tiny.data, 0.75, epochs=1)
    for b, a in zip(before, tiny.base.get_weights()):
        np.testing.assert_array_equal(b, a)  # tfmot wrapped a clone, not the base
    for name, s in layer_sparsity(pruned).items():
        assert s == pytest.approx(0.75, abs=0.02), name
    # Raw bytes barely move; gzip bytes drop once a quarter of the weights are left.
    pruned_blob = convert(pruned)
    raw, gz = tiny_baseline["raw_bytes"], tiny_baseline["gzip_bytes"]
    assert abs(len(pruned_blob) - raw) < 0.02 * raw
    assert gzip_size(pruned_blob) < 0.6 * gz


def test_prune_polynomial_reaches_the_target_by_the_end(tiny):
    pruned = prune(tiny.base, tiny.data, 0.6, kind="polynomial", epochs=2)
    assert np.mean(list(layer_sparsity(pruned).values())) == pytest.approx(0.6, abs=0.03)


def test_prune_two_of_four_structure(tiny):
    pruned = prune(tiny.base, tiny.data, 0.5, structure="2:4", epochs=1)
    dense = _kernels(pruned)[
        tiny.base.layers[2].name
    ]  # (in, out): groups of 4 along the input axis
    groups = (dense.T.reshape(dense.shape[1], -1, 4) != 0).sum(axis=-1)
    assert groups.max() <= 2 and np.mean(dense == 0) == pytest.approx(0.5, abs=0.01)


def test_cluster_leaves_k_values_per_kernel(tiny):
    clustered = cluster(tiny.base, tiny.data, 4, init="linear", epochs=1)
    for name, k in _kernels(clustered).items():
        assert np.unique(k).size <= 4, name
    for k in _kernels(tiny.base).values():
        assert np.unique(k).size > 4


def test_cluster_after_prune_keeps_the_zeros(tiny):
    pruned = prune(tiny.base, tiny.data, 0.5, epochs=1)
    both = cluster(pruned, tiny.data, 4, epochs=1, preserve_sparsity=True)
    for name, s in layer_sparsity(both).items():
        assert s >= 0.45, name
        assert np.unique(_kernels(both)[name]).size <= 5  # 4 centroids + the preserved zero


def test_ptq_modes_sizes_and_accuracy_in_the_interpreter(tiny):
    rep = tiny.data.representative(50)
    blobs = {
        m: convert(tiny.base, m, rep if m == "int8" else None)
        for m in ("none", "dynamic", "float16", "int8")
    }
    blobs["int8-io"] = convert(tiny.base, "int8", rep, int8_io=True)
    assert len(blobs["dynamic"]) < len(blobs["float16"]) < len(blobs["none"])
    assert len(blobs["int8"]) < len(blobs["float16"])
    it = measure.interpreter(blobs["int8-io"])
    assert it.get_input_details()[0]["dtype"] == np.int8
    assert it.get_output_details()[0]["dtype"] == np.int8
    accs = {m: tflite_accuracy(b, tiny.data.x_test, tiny.data.y_test) for m, b in blobs.items()}
    assert accs["none"] > 0.8
    for mode, acc in accs.items():
        assert acc == pytest.approx(accs["none"], abs=0.06), mode


def test_qat_and_prune_preserving_qat(tiny):
    qat = quantize_aware(tiny.base, tiny.data, epochs=1)
    blob = convert(qat, "int8", tiny.data.representative(50))
    assert tflite_accuracy(blob, tiny.data.x_test, tiny.data.y_test) > 0.75
    pruned = prune(tiny.base, tiny.data, 0.5, epochs=1)
    pqat = quantize_aware(pruned, tiny.data, epochs=1, preserve_sparsity=True)
    assert min(layer_sparsity(pqat).values()) >= 0.45  # zeros survive QAT
    assert gzip_size(convert(pqat, "int8", tiny.data.representative(50))) < gzip_size(blob)


@pytest.mark.parametrize(
    "config",
    [
        CompressionConfig(sparsity=0.5, quant="dynamic", epochs=1),  # prune -> PTQ
        CompressionConfig(clusters=8, quant="int8", epochs=1),  # cluster -> PTQ
        CompressionConfig(sparsity=0.5, qat=True, quant="int8", epochs=1),  # prune -> QAT
    ],
    ids=lambda c: c.label,
)
def test_combinations_give_a_full_record(tiny, tiny_baseline, config):
    baseline = tiny_baseline
    rec = run_experiment(tiny.base, tiny.data, config, baseline=baseline, latency_repeats=5)
    assert rec["label"] == config.label and rec["config"] == config.to_config()
    assert rec["ratio"] == pytest.approx(baseline["gzip_bytes"] / rec["gzip_bytes"])
    assert rec["ratio"] > 1.5
    assert rec["acc_drop_pts"] == pytest.approx(100 * (baseline["accuracy"] - rec["accuracy"]))
    assert rec["latency_us"] > 0 and rec["seconds"] > 0
    assert sum(rec["histogram"]["counts"]) <= rec["histogram"]["total"]
    assert set(rec["layer_sparsity"]) == set(layer_sparsity(tiny.base))
    assert baseline["ratio"] == 1.0 and baseline["acc_drop_pts"] == 0.0
