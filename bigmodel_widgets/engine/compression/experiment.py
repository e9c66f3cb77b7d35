"""One compression experiment = a frozen config -> one measured record (a plain dict).

Every experiment clones the base model first; the record's numbers all come from the
converted ``.tflite`` run in the LiteRT interpreter.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from .. import checks
from ..i18n import t
from ..training import Progress
from . import measure
from ._validate import check_clusters, check_sparsity, check_tf_keras_model
from .clustering import INITS, cluster
from .models import Dataset, clone
from .pruning import SCHEDULES, STRUCTURES, prune
from .quantization import QUANT_MODES, convert, quantize_aware

__all__ = ["CompressionConfig", "train_variant", "measure_baseline", "run_experiment"]


@dataclass(frozen=True)
class CompressionConfig:
    """What to do to the base model. ``sparsity=0``, ``clusters=0``, ``quant='none'`` = fp32 baseline."""

    sparsity: float = 0.0
    schedule: str = "constant"  # pruning schedule: constant | polynomial
    structure: str = "unstructured"  # unstructured | 2:4 (sparsity must then be 0.5)
    clusters: int = 0  # 0 = no clustering, else >= 2 centroids per kernel
    init: str = "linear"  # centroid initialisation (TFMOT guide's choice; kmeans++ ok)
    quant: str = "none"  # none | dynamic | float16 | int8 (TFLite converter)
    qat: bool = False  # quantization-aware training (needs quant='int8')
    int8_io: bool = False  # int8 input/output tensors (needs quant='int8')
    epochs: int = 2  # fine-tuning epochs per training stage

    def __post_init__(self):
        object.__setattr__(self, "sparsity", check_sparsity(self.sparsity))
        object.__setattr__(self, "clusters", check_clusters(self.clusters))
        for name, allowed in (
            ("schedule", SCHEDULES),
            ("structure", STRUCTURES),
            ("init", INITS),
            ("quant", QUANT_MODES),
        ):
            checks.one_of(getattr(self, name), name=name, choices=allowed)
        for name in ("qat", "int8_io"):
            checks.boolean(getattr(self, name), name=name)
        object.__setattr__(self, "epochs", checks.positive_int(self.epochs, name="epochs"))
        if self.structure == "2:4" and self.sparsity != 0.5:
            raise ValueError(t("comp.err.two_four", sparsity=self.sparsity))
        if self.qat and self.quant != "int8":
            raise ValueError(t("comp.err.qat_int8", quant=t(f"comp.quant_value.{self.quant}")))
        if self.qat and self.clusters:
            raise ValueError(t("comp.err.qat_clusters"))
        if self.int8_io and self.quant != "int8":
            raise ValueError(t("comp.err.int8_io"))

    @property
    def label(self) -> str:
        """A short name: ``prune80+dynamic``, ``cluster16``, ``qat-int8``, ``baseline`` ..."""
        parts = []
        if self.sparsity > 0:
            parts.append(
                f"prune{round(self.sparsity * 100)}"
                + ("-2:4" if self.structure == "2:4" else "")
                + ("-poly" if self.schedule == "polynomial" else "")
            )
        if self.clusters:
            parts.append(f"cluster{self.clusters}")
        if self.qat:
            parts.append("qat-int8")
        elif self.quant != "none":
            parts.append(self.quant)
        if self.int8_io:
            parts[-1] += "-io"
        return "+".join(parts) or "baseline"

    @property
    def trains(self) -> bool:
        return self.sparsity > 0 or self.clusters > 0 or self.qat

    def variant(self) -> CompressionConfig:
        """The training part only: configs with the same variant share one trained model."""
        if self.qat:
            return replace(self, int8_io=False)
        return replace(self, quant="none", int8_io=False)

    def to_config(self) -> dict:
        return asdict(self)

    @classmethod
    def from_config(cls, config: dict) -> CompressionConfig:
        unknown = set(config) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown CompressionConfig keys {sorted(unknown)}")
        return cls(**config)


def train_variant(
    base,
    ds: Dataset,
    config: CompressionConfig,
    *,
    progress: Progress = None,
    stages: dict | None = None,
):
    """Prune -> cluster -> QAT as the config asks, each stage on a fresh clone.

    ``stages`` (a dict the caller keeps) memoizes finished stages, so a sweep prunes to 80 %
    once and reuses that model for prune80+cluster16 and prune80+QAT. Stage outputs are never
    mutated: every later stage clones its input.
    """
    check_tf_keras_model(base, "base")
    stages = {} if stages is None else stages
    model, key = base, ()
    if config.sparsity > 0:
        key = ("prune", config.sparsity, config.schedule, config.structure, config.epochs)
        if key not in stages:
            stages[key] = prune(
                base,
                ds,
                config.sparsity,
                kind=config.schedule,
                structure=config.structure,
                epochs=config.epochs,
                progress=progress,
            )
        model = stages[key]
    if config.clusters:
        key = key + ("cluster", config.clusters, config.init, config.epochs)
        if key not in stages:
            stages[key] = cluster(
                model,
                ds,
                config.clusters,
                init=config.init,
                epochs=config.epochs,
                preserve_sparsity=config.sparsity > 0,
                progress=progress,
            )
        model = stages[key]
    if config.qat:
        model = quantize_aware(
            model,
            ds,
            epochs=config.epochs,
            preserve_sparsity=config.sparsity > 0,
            progress=progress,
        )
    return clone(base) if model is base else model


def _hist_limit(base) -> float:
    kernels = measure.kernel_weights(base)
    return 1.05 * max(float(np.max(np.abs(k))) for k in kernels.values()) if kernels else 1.0


def measure_baseline(base, ds: Dataset, *, latency_repeats: int = 200) -> dict:
    """The fp32 reference every ratio and accuracy drop is measured against."""
    return run_experiment(
        base, ds, CompressionConfig(), baseline={}, latency_repeats=latency_repeats
    )


def run_experiment(
    base,
    ds: Dataset,
    config: CompressionConfig,
    *,
    baseline: dict | None = None,
    trained=None,
    latency_repeats: int = 200,
    progress: Progress = None,
) -> dict:
    """Train (unless ``trained`` is given), convert, and measure one config.

    Returns ``{label, config, raw_bytes, gzip_bytes, ratio, accuracy, acc_drop_pts, latency_us,
    layer_sparsity, histogram, seconds, ...}``. ``baseline`` is ``measure_baseline``'s record
    (computed here when None; ``{}`` means "this is the baseline").
    """
    if not isinstance(config, CompressionConfig):
        raise TypeError(f"config must be a CompressionConfig, got {type(config).__name__}")
    check_tf_keras_model(base, "base")
    t0 = time.perf_counter()
    if baseline is None:
        baseline = measure_baseline(base, ds, latency_repeats=latency_repeats)
    model = (
        trained
        if trained is not None
        else (train_variant(base, ds, config, progress=progress) if config.trains else base)
    )
    blob = convert(
        model,
        config.quant,
        ds.representative() if config.quant == "int8" else None,
        int8_io=config.int8_io,
    )
    gz = measure.gzip_size(blob)
    acc = measure.tflite_accuracy(blob, ds.x_test, ds.y_test)
    ref_gz = baseline.get("gzip_bytes", gz)
    ref_acc = baseline.get("accuracy", acc)
    return {
        "label": config.label,
        "config": config.to_config(),
        "raw_bytes": len(blob),
        "gzip_bytes": gz,
        "ratio": ref_gz / gz,
        "accuracy": acc,
        "acc_drop_pts": 100.0 * (ref_acc - acc),
        "latency_us": measure.latency_us(blob, ds.x_test[0], repeats=latency_repeats),
        "layer_sparsity": measure.layer_sparsity(model),
        "histogram": measure.weight_histogram(model, limit=_hist_limit(base)),
        "params": int(base.count_params()),
        "seconds": time.perf_counter() - t0,
    }
