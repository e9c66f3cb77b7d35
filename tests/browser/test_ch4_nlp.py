"""Chapter 4 in a real browser: run the notebook, type a sentence into the TextClassifier, click
classify, and see the probabilities the kernel's fine-tuned MiniLM gives for it; then switch to
the int8 TFLite model; then paste a long review into the long-text widget and see its windows."""

from __future__ import annotations

import pytest

from tests.browser._lab import open_notebook, run_all_cells

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]

SENTENCE = "A masterpiece: funny, warm and beautifully acted."
LONG_REVIEW = (
    "The trailer promised a thriller, and for the first forty minutes the film is mostly plot: "
    "a detective, a missing brother, a town with secrets, a great many establishing shots. "
) * 3 + (
    "Then it turns into something else entirely, and the last act is a sour, clumsy, "
    "tedious mess that squanders a fine cast. By the end I stopped caring whodunnit."
)


def _shown(page, which: str = "first") -> dict:
    # the notebook has two TextClassifiers (section 4 and the long-text one in section 6)
    bars = getattr(page.locator(".bmw-probabilities"), which).locator(".bmw-prob")
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
    _long_review_shows_its_windows(page, clf)


def _long_review_shows_its_windows(page, clf) -> None:
    """The section 6 widget (strategy "windows"): paste a long review, see every window."""
    import bigmodel_widgets as bmw

    expected = bmw.classify_long(clf, LONG_REVIEW, strategy="windows")
    box = page.locator(".widget-textarea textarea").last
    box.scroll_into_view_if_needed()
    box.fill(LONG_REVIEW)
    page.locator(".widget-button", has_text="classify").last.click()
    page.wait_for_function(  # the header names the pasted review's wordpiece count
        "n => { const v = [...document.querySelectorAll('.bmw-windows')].pop();"
        " return v && v.textContent.includes(n + ' wordpieces'); }",
        arg=expected.n_wordpieces,
        timeout=60_000,
    )
    view = page.locator(".bmw-windows").last
    windows = view.locator(".bmw-window")
    assert windows.count() == len(expected.windows) > 3
    for i, win in enumerate(expected.windows):
        shown = windows.nth(i)
        assert shown.get_attribute("data-label") == win.label
        assert float(shown.get_attribute("data-prob")) == pytest.approx(
            win.probabilities[win.label], abs=1e-4
        )
        assert shown.get_attribute("data-drove") == str(win.drove).lower()
    assert "forty minutes" in view.inner_text() and "100% read" in view.inner_text()
    shown = _shown(page, "last")
    for label, p in expected.probabilities.items():
        assert shown[label] == pytest.approx(p, abs=1e-4)
