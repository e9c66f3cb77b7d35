"""bigmodel_widgets: a Jupyter-first workbench for how large neural models are made practical.

``import bigmodel_widgets`` is cheap: it loads no TensorFlow, transformers, OpenCV, NVML or
ipywidgets. Public names resolve lazily on first use (PEP 562), so notebooks import from here.
"""

from __future__ import annotations

import importlib
import warnings

from .engine import backend as _backend  # noqa: F401  sets TF_USE_LEGACY_KERAS before any TensorFlow import

__version__ = "0.1.0"

# public name -> module that defines it. Chapters add their entries here.
_LAZY = {
    # bootstrap and data
    "tf": "bigmodel_widgets.engine.backend",
    "keras": "bigmodel_widgets.engine.backend",
    "tfmot": "bigmodel_widgets.engine.backend",
    "training_clock": "bigmodel_widgets.engine.training",
    "tf_keras_active": "bigmodel_widgets.engine.backend",
    "quick_mode": "bigmodel_widgets.engine.backend",
    "cache_dir": "bigmodel_widgets.engine.backend",
    "data": "bigmodel_widgets.engine.data",
    "DatasetUnavailable": "bigmodel_widgets.engine.data",
    "doctor": "bigmodel_widgets.engine.doctor",
    "ProgressBar": "bigmodel_widgets.widgets.progress",
    "mnist5k_split": "bigmodel_widgets.engine.splits",
    "DigitSplit": "bigmodel_widgets.engine.splits",
    # exercises checked by the engine, and the language of every message (issue 17)
    "exercises": "bigmodel_widgets.engine.exercises",
    "ExerciseCheck": "bigmodel_widgets.engine.exercises",
    "set_language": "bigmodel_widgets.engine.i18n",
    "get_language": "bigmodel_widgets.engine.i18n",
    # chapter 0: large models
    "sizing": "bigmodel_widgets.engine.sizing",
    "TransformerConfig": "bigmodel_widgets.engine.sizing",
    "estimate": "bigmodel_widgets.engine.sizing",
    "estimate_keras_model": "bigmodel_widgets.engine.sizing",
    "ModelSizeCalculator": "bigmodel_widgets.widgets.model_size",
    "model_size_calculator": "bigmodel_widgets.widgets.model_size",
    "context_lab": "bigmodel_widgets.engine.context_lab",
    "ContextExplorer": "bigmodel_widgets.widgets.context_explorer",
    "context_explorer": "bigmodel_widgets.widgets.context_explorer",
    # chapter 3: model compression
    "compression": "bigmodel_widgets.engine.compression",
    "CompressionExplorer": "bigmodel_widgets.widgets.compression_explorer",
    "explore_compression": "bigmodel_widgets.widgets.compression_explorer",
    # chapter 2: parallel computing
    "devices": "bigmodel_widgets.engine.devices",
    "parallel": "bigmodel_widgets.engine.parallel",
    "inventory": "bigmodel_widgets.engine.devices",
    "Sampler": "bigmodel_widgets.engine.devices",
    "FakeBackend": "bigmodel_widgets.engine.devices",
    "NA": "bigmodel_widgets.engine.devices",
    "place": "bigmodel_widgets.engine.parallel",
    "resolve_device": "bigmodel_widgets.engine.parallel",
    "split_cpu": "bigmodel_widgets.engine.parallel",
    "make_strategy": "bigmodel_widgets.engine.parallel",
    "train_mlp": "bigmodel_widgets.engine.parallel",
    "compare_strategies": "bigmodel_widgets.engine.parallel",
    "throughput_sweep": "bigmodel_widgets.engine.parallel",
    "mixed_precision_support": "bigmodel_widgets.engine.parallel",
    "run_isolated": "bigmodel_widgets.engine.parallel",
    "run_multi_worker": "bigmodel_widgets.engine.parallel",
    "WorkerError": "bigmodel_widgets.engine.parallel",
    "DeviceDashboard": "bigmodel_widgets.widgets.device_dashboard",
    "device_dashboard": "bigmodel_widgets.widgets.device_dashboard",
    "TrainingLog": "bigmodel_widgets.engine.devices",
    # chapters 1 + 2: the input-pipeline lab
    "InputSettings": "bigmodel_widgets.engine.augment.pipeline_lab",
    "run_input_lab": "bigmodel_widgets.engine.augment.pipeline_lab",
    "PipelineLab": "bigmodel_widgets.widgets.pipeline_lab",
    "pipeline_lab": "bigmodel_widgets.widgets.pipeline_lab",
    # chapter 6: speech
    "speech": "bigmodel_widgets.engine.tasks.speech",
    "speech_models": "bigmodel_widgets.engine.tasks.speech.models",
    "speech_frontend": "bigmodel_widgets.engine.tasks.speech.frontend",
    "speech_strings": "bigmodel_widgets.engine.tasks.speech.strings",
    "SpeechExplorer": "bigmodel_widgets.widgets.speech_explorer",
    "speech_explorer": "bigmodel_widgets.widgets.speech_explorer",
    # chapter 1: data augmentation
    "augment": "bigmodel_widgets.engine.augment",
    "augment_text": "bigmodel_widgets.engine.augment.text_reference",
    "augment_dataset": "bigmodel_widgets.engine.augment.tfdata",
    "Pipeline": "bigmodel_widgets.engine.augment",
    "Params": "bigmodel_widgets.engine.augment",
    "Draw": "bigmodel_widgets.engine.augment",
    "Augmented": "bigmodel_widgets.engine.augment",
    "text_pipeline": "bigmodel_widgets.engine.augment",
    "TRANSFORMS": "bigmodel_widgets.engine.augment",
    "preview_samples": "bigmodel_widgets.engine.augment",
    "working_copy": "bigmodel_widgets.engine.augment",
    "Rotate": "bigmodel_widgets.engine.augment",
    "RandomCrop": "bigmodel_widgets.engine.augment",
    "HorizontalFlip": "bigmodel_widgets.engine.augment",
    "VerticalFlip": "bigmodel_widgets.engine.augment",
    "Scale": "bigmodel_widgets.engine.augment",
    "Translate": "bigmodel_widgets.engine.augment",
    "Shear": "bigmodel_widgets.engine.augment",
    "Perspective": "bigmodel_widgets.engine.augment",
    "Resize": "bigmodel_widgets.engine.augment",
    "Brightness": "bigmodel_widgets.engine.augment",
    "Contrast": "bigmodel_widgets.engine.augment",
    "Gamma": "bigmodel_widgets.engine.augment",
    "HueSaturation": "bigmodel_widgets.engine.augment",
    "GaussianBlur": "bigmodel_widgets.engine.augment",
    "GaussianNoise": "bigmodel_widgets.engine.augment",
    "Cutout": "bigmodel_widgets.engine.augment",
    "AugmentationPreview": "bigmodel_widgets.widgets.augmentation_preview",
    "preview_augmentations": "bigmodel_widgets.widgets.augmentation_preview",
    # chapter 5: computer vision
    "vision": "bigmodel_widgets.engine.tasks.vision",
    "ImageInputError": "bigmodel_widgets.engine.images",
    "read_image": "bigmodel_widgets.engine.images",
    "sample_path": "bigmodel_widgets.engine.images",
    "prepare_digit": "bigmodel_widgets.engine.tasks.vision.preprocess",
    "classify_digit": "bigmodel_widgets.engine.tasks.vision.preprocess",
    "read_number": "bigmodel_widgets.engine.tasks.vision.numbers",
    "ImageClassifier": "bigmodel_widgets.widgets.image_classifier",
    "image_classifier": "bigmodel_widgets.widgets.image_classifier",
    "DrawingCanvas": "bigmodel_widgets.widgets.image_classifier",
    # chapter 4: NLP
    "nlp": "bigmodel_widgets.engine.tasks.nlp",
    "nlp_train": "bigmodel_widgets.engine.tasks.nlp.training",
    "nlp_tflite": "bigmodel_widgets.engine.tasks.nlp.tflite",
    "nlp_explain": "bigmodel_widgets.engine.tasks.nlp.explain",
    "BertTextClassifier": "bigmodel_widgets.engine.tasks.nlp",
    "TextPrediction": "bigmodel_widgets.engine.tasks.nlp",
    "TFLiteTextClassifier": "bigmodel_widgets.engine.tasks.nlp.tflite",
    "FineTuneConfig": "bigmodel_widgets.engine.tasks.nlp.training",
    "finetuned_classifier": "bigmodel_widgets.engine.tasks.nlp.training",
    "nlp_long": "bigmodel_widgets.engine.tasks.nlp.long_text",
    "nlp_exercises": "bigmodel_widgets.engine.tasks.nlp.exercises",
    "classify_long": "bigmodel_widgets.engine.tasks.nlp.long_text",
    "LongTextPrediction": "bigmodel_widgets.engine.tasks.nlp.long_text",
    "long_documents": "bigmodel_widgets.engine.tasks.nlp.long_documents",
    "evaluate_long_documents": "bigmodel_widgets.engine.tasks.nlp.long_documents",
    "TextClassifier": "bigmodel_widgets.widgets.text_classifier",
    # looking inside the models (chapters 3-6)
    "explain": "bigmodel_widgets.engine.explain",
    "Explanation": "bigmodel_widgets.engine.explain",
    "AttentionView": "bigmodel_widgets.widgets.attention_view",
    "attention_view": "bigmodel_widgets.widgets.attention_view",
    "text_classifier": "bigmodel_widgets.widgets.text_classifier",
}

# names that are modules themselves rather than attributes of one
_MODULES = {
    "augment",
    "augment_text",
    "compression",
    "context_lab",
    "data",
    "devices",
    "doctor",
    "exercises",
    "explain",
    "nlp",
    "nlp_exercises",
    "nlp_explain",
    "nlp_long",
    "nlp_tflite",
    "nlp_train",
    "parallel",
    "sizing",
    "speech",
    "speech_frontend",
    "speech_strings",
    "speech_models",
    "vision",
}

# Old public name -> its new public name, kept working for one release (CHANGELOG.md lists them).
# Using one warns once with a DeprecationWarning naming the new name.
_ALIASES: dict[str, str] = {}
# Public names on their way out: each use warns with a DeprecationWarning naming what replaces it.
_DEPRECATED: dict[str, str] = {
    "nlp_exercises": 'bmw.exercises.check("ch4.window_spans", ...) and the other ch4.* '
    "exercises (bmw.exercises.list(chapter=4))",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name in _ALIASES:
        new = _ALIASES[name]
        warnings.warn(
            f"bigmodel_widgets.{name} is now bigmodel_widgets.{new}; the old name "
            f"goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return __getattr__(new)
    if name not in _LAZY:
        raise AttributeError(f"module 'bigmodel_widgets' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name])
    value = module if name in _MODULES else getattr(module, name)
    if name in _DEPRECATED:  # not cached: every use warns
        warnings.warn(
            f"bigmodel_widgets.{name} is deprecated; use {_DEPRECATED[name]}",
            DeprecationWarning,
            stacklevel=2,
        )
        return value
    globals()[name] = value
    return value


def __dir__():
    return __all__
