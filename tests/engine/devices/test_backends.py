import sys

import pytest

from bigmodel_widgets.engine.devices import (
    NA,
    FakeBackend,
    NvmlBackend,
    PsutilBackend,
    TensorFlowBackend,
    inventory,
    is_na,
)

from ._fake_nvml import FakeNvml


def test_psutil_backend_reads_real_numbers_and_never_a_zero_length_window():
    b = PsutilBackend()
    first = b.read()  # straight after priming: too soon to measure CPU
    assert is_na(first["cpu_percent"]) and "too soon" in first["notes"][0]
    import time

    time.sleep(0.1)
    r = b.read()
    assert 0.0 <= r["cpu_percent"] <= 100.0 and len(r["cpu_per_core"]) >= 1
    assert 0 < r["ram_used_bytes"] < r["ram_total_bytes"] and r["process_rss_bytes"] > 0


def test_nvml_backend_with_a_fake_driver_reads_every_gpu():
    nv = FakeNvml(count=2)
    r = NvmlBackend(nvml=nv).read()
    g0, g1 = r["gpus"]
    assert (g0.name, g0.util_percent, g0.mem_used_bytes, g0.power_w) == (
        "Fake H100 0",
        40.0,
        2**30,
        250.0,
    )
    assert g1.util_percent == 41.0 and g1.temperature_c == 60


def test_nvml_unreadable_metric_is_na_not_zero():
    r = NvmlBackend(nvml=FakeNvml(count=1, no_power=True)).read()
    assert r["gpus"][0].power_w is NA


def test_nvml_missing_driver_is_a_labelled_value():
    b = NvmlBackend(nvml=FakeNvml(init_fails=True))
    assert not b.available and b.reason.startswith("NVML not available")
    assert b.read() == {"notes": (b.reason,)}


def test_nvml_zero_devices_says_no_gpu_found():
    r = NvmlBackend(nvml=FakeNvml(count=0)).read()
    assert r["notes"][0].startswith("no GPU found") and "gpus" not in r


def test_nvml_failing_mid_run_gives_na_gpu_with_a_note_and_recovers():
    nv = FakeNvml(count=1)
    b = NvmlBackend(nvml=nv)
    assert b.read()["gpus"][0].util_percent == 40.0
    nv.broken = True
    r = b.read()
    assert r["gpus"][0].util_percent is NA and "GPU is lost" in r["notes"][0]
    nv.broken = False
    assert b.read()["gpus"][0].util_percent == 40.0
    b.close()
    assert nv.shutdowns == 1 and not b.available


def test_tensorflow_backend_does_not_import_tensorflow(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    assert TensorFlowBackend().read() == {}
    assert "tensorflow" not in sys.modules


def test_fake_backend_scripts_failures_and_missing_metrics():
    b = FakeBackend(cores=3, gpus=1, gpu_fail_after=1, fail_after=2, missing={"process_rss_bytes"})
    r1 = b.read()
    assert len(r1["cpu_per_core"]) == 3 and r1["gpus"][0].util_percent is not NA
    assert r1["process_rss_bytes"] is NA
    r2 = b.read()
    assert r2["gpus"][0].util_percent is NA and "failed" in r2["notes"][0]
    with pytest.raises(RuntimeError):
        b.read()
    with pytest.raises(ValueError, match="cores"):
        FakeBackend(cores=0)
    with pytest.raises(ValueError, match="gpus"):
        FakeBackend(gpus=-1)
    with pytest.raises(TypeError, match="cores"):
        FakeBackend(cores=2.0)


def test_inventory_without_tensorflow_and_with_fake_nvml():
    inv = inventory(tensorflow=False, nvml=FakeNvml(count=1))
    assert inv["cpu"]["logical_cores"] >= 1 and inv["cpu"]["ram_total_bytes"] > 0
    assert inv["nvml"]["available"] and inv["nvml"]["gpus"][0]["name"] == "Fake H100 0"
    assert inv["nvml"]["driver"] == "550.00"
    bad = inventory(tensorflow=False, nvml=FakeNvml(init_fails=True))["nvml"]
    assert not bad["available"] and "Driver Not Loaded" in bad["reason"]


@pytest.mark.gpu
def test_real_nvml_reads_the_gpu():
    b = NvmlBackend()
    try:
        r = b.read()
        g = r["gpus"][0]
        assert g.name != "n/a" and 0 <= g.util_percent <= 100
        assert 0 < g.mem_used_bytes <= g.mem_total_bytes
    finally:
        b.close()


def test_psutil_backend_keeps_its_own_cpu_window(monkeypatch):
    # psutil.cpu_percent() shares one window per process; another caller would corrupt ours.
    import time

    import psutil

    b = PsutilBackend()

    def shared_window(*a, **k):
        raise AssertionError("PsutilBackend must not use psutil.cpu_percent")

    monkeypatch.setattr(psutil, "cpu_percent", shared_window)
    time.sleep(0.1)
    r = b.read()
    assert all(0.0 <= v <= 100.0 for v in r["cpu_per_core"]) and r["cpu_per_core"]
