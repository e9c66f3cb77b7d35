"""AttentionView: every layer's and head's attention of the Keras BERT, drawn locally (no CDN).

bertviz draws the same picture but loads its scripts from a CDN; this view is plain HTML made
in the kernel. ``view.matrix`` is exactly ``attention_maps(clf, text).weights[layer, head]``
(or the mean over heads).
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..engine import backend
from ..engine.i18n import t
from ..engine.tasks.nlp import explain as nlp_explain
from ._base import CompositeWidget
from ._explain_view import attention_grid
from .progress import ProgressBar

__all__ = ["AttentionView", "attention_view", "MEAN_OF_HEADS"]

MEAN_OF_HEADS = "mean"


class AttentionView(CompositeWidget):
    """Controls: ``text``, ``layer`` and ``head`` (a head's number or "mean"); ``maps``, ``matrix``.

    Example::

        view = AttentionView(clf, text="A gorgeous film.")
        view.layer.value, view.head.value = 2, "1"   # view.matrix == maps.weights[2, 1]
    """

    def __init__(self, clf, *, text: str = "A gorgeous, heartfelt film.", layer: int = -1) -> None:
        """``clf`` a BertTextClassifier; ``layer`` the one shown first (-1: the last)."""
        super().__init__()
        self.clf = clf
        self.maps: nlp_explain.AttentionMaps | None = None
        self.matrix: np.ndarray | None = None
        self.text = w.Text(
            value=text,
            description=t("attn.text"),
            continuous_update=False,
            layout=w.Layout(width="480px"),
        )
        self.layer = w.Dropdown(options=[0], value=0, description=t("attn.layer"))
        self.head = w.Dropdown(
            options=[(t("attn.mean"), MEAN_OF_HEADS)],
            value=MEAN_OF_HEADS,
            description=t("attn.head"),
        )
        self.view = w.HTML()
        self.view.add_class("bmw-attention-view")
        self.children = [self.text, w.HBox([self.layer, self.head]), self.view, self.errors]
        self._first_layer = layer
        self.text.observe(lambda _: self.show(), names="value")
        self.layer.observe(lambda _: self._draw(), names="value")
        self.head.observe(lambda _: self._draw(), names="value")
        self.show()

    def show(self, text: str | None = None) -> None:
        """Compute every layer's and head's attention for ``text`` (default: the text box)."""
        if text is not None and text != self.text.value:
            self.text.value = text  # observed: calls show() again
            return
        self.maps = self.matrix = None
        with self.guard(t("attn.cannot_show")):
            maps = nlp_explain.attention_maps(self.clf, self.text.value)
            layers, heads = maps.weights.shape[:2]
            with self.hold_trait_notifications():
                keep_layer = self.layer.value if len(self.layer.options) == layers else None
                self.layer.options = list(range(layers))
                self.layer.value = (
                    keep_layer if keep_layer is not None else range(layers)[self._first_layer]
                )
                keep_head = (
                    self.head.value if len(self.head.options) == heads + 1 else MEAN_OF_HEADS
                )
                self.head.options = [(t("attn.mean"), MEAN_OF_HEADS)] + [
                    (str(h), str(h)) for h in range(heads)
                ]
                self.head.value = keep_head
            self.maps = maps
            self._draw()
            return
        self.view.value = f"<i>{t('attn.not_available')}</i>"

    def _draw(self) -> None:
        if self.maps is None:
            return
        layer, head = self.layer.value, self.head.value
        weights = self.maps.weights[layer]
        self.matrix = (
            weights.mean(axis=0) if head == MEAN_OF_HEADS else self.maps.head(layer, int(head))
        )
        self.view.value = attention_grid(self.maps.tokens, self.matrix, layer=layer, head=head)


def attention_view(
    clf=None, *, text: str = "A gorgeous, heartfelt film.", quick: bool | None = None
) -> AttentionView:
    """One call: chapter 4's fine-tuned classifier (cached; trained now with a progress bar)
    in an :class:`AttentionView`. ``quick`` defaults to ``bmw.quick_mode()``."""
    if clf is None:
        from ..engine.tasks.nlp import training as nlp_train

        quick = backend.quick_mode() if quick is None else quick
        config = nlp_train.FineTuneConfig.default(quick=quick)
        clf, _ = nlp_train.finetuned_classifier(
            config, progress=ProgressBar(t("attn.progress_finetune"))
        )
    return AttentionView(clf, text=text)
