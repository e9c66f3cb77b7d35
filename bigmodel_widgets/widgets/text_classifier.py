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
from ..engine.i18n import t
from ..engine.tasks.nlp import explain as nlp_explain
from ..engine.tasks.nlp import long_text
from ..engine.tasks.nlp.classifier import BertTextClassifier, TextClassifierBase, TextPrediction
from ..engine.tasks.nlp.long_text import LongTextPrediction
from ._base import CompositeWidget
from ._html import bar, escape, table
from .attention_view import AttentionView
from .progress import ProgressBar

__all__ = ["TextClassifier", "text_classifier"]

# value -> the key of its label (text.method.<key>, text.strategy.<value>, text.agg.<value>)
_METHODS = {
    "occlusion": "occlusion",
    "attention": "attention",
    "integrated gradients": "ig",
    "none": "none",
}
_STRATEGIES = ("truncate", "head_tail", "windows")
_AGGREGATES = ("mean", "confidence", "vote")
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
        method = checks.one_of(method or "none", name="method", choices=list(_METHODS))
        if compare is not None:
            compare = checks.boolean(compare, name="compare")
        super().__init__()
        self.text = w.Textarea(
            value=text,
            description=t("text.sentence"),
            continuous_update=False,
            placeholder=t("text.placeholder"),
            layout=w.Layout(width="640px", height="64px"),
        )
        self.model = w.ToggleButtons(
            options=list(self.models), description=t("text.model"), style={"button_width": "auto"}
        )
        self.method = w.Dropdown(
            options=[(t(f"text.method.{k}"), v) for v, k in _METHODS.items()],
            value=method,
            description=t("text.explain_by"),
            style={"description_width": "initial"},
        )
        self.strategy = w.ToggleButtons(
            options=[(t(f"text.strategy.{v}"), v) for v in _STRATEGIES],
            value=strategy,
            description=t("text.long_text"),
            style={"button_width": "auto"},
        )
        self.aggregate = w.Dropdown(
            options=[(t(f"text.agg.{v}"), v) for v in _AGGREGATES],
            value=aggregate,
            description=t("text.combine_by"),
            style={"description_width": "initial"},
        )
        self.classify_button = w.Button(
            description=t("text.classify"), button_style="primary", icon="play"
        )
        self.progress = ProgressBar(t("text.progress_windows"), auto_display=False)
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
            attention_box.set_title(0, t("text.attention_title"))

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
        with self.guard(t("text.cannot_classify")):
            self.result = self.classify(self.classifier)
            self._render(self.result)
            self._render_compare()
            self._update_attention()
            return
        self.result = None
        self.probabilities_view.value = f"<i>{t('text.no_probabilities')}</i>"
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
            f'<span style="width:70px">{escape(_label_text(label))}</span>'
            f"{bar(p, width_px=300, height_px=14, colour=_LABEL_COLOURS.get(label, '#4e79a7'))}"
            f"<span>{100 * p:.1f}%</span></div>"
            for label, p in r.probabilities.items()
        )
        verdict = t(
            "text.according_to",
            label=f'<b class="bmw-label" data-label="{escape(r.label)}">'
            f"{escape(_label_text(r.label))}</b>",
            model=escape(r.model),
        )
        self.probabilities_view.value = f"<div>{verdict}</div>{bars}"
        if isinstance(r, LongTextPrediction):
            self.tokens_view.value = f"<div>{t('text.long_tokens', n=r.n_wordpieces)}</div>"
            self.windows_view.value = self._windows_html(r)
        else:
            self.tokens_view.value = self._tokens_html(r)
            self.windows_view.value = ""

    @staticmethod
    def _windows_html(r: LongTextPrediction) -> str:
        if r.strategy == "head_tail":
            how = t("text.how_head_tail", head=r.head, tail=r.window - r.head)
        elif r.strategy == "windows":
            how = t(
                "text.how_windows",
                window=r.window,
                stride=r.stride,
                aggregate=t(f"text.agg_by.{r.aggregate}"),
            )
        else:
            how = t("text.how_truncate", window=r.window)
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
                    f"{bar(p, width_px=80, colour=colour)} {escape(_label_text(win.label))} "
                    f"{100 * p:.0f}%",
                    f"{bar(win.weight, width_px=60)} {win.weight:.2f}",
                    mark,
                )
            )
        more = len(r.windows) - _MAX_ROWS
        notes = [r.note] if r.note else []
        if more > 0:
            notes.append(t("text.more_windows", n=more))
        note_html = "".join(
            f'<div class="bmw-long-note" style="color:#b07000">{escape(n)}</div>' for n in notes
        )
        head = t(
            "text.windows_head",
            n=len(r.windows),
            how=escape(how),
            wordpieces=r.n_wordpieces,
            coverage=f"{r.coverage:.0%}",
        )
        head = f"<div>{head}</div>"
        grid = table(
            rows,
            header=(
                "#",
                t("text.col_wordpieces"),
                t("text.col_excerpt"),
                t("text.col_verdict"),
                t("text.col_weight"),
                "",
            ),
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
        how = t(f"text.how.{_METHODS.get(r.method, 'none')}")
        note = (
            f'<div class="bmw-truncated" style="color:#b07000">'
            f"{t('text.truncated', n=r.n_wordpieces, max=r.max_length)}</div>"
            if r.truncated
            else ""
        )
        return (
            f"<div>{t('text.tokens_head', n=len(r.tokens), how=how)}</div>"
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
            rows, header=(t("text.model"), f"P({_label_text(label)})"), css_class="bmw-compare"
        )


def _label_text(label: str) -> str:
    """A class label as the reader sees it: ``text.label.<label>`` when the catalog has it
    (the chapter's "fresh" / "rotten"), else the label itself (a model's own names)."""
    key = f"text.label.{label}"
    text = t(key)
    return label if text == key else text


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
