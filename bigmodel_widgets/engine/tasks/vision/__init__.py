"""Chapter 5, computer vision: the text's CNN and a stronger one on real digits.

models.py builds, augments and saves the CNNs; training.py trains, evaluates and caches them;
preprocess.py turns any image into the model's input and a prediction; numbers.py reads a
row of digits (a number) and number_eval.py measures it. Decoding images is the
engine core's job (engine/images.py), the digits split too (engine/splits.py).
"""

from __future__ import annotations

# Re-exported so notebooks reach the whole chapter as ``bmw.vision.<name>``.
from ..._aliases import module_aliases
from ...images import ImageInputError, decode_image, read_image, sample_path, to_rgb
from ...splits import DigitSplit
from . import models, number_eval, numbers, preprocess, training
from .models import (
    FULL_EPOCHS,
    INPUT_SHAPE,
    MODEL_KINDS,
    QUICK_TRAIN,
    RECIPES,
    Augment,
    build_cnn,
    digits_to_input,
    load_digit_data,
    load_model,
    pipeline_augment,
    random_affine,
    recipe_augment,
    save_model,
)
from .number_eval import (
    NumberSample,
    check_least_confident,
    check_number_accuracy_estimate,
    digit_errors,
    evaluate_numbers,
    make_number,
    numbers_dataset,
)
from .numbers import NumberReading, Segment, read_number, segment_digits
from .preprocess import (
    DigitPrediction,
    DigitPrep,
    classify_digit,
    load_any,
    predict_probs,
    prepare_digit,
    prepare_photo,
    resize,
    top_k,
)
from .training import CnnTrainResult, DigitEvaluation, evaluate, pretrained_cnn, train_cnn

__all__ = [
    "models",
    "preprocess",
    "training",
    "INPUT_SHAPE",
    "MODEL_KINDS",
    "RECIPES",
    "FULL_EPOCHS",
    "QUICK_TRAIN",
    "Augment",
    "DigitSplit",
    "CnnTrainResult",
    "DigitEvaluation",
    "load_digit_data",
    "digits_to_input",
    "build_cnn",
    "random_affine",
    "recipe_augment",
    "pipeline_augment",
    "train_cnn",
    "evaluate",
    "save_model",
    "load_model",
    "pretrained_cnn",
    "ImageInputError",
    "decode_image",
    "read_image",
    "sample_path",
    "to_rgb",
    "DigitPrep",
    "DigitPrediction",
    "classify_digit",
    "load_any",
    "predict_probs",
    "prepare_digit",
    "prepare_photo",
    "resize",
    "top_k",
    # a handwritten number, not a digit
    "numbers",
    "number_eval",
    "Segment",
    "NumberReading",
    "NumberSample",
    "make_number",
    "segment_digits",
    "read_number",
    "numbers_dataset",
    "digit_errors",
    "evaluate_numbers",
    "check_least_confident",
    "check_number_accuracy_estimate",
]

# Old names, kept for one release (not in __all__: no two public things share a name).
__getattr__ = module_aliases(
    __name__,
    {
        "DigitData": "DigitSplit",
        "Prediction": "DigitPrediction",
        "Evaluation": "DigitEvaluation",
        "TrainResult": "CnnTrainResult",
    },
)
