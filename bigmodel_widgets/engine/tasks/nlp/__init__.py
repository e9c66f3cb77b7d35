"""Chapter 4, NLP: a real pretrained BERT (MiniLM) in TensorFlow, offline.

classifier.py wraps tokenizer + model; training.py fine-tunes and caches it; tflite.py
compresses it; explain.py shows which words drive a prediction; long_text.py reads text longer
than the model (truncation, head + tail, sliding windows), long_documents.py measures that;
exercises.py checks the chapter's exercises.

Kept for one release: ``Prediction`` (now ``TextPrediction``).
"""

from __future__ import annotations

from ..._aliases import module_aliases
from . import classifier, exercises, explain, long_documents, long_text, tflite, training
from .classifier import (  # the chapter reads as bmw.nlp.<name>
    LABELS,
    BertTextClassifier,
    TextClassifierBase,
    TextPrediction,
    check_text,
    load_bert,
    load_tokenizer,
    softmax,
    tiny_classifier,
)

__all__ = [
    "classifier",
    "exercises",
    "explain",
    "long_documents",
    "long_text",
    "tflite",
    "training",
    "LABELS",
    "TextPrediction",
    "TextClassifierBase",
    "BertTextClassifier",
    "check_text",
    "load_tokenizer",
    "load_bert",
    "tiny_classifier",
    "softmax",
]

__getattr__ = module_aliases(__name__, {"Prediction": "TextPrediction"})
