"""Argument checks every chapter shares, with one message style and one exception rule.

The rule: a value of the wrong *type* raises TypeError, a value of the right type but out of
range raises ValueError; both name the argument and show what was given. Each check returns
the value normalised (``int``, ``float``), so callers write ``n = positive_int(n, name="n")``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from .i18n import t

__all__ = [
    "positive_int",
    "non_negative_int",
    "int_in_range",
    "number_in_range",
    "number_range",
    "fraction",
    "one_of",
    "boolean",
]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def int_in_range(value: Any, *, name: str, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int with ``low <= value <= high`` (either bound may be None)."""
    if not _is_int(value):
        raise TypeError(
            t("check.int_type", name=name, value=repr(value), type=type(value).__name__)
        )
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            want = t("check.at_least", low=low)
        elif low is None:
            want = t("check.at_most", high=high)
        else:
            want = t("check.between", low=low, high=high)
        raise ValueError(t("check.int_range", name=name, want=want, value=value))
    return value


def positive_int(value: Any, *, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (1 unless said otherwise)."""
    return int_in_range(value, name=name, low=minimum)


def non_negative_int(value: Any, *, name: str) -> int:
    """``value`` as an int >= 0."""
    return int_in_range(value, name=name, low=0)


def number_in_range(
    value: Any,
    *,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite float inside the range (closed ends unless ``*_open``)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(
            t("check.number_type", name=name, value=repr(value), type=type(value).__name__)
        )
    value = float(value)
    bad = value != value or value in (float("inf"), float("-inf"))
    if low is not None:
        bad = bad or value < low or (low_open and value == low)
    if high is not None:
        bad = bad or value > high or (high_open and value == high)
    if bad:
        left = "(" if low_open or low is None else "["  # an infinite end is always open
        right = ")" if high_open or high is None else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        interval = f"{left}{lo}, {hi}{right}"
        raise ValueError(t("check.number_range", name=name, interval=interval, value=f"{value:g}"))
    return value


def number_range(
    value: Any, *, name: str, low: float | None = None, high: float | None = None
) -> tuple[float, float]:
    """A ``(min, max)`` pair of finite numbers with ``low <= min <= max <= high``."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(t("check.pair_type", name=name, value=repr(value)))
    lo = number_in_range(value[0], name=f"{name} min", low=low, high=high)
    hi = number_in_range(value[1], name=f"{name} max", low=low, high=high)
    if lo > hi:
        raise ValueError(t("check.pair_order", name=name, lo=f"{lo:g}", hi=f"{hi:g}"))
    return lo, hi


def fraction(value: Any, *, name: str) -> float:
    """A fraction strictly between 0 and 1 (a test split, a dropout rate)."""
    return number_in_range(value, name=name, low=0.0, high=1.0, low_open=True, high_open=True)


def one_of(value: Any, *, name: str, choices: Iterable[Any]) -> Any:
    """``value`` itself when it is one of ``choices``; the message lists them."""
    choices = tuple(choices)
    try:
        ok = value in choices
    except TypeError:  # an unhashable or incomparable value is simply not a choice
        ok = False
    if not ok:
        raise ValueError(
            t("check.one_of", name=name, choices=", ".join(map(repr, choices)), value=repr(value))
        )
    return value


def boolean(value: Any, *, name: str) -> bool:
    """``value`` when it is a real bool (not 0/1 or a string that looks like one)."""
    if not isinstance(value, bool):
        raise TypeError(
            t("check.bool_type", name=name, value=repr(value), type=type(value).__name__)
        )
    return value
