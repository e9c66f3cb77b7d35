"""Chapter 4 in a real browser: run the notebook, type a sentence into the TextClassifier, click
classify, and see the probabilities the kernel's fine-tuned MiniLM gives for it; then switch to
the int8 TFLite model."""

from __future__ import annotations

import pytest

from tests.browser._lab import open_notebook, run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]

SENTENCE = "A masterpiece: funny, warm and beautifully acted."


def _shown(page) -> dict:
    bars = page.locator(".bmw-probabilities .bmw-prob")
    return {
        bars.nth(i).get_attribute("data-label"): float(bars.nth(i).get_attribute("data-prob"))
        for i in range(bars.count())
    }


def test_typed_sentence_shows_probabilities(page, lab):
    open_notebook(page, lab, "04_nlp.ipynb")
    run_all_cells(page, timeout_s=600)
    box = page.locator(".widget-textarea textarea").first
    box.scroll_into_view_if_needed()
    box.fill(SENTENCE)
    page.locator(".widget-button", has_text="classify").first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.bmw-tokens .bmw-token')]"
        ".some(e => e.textContent === 'masterpiece')",
        timeout=60_000,
    )
    shown = _shown(page)
    assert set(shown) == {"rotten", "fresh"} and abs(sum(shown.values()) - 1) < 1e-4
    tokens = page.locator(".bmw-tokens .bmw-token").all_inner_texts()
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and "warm" in tokens

    # the same numbers as the engine gives for the notebook's (cached) fine-tuned model
    from bigmodel_widgets.engine.tasks.nlp import training as nlp_train

    clf, info = nlp_train.finetuned_classifier(nlp_train.FineTuneConfig.quick())
    expected = clf.predict(SENTENCE).probabilities
    for label, p in expected.items():
        assert shown[label] == pytest.approx(p, abs=1e-4)

    page.locator(".widget-toggle-button", has_text="int8 dynamic (TFLite)").first.click()
    page.wait_for_function(
        "() => document.querySelector('.bmw-probabilities').textContent.includes('dynamic range int8')",
        timeout=60_000,
    )
    lite = _shown(page)
    assert abs(sum(lite.values()) - 1) < 1e-4 and lite != shown
