"""The shared argument checks: wrong type -> TypeError, wrong value -> ValueError, both naming
the argument and showing what was given."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import checks


@pytest.mark.parametrize("value,expected", [(1, 1), (7, 7), (np.int64(3), 3), (np.uint8(2), 2)])
def test_positive_int_accepts_ints_and_returns_plain_int(value, expected):
    out = checks.positive_int(value, name="epochs")
    assert out == expected and type(out) is int


@pytest.mark.parametrize("bad", [True, False, 2.0, 2.5, "3", None, [1], np.float32(1)])
def test_positive_int_wrong_type_is_a_type_error_naming_the_argument(bad):
    with pytest.raises(TypeError, match=r"^epochs must be an int") as err:
        checks.positive_int(bad, name="epochs")
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("bad", [0, -1, -(10**12)])
def test_positive_int_wrong_value_is_a_value_error(bad):
    with pytest.raises(ValueError, match=rf"epochs must be an int >= 1, got {bad}$"):
        checks.positive_int(bad, name="epochs")


def test_positive_int_minimum_and_non_negative():
    assert checks.positive_int(2, name="replicas", minimum=2) == 2
    with pytest.raises(ValueError, match="replicas must be an int >= 2"):
        checks.positive_int(1, name="replicas", minimum=2)
    assert checks.non_negative_int(0, name="seed") == 0
    with pytest.raises(ValueError, match="seed must be an int >= 0, got -1"):
        checks.non_negative_int(-1, name="seed")
    with pytest.raises(TypeError, match="seed"):
        checks.non_negative_int(True, name="seed")


def test_int_in_range_messages_show_the_bounds():
    assert checks.int_in_range(5, name="k", low=1, high=5) == 5
    with pytest.raises(ValueError, match="k must be an int between 1 and 5, got 6"):
        checks.int_in_range(6, name="k", low=1, high=5)
    with pytest.raises(ValueError, match="k must be an int <= 5, got 6"):
        checks.int_in_range(6, name="k", high=5)
    assert checks.int_in_range(-100, name="k") == -100  # no bounds: any int


def test_number_in_range_closed_and_open_ends():
    assert checks.number_in_range(0, name="x", low=0, high=1) == 0.0
    assert checks.number_in_range(np.float32(0.5), name="x", low=0, high=1) == 0.5
    assert isinstance(checks.number_in_range(1, name="x", low=0, high=1), float)
    with pytest.raises(ValueError, match=r"x must be a finite number in \(0, 1\], got 0"):
        checks.number_in_range(0, name="x", low=0, high=1, low_open=True)
    with pytest.raises(ValueError, match=r"\[0, inf\)"):
        checks.number_in_range(-1, name="x", low=0, high_open=True)
    with pytest.raises(ValueError, match=r"x must be a finite number in \(0, inf\), got 0$"):
        checks.number_in_range(0, name="x", low=0, low_open=True)  # no "inf]": inf is not allowed
    with pytest.raises(ValueError, match=r"\(-inf, 1\]"):
        checks.number_in_range(2, name="x", high=1)
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError, match="finite"):
            checks.number_in_range(bad, name="x")


@pytest.mark.parametrize("bad", [True, "0.5", None, 1j, [0.5]])
def test_number_in_range_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match="rate must be a number"):
        checks.number_in_range(bad, name="rate", low=0, high=1)


def test_fraction_is_strictly_between_zero_and_one():
    assert checks.fraction(0.2, name="test_fraction") == 0.2
    for bad in (0, 1, 0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"test_fraction must be a finite number in \(0, 1\)"):
            checks.fraction(bad, name="test_fraction")
    with pytest.raises(TypeError, match="test_fraction"):
        checks.fraction("0.2", name="test_fraction")


def test_one_of_returns_the_value_and_lists_the_choices():
    assert checks.one_of("mirrored", name="strategy", choices=("default", "mirrored")) == "mirrored"
    with pytest.raises(
        ValueError,
        match=r"strategy must be one of 'default', 'mirrored'; "
        r"got 'pipeline'",
    ):
        checks.one_of("pipeline", name="strategy", choices=("default", "mirrored"))
    with pytest.raises(ValueError, match="strategy"):  # unhashable: simply not a choice
        checks.one_of(["default"], name="strategy", choices={"default", "mirrored"})
    assert checks.one_of(2, name="n", choices=iter([1, 2])) == 2  # any iterable of choices


def test_boolean_rejects_look_alikes():
    assert checks.boolean(True, name="autostart") is True
    assert checks.boolean(False, name="autostart") is False
    for bad in (0, 1, "yes", None):
        with pytest.raises(TypeError, match="autostart must be True or False"):
            checks.boolean(bad, name="autostart")
