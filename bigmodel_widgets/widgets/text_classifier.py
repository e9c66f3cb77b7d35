"""TextClassifier: type a sentence -> label probabilities, wordpieces, and the tokens that drive it.

A thin view over the engine: with the "truncate" strategy ``widget.result`` is exactly what
:func:`engine.tasks.nlp.explain.classify` returns for the chosen model, text and method; with
"head + tail" or "windows" it is exactly :func:`engine.tasks.nlp.long_text.classify_long`'s
result, and the windows view shows every input the model read, its verdict and its weight.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as w

from ..engine import checks
from ..engine.tasks.nlp import explain as nlp_explain
from ..engine.tasks.nlp import long_text
from ..engine.tasks.nlp.classifier import BertTextClassifier, TextClassifierBase, TextPrediction
from ..engine.tasks.nlp.long_text import LongTextPrediction
from ._base import CompositeWidget
from ._html import bar, escape, table
from .attention_view import AttentionView
from .progress import ProgressBar

__all__ = ["TextClassifier", "text_classifier"]

_METHODS = {
    "occlusion ([MASK] each token)": "occlusion",
    "attention from [CLS] (Keras only)": "attention",
    "integrated gradients (Keras only)": "integrated gradients",
    "none": "none",
}
_STRATEGIES = {"truncate": "truncate", "head + tail": "head_tail", "windows": "windows"}
_AGGREGATES = {"mean": "mean", "confidence-weighted": "confidence", "vote": "vote"}
_MAX_ROWS = 64  # windows listed in the view; the rest are summarised in one line
_EXCERPT = 160  # characters of each window's excerpt shown
_LABEL_COLOURS = {"fresh": "#59a14f", "rotten": "#e15759"}
_DEFAULT_TEXT = "A gorgeous, heartfelt film."

Models = TextClassifierBase | Mapping[str, TextClassifierBase]


def _check_models(models: Models) -> dict:
    if isinstance(models, TextClassifierBase):
        models = {models.kind: models}
    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            "models must be a text classifier or a non-empty dict name -> classifier, "
            f"got {type(models).__name__}"
        )
    for name, m in models.items():
        if not isinstance(m, TextClassifierBase):
            raise TypeError(f"models[{name!r}] must be a text classifier, got {type(m).__name__}")
    return dict(models)


class TextClassifier(CompositeWidget):
    """Controls: ``text``, ``model``, ``method``, ``strategy``, ``aggregate``, ``classify_button``.

    Example::

        tc = TextClassifier({"fp32": keras_clf, "int8": tflite_clf})
        tc.text.value = "A gorgeous, heartfelt film"   # tc.result == classify(keras_clf, ...)
        tc.model.value = "int8"                        # the same sentence on the quantized model
        tc.strategy.value = "windows"                  # tc.result == classify_long(int8_clf, ...)

    Parameters:
        models: one text classifier, or a dict name -> classifier (Keras or TFLite).
        text: the sentence shown first.
        method: how to explain the prediction: "occlusion", "attention" (Keras only) or
            None / "none" for no explanation.
        compare: show every model's probability for the predicted label; None means "when
            there is more than one model".
        strategy: for text longer than the model: "truncate" (read the start), "head_tail"
            or "windows" (see :mod:`engine.tasks.nlp.long_text`).
        aggregate: how windows are combined: "mean", "confidence" or "vote".
    """

    def __init__(
        self,
        models: Models,
        *,
        text: str = _DEFAULT_TEXT,
        method: str | None = "occlusion",
        compare: bool | None = None,
        strategy: str = "truncate",
        aggregate: str = "mean",
    ) -> None:
        self.models = _check_models(models)
        strategy = checks.one_of(strategy, name="strategy", choices=long_text.STRATEGIES)
        aggregate = checks.one_of(aggregate, name="aggregate", choices=long_text.AGGREGATES)
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        method = checks.one_of(method or "none", name="method", choices=_METHODS.values())
        if compare is not None:
            compare = checks.boolean(compare, name="compare")
        super().__init__()
        self.text = w.Textarea(
            value=text,
            description="sentence",
            continuous_update=False,
            placeholder="Type a review sentence",
            layout=w.Layout(width="640px", height="64px"),
        )
        self.model = w.ToggleButtons(
            options=list(self.models), description="model", style={"button_width": "auto"}
        )
        self.method = w.Dropdown(
            options=list(_METHODS.items()),
            value=method,
            description="explain by",
            style={"description_width": "initial"},
        )
        self.strategy = w.ToggleButtons(
            options=list(_STRATEGIES.items()),
            value=strategy,
            description="long text",
            style={"button_width": "auto"},
        )
        self.aggregate = w.Dropdown(
            options=list(_AGGREGATES.items()),
            value=aggregate,
            description="combine windows by",
            style={"description_width": "initial"},
        )
        self.classify_button = w.Button(description="classify", button_style="primary", icon="play")
        self.progress = ProgressBar("classifying windows", auto_display=False)
        self.windows_view = w.HTML()
        self.windows_view.add_class("bmw-windows")
        self.probabilities_view = w.HTML()
        self.probabilities_view.add_class("bmw-probabilities")
        self.tokens_view = w.HTML()
        self.tokens_view.add_class("bmw-tokens")
        self.compare_view = w.HTML()
        self.compare = len(self.models) > 1 if compare is None else compare
        self.result: TextPrediction | LongTextPrediction | None = None
        # every layer's and head's attention, for the Keras model (a .tflite one has none)
        keras_models = [m for m in self.models.values() if isinstance(m, BertTextClassifier)]
        self.attention = AttentionView(keras_models[0], text=text) if keras_models else None
        attention_box = w.Accordion(children=[self.attention] if self.attention else [])
        if self.attention:
            attention_box.set_title(0, "attention: any layer and head (Keras model)")

        self.children = [
            self.text,
            w.HBox([self.model, self.method, self.classify_button]),
            w.HBox([self.strategy, self.aggregate]),
            self.probabilities_view,
            self.tokens_view,
            self.windows_view,
            self.progress,
            self.compare_view,
            attention_box,
            self.errors,
        ]
        for control in (self.text, self.model, self.method, self.strategy, self.aggregate):
            control.observe(self._on_change, names="value")
        self.classify_button.on_click(lambda _: self.update())
        self.update()

    @property
    def explain_method(self) -> str | None:
        """The engine's ``method`` argument for the dropdown's choice ("none" -> None)."""
        return None if self.method.value == "none" else self.method.value

    @property
    def classifier(self) -> TextClassifierBase:
        return self.models[self.model.value]

    def _on_change(self, change) -> None:
        self.update()

    def classify(self, clf: TextClassifierBase):
        """The engine call for ``clf`` with the current text and settings (what ``result`` is)."""
        if self.strategy.value == "truncate":
            return nlp_explain.classify(clf, self.text.value, self.explain_method)
        return long_text.classify_long(
            clf,
            self.text.value,
            strategy=self.strategy.value,
            aggregate=self.aggregate.value,
            progress=self.progress,
        )

    def update(self) -> None:
        """Classify the current text with the current model and settings, and render it."""
        self.aggregate.disabled = self.strategy.value != "windows"
        with self.guard("Cannot classify this text"):
            self.result = self.classify(self.classifier)
            self._render(self.result)
            self._render_compare()
            self._update_attention()
            return
        self.result = None
        self.probabilities_view.value = (
            "<i>probabilities: not available (see the message below)</i>"
        )
        self.tokens_view.value = ""
        self.windows_view.value = ""
        self.compare_view.value = ""

    def _update_attention(self) -> None:
        if self.attention is None or not isinstance(self.classifier, BertTextClassifier):
            return
        self.attention.clf = self.classifier
        self.attention.show(self.text.value)

    # ---- rendering: formatting only, every number comes from the engine's Prediction ----
    def _render(self, r: TextPrediction | LongTextPrediction) -> None:
        # data-label / data-prob carry the exact numbers for tests and the browser checks
        bars = "".join(
            f'<div class="bmw-prob" data-label="{escape(label)}" data-prob="{p:.6f}" '
            f'style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="width:70px">{escape(label)}</span>'
            f"{bar(p, width_px=300, height_px=14, colour=_LABEL_COLOURS.get(label, '#4e79a7'))}"
            f"<span>{100 * p:.1f}%</span></div>"
            for label, p in r.probabilities.items()
        )
        self.probabilities_view.value = (
            f'<div><b class="bmw-label" data-label="{escape(r.label)}">{escape(r.label)}</b>'
            f" according to <i>{escape(r.model)}</i></div>{bars}"
        )
        if isinstance(r, LongTextPrediction):
            self.tokens_view.value = (
                f"<div><b>{r.n_wordpieces} wordpieces</b> <small>(token explanations are for one "
                "input: choose 'truncate', or paste one window's text)</small></div>"
            )
            self.windows_view.value = self._windows_html(r)
        else:
            self.tokens_view.value = self._tokens_html(r)
            self.windows_view.value = ""

    @staticmethod
    def _windows_html(r: LongTextPrediction) -> str:
        if r.strategy == "head_tail":
            how = f"the first {r.head} and the last {r.window - r.head} wordpieces"
        elif r.strategy == "windows":
            how = f"windows of {r.window} wordpieces every {r.stride}, combined by {r.aggregate}"
        else:
            how = f"the first {r.window} wordpieces only"
        rows = []
        for win in r.windows[:_MAX_ROWS]:
            p = win.probabilities[win.label]
            colour = _LABEL_COLOURS.get(win.label, "#4e79a7")
            spans = " + ".join(f"{s}–{e}" for s, e in win.spans)
            excerpt = win.excerpt if len(win.excerpt) <= _EXCERPT else win.excerpt[:_EXCERPT] + "…"
            mark = "★" if win.drove else ""
            rows.append(
                (
                    f'<span class="bmw-window" data-index="{win.index}" '
                    f'data-label="{escape(win.label)}" data-prob="{p:.6f}" '
                    f'data-weight="{win.weight:.6f}" data-drove="{str(win.drove).lower()}">'
                    f"{win.index}</span>",
                    escape(spans),
                    f'<small title="{escape(win.excerpt)}">{escape(excerpt)}</small>',
                    f"{bar(p, width_px=80, colour=colour)} {escape(win.label)} {100 * p:.0f}%",
                    f"{bar(win.weight, width_px=60)} {win.weight:.2f}",
                    mark,
                )
            )
        more = len(r.windows) - _MAX_ROWS
        notes = [r.note] if r.note else []
        if more > 0:
            notes.append(f"{more} more windows not listed (all of them count in the result)")
        note_html = "".join(
            f'<div class="bmw-long-note" style="color:#b07000">{escape(n)}</div>' for n in notes
        )
        head = (
            f"<div><b>{len(r.windows)} input(s)</b> read: {escape(how)}; ★ = agrees with the "
            f"verdict ({r.n_wordpieces} wordpieces, {r.coverage:.0%} read)</div>"
        )
        grid = table(
            rows,
            header=("#", "wordpieces", "excerpt", "verdict", "weight", ""),
            css_class="bmw-windows-table",
            raw=True,
        )
        return head + grid + note_html

    @staticmethod
    def _tokens_html(r: TextPrediction) -> str:
        scores = r.scores or [0.0] * len(r.tokens)
        top = max((abs(s) for s in scores), default=0.0) or 1.0
        chips = []
        for tok, s in zip(r.tokens, scores):
            alpha = min(abs(s) / top, 1.0) * 0.8
            rgb = "89,161,79" if s >= 0 else "225,87,89"  # supports / opposes the prediction
            chips.append(
                f'<span class="bmw-token" title="{s:+.4f}" style="padding:1px 3px;'
                f"margin:1px;border:1px solid #ccc;border-radius:3px;"
                f'background:rgba({rgb},{alpha:.2f})">{escape(tok)}</span>'
            )
        how = {
            "occlusion": "green = masking it lowers the predicted label's probability",
            "attention": "shade = last layer's attention from [CLS], averaged over heads",
            "integrated gradients": "green = the embedding's path from [PAD] raises the "
            "predicted label's probability",
            None: "no explanation selected",
        }[r.method]
        note = (
            f'<div class="bmw-truncated" style="color:#b07000">truncated: the text has '
            f"{r.n_wordpieces} wordpieces, the model reads the first {r.max_length}</div>"
            if r.truncated
            else ""
        )
        return (
            f"<div><b>{len(r.tokens)} wordpieces</b> <small>({how})</small></div>"
            f'<div style="line-height:1.9">{"".join(chips)}</div>{note}'
        )

    def _render_compare(self) -> None:
        if not self.compare:
            self.compare_view.value = ""
            return
        label = self.result.label
        long = isinstance(self.result, LongTextPrediction)
        rows = [
            (
                name,
                f"{(self.classify(m) if long else m.predict(self.text.value)).probabilities[label]:.4f}",
            )
            for name, m in self.models.items()
        ]
        self.compare_view.value = table(
            rows, header=("model", f"P({label})"), css_class="bmw-compare"
        )


def text_classifier(
    models: Models,
    *,
    text: str = _DEFAULT_TEXT,
    method: str | None = "occlusion",
    compare: bool | None = None,
    strategy: str = "truncate",
    aggregate: str = "mean",
) -> TextClassifier:
    """One-call helper: a :class:`TextClassifier` over ``models`` (one classifier or a dict).

    The parameters are :class:`TextClassifier`'s.
    """
    return TextClassifier(
        models, text=text, method=method, compare=compare, strategy=strategy, aggregate=aggregate
    )
