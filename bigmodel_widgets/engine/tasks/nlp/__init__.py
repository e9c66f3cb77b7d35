"""Chapter 4, NLP: a real pretrained BERT (MiniLM) in TensorFlow, offline.

classifier.py wraps tokenizer + model; training.py fine-tunes and caches it; tflite.py
compresses it; explain.py shows which words drive a prediction.
"""
from __future__ import annotations

from . import classifier, explain, tflite, training
from .classifier import (  # the chapter reads as bmw.nlp.<name>
    LABELS,
    Prediction,
    TextClassifierBase,
    BertTextClassifier,
    check_text,
    load_tokenizer,
    load_bert,
    softmax,
)

__all__ = ['classifier', 'explain', 'tflite', 'training', 'LABELS', 'Prediction', 'TextClassifierBase', 'BertTextClassifier', 'check_text', 'load_tokenizer', 'load_bert', 'softmax']
