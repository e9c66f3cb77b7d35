"""GPU presets: memory, peak dense FLOP/s by precision and memory bandwidth, each from the
vendor's datasheet named in ``source`` (no benchmark figures, no sparsity)."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks import one_of
from ..i18n import t

__all__ = ["GPU", "GPUS", "gpu"]

_GIB = 2**30
_T = 1e12


@dataclass(frozen=True)
class GPU:
    """One accelerator as its datasheet gives it.

    ``memory_bytes``: the datasheet's "80GB" read as GiB (the capacity nvidia-smi reports as
    81920 MiB; the runtime keeps some for itself). ``peak_flops``: (precision, dense FLOP/s)
    pairs without sparsity; ``bandwidth``: memory bandwidth in bytes/s; ``source``: the
    datasheet the figures come from.
    """

    name: str
    memory_bytes: int
    peak_flops: tuple
    bandwidth: float
    source: str

    def flops(self, precision: str) -> float:
        """Peak dense FLOP/s (or OP/s for int8) at ``precision`` (ValueError if not listed)."""
        table = dict(self.peak_flops)
        return table[one_of(precision, name=f"{self.name} precision", choices=table)]

    def to_dict(self) -> dict:
        """A JSON-able dict (peak FLOP/s as a precision -> value mapping)."""
        return {
            "name": self.name,
            "memory_bytes": self.memory_bytes,
            "peak_flops": dict(self.peak_flops),
            "bandwidth": self.bandwidth,
            "source": self.source,
        }


GPUS: dict[str, GPU] = {
    "a100-80gb-sxm": GPU(
        "NVIDIA A100 80GB SXM",
        80 * _GIB,
        (
            ("fp32", 19.5 * _T),
            ("tf32", 156 * _T),
            ("bf16", 312 * _T),
            ("fp16", 312 * _T),
            ("int8", 624 * _T),
        ),
        2039e9,
        "NVIDIA A100 Tensor Core GPU datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4): "
        "FP32 19.5 TF, TF32 156 TF, BF16/FP16 312 TF, INT8 624 TOPS (dense); 80GB HBM2e, "
        "2,039 GB/s",
    ),
    "h100-sxm": GPU(
        "NVIDIA H100 SXM",
        80 * _GIB,
        (
            ("fp32", 67 * _T),
            ("tf32", 494.5 * _T),
            ("bf16", 989.5 * _T),
            ("fp16", 989.5 * _T),
            ("fp8", 1979 * _T),
            ("int8", 1979 * _T),
        ),
        3.35e12,
        "NVIDIA H100 Tensor Core GPU datasheet (H100 SXM column): FP32 67 TF; TF32 989, "
        "BF16/FP16 1,979, FP8/INT8 3,958 'with sparsity' - halved here for dense; 80GB, "
        "3.35 TB/s",
    ),
    "l4": GPU(
        "NVIDIA L4",
        24 * _GIB,
        (
            ("fp32", 30.3 * _T),
            ("tf32", 60 * _T),
            ("bf16", 121 * _T),
            ("fp16", 121 * _T),
            ("fp8", 242.5 * _T),
            ("int8", 242.5 * _T),
        ),
        300e9,
        "NVIDIA L4 Tensor Core GPU datasheet: FP32 30.3 TF; TF32 120, BF16/FP16 242, "
        "FP8/INT8 485 shown with sparsity ('one-half lower without sparsity'); 24GB, 300 GB/s",
    ),
    "t4": GPU(
        "NVIDIA T4",
        16 * _GIB,
        (("fp32", 8.1 * _T), ("fp16", 65 * _T), ("int8", 130 * _T), ("int4", 260 * _T)),
        320e9,
        "NVIDIA T4 Tensor Core GPU datasheet: FP32 8.1 TF, mixed FP16/FP32 65 TF, INT8 130 "
        "TOPS, INT4 260 TOPS; 16GB GDDR6, 320+ GB/s (no bf16)",
    ),
    "rtx-4090": GPU(
        "NVIDIA GeForce RTX 4090",
        24 * _GIB,
        (("fp32", 82.6 * _T), ("bf16", 165.2 * _T), ("fp16", 165.2 * _T), ("int8", 660.6 * _T)),
        1008e9,
        "NVIDIA Ada GPU Architecture whitepaper, appendix table for the RTX 4090: FP32 82.6 "
        "TF; FP16/BF16 tensor with FP32 accumulate 165.2 TF (dense); INT8 660.6 TOPS (dense); "
        "24GB GDDR6X, 1,008 GB/s",
    ),
    "v100-sxm2-32gb": GPU(
        "NVIDIA V100 SXM2 32GB",
        32 * _GIB,
        (("fp32", 15.7 * _T), ("fp16", 125 * _T)),
        900e9,
        "NVIDIA Tesla V100 datasheet (SXM2 column): FP32 15.7 TF, tensor (FP16) 125 TF; "
        "32GB HBM2, 900 GB/s (no bf16)",
    ),
}


def source_text(g: GPU) -> str:
    """Where ``g``'s figures come from, in the active language (a preset's datasheet note is
    translated; a GPU made by hand keeps its own ``source``)."""
    key = next((k for k, v in GPUS.items() if v == g), None)
    return t(f"sizing.source.{key}") if key is not None else g.source


def gpu(name: str | GPU) -> GPU:
    """The preset called ``name`` in :data:`GPUS` (or ``name`` itself if it is a GPU)."""
    if isinstance(name, GPU):
        return name
    if not isinstance(name, str):
        raise TypeError(t("sizing.gpu_type", type=type(name).__name__))
    if name not in GPUS:
        raise ValueError(t("sizing.unknown_gpu", name=repr(name), names=", ".join(GPUS)))
    return GPUS[name]
