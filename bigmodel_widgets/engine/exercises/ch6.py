"""Chapter 6's exercises (speech). The digit-string exercises use the engine's own checkers in
``tasks.speech.strings``: this file only registers them."""

from __future__ import annotations

from ._registry import Exercise, close, register, same_int

__all__: list[str] = []


def _der(spoken, read):
    from ..tasks.speech.strings import check_digit_error_rate

    return check_digit_error_rate(None, spoken=spoken, read=read).expected


register(
    Exercise(
        id="ch6.digit_error_rate",
        chapter=6,
        kind="compute",
        title={"en": "Digit error rate by hand", "zh": "手算数字错误率"},
        question={
            "en": "Spoken digits 4 0 7 7 2, read as 4 7 7 1 2. What is the digit error rate "
            "(fewest substitutions, deletions and insertions / spoken digits)? (In the "
            "notebook, inputs= gives your own string.)",
            "zh": "说出的数字是 4 0 7 7 2，识别结果是 4 7 7 1 2。数字错误率是多少"
            "（最少的替换、删除和插入次数 / 说出的数字个数）？（在笔记本中用 inputs= 传入你自己的数字串。）",
        },
        hint={
            "en": "Align the two strings: count the fewest edits that turn the spoken digits into "
            "the read ones, then divide by the number of spoken digits.",
            "zh": "把两个串对齐：数出把说出的数字变成识别结果所需的最少编辑次数，再除以说出的数字个数。",
        },
        solve=_der,
        compare=close(0.0, 5e-3),
        inputs=lambda: {"spoken": (4, 0, 7, 7, 2), "read": (4, 7, 7, 1, 2)},
        solution="# delete the 0, insert a 1: two edits over five spoken digits\nanswer = 2 / 5",
    )
)


def _segments(frames):
    from ..tasks.speech.strings import check_segment_count

    return check_segment_count(None, frames).expected


def _short_pauses():
    from ..tasks.speech import load_split
    from ..tasks.speech.strings import make_digit_string

    split = load_split(seed=0)
    return {"frames": make_digit_string(split, length=4, pause_frames=(3, 5), seed=2).frames}


register(
    Exercise(
        id="ch6.segment_count",
        chapter=6,
        kind="predict",
        title={"en": "Pauses that are too short", "zh": "太短的停顿"},
        question={
            "en": "A string of 4 spoken digits whose pauses last only 3-5 frames, shorter than "
            "the segmenter's min_pause of 6. Predict how many segments segment_frames finds, "
            "then measure it. (In the notebook, inputs={'frames': short.frames}.)",
            "zh": "一个由 4 个数字组成的语音串，停顿只有 3–5 帧，比分段器的 min_pause（6 帧）还短。"
            "先预测 segment_frames 会找到几段，再测量。（在笔记本中用 inputs={'frames': short.frames}。）",
        },
        hint={
            "en": "A pause shorter than min_pause frames does not split: neighbouring digits "
            "merge (look at the energy plot).",
            "zh": "短于 min_pause 帧的停顿不会切分：相邻的数字会连在一起（看能量曲线）。",
        },
        solve=_segments,
        compare=same_int,
        form="int",
        inputs=_short_pauses,
        solution='inputs = bmw.exercises.inputs("ch6.segment_count")\n'
        'answer = len(bmw.speech_strings.segment_frames(inputs["frames"]))',
    )
)


def _frames(seconds, rate):
    from ..tasks.speech.frontend import mfcc, synth_tone

    return int(mfcc(synth_tone(440.0, seconds, rate), rate).shape[0])


register(
    Exercise(
        id="ch6.mfcc_frames",
        chapter=6,
        kind="explain",
        title={"en": "How many MFCC frames?", "zh": "有多少个 MFCC 帧？"},
        question={
            "en": "How many MFCC frames does the front end make of one second of audio at 8 kHz "
            "(a 440 Hz tone from bmw.speech_frontend.synth_tone)? Then try 16 kHz and explain "
            "why the count does not change.",
            "zh": "前端把 8 kHz 采样的一秒音频（bmw.speech_frontend.synth_tone 生成的 440 Hz 纯音）"
            "变成多少个 MFCC 帧？再试 16 kHz，解释为什么帧数不变。",
        },
        hint={
            "en": "Call bmw.speech_frontend.mfcc on the tone and look at the shape: the front end "
            "resamples first, so frames depend on seconds, not on the input rate.",
            "zh": "对纯音调用 bmw.speech_frontend.mfcc 并查看形状：前端先重采样，"
            "所以帧数取决于时长，而不是输入的采样率。",
        },
        solve=_frames,
        compare=same_int,
        form="int",
        inputs=lambda: {"seconds": 1.0, "rate": 8000},
        solution="tone = bmw.speech_frontend.synth_tone(440.0, 1.0, 8000)\n"
        "answer = bmw.speech_frontend.mfcc(tone, 8000).shape[0]",
    )
)


register(
    Exercise(
        id="ch6.open_speakers",
        chapter=6,
        kind="open",
        title={"en": "A new speaker", "zh": "一位新的说话人"},
        question={
            "en": "This split mixes speakers between training and test, the easy setting. With "
            "only 6 speakers, how would you estimate the accuracy for a speaker the model has "
            "never heard?",
            "zh": "这个划分让训练集和测试集中有相同的说话人，是比较容易的设定。"
            "只有 6 位说话人时，你会如何估计模型对一位从未听过的说话人的准确率？",
        },
        rubric={
            "en": (
                "leave-one-speaker-out: train on 5, test on the 6th, six times",
                "reports the spread across speakers, not only the mean",
                "expects lower accuracy than the mixed split and says why",
            ),
            "zh": (
                "留一说话人交叉验证：用 5 位训练、第 6 位测试，重复六次",
                "报告不同说话人之间的波动，而不只是平均值",
                "预期准确率比混合划分低，并说明原因",
            ),
        },
    )
)


# ---- explanations: the frame the recognizer listens to (engine/explain/exercises.py) --------
def _top_frame(recognizer, seq):
    from ..explain.exercises import top_frame

    return top_frame(recognizer, seq)


def _frame_inputs():
    # The question's own model: the text's recognizer, untrained and seeded, on 30 frames of
    # seeded noise (cheap); the notebook passes its trained recognizer and a test example.
    import numpy as np

    from ..tasks.speech.models import build_model
    from ..tasks.speech.recognizer import SpeechRecognizer
    from ..training import set_seed

    set_seed(0)
    model = build_model("text")
    rec = SpeechRecognizer(model, np.zeros(13, np.float32), np.ones(13, np.float32), "text")
    seq = np.random.default_rng(0).normal(size=(30, 13)).astype(np.float32)
    return {"recognizer": rec, "seq": seq}


register(
    Exercise(
        id="ch6.top_frame",
        chapter=6,
        kind="predict",
        title={"en": "The frame that matters most", "zh": "最重要的那一帧"},
        question={
            "en": "For this example, which MFCC frame has the largest integrated-gradients "
            "score (within 2 frames)? Predict from its MFCCs (where is the loud part?), then "
            "check. (In the notebook, inputs= gives your recognizer and example.)",
            "zh": "对这个样本，哪一帧 MFCC 的积分梯度分数最大（相差 2 帧以内算对）？先从它的 "
            "MFCC 预测（响亮的部分在哪里？），再检查。（在笔记本中用 inputs= 传入你的识别器和样本。）",
        },
        hint={
            "en": "bmw.explain.speech_integrated_gradients(recognizer, seq).top(1) lists the "
            "most attributed frame; the loud frames usually carry the digit.",
            "zh": "bmw.explain.speech_integrated_gradients(recognizer, seq).top(1) 给出得分"
            "最高的帧；响亮的帧通常承载着数字。",
        },
        solve=_top_frame,
        compare=close(0.0, 2.0),
        form="int",
        inputs=_frame_inputs,
        solution='inputs = bmw.exercises.inputs("ch6.top_frame")\n'
        'exp = bmw.explain.speech_integrated_gradients(inputs["recognizer"], inputs["seq"])\n'
        "answer = exp.top(1)[0]",
    )
)
