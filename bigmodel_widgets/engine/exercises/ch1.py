"""Chapter 1's exercises (data augmentation), answered by ``engine.augment`` now."""

from __future__ import annotations

import numpy as np

from ._registry import Exercise, close, register, same

__all__: list[str] = []


def _output_shape(shape):
    from ..augment import text_pipeline

    return tuple(int(s) for s in text_pipeline(0).output_shape(tuple(shape)))


register(
    Exercise(
        id="ch1.output_shape",
        chapter=1,
        kind="compute",
        title={"en": "What size comes out?", "zh": "输出多大？"},
        question={
            "en": "The text's augmentation (rotate, then a half-size crop) is given a 427 x 640 "
            "RGB photo (height 427, width 640). What is the output's shape (height, width, "
            "channels)?",
            "zh": "教材中的数据增强（旋转，再裁剪出一半大小）处理一张 427 × 640 的 RGB 照片"
            "（高 427，宽 640）。输出的形状（高, 宽, 通道数）是多少？",
        },
        hint={
            "en": "The crop keeps h // 2 rows and w // 2 columns; the rotation keeps the size.",
            "zh": "裁剪保留 h // 2 行、w // 2 列；旋转不改变大小。",
        },
        solve=_output_shape,
        compare=same,
        form="label",
        inputs=lambda: {"shape": (427, 640, 3)},
        solution="answer = bmw.text_pipeline(0).output_shape((427, 640, 3))",
    )
)


def _flips(p, draws, seed):
    from ..augment import HorizontalFlip, Pipeline

    pipe = Pipeline([HorizontalFlip(p=p)], seed=seed)
    return int(sum(pipe.sample_params().draws[0].applied for _ in range(draws)))


register(
    Exercise(
        id="ch1.flip_count",
        chapter=1,
        kind="predict",
        title={"en": "How often does it flip?", "zh": "翻转了多少次？"},
        question={
            "en": "A pipeline holds only HorizontalFlip(p=0.3) and is seeded with 0. Predict how "
            "many of its first 1,000 draws flip the image, then measure it with "
            "sample_params() (a prediction within about three standard deviations counts).",
            "zh": "一个流水线只含 HorizontalFlip(p=0.3)，随机种子为 0。先预测它的前 1,000 次抽样中"
            "有多少次会翻转图像，再用 sample_params() 测量（与测量值相差约三个标准差以内即算对）。",
        },
        hint={
            "en": "Each draw flips with probability p, independently: expect n x p, give or take "
            "sqrt(n x p x (1 - p)).",
            "zh": "每次抽样以概率 p 独立翻转：期望为 n × p，上下浮动约 sqrt(n × p × (1 − p))。",
        },
        solve=_flips,
        compare=close(0.0, 45),
        form="int",
        inputs=lambda: {"p": 0.3, "draws": 1000, "seed": 0},
        solution="pipe = bmw.Pipeline([bmw.HorizontalFlip(p=0.3)], seed=0)\n"
        "answer = sum(pipe.sample_params().draws[0].applied for _ in range(1000))",
    )
)


def _black_share(angle, x, y, side):
    from ..augment import text_pipeline
    from ..augment.text_reference import params_for_text_draws

    white = np.full((side, side, 3), 255, np.uint8)
    out = text_pipeline(0).apply(white, params_for_text_draws(angle, x, y, side, side))
    return float((out.max(axis=2) == 0).mean())


register(
    Exercise(
        id="ch1.black_corners",
        chapter=1,
        kind="explain",
        title={"en": "Black corners", "zh": "黑色的角"},
        question={
            "en": "Replay the text's draws angle = 30 deg, x = 0, y = 0 on a white 200 x 200 "
            "image (bmw.augment_text.params_for_text_draws and bmw.text_pipeline). What share "
            "of the output's pixels is black fill? Then change x and y to 49 and explain why "
            "the black disappears.",
            "zh": "在一张 200 × 200 的白色图像上重放教材的抽样 angle = 30 度、x = 0、y = 0"
            "（用 bmw.augment_text.params_for_text_draws 和 bmw.text_pipeline）。"
            "输出中黑色填充的像素占多少比例？再把 x 和 y 改成 49，解释黑色为什么消失了。",
        },
        hint={
            "en": "Apply the pipeline with those params and count the pixels whose three "
            "channels are all 0 (a fraction between 0 and 1).",
            "zh": "用这些参数运行流水线，数一数三个通道都为 0 的像素（0 到 1 之间的比例）。",
        },
        solve=_black_share,
        compare=close(0.0, 0.02),
        inputs=lambda: {"angle": 30.0, "x": 0, "y": 0, "side": 200},
        solution="import numpy as np\n"
        "white = np.full((200, 200, 3), 255, np.uint8)\n"
        "params = bmw.augment_text.params_for_text_draws(30.0, 0, 0, 200, 200)\n"
        "out = bmw.text_pipeline(0).apply(white, params)\n"
        "answer = float((out.max(axis=2) == 0).mean())",
    )
)


register(
    Exercise(
        id="ch1.open_digits",
        chapter=1,
        kind="open",
        title={"en": "Augmenting digits", "zh": "给手写数字做数据增强"},
        question={
            "en": "Design an augmentation pipeline for handwritten digits. Which of the sixteen "
            "transforms do you keep, with which ranges, and which must never be used?",
            "zh": "为手写数字设计一个数据增强流水线。十六种变换中你保留哪些、取什么范围？"
            "哪些绝对不能用？",
        },
        rubric={
            "en": (
                "keeps label-preserving changes: small rotations, shifts, scale, shear, "
                "brightness and contrast, a little blur or noise",
                "rules out flips (a mirrored 2, 3 or 7 is no digit) and large rotations (6 vs 9)",
                "measures the effect on held-out accuracy instead of assuming it",
            ),
            "zh": (
                "保留不改变标签的变化：小角度旋转、平移、缩放、错切、亮度与对比度、少量模糊或噪声",
                "排除翻转（镜像的 2、3、7 不再是数字）和大角度旋转（6 与 9）",
                "用留出集上的准确率测量效果，而不是想当然",
            ),
        },
    )
)
