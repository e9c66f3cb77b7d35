"""Chapter 5's exercises (computer vision). The two number exercises use the engine's own
checkers in ``tasks.vision.number_eval``: this file only registers them."""

from __future__ import annotations

from ._registry import Exercise, close, register, same_int

__all__: list[str] = []


def _cnn_params(kind):
    from ..tasks.vision import build_cnn

    return int(build_cnn(kind).count_params())


register(
    Exercise(
        id="ch5.text_cnn_params",
        chapter=5,
        kind="compute",
        title={"en": "The text's CNN, counted", "zh": "数一数教材中 CNN 的参数"},
        question={
            "en": "The text's CNN is Conv2D(32, 3x3) -> MaxPool(2) -> Flatten -> Dense(10) on "
            "32 x 32 x 3 inputs (the text's input shape: digits are resized and made RGB). "
            "How many parameters does it have?",
            "zh": "教材中的 CNN 是 Conv2D(32, 3x3) -> MaxPool(2) -> Flatten -> Dense(10)，"
            "输入为 32 × 32 × 3（教材的输入形状：数字图像被缩放并转成 RGB）。它有多少个参数？",
        },
        hint={
            "en": "Conv: 32 x (3 x 3 x 3 + 1). After a valid 3x3 conv and a 2x2 pool the map is "
            "15 x 15 x 32; the dense layer has that many inputs x 10, plus 10 biases.",
            "zh": "卷积层：32 × (3 × 3 × 3 + 1)。经过 valid 3x3 卷积和 2x2 池化后特征图为 "
            "15 × 15 × 32；全连接层的参数为该输入数 × 10，再加 10 个偏置。",
        },
        solve=_cnn_params,
        compare=close(0.0, 0.5),
        form="int",
        inputs=lambda: {"kind": "text"},
        solution="answer = 32 * (3 * 3 * 3 + 1) + 15 * 15 * 32 * 10 + 10",
    )
)


def _least_confident(model, image):
    from ..tasks.vision.number_eval import check_least_confident

    return check_least_confident(model, image, None).expected


def _number_inputs():
    from ..tasks.vision import build_cnn, numbers_dataset

    return {
        "model": build_cnn("text", seed=0),
        "image": numbers_dataset(n=1, length=(4, 4), seed=0)[0].image,
    }


register(
    Exercise(
        id="ch5.least_confident",
        chapter=5,
        kind="predict",
        title={"en": "The least sure digit", "zh": "最没把握的那个数字"},
        question={
            "en": "Look at the number image: which digit (0 = leftmost) will the network be "
            "least sure of? Predict, then read it with bmw.read_number and look at the "
            "confidences. (In the notebook, inputs= gives your model and image.)",
            "zh": "看这张多位数图像：网络对哪一位数字（0 表示最左边）最没把握？"
            "先预测，再用 bmw.read_number 读取并查看置信度。（在笔记本中用 inputs= 传入你的模型和图像。）",
        },
        hint={
            "en": "read_number(model, image).confidences holds each digit's top-1 probability; "
            "the answer is the position of the smallest.",
            "zh": "read_number(model, image).confidences 是每位数字的最高概率；答案是其中最小值的位置。",
        },
        solve=_least_confident,
        compare=same_int,
        form="int",
        inputs=_number_inputs,
        solution='inputs = bmw.exercises.inputs("ch5.least_confident")\n'
        "import numpy as np\n"
        'reading = bmw.read_number(inputs["model"], inputs["image"])\n'
        "answer = int(np.argmin(reading.confidences))",
    )
)


def _independent(result):
    from ..tasks.vision.number_eval import check_number_accuracy_estimate

    return check_number_accuracy_estimate(result, None).expected


register(
    Exercise(
        id="ch5.number_accuracy",
        chapter=5,
        kind="explain",
        title={"en": "Digits right, numbers right?", "zh": "每位都对，整个数就对吗？"},
        question={
            "en": "If each digit were read right independently with per-digit accuracy p, what "
            "share of numbers (lengths 4-8, equally likely) would be read exactly? Then compare "
            "with the measured whole-number accuracy and explain the gap. (In the notebook, "
            "inputs={'result': result} uses your evaluation.)",
            "zh": "如果每位数字都以单字准确率 p 独立地被读对，那么（长度 4–8 等可能的）多位数中"
            "有多大比例会被完全读对？再与实测的整数准确率比较，解释差距。"
            "（在笔记本中用 inputs={'result': result} 使用你的评估结果。）",
        },
        hint={
            "en": "The mean of p ** L over L = 4, 5, 6, 7, 8 (within 0.01).",
            "zh": "对 L = 4, 5, 6, 7, 8 求 p ** L 的平均值（误差 0.01 以内）。",
        },
        solve=_independent,
        compare=close(0.0, 0.01),
        inputs=lambda: {
            "result": {"length_range": [4, 8], "per_digit_acc": 0.97, "number_acc": 0.82}
        },
        solution="p, lengths = 0.97, range(4, 9)\n"
        "answer = sum(p**L for L in lengths) / len(lengths)",
    )
)


register(
    Exercise(
        id="ch5.open_mislabelled",
        chapter=5,
        kind="open",
        title={"en": "Confident mistakes", "zh": "自信的错误"},
        question={
            "en": "bmw.vision.evaluate lists the most confident mistakes. Are some of them "
            "mislabelled? What would you do about it before training again?",
            "zh": "bmw.vision.evaluate 列出了最自信的错误。其中有些是标注错了吗？"
            "重新训练之前你会怎么处理？",
        },
        rubric={
            "en": (
                "shows a few of the images with their label and the prediction",
                "separates ambiguous writing, label errors and real model errors",
                "keeps the held-out split fixed and reports accuracy with and without the fix",
            ),
            "zh": (
                "展示几张图像以及它们的标签和预测",
                "区分书写本身有歧义、标签错误和真正的模型错误",
                "保持留出集不变，分别报告修正前后的准确率",
            ),
        },
    )
)


# ---- explanations: Grad-CAM or integrated gradients (engine/explain/exercises.py) -----------
def _deletion_winner(model, image):
    from ..explain.exercises import deletion_winner

    return deletion_winner(model, image)


def _deletion_inputs():
    # The question's own model: the text's CNN, untrained and seeded (cheap); the notebook
    # passes its trained model and digit with inputs=.
    from ..splits import mnist5k_split
    from ..tasks.vision import build_cnn, digits_to_input

    digit = mnist5k_split(seed=0).x_test[:1]
    return {"model": build_cnn("text", seed=0), "image": digits_to_input(digit)[0]}


def _same_method(answer, right):
    return answer.strip().lower() == right if isinstance(answer, str) else None


register(
    Exercise(
        id="ch5.deletion_winner",
        chapter=5,
        kind="predict",
        title={"en": "Which explanation is more faithful?", "zh": "哪种解释更可信？"},
        question={
            "en": "On the digit, which explanation makes the deletion curve fall faster: "
            "'grad-cam' or 'integrated gradients'? Predict, then check (the engine computes "
            "both curves now). (In the notebook, inputs= gives your model and digit.)",
            "zh": "在这张数字图像上，哪种解释让删除曲线下降得更快：'grad-cam' 还是 "
            "'integrated gradients'？先预测，再检查（引擎当场算出两条曲线）。"
            "（在笔记本中用 inputs= 传入你的模型和数字图像。）",
        },
        hint={
            "en": "Delete the pixels in each method's order (bmw.explain.deletion_curve) and "
            "compare the areas under the two curves: the smaller area falls faster.",
            "zh": "按每种方法给出的顺序删除像素（bmw.explain.deletion_curve），比较两条曲线下的"
            "面积：面积小的下降得快。",
        },
        solve=_deletion_winner,
        compare=_same_method,
        form="label",
        inputs=_deletion_inputs,
        solution='inputs = bmw.exercises.inputs("ch5.deletion_winner")\n'
        'model, x = inputs["model"], inputs["image"]\n'
        "cam = bmw.explain.grad_cam(model, x)\n"
        "ig = bmw.explain.integrated_gradients(model, x, target=cam.target)\n"
        "auc = {\n"
        "    e.method: bmw.explain.deletion_curve(\n"
        "        lambda b: model(b, training=False).numpy(), x, e.attributions, target=cam.target\n"
        '    )["auc"]\n'
        "    for e in (cam, ig)\n"
        "}\n"
        "answer = min(auc, key=auc.get)",
    )
)
