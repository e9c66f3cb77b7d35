"""DeviceDashboard state and thread lifecycle, driven from Python against the fake backend."""

import gc
import math
import threading
import weakref

import pytest

from bigmodel_widgets.engine.devices import FakeBackend, Sampler, gpu_status, to_series
from bigmodel_widgets.widgets.device_dashboard import DeviceDashboard, device_dashboard
from tests._threads import sampler_threads as _sampler_threads
from tests._threads import wait_until as _wait


@pytest.fixture
def dash():
    d = DeviceDashboard(
        backends=[FakeBackend(cores=3, gpus=2, seed=1)], interval=1, autostart=False
    )
    yield d
    d.close()


def test_chart_equals_the_engine_series(dash):
    for _ in range(3):
        dash.sampler.sample()
    assert dash.updates == 3 and dash.chart.tick == 3
    assert dash.chart.data == to_series(dash.sampler.history(), per_core=True)
    assert [p["title"] for p in dash.chart.data["panels"]][-2:] == ["GPU utilisation", "GPU memory"]
    assert gpu_status(dash.sampler.latest) in dash.gpu_label.value
    assert "CPU" in dash.summary.value and "n/a" not in dash.summary.value


def test_interval_control_drives_the_sampler_and_bad_values_show_an_error(dash):
    dash.interval.value = 2.5
    assert dash.sampler.interval == 2.5 and not dash.errors.message
    for bad in (0.0, -1.0, float("nan")):
        dash.interval.value = bad
        assert "interval" in dash.errors.message and dash.sampler.interval == 2.5
    dash.interval.value = 0.5  # the widget keeps working
    assert dash.sampler.interval == 0.5 and dash.errors.message == ""


def test_pause_stop_and_start_buttons(dash):
    dash.start_button.click()
    assert dash.state == "running" and len(_sampler_threads()) == 1
    dash.pause.value = True
    assert dash.sampler.paused and dash.state == "paused" and dash.pause.description == "resume"
    dash.pause.value = False
    assert dash.state == "running"
    dash.stop_button.click()
    assert dash.state == "stopped" and not _sampler_threads()
    assert "stopped" in dash.status.value


def test_live_updates_while_running():
    d = DeviceDashboard(backends=[FakeBackend()], interval=0.01)
    try:
        assert _wait(lambda: d.updates >= 5)
        assert d.chart.tick >= 5 and len(d.chart.data["t"]) >= 5
    finally:
        d.close()


@pytest.mark.parametrize(
    "backend, expected",
    [
        (FakeBackend(gpus=0), "no GPU found"),
        (FakeBackend(nvml_missing=True), "NVML not available"),
    ],
)
def test_explicit_no_gpu_states(backend, expected):
    d = DeviceDashboard(backends=[backend], autostart=False)
    d.sampler.sample()
    assert expected in d.gpu_label.value
    assert all(not p["title"].startswith("GPU") for p in d.chart.data["panels"])
    d.close()


def test_nvml_failing_mid_run_shows_a_gap_and_says_so():
    d = DeviceDashboard(backends=[FakeBackend(gpus=1, gpu_fail_after=1)], autostart=False)
    d.sampler.sample(), d.sampler.sample()
    util = d.chart.data["panels"][3]["lines"][0]["values"]
    assert util[0] is not None and util[1] is None
    assert "failed" in d.gpu_label.value
    d.close()


def test_bad_constructor_arguments():
    with pytest.raises(TypeError, match="colour"):
        DeviceDashboard(colour="red")
    with pytest.raises(ValueError, match="interval"):
        DeviceDashboard(backends=[FakeBackend()], interval=float("nan"))
    with pytest.raises(TypeError, match="interval"):
        DeviceDashboard(backends=[FakeBackend()], interval="fast")
    with pytest.raises(ValueError, match="history"):
        DeviceDashboard(backends=[FakeBackend()], history=0)
    with pytest.raises(TypeError, match="per_core"):
        DeviceDashboard(backends=[FakeBackend()], per_core="yes")
    with pytest.raises(TypeError, match="autostart"):
        DeviceDashboard(backends=[FakeBackend()], autostart=0)
    with pytest.raises(TypeError):
        device_dashboard(0.5)  # keyword-only
    assert not _sampler_threads()


def test_keyword_only_typed_signature_without_kwargs():
    import inspect

    for fn in (DeviceDashboard.__init__, device_dashboard):
        params = inspect.signature(fn).parameters
        assert not [p for p in params.values() if p.kind is p.VAR_KEYWORD]
        assert {"interval", "history", "backends", "autostart", "per_core"} <= set(params)
        assert all(p.annotation is not p.empty for n, p in params.items() if n != "self")
        assert fn.__doc__
    d = device_dashboard(backends=[FakeBackend()], history=7, autostart=False, per_core=False)
    assert d.sampler.history_size == 7 and d.state == "stopped" and d.per_core is False
    d.close()


def test_fifty_create_close_cycles_leak_no_threads():
    before = threading.active_count()
    for _ in range(50):
        d = DeviceDashboard(backends=[FakeBackend()], interval=0.005)
        d.close()
        assert d.state == "stopped"
    assert not _sampler_threads()
    assert threading.active_count() <= before


def test_closed_widget_is_collectable_and_its_backends_released():
    b = FakeBackend()
    d = device_dashboard(backends=[b], interval=0.01)
    ref = weakref.ref(d)
    d.close()
    del d
    gc.collect()
    assert ref() is None and b.closed and not _sampler_threads()


def test_sampler_does_not_keep_the_widget_alive():
    s_holder = []
    d = DeviceDashboard(backends=[FakeBackend()], autostart=False)
    s_holder.append(d.sampler)
    assert isinstance(d.sampler, Sampler)
    ref = weakref.ref(d)
    d.close()
    del d
    gc.collect()
    assert ref() is None
    s_holder[0].sample()  # the dead view's callback was removed: no error recorded
    assert not s_holder[0].errors
    assert math.isfinite(s_holder[0].latest.cpu_percent)
