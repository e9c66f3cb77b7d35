"""ProgressBar shows itself once when work starts inside IPython, and labels cache hits/waits."""

from __future__ import annotations

import IPython
import IPython.display
import pytest

from bigmodel_widgets.widgets.progress import ProgressBar


@pytest.fixture
def shown(monkeypatch):
    """Pretend to run inside IPython; collect what would be displayed."""
    out = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: out.extend(objs))
    return out


def test_displays_itself_once_on_first_progress_inside_ipython(shown):
    bar = ProgressBar("training")
    assert shown == [] and not bar.shown  # building it shows nothing yet
    bar(0, 3, {})
    bar(1, 3, {"loss": 0.5})
    bar(3, 3, {})
    assert shown == [bar] and bar.shown
    assert bar.bar.value == 3 and bar.bar.max == 3 and bar.bar.bar_style == "success"


def test_not_displayed_twice_when_the_cell_displayed_it(shown):
    bar = ProgressBar("training")
    bar._repr_mimebundle_()  # what IPython's display(bar) / a cell's last expression calls
    bar(1, 2, {})
    assert shown == []


def test_auto_display_false_never_displays(shown):
    bar = ProgressBar("inside a widget", auto_display=False)
    bar(1, 2, {})
    assert shown == [] and bar.bar.value == 1


def test_outside_ipython_nothing_is_displayed(monkeypatch):
    called = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: called.append(objs))
    bar = ProgressBar()
    bar(1, 4, None)
    assert called == [] and bar.label.value.startswith("1/4")


def test_label_shows_counts_numbers_and_time(shown):
    bar = ProgressBar("fit")
    bar(0, 4, {})
    bar(2, 4, {"loss": 0.123456, "flag": True, "name": "x"})
    text = bar.label.value
    assert text.startswith("2/4") and "elapsed" in text and "left" in text
    assert "loss 0.1235" in text and "flag" not in text and "name" not in text
    assert bar.bar.bar_style == ""


def test_cached_and_waiting_labels(shown):
    bar = ProgressBar("base model")
    bar(0, 1, {"waiting": 1})
    assert "waiting for another kernel" in bar.label.value and bar.bar.value == 0
    bar(1, 1, {"cached": 1})  # the cache's progress-on-hit convention
    assert bar.label.value == "loaded from the cache"
    assert bar.bar.value == bar.bar.max == 1 and bar.bar.bar_style == "success"
    assert shown == [bar]


def test_done_beyond_total_and_zero_total_are_clipped(shown):
    bar = ProgressBar()
    bar(5, 3, {})
    assert bar.bar.value == bar.bar.max == 3
    bar(0, 0, {})
    assert bar.bar.max == 1 and bar.bar.value == 0


def test_the_engine_info_keys_are_shown_in_the_active_language():
    import bigmodel_widgets as bmw

    bmw.set_language("zh")
    try:
        bar = bmw.ProgressBar(auto_display=False)
        bar(1, 3, {"loss": 0.5, "epoch": 1, "unknown_key": 2})
        assert "损失 0.5" in bar.label.value and "轮 1" in bar.label.value
        assert "unknown_key 2" in bar.label.value  # a key without a name stays as it is
    finally:
        bmw.set_language(None)
    bar = bmw.ProgressBar(auto_display=False)
    bar(1, 3, {"loss": 0.5})
    assert "(loss 0.5)" in bar.label.value
