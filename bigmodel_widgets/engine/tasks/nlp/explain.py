"""Which wordpieces drive a prediction: occlusion (any model), integrated gradients over the
embeddings and attention of every layer and head (the Keras model only).

The generic machinery (the path integral, completeness, deletion curves, rank agreement) lives
in ``engine/explain``; this module holds what is particular to text: wordpieces, [MASK], the
[PAD] baseline and BERT's attention tensors.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ...explain.base import ExplainError, Explanation
from ...explain.integrated_gradients import DEFAULT_STEPS, completeness, path_integral
from ...i18n import t
from .classifier import BertTextClassifier, TextClassifierBase, TextPrediction, check_text

__all__ = [
    "METHODS",
    "AttentionMaps",
    "occlusion",
    "integrated_gradients",
    "attention_maps",
    "classify",
]

METHODS = ("occlusion", "attention", "integrated gradients")


def occlusion(clf: TextClassifierBase, text: str) -> np.ndarray:
    """Per kept token: how much the predicted class's probability drops when it is [MASK]ed.

    Works for every model (Keras or TFLite) since it only needs predictions; [CLS]/[SEP]
    score 0. Positive = the token supports the prediction.
    """
    text = check_text(text)
    enc = clf.encode([text])
    n = int(enc["attention_mask"][0].sum())
    mask_id = clf.tokenizer.mask_token_id
    base = clf.predict_proba([text])[0]
    target = int(np.argmax(base))
    if n <= 2:
        return np.zeros(n)
    batch = {k: np.repeat(v, n - 2, axis=0) for k, v in enc.items()}
    for row, pos in enumerate(range(1, n - 1)):  # skip [CLS] and the final [SEP]
        batch["input_ids"][row, pos] = mask_id
    logits = np.concatenate(
        [clf.logits({k: v[i : i + 32] for k, v in batch.items()}) for i in range(0, n - 2, 32)]
    )
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    scores = np.zeros(n)
    scores[1 : n - 1] = base[target] - probs[:, target]
    return scores


def _keras_only(clf, method: str) -> BertTextClassifier:
    if not isinstance(clf, BertTextClassifier):
        names = {"attention": "attention", "integrated gradients": "ig"}
        shown = t(f"text.method_name.{names[method]}") if method in names else method
        raise ExplainError(t("text.err.keras_bert", method=shown, kind=type(clf).__name__))
    return clf


def _kept(clf: BertTextClassifier, text: str) -> dict:
    """The encoded text cut to its kept wordpieces: no padding, so no masked positions."""
    enc = clf.encode([check_text(text)])
    n = int(enc["attention_mask"][0].sum())
    return {k: v[:, :n] for k, v in enc.items()}


def integrated_gradients(
    clf: BertTextClassifier,
    text: str,
    *,
    target: int | None = None,
    steps: int = DEFAULT_STEPS,
    batch: int | None = None,
) -> Explanation:
    """IG over the word embeddings: one score per kept wordpiece (summed over the hidden axis).

    Baseline: every wordpiece's embedding replaced by [PAD]'s, [CLS] and [SEP] kept (so the
    attributions of those two are 0). Explains the class's probability; the completeness
    error compares the scores' sum with p(text) - p(baseline).
    """
    from ... import backend

    clf = _keras_only(clf, "integrated gradients")
    tf = backend.tf()
    enc = _kept(clf, text)
    embed = getattr(clf.model.get_input_embeddings(), "weight", None)
    if embed is None:
        raise ExplainError("the model exposes no word-embedding table (inputs_embeds)")
    ids = enc["input_ids"][0]
    x = tf.gather(embed, ids).numpy()
    base = x.copy()
    base[1:-1] = tf.gather(embed, [clf.tokenizer.pad_token_id]).numpy()
    types = enc["token_type_ids"]

    def fn(e):
        n = tf.shape(e)[0]
        out = clf.model(
            {
                "inputs_embeds": e,
                "attention_mask": tf.ones(tf.shape(e)[:2], tf.int32),
                "token_type_ids": tf.repeat(tf.constant(types), n, axis=0),
            },
            training=False,
        )
        return tf.nn.softmax(out.logits)

    probs = fn(tf.constant(x[None])).numpy()[0]
    if target is None:
        target = int(np.argmax(probs))
    elif target not in range(len(probs)):
        raise ValueError(f"target must be a class index 0..{len(probs) - 1}, got {target!r}")
    attr, fx, fb = path_integral(fn, x, base, target=target, steps=steps, batch=batch)
    return Explanation(
        method="integrated gradients",
        attributions=attr.sum(axis=-1),
        target=int(target),
        score=fx,
        settings={
            "steps": steps,
            "rule": "trapezoid",
            "baseline": "[PAD] embeddings",
            "output": "probability",
        },
        completeness=completeness(attr.sum(), fx - fb),
        units=tuple(clf.tokenizer.convert_ids_to_tokens(ids.tolist())),
    )


@dataclasses.dataclass(frozen=True)
class AttentionMaps:
    """``weights`` (layers, heads, tokens, tokens): row i = how token i spreads its attention."""

    weights: np.ndarray
    tokens: tuple

    @property
    def shape(self) -> tuple:
        return tuple(self.weights.shape)

    def head(self, layer: int, head: int) -> np.ndarray:
        """One (tokens, tokens) map, with the layer and head checked."""
        from ...checks import int_in_range

        layers, heads = self.weights.shape[:2]
        layer = int_in_range(layer, name="layer", low=0, high=layers - 1)
        head = int_in_range(head, name="head", low=0, high=heads - 1)
        return self.weights[layer, head]


def attention_maps(clf: BertTextClassifier, text: str) -> AttentionMaps:
    """Every layer's and head's attention over the kept wordpieces (no padding)."""
    clf = _keras_only(clf, "attention")
    enc = _kept(clf, text)
    out = clf.model(enc, training=False, output_attentions=True)
    if not getattr(out, "attentions", None):
        raise ExplainError("the model returned no attention weights")
    weights = np.stack([a.numpy()[0] for a in out.attentions]).astype(np.float32)
    tokens = tuple(clf.tokenizer.convert_ids_to_tokens(enc["input_ids"][0].tolist()))
    return AttentionMaps(weights=weights, tokens=tokens)


def classify(clf: TextClassifierBase, text, method: str | None = "occlusion") -> TextPrediction:
    """Probabilities, wordpieces and (unless ``method`` is None) one score per wordpiece."""
    if not isinstance(clf, TextClassifierBase):
        raise TypeError(f"clf must be a text classifier, got {type(clf).__name__}")
    if method is not None and method not in METHODS:
        raise ValueError(f"method must be one of {METHODS} or None, got {method!r}")
    pred = clf.predict(text)
    if method is None:
        return pred
    if method == "attention":
        if not isinstance(clf, BertTextClassifier):
            raise ValueError(t("text.err.keras_only", method=t("text.method_name.attention")))
        scores = clf.cls_attention(text)
    elif method == "integrated gradients":
        if not isinstance(clf, BertTextClassifier):
            raise ValueError(t("text.err.keras_only", method=t("text.method_name.ig")))
        scores = integrated_gradients(clf, text).attributions
    else:
        scores = occlusion(clf, text)
    return dataclasses.replace(pred, method=method, scores=tuple(float(s) for s in scores))
