"""Which wordpieces drive a prediction: occlusion (any model) or [CLS] attention (Keras only)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .classifier import BertTextClassifier, TextClassifierBase, TextPrediction, check_text

__all__ = ["METHODS", "occlusion", "classify"]

METHODS = ("occlusion", "attention")


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
            raise ValueError(
                "method='attention' needs the Keras model (a .tflite model returns "
                "only logits); use method='occlusion'"
            )
        scores = clf.cls_attention(text)
    else:
        scores = occlusion(clf, text)
    return dataclasses.replace(pred, method=method, scores=tuple(float(s) for s in scores))
