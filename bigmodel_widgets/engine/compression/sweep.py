"""A grid of compression experiments run once, cached on disk, and queried instantly.

``Sweep.run(progress)`` computes every point of a ``SweepSpec`` not already cached; each
finished point is written before the next starts, so an interrupted sweep (Ctrl-C, a kernel
interrupt) keeps what it finished and the next run resumes. Observers registered with
``observe`` see each record as an action lands it (a widget redraws its plot from them);
lookups never call them, and ``observe`` returns the way to stop.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

from .. import checks
from ..training import Progress
from .cache import ResultCache, point_key
from .experiment import CompressionConfig, run_experiment, train_variant
from .models import CompressionSetup, fingerprint

__all__ = ["SweepSpec", "default_spec", "Sweep", "pareto_front", "smallest_within"]


@dataclass(frozen=True)
class SweepSpec:
    """A grid: sparsities x cluster counts x quantization modes x QAT (invalid combos skipped)."""

    sparsities: tuple = (0.0, 0.5, 0.8, 0.9)
    clusters: tuple = (0, 16)
    quant_modes: tuple = ("none", "dynamic", "int8")
    qat: tuple = (False, True)
    epochs: int = 2
    schedule: str = "constant"

    def __post_init__(self):
        for name in ("sparsities", "clusters", "quant_modes", "qat"):
            value = tuple(getattr(self, name))
            if not value:
                raise ValueError(f"{name} must list at least one value")
            object.__setattr__(self, name, value)
        self.configs()  # validates every value with CompressionConfig's checks

    def configs(self) -> list[CompressionConfig]:
        out = []
        for s, k, q, qat in itertools.product(
            self.sparsities, self.clusters, self.quant_modes, self.qat
        ):
            if qat and (q != "int8" or k):
                continue  # QAT only makes sense for int8 and is not combined with clustering here
            out.append(
                CompressionConfig(
                    sparsity=s,
                    clusters=k,
                    quant=q,
                    qat=qat,
                    epochs=self.epochs,
                    schedule=self.schedule,
                )
            )
        return out

    def to_config(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_config(cls, config: dict) -> SweepSpec:
        unknown = set(config) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown SweepSpec keys {sorted(unknown)}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in config.items()})


def default_spec(*, quick: bool = False) -> SweepSpec:
    """The chapter's sweep (28 points); ``quick=True`` a 6-point one for tests and CI.

    The caller decides ``quick`` (the notebook passes its ``QUICK`` flag, the CLI its --quick).
    """
    if checks.boolean(quick, name="quick"):
        return SweepSpec(
            sparsities=(0.0, 0.5, 0.8),
            clusters=(0,),
            quant_modes=("none", "dynamic"),
            qat=(False,),
            epochs=1,
        )
    return SweepSpec()


Observer = Callable[[dict], None]


class Sweep:
    """Cached experiments over one base model and dataset.

    Lookups (:meth:`cached`, :meth:`results`) never compute and never call observers; actions
    (:meth:`compute`, :meth:`run`) call every observer once per point that lands in
    ``records`` (computed now, or read from the disk cache during the action).
    """

    def __init__(
        self,
        setup: CompressionSetup,
        spec: SweepSpec | None = None,
        *,
        cache: ResultCache | None = None,
        latency_repeats: int = 200,
    ):
        if not isinstance(setup, CompressionSetup):
            raise TypeError(f"setup must be a CompressionSetup, got {type(setup).__name__}")
        if spec is not None and not isinstance(spec, SweepSpec):
            raise TypeError(f"spec must be a SweepSpec, got {type(spec).__name__}")
        if cache is not None and not isinstance(cache, ResultCache):
            raise TypeError(f"cache must be a ResultCache, got {type(cache).__name__}")
        self.setup = setup
        self.spec = spec if spec is not None else SweepSpec()
        self.cache = cache if cache is not None else ResultCache()
        self.latency_repeats = checks.positive_int(latency_repeats, name="latency_repeats")
        self.records: dict[CompressionConfig, dict] = {}
        self.computed = 0  # points computed (not read from cache) by this object
        self._model_fp = fingerprint(setup.base)
        self._data_fp = setup.data.fingerprint()
        self._observers: list[Observer] = []

    # ---- observing -------------------------------------------------------------------------
    def observe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(record)`` for each point an action lands; returns its remover.

        ``remove = sweep.observe(cb)`` ... ``remove()`` (or ``sweep.unobserve(cb)``): a view
        that closes must stop listening, or it keeps redrawing after it is gone.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        self._observers.append(callback)
        return lambda: self.unobserve(callback)

    def unobserve(self, callback: Observer) -> None:
        """Stop calling ``callback`` (no error when it is not observing)."""
        self._observers = [cb for cb in self._observers if cb != callback]

    def on_point(self, callback: Observer) -> Callable[[], None]:
        """Kept for one release: use :meth:`observe` (the same thing)."""
        return self.observe(callback)

    def _publish(self, config: CompressionConfig, record: dict) -> dict:
        self.records[config] = record
        for cb in list(self._observers):  # a callback may unobserve itself
            cb(record)
        return record

    # ---- lookups (pure: no computing, no observers) -----------------------------------------
    def key(self, config: CompressionConfig) -> str:
        return point_key(self._model_fp, self._data_fp, config.to_config())

    def _lookup(self, config: CompressionConfig) -> tuple[dict | None, bool]:
        """``(record, read_from_disk_now)``; a disk hit is remembered in ``records``."""
        if config in self.records:
            return self.records[config], False
        record = self.cache.get(self.key(config))
        if record is None:
            return None, False
        self.records[config] = record
        return record, True

    def cached(self, config: CompressionConfig) -> dict | None:
        """The record for ``config`` if computed before (memory, then disk), else None.

        A lookup: it never computes and calls no observer (a disk hit is kept in ``records``,
        so :meth:`results` lists it).
        """
        if not isinstance(config, CompressionConfig):
            raise TypeError(f"config must be a CompressionConfig, got {type(config).__name__}")
        return self._lookup(config)[0]

    @property
    def baseline_config(self) -> CompressionConfig:
        return CompressionConfig(epochs=self.spec.epochs)

    def baseline(self) -> dict:
        return self.compute(self.baseline_config)

    def results(self) -> list[dict]:
        """Every record known so far (computed or loaded), in the order they became known."""
        return list(self.records.values())

    # ---- actions ---------------------------------------------------------------------------
    def compute(
        self,
        config: CompressionConfig,
        *,
        progress: Progress = None,
        trained=None,
        train_seconds: float = 0.0,
    ) -> dict:
        """The record for ``config``: from the cache, or trained + measured now and cached.

        ``trained``: a model already trained for this config (its training took
        ``train_seconds``). Observers see the record unless it was already in ``records``.
        """
        if not isinstance(config, CompressionConfig):
            raise TypeError(f"config must be a CompressionConfig, got {type(config).__name__}")
        hit, from_disk = self._lookup(config)
        if hit is not None:
            return self._publish(config, hit) if from_disk else hit
        is_base = config == self.baseline_config
        baseline = {} if is_base else self.baseline()
        t0 = time.perf_counter()
        if trained is None and config.trains:
            trained = train_variant(self.setup.base, self.setup.data, config, progress=progress)
        record = run_experiment(
            self.setup.base,
            self.setup.data,
            config,
            baseline=baseline,
            trained=trained,
            latency_repeats=self.latency_repeats,
        )
        record["seconds"] = time.perf_counter() - t0 + train_seconds
        self.cache.put(self.key(config), record)
        self.computed += 1
        return self._publish(config, record)

    def run(self, progress: Progress = None) -> list[dict]:
        """Compute every missing point of the spec; ``progress(done, total, info)`` per point.

        A KeyboardInterrupt stops the sweep: finished points are already on disk and in
        ``records``; it is re-raised so the caller knows the sweep is incomplete.
        """
        configs = [self.baseline_config] + [
            c for c in self.spec.configs() if c != self.baseline_config
        ]
        total = len(configs)
        # Trained models live for this run only: one per variant, and shared pipeline stages.
        models: dict[CompressionConfig, tuple] = {}
        stages: dict = {}
        if progress is not None:
            progress(0, total, {})
        for done, config in enumerate(configs, start=1):
            record, from_disk = self._lookup(config)
            if from_disk:
                self._publish(config, record)  # it lands in this sweep now: views fill in
            elif record is None:
                variant = config.variant()
                if config.trains and variant not in models:
                    t0 = time.perf_counter()
                    model = train_variant(self.setup.base, self.setup.data, config, stages=stages)
                    models[variant] = (model, time.perf_counter() - t0)
                model, train_s = models[variant] if config.trains else (None, 0.0)
                self.compute(config, trained=model, train_seconds=train_s)
            if progress is not None:
                progress(
                    done,
                    total,
                    {
                        "ratio": self.records[config]["ratio"],
                        "accuracy": self.records[config]["accuracy"],
                    },
                )
        return [self.records[c] for c in configs]


def pareto_front(records: list[dict]) -> list[dict]:
    """Points no other point beats on both size (smaller) and accuracy (higher), by size."""
    ordered = sorted(records, key=lambda r: (r["gzip_bytes"], -r["accuracy"]))
    front, best_acc = [], -1.0
    for r in ordered:
        if r["accuracy"] > best_acc:
            front.append(r)
            best_acc = r["accuracy"]
    return front


def smallest_within(records: list[dict], tolerance_pts: float) -> dict | None:
    """The smallest model whose accuracy is at most ``tolerance_pts`` points below the baseline."""
    tolerance_pts = checks.number_in_range(tolerance_pts, name="tolerance_pts", low=0.0)
    ok = [r for r in records if r["acc_drop_pts"] <= tolerance_pts + 1e-9]
    return min(ok, key=lambda r: (r["gzip_bytes"], r["acc_drop_pts"])) if ok else None
