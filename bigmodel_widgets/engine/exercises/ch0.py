"""Chapter 0's exercises (large models): sizing questions, answered by ``engine.sizing`` now."""

from __future__ import annotations

from .. import sizing
from ._registry import Exercise, close, register, same_int

__all__: list[str] = []


def _kv(config, context):
    return sizing.kv_cache_bytes(config, context=context)


register(
    Exercise(
        id="ch0.kv_cache",
        chapter=0,
        kind="compute",
        title={"en": "The KV cache of LLaMA-3-8B", "zh": "LLaMA-3-8B 的 KV 缓存"},
        question={
            "en": "How many bytes does the fp16 KV cache of LLaMA-3-8B (grouped-query attention, "
            "8 KV heads of 128 dimensions, 32 layers) take for one sequence of 8,192 tokens?",
            "zh": "LLaMA-3-8B（分组查询注意力，8 个 128 维的 KV 头，32 层）在 fp16 下，"
            "一个 8,192 个词元的序列的 KV 缓存占多少字节？",
        },
        hint={
            "en": "K and V, per layer, per KV head (not per attention head), per token, 2 bytes each.",
            "zh": "K 和 V 两份，每层、每个 KV 头（不是每个注意力头）、每个词元，各 2 字节。",
        },
        solve=_kv,
        compare=close(0.02),
        inputs=lambda: {"config": sizing.preset("llama3-8b"), "context": 8192},
        solution='c = bmw.sizing.preset("llama3-8b")\n'
        "answer = 2 * c.layers * c.kv_heads * c.head_dim * 8192 * 2  # K and V, fp16 bytes",
    )
)


register(
    Exercise(
        id="ch0.max_context",
        chapter=0,
        kind="compute",
        title={"en": "The longest context on one L4", "zh": "一块 L4 上的最长上下文"},
        question={
            "en": "The longest context (tokens, batch 1) of LLaMA-2-7B on one L4 GPU with fp16 "
            "weights and an fp8 KV cache. Count the weights, the KV cache and the activations.",
            "zh": "LLaMA-2-7B 在一块 L4 GPU 上（fp16 权重、fp8 KV 缓存、批大小 1）"
            "能放下的最长上下文（词元数）。请算上权重、KV 缓存和激活值。",
        },
        hint={
            "en": "Memory left after the weights, divided by what each token costs: its KV cache "
            "(fp8: 1 byte) and its activations (see serving_memory's assumptions).",
            "zh": "权重之外剩下的显存，除以每个词元的开销：KV 缓存（fp8 为 1 字节）"
            "加上激活值（见 serving_memory 的假设）。",
        },
        solve=lambda config, gpu, kv_precision: sizing.max_context(
            config, gpu=gpu, kv_precision=kv_precision
        ),
        compare=close(0.02),
        inputs=lambda: {
            "config": sizing.preset("llama2-7b"),
            "gpu": "l4",
            "kv_precision": "fp8",
        },
        solution='c, l4 = bmw.sizing.preset("llama2-7b"), bmw.sizing.GPUS["l4"]\n'
        "weights = bmw.sizing.count_params(c) * 2\n"
        "kv_per_token = 2 * c.layers * c.hidden * 1  # fp8\n"
        "activations_per_token = (4 * c.hidden + 2 * c.ffn) * 2\n"
        "answer = (l4.memory_bytes - weights) / (kv_per_token + activations_per_token)",
    )
)


register(
    Exercise(
        id="ch0.gpt2_xl_params",
        chapter=0,
        kind="predict",
        title={"en": "GPT-2 XL, counted", "zh": "数一数 GPT-2 XL 的参数"},
        question={
            "en": "Predict the parameter count of a GPT-2 with 48 layers, width 1,600 and 25 heads "
            "(GPT-2 XL, published as 1.5 B), then count it with bmw.sizing.count_params.",
            "zh": "先预测一个 48 层、宽度 1,600、25 个头的 GPT-2（即 GPT-2 XL，公开数字为 15 亿）"
            "的参数量，再用 bmw.sizing.count_params 数一数。",
        },
        hint={
            "en": "About 12 x layers x width^2 for the blocks, plus the token and position "
            "embeddings (vocabulary x width, context x width).",
            "zh": "各层约 12 × 层数 × 宽度²，再加上词嵌入和位置嵌入（词表 × 宽度，上下文 × 宽度）。",
        },
        solve=lambda config: sizing.count_params(config),
        compare=close(0.02),
        inputs=lambda: {"config": sizing.preset("gpt2").with_(layers=48, hidden=1600, heads=25)},
        solution='xl = bmw.sizing.preset("gpt2").with_(layers=48, hidden=1600, heads=25)\n'
        "answer = bmw.sizing.count_params(xl)",
    )
)


def _batch_kv_beats_int4(config, context):
    weights = sizing.count_params(config) * sizing.BYTES_PER_PARAM["int4"]
    per_sequence = sizing.kv_cache_bytes(config, context=context)
    return int(weights // per_sequence) + 1


register(
    Exercise(
        id="ch0.kv_beats_int4",
        chapter=0,
        kind="explain",
        title={"en": "When the cache outgrows the weights", "zh": "缓存何时超过权重"},
        question={
            "en": "Serve LLaMA-2-7B with int4 weights and an fp16 KV cache at a 4,096-token "
            "context. From which batch size on is the KV cache larger than the weights? Then "
            "change the KV cache to fp8 in the calculator and explain what moves.",
            "zh": "用 int4 权重、fp16 KV 缓存、4,096 词元的上下文部署 LLaMA-2-7B。"
            "批大小从多少开始，KV 缓存就比权重还大？再在计算器里把 KV 缓存改成 fp8，解释变化。",
        },
        hint={
            "en": "Weights at half a byte per parameter; one sequence's fp16 KV cache; the "
            "smallest whole batch with batch x cache > weights.",
            "zh": "权重每个参数半个字节；算出一个序列的 fp16 KV 缓存；"
            "找出使 批大小 × 缓存 > 权重 的最小整数批大小。",
        },
        solve=_batch_kv_beats_int4,
        compare=same_int,
        form="int",
        inputs=lambda: {"config": sizing.preset("llama2-7b"), "context": 4096},
        solution='c = bmw.sizing.preset("llama2-7b")\n'
        "weights = bmw.sizing.count_params(c) * 0.5  # int4\n"
        "per_sequence = bmw.sizing.kv_cache_bytes(c, context=4096)\n"
        "answer = int(weights // per_sequence) + 1",
    )
)


register(
    Exercise(
        id="ch0.crossover",
        chapter=0,
        kind="compute",
        title={"en": "GPT-2's crossover context", "zh": "GPT-2 的交叉上下文长度"},
        question={
            "en": "At what context does attention's share of GPT-2's forward FLOPs equal the rest "
            "(2 x non-embedding parameters = 2 x layers x context x width)?",
            "zh": "上下文多长时，GPT-2 前向计算中注意力的 FLOPs 等于其余部分"
            "（2 × 非嵌入参数 = 2 × 层数 × 上下文 × 宽度）？",
        },
        hint={
            "en": "Non-embedding parameters (count_params minus embedding_params) divided by "
            "layers x width.",
            "zh": "非嵌入参数（count_params 减去 embedding_params）除以 层数 × 宽度。",
        },
        solve=lambda config: sizing.attention_crossover_context(config),
        compare=close(0.02),
        inputs=lambda: {"config": sizing.preset("gpt2")},
        solution='g = bmw.sizing.preset("gpt2")\n'
        "non_embedding = bmw.sizing.count_params(g) - bmw.sizing.embedding_params(g)\n"
        "answer = non_embedding / (g.layers * g.hidden)",
    )
)


register(
    Exercise(
        id="ch0.open_gpt3_int4",
        chapter=0,
        kind="open",
        title={"en": "GPT-3 at int4", "zh": "int4 的 GPT-3"},
        question={
            "en": "Why does int4 serving of GPT-3 (175 B) still need several 80 GB GPUs, and what "
            "else would have to shrink to serve it on one?",
            "zh": "为什么即使用 int4 部署 GPT-3（1750 亿参数）仍需要好几块 80 GB 的 GPU？"
            "要在一块 GPU 上部署，还有什么必须缩小？",
        },
        rubric={
            "en": (
                "computes the int4 weights (about 88 GB) with the calculator",
                "adds the KV cache at the served context and batch",
                "names what else could shrink: fewer parameters (pruning, distillation), "
                "a smaller or quantized KV cache (fp8, grouped-query attention), shorter contexts",
            ),
            "zh": (
                "用计算器算出 int4 权重（约 88 GB）",
                "加上所部署的上下文长度和批大小下的 KV 缓存",
                "指出还能缩小什么：更少的参数（剪枝、知识蒸馏），更小或量化的 KV 缓存"
                "（fp8、分组查询注意力），更短的上下文",
            ),
        },
    )
)
