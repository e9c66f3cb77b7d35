"""Chapter 4's exercises (NLP): windows over long texts and their aggregation.

The checkers of ``tasks.nlp.exercises`` (kept for notebooks that call them) and these entries
compute their answers with the same functions, ``window_spans`` and ``aggregate_windows``.
"""

from __future__ import annotations

from ._registry import Exercise, close_all, register, same, same_int

__all__: list[str] = []

_PROBS = ((0.9, 0.1), (0.3, 0.7), (0.45, 0.55))


def _spans(n_wordpieces, window, stride):
    from ..tasks.nlp.long_text import window_spans

    return window_spans(n_wordpieces, window=window, stride=stride)


def _aggregate(probabilities, rule):
    from ..tasks.nlp.long_text import aggregate_windows

    return aggregate_windows(probabilities, rule)[0]


register(
    Exercise(
        id="ch4.window_spans",
        chapter=4,
        kind="compute",
        title={"en": "The windows of a long review", "zh": "长评论的窗口"},
        question={
            "en": "A review has 100 wordpieces of text; the classifier reads windows of 46 "
            "wordpieces with a stride of 23. Write down the windows as (start, end) pairs "
            "(end exclusive).",
            "zh": "一条评论有 100 个子词；分类器以 46 个子词 为窗口、步长 23 读取。"
            "写出所有窗口的 (起点, 终点)（不含终点）。",
        },
        hint={
            "en": "A window starts every stride wordpieces; the last one ends exactly at the end "
            "of the text (it may overlap its neighbour more).",
            "zh": "每隔一个步长开始一个窗口；最后一个窗口正好结束在文本末尾（可能与前一个重叠更多）。",
        },
        solve=_spans,
        compare=same,
        form="pairs",
        inputs=lambda: {"n_wordpieces": 100, "window": 46, "stride": 23},
        solution="answer = bmw.nlp_long.window_spans(100, window=46, stride=23)",
    )
)

register(
    Exercise(
        id="ch4.window_count",
        chapter=4,
        kind="predict",
        title={"en": "How many model calls?", "zh": "要调用模型几次？"},
        question={
            "en": "Predict how many windows (model calls) a 512-wordpiece review needs at window "
            "46 and stride 23, then measure it with bmw.nlp_long.window_spans.",
            "zh": "先预测一条 512 个子词 的评论在窗口 46、步长 23 时需要多少个窗口"
            "（即调用模型多少次），再用 bmw.nlp_long.window_spans 测量。",
        },
        hint={
            "en": "Roughly (n - window) / stride + 1, rounded up, since the last window is moved "
            "to end at the text's end.",
            "zh": "约为 (n − 窗口) / 步长 + 1 并向上取整，因为最后一个窗口被移到文本末尾。",
        },
        solve=lambda n_wordpieces, window, stride: len(_spans(n_wordpieces, window, stride)),
        compare=same_int,
        form="int",
        inputs=lambda: {"n_wordpieces": 512, "window": 46, "stride": 23},
        solution="answer = len(bmw.nlp_long.window_spans(512, window=46, stride=23))",
    )
)

register(
    Exercise(
        id="ch4.confidence_rule",
        chapter=4,
        kind="compute",
        title={"en": "The confidence rule, by hand", "zh": "手算置信度加权"},
        question={
            "en": "Three windows give P(rotten), P(fresh) = (0.9, 0.1), (0.3, 0.7), (0.45, 0.55). "
            "Compute what the 'confidence' rule returns (weights proportional to each window's "
            "margin, top minus runner-up): [P(rotten), P(fresh)].",
            "zh": "三个窗口给出 P(rotten), P(fresh) = (0.9, 0.1)、(0.3, 0.7)、(0.45, 0.55)。"
            "计算 'confidence' 规则的结果（权重与每个窗口的差值成正比，即最高概率减第二高概率）："
            "[P(rotten), P(fresh)]。",
        },
        hint={
            "en": "Margins 0.8, 0.4 and 0.1; divide each by their sum to get the weights; then "
            "the weighted mean of the three rows (within 0.005).",
            "zh": "差值为 0.8、0.4、0.1；各除以它们的和得到权重；再求三行的加权平均（误差 0.005 以内）。",
        },
        solve=_aggregate,
        compare=close_all(5e-3),
        form="probs",
        inputs=lambda: {"probabilities": _PROBS, "rule": "confidence"},
        solution="probs = [[0.9, 0.1], [0.3, 0.7], [0.45, 0.55]]\n"
        "margins = [abs(a - b) for a, b in probs]\n"
        "weights = [m / sum(margins) for m in margins]\n"
        "answer = [sum(w * p[k] for w, p in zip(weights, probs)) for k in range(2)]",
    )
)

register(
    Exercise(
        id="ch4.vote_rule",
        chapter=4,
        kind="explain",
        title={"en": "Vote instead", "zh": "改用投票"},
        question={
            "en": "Same three windows, now with the 'vote' rule (each label's share of the "
            "windows' votes): give [P(rotten), P(fresh)], and explain why vote and confidence "
            "choose different labels.",
            "zh": "同样的三个窗口，改用 'vote' 规则（每个标签在各窗口投票中所占的比例）："
            "给出 [P(rotten), P(fresh)]，并解释为什么投票和置信度加权选出的标签不同。",
        },
        hint={
            "en": "Each window votes for its top label; count the votes and divide by 3.",
            "zh": "每个窗口投给自己概率最高的标签；数票数再除以 3。",
        },
        solve=_aggregate,
        compare=close_all(5e-3),
        form="probs",
        inputs=lambda: {"probabilities": _PROBS, "rule": "vote"},
        solution="probs = [[0.9, 0.1], [0.3, 0.7], [0.45, 0.55]]\n"
        "votes = [max(range(2), key=lambda k: p[k]) for p in probs]\n"
        "answer = [votes.count(k) / len(votes) for k in range(2)]",
    )
)

register(
    Exercise(
        id="ch4.open_explanations",
        chapter=4,
        kind="open",
        title={"en": "Occlusion or attention?", "zh": "遮挡还是注意力？"},
        question={
            "en": "Find a sentence where occlusion and attention disagree about the most "
            "important word. Which one do you trust, and why?",
            "zh": "找一个句子，使遮挡法和注意力对“最重要的词”的判断不一致。你更相信哪一个？为什么？",
        },
        rubric={
            "en": (
                "shows the sentence and both rankings from the widget",
                "occlusion measures the effect on the output; attention weights show where a "
                "layer looks, not what changes the decision",
                "checks the claim by editing the sentence and watching the prediction",
            ),
            "zh": (
                "给出句子以及小部件中的两种排序",
                "遮挡法测量的是对输出的影响；注意力权重只说明某一层在看哪里，而不是什么改变了判断",
                "通过修改句子、观察预测的变化来验证自己的结论",
            ),
        },
    )
)


# ---- explanations: which wordpiece matters most (engine/explain/exercises.py) ---------------
_TEXT = "a gripping, beautifully acted film with a clumsy ending"


def _top_token(classifier, text):
    from ..explain.exercises import top_token

    return top_token(classifier, text)[0]


def _token_inputs():
    # The question's own model: a tiny, untrained BERT (seeded, built in a second or two), so
    # the check runs anywhere; the notebook passes its fine-tuned classifier with inputs=.
    from ..tasks.nlp import tiny_classifier

    classifier = tiny_classifier(layers=2, max_length=32, seed=0)
    classifier.model(classifier.encode([_TEXT]))  # build the weights
    return {"classifier": classifier, "text": _TEXT}


def _same_wordpiece(answer, right):
    return answer.strip().lower() == right if isinstance(answer, str) else None


register(
    Exercise(
        id="ch4.top_token",
        chapter=4,
        kind="predict",
        title={"en": "The wordpiece that decides", "zh": "起决定作用的子词"},
        question={
            "en": "Which wordpiece of `text` has the largest integrated-gradients score for the "
            "predicted label? Look at the scores (or at the widget's token colours with "
            "integrated gradients), then check. (In the notebook, inputs= gives your "
            "classifier and text.)",
            "zh": "对预测出的标签，`text` 中哪个子词 的积分梯度分数最大？先看分数"
            "（或在小部件中选积分梯度，看词元的颜色），再检查。（在笔记本中用 inputs= 传入你的"
            "分类器和文本。）",
        },
        hint={
            "en": "bmw.nlp_explain.integrated_gradients(classifier, text) gives one score per "
            "wordpiece; leave out [CLS] and [SEP] (the baseline keeps them) and take the "
            "largest. Wordpieces are lower case.",
            "zh": "bmw.nlp_explain.integrated_gradients(classifier, text) 给每个子词 "
            "一个分数；去掉 [CLS] 和 [SEP]（基线保留了它们），取最大的那个。子词都是小写。",
        },
        solve=_top_token,
        compare=_same_wordpiece,
        form="label",
        inputs=_token_inputs,
        solution='inputs = bmw.exercises.inputs("ch4.top_token")\n'
        'exp = bmw.nlp_explain.integrated_gradients(inputs["classifier"], inputs["text"])\n'
        "scores = list(exp.attributions)[1:-1]  # [CLS] and [SEP] are the baseline\n"
        "answer = exp.units[1 + scores.index(max(scores))]",
    )
)
