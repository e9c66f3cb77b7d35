"""Chapter 3's exercises on what happens inside a compressed model (issue 14), registered with
the exercise registry (``bmw.exercises``); ``engine/exercises/ch3.py`` imports this module.

Each answer is computed now with the engine code the chapter uses.
"""

from __future__ import annotations

from ..exercises._registry import Exercise, close, register, same

__all__: list[str] = []


def _float16_op(seed):
    from . import build_digits_cnn, convert, tflite_diff

    model = build_digits_cnn(seed=seed)
    return tflite_diff(convert(model), convert(model, "float16"))["added_ops"][0]


register(
    Exercise(
        id="ch3.float16_op",
        chapter=3,
        kind="compute",
        title={"en": "What float16 adds inside", "zh": "float16 在模型里加了什么"},
        question={
            "en": "Convert bmw.compression.build_digits_cnn() to .tflite in fp32 "
            "(bmw.compression.convert(model)) and in float16 (convert(model, 'float16')). "
            "Which op does the float16 file add? Name it as bmw.compression.tflite_diff does. "
            "Why is the float16 file smaller but not faster on a CPU?",
            "zh": "把 bmw.compression.build_digits_cnn() 分别转换成 fp32 的 .tflite"
            "（bmw.compression.convert(model)）和 float16（convert(model, 'float16')）。"
            "float16 文件多了哪种算子？按 bmw.compression.tflite_diff 的写法给出名字。"
            "为什么 float16 文件更小，但在 CPU 上并不更快？",
        },
        hint={
            "en": "Look at diff['added_ops']: the CPU kernels compute in float32, so the float16 "
            "weights are turned back into float32 when the model runs.",
            "zh": "看 diff['added_ops']：CPU 内核用 float32 计算，所以运行时 float16 权重"
            "会先被转换回 float32。",
        },
        solve=_float16_op,
        compare=same,
        inputs=lambda: {"seed": 0},
        form="label",
        solution=(
            "model = bmw.compression.build_digits_cnn()\n"
            "diff = bmw.compression.tflite_diff(\n"
            "    bmw.compression.convert(model), bmw.compression.convert(model, 'float16')\n"
            ")\n"
            "answer = diff['added_ops'][0]"
        ),
    )
)


def _int8_step(low, high):
    from .sensitivity import int8_scale

    return int8_scale(low, high)


register(
    Exercise(
        id="ch3.int8_step",
        chapter=3,
        kind="explain",
        title={"en": "Why BERT's int8 collapses", "zh": "BERT 的 int8 为什么会崩"},
        question={
            "en": "BERT adds -10,000 to the attention scores of padded positions, so the int8 "
            "tensor that holds them must cover [-10,000, 10]. How wide is one int8 step (the "
            "tensor's scale: 256 levels over that range)? Compare it with the real scores "
            "(between about -10 and 10) and explain why keeping those tensors in float fixes "
            "the accuracy at almost no cost in size.",
            "zh": "BERT 会给填充位置的注意力分数加上 -10,000，所以保存它们的 int8 张量必须覆盖 "
            "[-10,000, 10]。一个 int8 步长（该张量的 scale：256 个级别覆盖这个范围）有多宽？"
            "和真实分数（大约在 -10 到 10 之间）比较，并解释为什么把这些张量保留为 float "
            "几乎不增加大小就能修复准确率。",
        },
        hint={
            "en": "255 steps span the whole range: (high - low) / 255 "
            "(bmw.compression.int8_scale). These tensors hold activations, not weights.",
            "zh": "255 个步长覆盖整个范围：(high - low) / 255（bmw.compression.int8_scale）。"
            "这些张量是激活值，不是权重。",
        },
        solve=_int8_step,
        compare=close(0.02),
        inputs=lambda: {"low": -10_000.0, "high": 10.0},
        solution="answer = bmw.compression.int8_scale(-10_000.0, 10.0)",
    )
)
