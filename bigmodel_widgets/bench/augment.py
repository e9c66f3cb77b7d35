"""Chapter 1: rotate ±30° + crop 128x128 on a 256x256 photo, one thread.

Ours against the text's function, Albumentations and Keras layers.
"""

from __future__ import annotations

import statistics
import time

__all__ = ["run"]

TARGETS = {"vs_albumentations": 4.0, "vs_keras": 20.0, "vs_seed": 3.0, "preview_ms": 15.0}
KERAS_BATCH = 64


def _photo():
    import cv2

    from ..engine.data import load_photo

    return cv2.resize(load_photo("astronaut"), (256, 256), interpolation=cv2.INTER_AREA)


def _peers(img, unavailable: dict) -> dict:
    """name -> (callable that augments ``count`` images, images per call)."""
    import numpy as np

    from ..engine.augment import text_pipeline, text_reference

    pipe = text_pipeline(seed=0)
    np.random.seed(0)  # the text's function only knows the global generator
    peers = {"ours": (lambda: pipe(img), 1), "seed": (lambda: text_reference.augment_image(img), 1)}
    try:
        import albumentations as A

        aug = A.Compose([A.Rotate(limit=30, p=1.0), A.RandomCrop(128, 128)], seed=0)
        peers["albumentations"] = (lambda: aug(image=img)["image"], 1)
    except ImportError as exc:
        unavailable["albumentations"] = f"not installed ({exc}); pip install albumentations==2.0.8"
    try:
        import keras  # Keras 3, the standalone package (tf.keras stays tf_keras for the chapters)

        from ..engine.backend import tf

        rot = keras.layers.RandomRotation(30 / 360, fill_mode="constant", seed=0)
        crop = keras.layers.RandomCrop(128, 128, seed=0)
        batch = tf().constant(np.repeat(img[None], KERAS_BATCH, axis=0))

        @tf().function
        def step(x):
            return crop(rot(x, training=True), training=True)

        step(batch)  # trace once outside the timing
        peers["keras"] = (lambda: step(batch).numpy(), KERAS_BATCH)
    except Exception as exc:  # any failure to build the peer is reported, not hidden
        unavailable["keras"] = f"{type(exc).__name__}: {exc}"
    return peers


def _preview_ms(samples: int) -> tuple[float, float]:
    """Median wall-clock ms of a 3x3 grid update (what the widget reports) and its CPU ms: on a
    shared, busy machine the second says what the update costs when it has a core to itself."""
    from ..widgets.augmentation_preview import AugmentationPreview

    view = AugmentationPreview(photo="astronaut", seed=0)
    wall, cpu = [], []
    for seed in range(1, samples + 1):
        c0 = time.thread_time()
        view.seed.value = seed
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append(view.last_update_ms)
    return statistics.median(wall), statistics.median(cpu)


def run(quick: bool = False) -> dict:
    import cv2

    from ..engine import backend

    cv2.setNumThreads(1)
    tf = backend.tf()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow already initialised in this process
        pass
    img = _photo()
    unavailable: dict = {}
    peers = _peers(img, unavailable)
    rounds, images_per_round = (3, 64) if quick else (5, 512)
    per_image_s: dict = {name: [] for name in peers}
    # Peers take turns, round after round, so a busy machine slows them all alike.
    for _ in range(rounds):
        for name, (fn, per_call) in peers.items():
            calls = max(1, images_per_round // per_call)
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            per_image_s[name].append((time.perf_counter() - t0) / (calls * per_call))
    ips = {name: None for name in ("ours", "seed", "albumentations", "keras")}
    ips.update({name: round(1.0 / statistics.median(v), 1) for name, v in per_image_s.items()})

    def ratio(peer):
        return None if ips[peer] is None else round(ips["ours"] / ips[peer], 2)

    ratios = {
        "vs_albumentations": ratio("albumentations"),
        "vs_keras": ratio("keras"),
        "vs_seed": ratio("seed"),
    }
    preview, preview_cpu = (round(v, 2) for v in _preview_ms(10 if quick else 40))
    meets = {k: (None if v is None else v >= TARGETS[k]) for k, v in ratios.items()}
    meets["preview_ms"] = preview <= TARGETS["preview_ms"]
    return {
        "benchmark": "augment",
        "quick": quick,
        "threads": 1,
        "input": "astronaut 256x256 RGB uint8",
        "pipeline": "rotate U(-30,30) deg, then crop 128x128",
        "images_per_s": ips,
        "ratios": ratios,
        "preview_ms": preview,
        "preview_cpu_ms": preview_cpu,
        "targets": TARGETS,
        "meets_targets": meets,
        "not_available": unavailable,
        "rounds": rounds,
        "images_per_round": images_per_round,
        "keras_batch": KERAS_BATCH,
    }
