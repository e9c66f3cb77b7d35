"""Fixtures the widget tests share."""

from __future__ import annotations

import pytest

import bigmodel_widgets as bmw


@pytest.fixture
def zh():
    """Chinese chosen for the test (widgets built inside it read Chinese labels), then reset."""
    bmw.set_language("zh")
    yield
    bmw.set_language(None)
