"""The HTML helper every view draws bars and tables with: escaped, clipped, highlighted."""

from __future__ import annotations

import re

import pytest

from bigmodel_widgets.widgets import _html


def _widths(fragment: str) -> list[int]:
    return [int(w) for w in re.findall(r"width:(\d+)px;background:(?!#eee)", fragment)]


def test_escape_makes_any_text_safe():
    assert _html.escape("<b>&'\"") == "&lt;b&gt;&amp;&#x27;&quot;"
    assert _html.escape(3.5) == "3.5"


@pytest.mark.parametrize(
    "fraction,px", [(0.5, 100), (0.0, 1), (-0.3, 1), (1.0, 200), (7.0, 200), (float("nan"), 1)]
)
def test_bar_length_is_clipped_to_the_track(fraction, px):
    assert _widths(_html.bar(fraction, width_px=200)) == [px]


def test_bar_track_and_colour():
    plain = _html.bar(0.25, width_px=80, colour="#123456")
    assert "#123456" in plain and "#eee" not in plain
    tracked = _html.bar(0.25, width_px=80, track=True)
    assert "width:80px;background:#eee" in tracked and _widths(tracked) == [20]


def test_bar_rows_escape_labels_and_highlight_one_row():
    out = _html.bar_rows(
        [("<cat>", 0.7, "70 %"), ("dog", 0.3, "30 & more")], highlight="<cat>", css_class="probs"
    )
    assert "&lt;cat&gt;" in out and "<cat>" not in out and "30 &amp; more" in out
    assert out.startswith('<div class="probs">') and out.count('class="probs-row"') == 2
    first, second = out.split('class="probs-row"')[1:]
    assert _html.BAR_COLOUR in first and _html.MUTED_COLOUR in second
    every = _html.bar_rows([("a", 0.1, ""), ("b", 0.2, "")])
    assert _html.MUTED_COLOUR not in every and every.count(_html.BAR_COLOUR) == 2


def test_table_escapes_cells_unless_raw():
    out = _html.table([["<x>", 1], ["y", "a&b"]], header=["name", "<v>"], css_class="t")
    assert out.startswith('<table class="t"') and "<th>&lt;v&gt;</th>" in out
    assert "<td>&lt;x&gt;</td><td>1</td>" in out and "<td>a&amp;b</td>" in out
    raw = _html.table([[_html.bar(0.5), "ok"]], raw=True)
    assert "<span" in raw and "&lt;span" not in raw
    assert "<th>" not in raw  # no header row unless one is given


def test_table_cell_styles_apply_per_cell():
    out = _html.table([[1, 2], [3, 4]], cell_styles=[["color:red"], ["", "font-weight:bold"]])
    assert '<td style="color:red">1</td><td>2</td>' in out
    assert '<td>3</td><td style="font-weight:bold">4</td>' in out


def test_stacked_bar_segments_titles_and_overflow():
    out = _html.stacked_bar(
        [("a <1>", 0.25, "#111111"), ("b", 0.0, "#222222"), ("c", 0.5, "#333333")],
        width_px=200,
        height_px=10,
    )
    assert out.startswith('<span class="bmw-stacked"') and "width:200px" in out
    assert 'title="a &lt;1&gt;"' in out and "#222222" not in out  # empty segments are skipped
    assert "width:50.0px;background:#111111" in out and "width:100.0px;background:#333333" in out
    over = _html.stacked_bar(
        [("x", 0.8, "#111111"), ("y", 0.8, "#222222"), ("z", float("nan"), "#333333")], width_px=100
    )
    assert "width:80.0px" in over and "width:20.0px" in over and "#333333" not in over
