"""Chapter 5: held-out accuracy of the text's CNN and the strong CNN on MNIST-5k, epoch time and
prediction latency."""

from __future__ import annotations

import time

import numpy as np

from ..engine import backend
from ..engine.tasks import vision

__all__ = ["run", "TARGETS"]

TARGETS = {"text_cnn_accuracy": 0.97, "strong_cnn_accuracy": 0.985}


def _predict_ms(model, x: np.ndarray, repeats: int) -> dict:
    """Median milliseconds per image: one image at a time (interactive use) and in a batch."""
    vision.predict_probs(model, x[:1])  # warm-up: the first call traces the graph
    single = []
    for i in range(repeats):
        t0 = time.perf_counter()
        vision.predict_probs(model, x[i % len(x) : i % len(x) + 1])
        single.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    vision.predict_probs(model, x)
    batched = (time.perf_counter() - t0) / len(x)
    return {
        "batch1": round(float(np.median(single)) * 1e3, 3),
        f"batch{len(x)}_per_image": round(batched * 1e3, 4),
    }


def run(quick: bool = False) -> dict:
    import cv2

    cv2.setNumThreads(1)  # augmentation warps one 28x28 image at a time: threads only add overhead
    data = vision.load_digit_data()
    n_train = vision.QUICK_TRAIN if quick else len(data.x_train)
    out: dict = {
        "benchmark": "vision",
        "quick": quick,
        "train_images": n_train,
        "test_images": len(data.x_test),
        "recipes": vision.RECIPES,
        "epochs": {},
        "epoch_s": {},
        "predict_ms": {},
        "params": {},
    }
    x = vision.digits_to_input(data.x_test[:256])
    for kind in vision.MODEL_KINDS:
        epochs = 1 if quick else vision.FULL_EPOCHS[kind]
        result = vision.train_cnn(
            kind, data, epochs=epochs, augment=vision.recipe_augment(kind), max_train=n_train
        )  # never the cache: epoch_s is measured
        out[f"{kind}_cnn_accuracy"] = round(result.test_accuracy, 4)
        out["epochs"][kind] = epochs
        out["epoch_s"][kind] = round(float(np.mean(result.epoch_s)), 2)
        out["predict_ms"][kind] = _predict_ms(result.model, x, 50 if quick else 200)
        out["params"][kind] = int(result.model.count_params())
    sample = vision.sample_path("digit_photo_7.jpg")
    t0 = time.perf_counter()
    for _ in range(20):
        vision.prepare_digit(sample)
    out["prepare_digit_ms"] = round((time.perf_counter() - t0) / 20 * 1e3, 2)
    out["targets"] = TARGETS
    out["meets_targets"] = {k: out[k] >= v for k, v in TARGETS.items()}
    out["tf_threads"] = {
        "intra": backend.tf().config.threading.get_intra_op_parallelism_threads(),
        "inter": backend.tf().config.threading.get_inter_op_parallelism_threads(),
    }
    return out
