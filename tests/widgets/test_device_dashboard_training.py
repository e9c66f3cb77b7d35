"""DeviceDashboard's training events: marks on the chart, export/compare, and no stray thread."""

import gc
import threading

import numpy as np

from bigmodel_widgets.engine.devices import FakeBackend, load_run, record_from, to_series
from bigmodel_widgets.widgets.device_dashboard import DeviceDashboard
from tests._threads import sampler_threads, wait_until


def _dash(**kw):
    return DeviceDashboard(backends=[FakeBackend(gpus=1)], interval=1, autostart=False, **kw)


def test_chart_shows_the_engine_series_with_training_marks():
    d = _dash()
    try:
        d.sampler.sample()
        with d.run("mirrored"):
            d.training.epoch(1)
            d.training.samples(64)
            d.sampler.sample()
        d.sampler.sample()
        expected = to_series(
            d.sampler.history(),
            per_core=True,
            events=d.training.events(),
            throughput=d.training.throughput(),
        )
        assert d.chart.data == expected
        kinds = [m["kind"] for m in d.chart.data["marks"]]
        assert kinds == ["run_start", "epoch", "run_end"]
        assert "GPU 0: 512 MiB" in d.gpu_label.value
    finally:
        d.close()


def test_process_gpu_memory_says_not_available_without_nvml():
    d = DeviceDashboard(backends=[FakeBackend(nvml_missing=True)], autostart=False)
    d.sampler.sample()
    assert "this process on the GPU: not available" in d.gpu_label.value
    d.close()


def test_export_and_compare_round_trip(tmp_path):
    d = _dash()
    try:
        with d.run("baseline"):
            d.training.epoch(1)
            d.sampler.sample()
            d.training.samples(10)
        csv_path, json_path = d.export(tmp_path / "run1")
        assert csv_path.read_text().count("\n") == 1 + len(d.sampler.history())
        rec = d.compare(json_path)
        assert rec.to_json() == d.record(name="run1").to_json()
        assert rec.to_json() == load_run(json_path).to_json()
        assert "baseline" in d.comparison.value and "run1" in d.comparison.value
        assert d.compare(tmp_path / "missing.json") is None
        assert "missing.json" in d.errors.message  # a clear message, the widget keeps working
    finally:
        d.close()


def test_keras_callback_marks_epochs_on_the_dashboard():
    from bigmodel_widgets.engine import backend

    keras = backend.keras()
    d = _dash()
    try:
        model = keras.Sequential([keras.layers.Dense(2, input_shape=(4,))])
        model.compile("sgd", "mse")
        x, y = np.zeros((32, 4), np.float32), np.zeros((32, 2), np.float32)
        d.sampler.sample()  # marks show inside the sampled window
        model.fit(
            x, y, epochs=2, batch_size=8, verbose=0, callbacks=[d.keras_callback(batch_size=8)]
        )
        d.sampler.sample()
        assert [m["label"] for m in d.chart.data["marks"] if m["kind"] == "epoch"] == [
            "epoch 1",
            "epoch 2",
        ]
        assert record_from(d.sampler.history(), d.training).runs() == ["fit 1"]
    finally:
        d.close()


def test_fifty_dashboards_with_a_callback_attached_leave_no_thread():
    from bigmodel_widgets.engine import backend

    keras = backend.keras()
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(4,))])
    model.compile("sgd", "mse")
    x, y = np.zeros((16, 4), np.float32), np.zeros((16, 2), np.float32)
    before = {t.ident for t in threading.enumerate()}
    callbacks = []
    for i in range(50):
        d = DeviceDashboard(backends=[FakeBackend()], interval=0.01)
        cb = d.keras_callback(batch_size=8, run=f"run {i}")
        callbacks.append(cb)  # the model (and its callback) outlive the dashboard
        if i % 10 == 0:
            model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[cb])
        d.close()
    assert wait_until(lambda: not sampler_threads(), timeout=10), sampler_threads()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=callbacks[-1:])  # harmless now
    gc.collect()
    left = [t for t in threading.enumerate() if t.ident not in before and t.name != "MainThread"]
    assert wait_until(lambda: not [t for t in threading.enumerate() if t.ident not in before]), (
        f"threads left running: {[t.name for t in left]}"
    )
    assert not sampler_threads()
