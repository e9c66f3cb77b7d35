"""Looking inside the models: what a CNN, a BERT or a speech model bases its answer on.

base.py (the Explanation record, ExplainError), gradcam.py (Grad-CAM for any Keras Conv2D
model), integrated_gradients.py (IG for any Keras model with a numeric input; the path
integral and its completeness check shared with text), occlusion.py (images, through any
predict callable, a .tflite interpreter included), speech.py (IG over MFCC frames),
faithfulness.py (deletion curves), agreement.py (Spearman rank agreement of two
explanations, e.g. fp32 vs int8), exercises.py (the notebooks' engine-checked exercises).
Text-specific methods (occlusion by [MASK], IG over embeddings, every layer's and head's
attention) live in tasks/nlp/explain.py.
No UI imports here.
"""

from __future__ import annotations

from . import exercises
from .agreement import compare, ranks, spearman
from .base import ExplainError, Explanation, rank_order
from .faithfulness import deletion_curve
from .gradcam import conv_layers, grad_cam
from .integrated_gradients import DEFAULT_STEPS, completeness, integrated_gradients, path_integral
from .occlusion import occlusion_image
from .speech import speech_integrated_gradients

__all__ = [
    "exercises",
    "Explanation",
    "ExplainError",
    "rank_order",
    "DEFAULT_STEPS",
    "grad_cam",
    "conv_layers",
    "integrated_gradients",
    "path_integral",
    "completeness",
    "occlusion_image",
    "speech_integrated_gradients",
    "deletion_curve",
    "ranks",
    "spearman",
    "compare",
]
