import math
import time

import pytest

from bigmodel_widgets.engine.devices import NA, FakeBackend, Sampler, gpu_status, to_series
from tests._threads import sampler_threads as _sampler_threads
from tests._threads import wait_until as _wait


def test_sample_merges_backends_and_keeps_a_bounded_history():
    s = Sampler([FakeBackend(cores=2, gpus=1)], interval=1, history=3)
    for _ in range(5):
        s.sample()
    hist = s.history()
    assert len(hist) == 3 and hist[-1] is s.latest
    assert [h.monotonic for h in hist] == sorted(h.monotonic for h in hist)
    assert len(s.latest.gpus) == 1 and len(s.latest.cpu_per_core) == 2


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_bad_interval_is_a_value_error_naming_it(bad):
    with pytest.raises(ValueError, match="interval"):
        Sampler([FakeBackend()], interval=bad)
    s = Sampler([FakeBackend()], interval=1)
    with pytest.raises(ValueError, match="interval"):
        s.interval = bad
    assert s.interval == 1.0


def test_bad_types_are_type_errors():
    with pytest.raises(TypeError, match="interval"):
        Sampler([FakeBackend()], interval="fast")
    with pytest.raises(TypeError, match="read"):
        Sampler([object()])
    with pytest.raises(ValueError, match="history"):
        Sampler([FakeBackend()], history=0)
    for bad in (True, 3.0, "3"):
        with pytest.raises(TypeError, match="history"):
            Sampler([FakeBackend()], history=bad)
    with pytest.raises(TypeError, match="interval"):
        Sampler([FakeBackend()], interval=True)


def test_thread_samples_calls_back_and_stops():
    got = []
    s = Sampler([FakeBackend()], interval=0.01)
    s.add_callback(got.append)
    s.start()
    assert _wait(lambda: len(got) >= 5)
    s.stop()
    assert not s.running and not _sampler_threads()
    n = len(got)
    time.sleep(0.05)
    assert len(got) == n  # really stopped


def test_pause_and_resume():
    s = Sampler([FakeBackend()], interval=0.01).start()
    try:
        assert _wait(lambda: len(s.history()) >= 2)
        s.pause()
        time.sleep(0.03)
        n = len(s.history())
        time.sleep(0.08)
        assert len(s.history()) == n and s.running
        s.resume()
        assert _wait(lambda: len(s.history()) > n)
    finally:
        s.stop()


def test_context_manager_stops_on_keyboard_interrupt():
    with pytest.raises(KeyboardInterrupt), Sampler([FakeBackend()], interval=0.01) as s:
        assert s.running
        raise KeyboardInterrupt  # what a kernel interrupt raises in the training cell
    assert not s.running and not _sampler_threads()


def test_dying_backend_gives_na_and_a_note_and_the_thread_survives():
    s = Sampler([FakeBackend(fail_after=2)], interval=0.01).start()
    try:
        assert _wait(lambda: len(s.history()) >= 4)
    finally:
        s.stop()
    first, last = s.history()[0], s.history()[-1]
    assert first.cpu_percent is not NA
    assert last.cpu_percent is NA and "fake failed" in last.notes[0]


def test_broken_callback_is_recorded_not_fatal():
    def boom(_):
        raise RuntimeError("view broke")

    good = []
    s = Sampler([FakeBackend()], interval=1)
    s.add_callback(boom)
    s.add_callback(good.append)
    s.sample()
    assert good and "view broke" in s.errors[-1]
    s.remove_callback(boom)
    s.sample()
    assert len(s.errors) == 1


def test_close_releases_backends():
    b = FakeBackend()
    s = Sampler([b], interval=0.01).start()
    s.close()
    assert b.closed and not s.running


def test_series_turns_na_into_gaps_and_status_explains_missing_gpus():
    s = Sampler([FakeBackend(cores=2, gpus=1, gpu_fail_after=1, missing={"process_rss_bytes"})])
    s.sample(), s.sample()
    series = to_series(s.history())
    assert series["t"][-1] == 0.0 and len(series["t"]) == 2
    titles = [p["title"] for p in series["panels"]]
    assert titles == ["CPU", "RAM", "this process", "GPU utilisation", "GPU memory"]
    gpu_util = series["panels"][3]["lines"][0]["values"]
    assert gpu_util[0] is not None and gpu_util[1] is None  # failed read: a gap, not 0
    assert series["panels"][2]["lines"][0]["values"] == [None, None]
    assert "failed" in gpu_status(s.latest)
    nogpu = Sampler([FakeBackend(gpus=0)])
    assert gpu_status(nogpu.sample()) == "no GPU found (NVML sees 0 devices)"
    assert gpu_status(Sampler([FakeBackend(nvml_missing=True)]).sample()).startswith(
        "NVML not available"
    )
    assert all(
        not math.isnan(v)
        for p in series["panels"]
        for ln in p["lines"]
        for v in ln["values"]
        if v is not None
    )
