"""Chapter 3's exercises (model compression), answered by ``engine.compression`` now."""

from __future__ import annotations

import numpy as np

from ._registry import Exercise, close, register

__all__: list[str] = []


def _int8_bytes(seed):
    from ..compression import build_digits_cnn

    return int(build_digits_cnn(seed=seed).count_params())


register(
    Exercise(
        id="ch3.int8_bytes",
        chapter=3,
        kind="compute",
        title={"en": "int8 weights", "zh": "int8 权重"},
        question={
            "en": "The chapter's base CNN (bmw.compression.build_digits_cnn()) stores float32 "
            "weights. How many bytes do its weights take after full int8 quantization (ignore "
            "the scales and the file's overhead)?",
            "zh": "本章的基础 CNN（bmw.compression.build_digits_cnn()）以 float32 存储权重。"
            "完全 int8 量化之后，权重占多少字节（忽略缩放系数和文件开销）？",
        },
        hint={
            "en": "One byte per parameter: count the parameters.",
            "zh": "每个参数一个字节：数一数参数。",
        },
        solve=_int8_bytes,
        compare=close(0.02),
        inputs=lambda: {"seed": 0},
        solution="answer = bmw.compression.build_digits_cnn().count_params() * 1",
    )
)


def _pruned_gzip(n, sparsity, seed):
    from ..compression import gzip_size

    w = np.random.default_rng(seed).standard_normal(n).astype(np.float32)
    w[np.argsort(np.abs(w))[: int(round(sparsity * n))]] = 0.0
    return gzip_size(w.tobytes())


def _gzip_ratio(n, sparsity, seed):
    return _pruned_gzip(n, 0.0, seed) / _pruned_gzip(n, sparsity, seed)


_MAKE = (
    "import numpy as np\n"
    "def pruned(sparsity, n=100_000, seed=0):\n"
    "    w = np.random.default_rng(seed).standard_normal(n).astype(np.float32)\n"
    "    w[np.argsort(np.abs(w))[: int(round(sparsity * n))]] = 0.0\n"
    "    return bmw.compression.gzip_size(w.tobytes())\n"
)

register(
    Exercise(
        id="ch3.gzip_ratio",
        chapter=3,
        kind="predict",
        title={"en": "What pruning saves on disk", "zh": "剪枝在磁盘上省了多少"},
        question={
            "en": "Draw 100,000 float32 weights from N(0, 1) (numpy default_rng(0)) and set the "
            "80 % smallest in magnitude to zero. Predict the ratio gzip size before / gzip "
            "size after, then measure it with bmw.compression.gzip_size (within 15 %).",
            "zh": "用 numpy default_rng(0) 从 N(0, 1) 抽取 100,000 个 float32 权重，"
            "把绝对值最小的 80% 置零。先预测 压缩前 gzip 大小 / 压缩后 gzip 大小 的比值，"
            "再用 bmw.compression.gzip_size 测量（误差 15% 以内）。",
        },
        hint={
            "en": "Random float32 barely compresses; zeros almost vanish. The surviving 20 % "
            "still cost about 4 bytes each, plus where the zeros are.",
            "zh": "随机的 float32 几乎无法压缩；零几乎不占空间。剩下的 20% 每个仍约占 4 字节，"
            "还要记下零的位置。",
        },
        solve=_gzip_ratio,
        compare=close(0.15),
        inputs=lambda: {"n": 100_000, "sparsity": 0.8, "seed": 0},
        solution=_MAKE + "answer = pruned(0.0) / pruned(0.8)",
    )
)


def _sparsity_gain(n, low, high, seed):
    return _pruned_gzip(n, low, seed) / _pruned_gzip(n, high, seed)


register(
    Exercise(
        id="ch3.sparsity_change",
        chapter=3,
        kind="explain",
        title={"en": "From 50 % to 90 % sparsity", "zh": "稀疏度从 50% 到 90%"},
        question={
            "en": "Same weights as before: by what factor does the gzip size shrink when the "
            "sparsity goes from 50 % to 90 %? Explain why it is less than 5x, the ratio of "
            "surviving weights.",
            "zh": "同样的权重：稀疏度从 50% 提高到 90% 时，gzip 大小缩小了几倍？"
            "解释为什么小于 5 倍（即保留权重数量之比）。",
        },
        hint={
            "en": "Measure both sizes; the positions of the zeros cost bits too, and at 50 % "
            "they are least predictable.",
            "zh": "把两个大小都测出来；零的位置也要占比特，50% 时它们最难预测。",
        },
        solve=_sparsity_gain,
        compare=close(0.15),
        inputs=lambda: {"n": 100_000, "low": 0.5, "high": 0.9, "seed": 0},
        solution=_MAKE + "answer = pruned(0.5) / pruned(0.9)",
    )
)


register(
    Exercise(
        id="ch3.open_pick",
        chapter=3,
        kind="open",
        title={"en": "Which compression for a phone?", "zh": "手机上该用哪种压缩？"},
        question={
            "en": "You must ship the digits model to a phone with a 50 kB budget and at most one "
            "point of accuracy lost. Use the sweep and the explorer: which mix of pruning, "
            "clustering and quantization do you choose, and how do you defend it?",
            "zh": "你要把数字识别模型部署到手机上，大小预算 50 kB，准确率最多下降 1 个百分点。"
            "用扫描结果和浏览器：你会选择剪枝、聚类和量化的哪种组合？如何论证？",
        },
        rubric={
            "en": (
                "reads sizes as gzip bytes after strip_pruning, accuracy in the TFLite interpreter",
                "picks a point on the Pareto front within the budget",
                "measures latency on the target instead of assuming int8 is faster",
            ),
            "zh": (
                "大小看 strip_pruning 之后的 gzip 字节数，准确率在 TFLite 解释器里测",
                "在预算之内从帕累托前沿上选一个点",
                "在目标设备上测延迟，而不是假定 int8 更快",
            ),
        },
    )
)


# Issue 14's exercises (what happens inside a compressed model) live beside the engine code.
from ..compression import _exercises  # noqa: E402, F401
