"""Chapter 6, speech: a Conv1D model over MFCC frames of real spoken digits.

recognizer.py holds the split, training and the cached recognizer; models.py the Conv1D
models; frontend.py turns a WAV into MFCC frames; strings.py reads spoken digit strings
(segmentation, long WAVs streamed in chunks).
"""

from __future__ import annotations

from ..._aliases import module_aliases
from . import frontend, models, recognizer, strings
from .recognizer import (  # the chapter reads as bmw.speech.<name>
    CACHE_VERSION,
    DIGITS,
    FULL_EPOCHS,
    MIN_FRAMES,
    N_FEATURES,
    QUICK_EPOCHS,
    SpeechPrediction,
    SpeechRecognizer,
    SpeechSplit,
    check_sequences,
    load_split,
    pad_batch,
    train,
    trained_recognizer,
)

__all__ = [
    "frontend",
    "models",
    "recognizer",
    "strings",
    "SpeechSplit",
    "SpeechPrediction",
    "SpeechRecognizer",
    "load_split",
    "check_sequences",
    "pad_batch",
    "train",
    "trained_recognizer",
    "MIN_FRAMES",
    "N_FEATURES",
    "DIGITS",
    "FULL_EPOCHS",
    "QUICK_EPOCHS",
    "CACHE_VERSION",
]

__getattr__ = module_aliases(__name__, {"Prediction": "SpeechPrediction"})  # for one release
