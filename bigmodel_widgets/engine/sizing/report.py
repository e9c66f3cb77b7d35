"""The one-shot size report: parameters, weights at every precision, training and serving
memory, FLOPs per token and the GPUs needed, with the assumptions spelled out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..checks import one_of, positive_int
from ..i18n import t
from .config import MAX_CONTEXT, SequentialSpec, TransformerConfig, count_params
from .memory import BYTES_PER_PARAM, KV_BYTES, gpus_needed, kv_cache_bytes, training_memory

__all__ = ["GPU_SIZES_GB", "SizeReport", "estimate", "estimate_keras_model"]

GPU_SIZES_GB = (16, 24, 40, 80)


@dataclass(frozen=True)
class SizeReport:
    name: str
    params: int
    bytes: dict  # precision -> weight bytes
    training: dict  # per GPU: weights, gradients, optimizer, activations, total (bytes)
    inference: dict  # weights, kv_cache, total (bytes) at the serving precisions
    flops_per_token: dict  # train, inference
    gpus: dict  # "16" -> {"train": n, "serve": n}
    settings: dict
    assumptions: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def estimate(
    config: TransformerConfig | SequentialSpec,
    *,
    precision: str = "fp16",
    kv_precision: str = "fp16",
    seq_len: int | None = None,
    batch: int = 1,
    optimizer: str = "adam",
    recompute: str = "none",
    finetune: str = "full",
    lora_rank: int = 8,
    zero_stage: int = 0,
    data_parallel: int = 1,
    tensor_parallel: int = 1,
) -> SizeReport:
    """Parameters, memory (train and serve) and FLOPs for a preset or custom configuration.

    ``precision``: the weights' serving precision; ``kv_precision``: the KV cache's (fp32,
    fp16/bf16, fp8, int8, int4). Training: ``optimizer`` (adam, sgd_momentum, adafactor,
    adam8bit), ``recompute`` (none, selective, full), ``finetune`` (full, lora, qlora with
    ``lora_rank``), ZeRO ``zero_stage`` 0-3 over ``data_parallel`` GPUs and
    ``tensor_parallel``: ``training`` is then per GPU (see :func:`training_memory`).
    """
    is_tf = isinstance(config, TransformerConfig)
    if not is_tf and not isinstance(config, SequentialSpec):
        raise TypeError(t("sizing.estimate_type", config=repr(config)))
    if seq_len is not None:
        seq = positive_int(seq_len, name="seq_len")
        if seq > MAX_CONTEXT:
            raise ValueError(t("sizing.seq_len_range", high=MAX_CONTEXT, value=seq))
    else:
        seq = config.seq_len if is_tf else 1
    options = {
        "optimizer": optimizer,
        "recompute": recompute,
        "finetune": finetune,
        "lora_rank": lora_rank,
        "zero_stage": zero_stage,
        "data_parallel": data_parallel,
        "tensor_parallel": tensor_parallel,
    }
    return _report(
        config.name,
        count_params(config),
        config if is_tf else None,
        precision=precision,
        kv_precision=kv_precision,
        seq=seq,
        batch=batch,
        options=options,
    )


def estimate_keras_model(model, *, precision: str = "fp16", batch: int = 1) -> SizeReport:
    """The same report for any built Keras model (tf_keras or Keras 3), via ``count_params``."""
    if not hasattr(model, "count_params"):
        raise TypeError(t("sizing.keras_type", type=type(model).__name__))
    try:
        n = int(model.count_params())
    except ValueError as exc:
        raise ValueError(t("sizing.not_built", exc=exc)) from exc
    return _report(
        getattr(model, "name", "model"),
        n,
        None,
        precision=precision,
        kv_precision="fp16",
        seq=1,
        batch=batch,
        options={},
    )


def _report(
    name: str,
    n: int,
    tcfg: TransformerConfig | None,
    *,
    precision: str,
    kv_precision: str,
    seq: int,
    batch: int,
    options: dict,
) -> SizeReport:
    precision = one_of(precision, name="precision", choices=BYTES_PER_PARAM)
    kv_precision = one_of(kv_precision, name="kv_precision", choices=KV_BYTES)
    batch = positive_int(batch, name="batch")
    weights = {p: int(n * b) for p, b in BYTES_PER_PARAM.items()}
    subject = tcfg if tcfg is not None else n
    train = training_memory(subject, seq_len=seq, batch=batch, **options)
    whole = train
    if options.get("data_parallel", 1) != 1 or options.get("tensor_parallel", 1) != 1:
        single = dict(options, data_parallel=1, tensor_parallel=1, zero_stage=0)
        whole = training_memory(subject, seq_len=seq, batch=batch, **single)
    training = {k: train[k] for k in ("weights", "gradients", "optimizer", "activations", "total")}
    kv_cache = 0
    if tcfg is not None:
        kv_cache = kv_cache_bytes(tcfg, context=seq, batch=batch, precision=kv_precision)
    inference = {
        "weights": weights[precision],
        "kv_cache": kv_cache,
        "total": weights[precision] + kv_cache,
    }
    gpus = {
        str(g): {
            "train": gpus_needed(whole["total"], g),
            "serve": gpus_needed(inference["total"], g),
        }
        for g in GPU_SIZES_GB
    }
    assumptions = [
        t("sizing.note.training", note=note) if i == 0 else note
        for i, note in enumerate(train["assumptions"])
    ] + [
        t("sizing.note.serving", precision=precision, kv_precision=kv_precision),
        t("sizing.note.gpus"),
        t("sizing.note.flops"),
    ]
    return SizeReport(
        name=name,
        params=n,
        bytes=weights,
        training=training,
        inference=inference,
        flops_per_token={"train": 6 * n, "inference": 2 * n},
        gpus=gpus,
        settings={
            "precision": precision,
            "kv_precision": kv_precision,
            "seq_len": seq,
            "batch": batch,
            **options,
        },
        assumptions=assumptions,
    )
