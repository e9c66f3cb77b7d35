"""The shared sequence score: edit distance (digits of a number, of a spoken string)."""

from __future__ import annotations

import pytest

from bigmodel_widgets.engine.metrics import edit_distance


@pytest.mark.parametrize(
    "a,b,d",
    [
        ("", "", 0),
        ("123", "123", 0),
        ("123", "13", 1),
        ("123", "1234", 1),
        ("123", "321", 2),
        ([1, 2, 3], [], 3),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(a, b, d):
    assert edit_distance(a, b) == d == edit_distance(b, a)
