"""Placement: the text's tf.device('/GPU:0') honoured when possible, else the CPU and a message."""

import pytest

from bigmodel_widgets.engine.parallel import place, placement, resolve_device


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(placement, "gpu_names", lambda: [])


@pytest.fixture
def one_gpu(monkeypatch):
    monkeypatch.setattr(placement, "gpu_names", lambda: ["/GPU:0"])


def test_gpu_request_without_gpu_falls_back_to_cpu_with_a_message(no_gpu):
    p = resolve_device("/GPU:0")
    assert p.device == "/CPU:0" and p.fell_back and "no GPU found" in p.message
    with place("/gpu:0") as p2:
        x = placement.backend.tf().constant([1.0, 2.0]) * 2
    assert x.device.endswith("CPU:0") and p2.fell_back


def test_gpu_request_with_a_gpu_is_honoured(one_gpu):
    p = resolve_device("/job:localhost/replica:0/task:0/device:GPU:0")
    assert p.device == "/GPU:0" and not p.fell_back
    p = resolve_device("/GPU:1")
    assert p.device == "/CPU:0" and "only 1 GPU(s)" in p.message


@pytest.mark.parametrize("bad", ["/TPU:0", "gpu0", "", "/GPU:-1", "/GPU:0/extra"])
def test_unknown_device_names_are_value_errors(bad):
    with pytest.raises(ValueError, match="unknown device name"):
        resolve_device(bad)


def test_non_string_and_missing_cpu_index():
    with pytest.raises(TypeError, match="device name"):
        resolve_device(0)
    with pytest.raises(ValueError, match="logical CPU"):
        resolve_device("/CPU:99")
    assert resolve_device("cpu:0").device == "/CPU:0"


@pytest.mark.gpu
def test_real_gpu_placement():
    with place("/GPU:0") as p:
        x = placement.backend.tf().constant([1.0]) + 1
    assert not p.fell_back and x.device.endswith("GPU:0")
