"""The input-pipeline lab: "is training waiting for data?"

A small CNN trains on augmented photo crops read through ``tf.data``; every step is timed in
two parts: *waiting for input* (``next(iterator)``) and *computing* (the train step, synced).
Four toggles move the bottleneck: ``fused`` augmentation (one warp) vs the text's step-by-step
one, ``parallel_calls`` for the map, ``prefetch`` and ``cache`` (decoded images kept after the
first epoch). The augmentation is the text's (``text_pipeline``), run by this package's
Pipeline; images are JPEG bytes decoded by ``engine.images`` on every pass unless cached.

Steady-state figures skip the first epoch (graph tracing, and the pass that fills the cache).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from .. import backend, checks
from ..i18n import t
from ..images import decode_image
from ..training import Progress
from .pipeline import text_pipeline

__all__ = [
    "InputSettings",
    "NAIVE",
    "BEST",
    "StepTiming",
    "LabRun",
    "lab_images",
    "build_dataset",
    "run_input_lab",
    "overlap_wait_fraction",
    "count_loads",
    "example_run",
]

AUTOTUNE = -1
LAB_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "china", "flower")


@dataclass(frozen=True, kw_only=True)
class InputSettings:
    """How the input pipeline is built. ``parallel_calls``: 0 = a sequential map, -1 = AUTOTUNE,
    n = n parallel calls; ``prefetch``: 0 = none, -1 = AUTOTUNE, n = n batches ahead."""

    fused: bool = False
    parallel_calls: int = 0
    prefetch: int = 0
    cache: bool = False

    def __post_init__(self) -> None:
        checks.boolean(self.fused, name="fused")
        checks.boolean(self.cache, name="cache")
        for name in ("parallel_calls", "prefetch"):
            checks.int_in_range(getattr(self, name), name=name, low=-1, high=64)

    def to_config(self) -> dict:
        return asdict(self)

    @classmethod
    def from_config(cls, config: dict) -> InputSettings:
        if not isinstance(config, dict):
            raise TypeError(f"config must be a dict, got {type(config).__name__}")
        return cls(**config)

    def label(self) -> str:
        def n(v):
            if not v:
                return t("pipe.none")
            return t("pipe.auto") if v == AUTOTUNE else str(v)

        return t(
            "pipe.label",
            augment=t("pipe.fused" if self.fused else "pipe.steps_aug"),
            parallel=n(self.parallel_calls),
            prefetch=n(self.prefetch),
            cache=t("pipe.on" if self.cache else "pipe.off"),
        )


NAIVE = InputSettings()  # the text's augmentation, one image at a time, nothing overlapped
BEST = InputSettings(fused=True, parallel_calls=AUTOTUNE, prefetch=AUTOTUNE, cache=True)


@dataclass(frozen=True)
class StepTiming:
    """One training step: seconds waiting for the batch and seconds computing on it."""

    step: int
    epoch: int
    wait_s: float
    compute_s: float
    images: int

    @property
    def wait_fraction(self) -> float:
        total = self.wait_s + self.compute_s
        return self.wait_s / total if total > 0 else 0.0


@dataclass(frozen=True)
class LabRun:
    """A finished lab run: its settings, every step's timing, and steady-state figures."""

    settings: InputSettings
    steps: tuple
    steps_per_epoch: int
    notes: tuple = field(default=())

    def steady(self) -> tuple:
        """Steps after the first epoch (or all but the first step when there is one epoch)."""
        later = tuple(s for s in self.steps if s.epoch > 0)
        return later if later else self.steps[1:]

    @property
    def wait_s(self) -> float:
        return float(sum(s.wait_s for s in self.steady()))

    @property
    def compute_s(self) -> float:
        return float(sum(s.compute_s for s in self.steady()))

    @property
    def wait_fraction(self) -> float | None:
        total = self.wait_s + self.compute_s
        return None if total <= 0 else self.wait_s / total

    @property
    def images_per_s(self) -> float | None:
        total = self.wait_s + self.compute_s
        return None if total <= 0 else sum(s.images for s in self.steady()) / total

    def summary(self) -> dict:
        wf, ips = self.wait_fraction, self.images_per_s
        return {
            "settings": self.settings.to_config(),
            "label": self.settings.label(),
            "images_per_s": None if ips is None else round(ips, 1),
            "input_wait_fraction": None if wf is None else round(wf, 4),
            "wait_ms_per_step": round(1000 * self.wait_s / max(1, len(self.steady())), 2),
            "compute_ms_per_step": round(1000 * self.compute_s / max(1, len(self.steady())), 2),
            "steps_measured": len(self.steady()),
        }


def lab_images(count: int = 240, *, size: int = 512, seed: int = 0) -> tuple[list, np.ndarray]:
    """``count`` JPEG-encoded ``size``x``size`` crops of bundled photos and their labels (which
    photo each crop came from): the files a real input pipeline reads, decodes and resizes."""
    import cv2

    from ..data import load_photo

    count = checks.positive_int(count, name="count")
    size = checks.int_in_range(size, name="size", low=32, high=1024)
    rng = np.random.default_rng(seed)
    photos = []
    for name in LAB_PHOTOS:
        img = load_photo(name)
        photos.append(np.dstack([img] * 3) if img.ndim == 2 else img[..., :3])
    files, labels = [], np.empty(count, np.int32)
    for i in range(count):
        k = int(rng.integers(len(photos)))
        img = photos[k]
        side = int(rng.integers(min(img.shape[:2]) // 2, min(img.shape[:2]) + 1))
        y = int(rng.integers(0, img.shape[0] - side + 1))
        x = int(rng.integers(0, img.shape[1] - side + 1))
        crop = cv2.resize(
            img[y : y + side, x : x + side], (size, size), interpolation=cv2.INTER_AREA
        )
        ok, buf = cv2.imencode(".jpg", crop[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise RuntimeError("OpenCV could not encode a lab image as JPEG")
        files.append(buf.tobytes())
        labels[i] = k
    return files, labels


def build_dataset(
    files,
    labels,
    settings: InputSettings,
    *,
    image_size: int = 256,
    batch_size: int = 32,
    seed: int = 0,
    on_load: Callable[[], None] | None = None,
):
    """The ``tf.data`` pipeline ``settings`` describe: load (decode, resize to ``image_size``)
    -> [cache] -> augment -> batch -> [prefetch], repeated forever (uint8 crops).
    ``on_load()`` is called after every decode (to count them)."""
    import cv2

    if not isinstance(settings, InputSettings):
        raise TypeError(f"settings must be InputSettings, got {type(settings).__name__}")
    batch_size = checks.positive_int(batch_size, name="batch_size")
    size = checks.int_in_range(image_size, name="image_size", low=32, high=2048)
    tf = backend.tf()
    pipe = text_pipeline(seed=seed, fused=settings.fused)
    out_shape = pipe.output_shape((size, size, 3))

    def _decode(data):
        img = decode_image(data, name="lab image")
        if on_load is not None:
            on_load()
        return cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)

    def _augment(img):
        return pipe(img)

    def decode(data, label):
        img = tf.numpy_function(_decode, [data], tf.uint8, stateful=False)
        img.set_shape((size, size, 3))
        return img, label

    def augment(img, label):
        out = tf.numpy_function(_augment, [img], tf.uint8)
        out.set_shape(out_shape)
        return out, label

    calls = None
    if settings.parallel_calls:
        calls = tf.data.AUTOTUNE if settings.parallel_calls == AUTOTUNE else settings.parallel_calls
    ds = tf.data.Dataset.from_tensor_slices((list(files), np.asarray(labels, np.int32)))
    ds = ds.map(decode, num_parallel_calls=calls)
    if settings.cache:
        ds = ds.cache()
    ds = ds.repeat().map(augment, num_parallel_calls=calls)
    ds = ds.batch(batch_size, drop_remainder=True)
    if settings.prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE if settings.prefetch == AUTOTUNE else settings.prefetch)
    # tf.data would otherwise add a prefetch and parallelise maps on its own: a toggle left off
    # must really be off, or the lab cannot show what each one does.
    options = tf.data.Options()
    options.experimental_optimization.inject_prefetch = bool(settings.prefetch)
    options.experimental_optimization.map_parallelization = bool(settings.parallel_calls)
    options.experimental_optimization.parallel_batch = bool(settings.parallel_calls)
    options.experimental_optimization.map_and_batch_fusion = bool(settings.parallel_calls)
    return ds.with_options(options)


def _model(input_shape: tuple, classes: int, width: int):
    keras = backend.keras()
    layers = keras.layers
    return keras.Sequential(
        [
            layers.InputLayer(input_shape=input_shape),
            layers.Rescaling(1 / 255.0),
            layers.AveragePooling2D(2),
            layers.Conv2D(width, 3, strides=2, activation="relu"),
            layers.Conv2D(2 * width, 3, strides=2, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(classes),
        ]
    )


def run_input_lab(
    settings: InputSettings = NAIVE,
    *,
    images: int = 240,
    image_size: int = 256,
    stored_size: int = 512,
    epochs: int = 3,
    batch_size: int = 32,
    width: int = 16,
    seed: int = 0,
    files: tuple | None = None,
    on_step: Callable[[StepTiming], None] | None = None,
    progress: Progress = None,
) -> LabRun:
    """Train the lab's CNN for ``epochs`` over ``images`` photo crops through the pipeline
    ``settings`` describe, timing every step as waiting-for-input vs computing.

    The photos are stored as ``stored_size``-pixel JPEGs and loaded at ``image_size`` (the
    augmentation then crops half of that). ``files`` = ``(jpeg_bytes_list, labels)`` reuses
    images made by :func:`lab_images`; ``on_step(StepTiming)`` is called after every step (a
    live view); ``progress(done, total, info)`` is the usual progress callable; ``width`` sets
    the CNN's channels (its compute).
    """
    if not isinstance(settings, InputSettings):
        raise TypeError(f"settings must be InputSettings, got {type(settings).__name__}")
    epochs = checks.positive_int(epochs, name="epochs")
    batch_size = checks.positive_int(batch_size, name="batch_size")
    width = checks.positive_int(width, name="width")
    if files is None:
        files = lab_images(images, size=stored_size, seed=seed)
    paths, labels = files
    steps_per_epoch = len(paths) // batch_size
    if steps_per_epoch < 1:
        raise ValueError(t("pipe.too_few", batch_size=batch_size, n=len(paths)))
    tf, keras = backend.tf(), backend.keras()
    ds = build_dataset(
        paths, labels, settings, image_size=image_size, batch_size=batch_size, seed=seed
    )
    model = _model(tuple(ds.element_spec[0].shape[1:]), len(LAB_PHOTOS), width)
    opt = keras.optimizers.SGD(0.01, momentum=0.9)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(
            zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        )
        return loss

    steps, total = [], epochs * steps_per_epoch
    it = iter(ds)
    for step in range(total):
        t0 = time.perf_counter()
        x, y = next(it)
        t1 = time.perf_counter()
        loss = float(train_step(x, y))  # float() waits for the step to finish
        t2 = time.perf_counter()
        timing = StepTiming(step, step // steps_per_epoch, t1 - t0, t2 - t1, int(x.shape[0]))
        steps.append(timing)
        if on_step is not None:
            on_step(timing)
        if progress is not None:
            progress(step + 1, total, {"loss": loss, "epoch": timing.epoch + 1})
    notes = () if epochs > 1 else (t("pipe.one_epoch"),)
    return LabRun(settings, tuple(steps), steps_per_epoch, notes)


def overlap_wait_fraction(input_ms: float, compute_ms: float, *, overlapped: bool) -> float:
    """The waiting share of a step when the input needs ``input_ms`` per batch and the model
    ``compute_ms``: in turn (no prefetch) or ``overlapped`` (prefetch, a core to spare)."""
    i = checks.number_in_range(input_ms, name="input_ms", low=0)
    c = checks.number_in_range(compute_ms, name="compute_ms", low=0)
    if i + c == 0:
        raise ValueError("input_ms and compute_ms cannot both be 0")
    if not checks.boolean(overlapped, name="overlapped"):
        return i / (i + c)
    return max(0.0, i - c) / max(i, c)


def count_loads(settings: InputSettings, *, images: int = 8, epochs: int = 3) -> int:
    """How many times the pipeline ``settings`` describe decodes a file while ``epochs``
    passes over ``images`` small photos are read (measured by counting, not computed)."""
    images = checks.positive_int(images, name="images")
    epochs = checks.positive_int(epochs, name="epochs")
    files, labels = lab_images(images, size=64, seed=0)
    count = [0]

    def counted() -> None:
        count[0] += 1

    ds = build_dataset(files, labels, settings, image_size=64, batch_size=1, on_load=counted)
    for _ in ds.take(images * epochs):
        pass
    return count[0]


def example_run() -> LabRun:
    """A small recorded run (a naive pipeline on a laptop) for exercises to start from."""
    wait = (0.118, 0.121, 0.117, 0.125, 0.119, 0.122, 0.116, 0.120)
    comp = (0.290, 0.031, 0.030, 0.032, 0.029, 0.031, 0.030, 0.033)  # step 0 traces the graph
    steps = tuple(StepTiming(i, i // 4, wait[i], comp[i], 32) for i in range(len(wait)))
    return LabRun(NAIVE, steps, 4)
