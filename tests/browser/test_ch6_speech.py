"""Chapter 6 in a real browser: run the notebook, step the SpeechExplorer's example slider with
the keyboard, and see the engine's prediction for the new recording on screen."""

from __future__ import annotations

import re

import pytest

from bigmodel_widgets.engine import backend
from bigmodel_widgets.engine.tasks import speech
from tests.browser._lab import open_notebook, press_slider, run_all_cells, slider_readout

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]


def _shown(page) -> tuple[int, int]:
    el = page.locator(".bmw-speech-prediction .bmw-speech-digit").first
    return int(el.get_attribute("data-example")), int(el.get_attribute("data-digit"))


def test_picking_an_example_shows_its_prediction(page, lab):
    open_notebook(page, lab, "06_speech.ipynb")
    run_all_cells(page, timeout_s=400)
    assert _shown(page)[0] == 5  # the notebook's last widget cell picks example 5

    press_slider(page, "test example", "ArrowRight", times=3)
    page.wait_for_function(
        "() => document.querySelector('.bmw-speech-prediction .bmw-speech-digit')"
        ".dataset.example === '8'",
        timeout=30_000,
    )
    assert int(re.sub(r"\D", "", slider_readout(page, "test example"))) == 8

    # The kernel cached its quick-mode weights in our BMW_CACHE_DIR: load the same model here.
    split = speech.load_split(seed=0)
    hits = []
    rec = speech.trained_recognizer(
        "strong",
        seed=0,
        split=split,
        quick=backend.quick_mode(),
        progress=lambda d, t, info: hits.append(info),
    )
    assert hits == [{"cached": 1}], "the kernel's weights were not in this test's cache dir"
    expected = rec.predict(split.x_test[8])
    example, digit = _shown(page)
    assert (example, digit) == (8, expected.digit)
    text = page.locator(".bmw-speech-prediction").first.inner_text()
    assert f"predicted {expected.digit}" in text and f"spoken {int(split.y_test[8])}" in text
    assert f"{max(expected.probabilities):.1%}" in text

    # The digit-string row: the notebook built 5 digits with seed 7; one more digit, rebuild.
    from bigmodel_widgets.engine.tasks.speech import strings

    def shown_string() -> str:
        return page.locator(".bmw-speech-string").first.get_attribute("data-read")

    built = strings.make_digit_string(split, length=5, seed=7)
    assert shown_string() == strings.recognise_string(rec, built.frames).text
    press_slider(page, "digits", "ArrowRight")
    assert slider_readout(page, "digits") == "6"
    page.locator(".widget-button", has_text="build a string").first.click()
    six = strings.recognise_string(
        rec, strings.make_digit_string(split, length=6, seed=7).frames
    ).text
    page.wait_for_function(
        "(want) => { const el = document.querySelector('.bmw-speech-string');"
        " return el && el.dataset.read === want && el.closest('.bmw-speech-string-info')"
        ".querySelectorAll('tr').length > 1; }",
        arg=six,
        timeout=30_000,
    )
    assert shown_string() == six and len(six) >= 1
