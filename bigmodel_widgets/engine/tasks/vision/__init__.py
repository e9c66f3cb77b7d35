"""Chapter 5, computer vision: the text's CNN and a stronger one on real digits.

models.py trains, saves and caches the CNNs; preprocess.py turns any image into the model's
input and a prediction. Decoding images is the engine core's job (engine/images.py).
"""
from __future__ import annotations

from . import models, preprocess
from .models import (  # the chapter reads as bmw.vision.<name>
    INPUT_SHAPE,
    MODEL_KINDS,
    DigitData,
    TrainResult,
    Evaluation,
    Augment,
    RECIPES,
    FULL_EPOCHS,
    load_digit_data,
    digits_to_input,
    build_cnn,
    random_affine,
    recipe_augment,
    train_cnn,
    evaluate,
    save_model,
    load_model,
    pretrained_cnn,
    pipeline_augment,
    ImageInputError,
    decode_image,
    read_image,
    sample_path,
    to_rgb,
    DigitPrep,
    Prediction,
    classify_digit,
    load_any,
    predict_probs,
    prepare_digit,
    prepare_photo,
    resize,
    top_k,
)

__all__ = ['models', 'preprocess', 'INPUT_SHAPE', 'MODEL_KINDS', 'DigitData', 'TrainResult', 'Evaluation', 'Augment', 'RECIPES', 'FULL_EPOCHS', 'load_digit_data', 'digits_to_input', 'build_cnn', 'random_affine', 'recipe_augment', 'train_cnn', 'evaluate', 'save_model', 'load_model', 'pretrained_cnn', 'pipeline_augment', 'ImageInputError', 'decode_image', 'read_image', 'sample_path', 'to_rgb', 'DigitPrep', 'Prediction', 'classify_digit', 'load_any', 'predict_probs', 'prepare_digit', 'prepare_photo', 'resize', 'top_k']
