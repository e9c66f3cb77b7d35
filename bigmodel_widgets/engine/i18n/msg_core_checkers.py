"""The old per-chapter exercise checkers (``ex.old.``: tasks/nlp/exercises.py,
tasks/vision/number_eval.py, tasks/speech/strings.py, explain/exercises.py; issue 17): a wrong
answer gets "not yet" and a hint, never the answer. The registry's own texts are ``ex.``."""

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
    # the old per-chapter checkers (tasks/*, explain/exercises.py): a wrong answer gets a hint
    "ex.old.wrong": "not yet. Hint: {hint}",
    "ex.old.spans_form": "give a list of (start, end) pairs",
    "ex.old.spans_right": "correct: {n} windows",
    "ex.old.spans_count": "the number of windows is wrong (you gave {given}): a window starts "
    "every stride wordpieces and the last one ends at the end of the text",
    "ex.old.spans_window": "window {k} is wrong (remember the last window ends at {n})",
    "ex.old.agg_form": "give {n} probabilities, one per label",
    "ex.old.agg_right": "correct: {probs}",
    "ex.old.agg_hint": "the {rule} rule gives something else (try again; weights sum to 1)",
    "ex.old.least_right": "right: digit {k} ({digit})",
    "ex.old.least_hint": "read_number(model, image).confidences holds each digit's top-1 "
    "probability; the answer is the position (0 = leftmost) of the smallest",
    "ex.old.acc_right": "right: {want} expected, {measured} measured",
    "ex.old.acc_hint": "the mean of p ** L over L = {lo}..{hi} with p = {p} (within 0.01)",
    "ex.old.der_form": "give one number, e.g. 0.25",
    "ex.old.der_right": "correct: {value}",
    "ex.old.der_hint": "count the fewest substitutions, deletions and insertions that turn the "
    "spoken digits into the read ones, then divide by the number of spoken digits",
    "ex.old.seg_form": "give a whole number of segments",
    "ex.old.seg_right": "correct: {n} segment(s)",
    "ex.old.seg_hint": "a pause shorter than min_pause frames does not split (look at the plot)",
    "ex.old.token_form": "give the wordpiece as a string, e.g. 'great'",
    "ex.old.token_right": "correct: {token} (IG {score})",
    "ex.old.token_hint": "look at the green token with the strongest colour (or sort "
    "exp.attributions); wordpieces are lower case",
    "ex.old.frame_form": "give a frame number (an int)",
    "ex.old.frame_right": "correct: frame {frame} (you said {given})",
    "ex.old.frame_hint": "look for the tallest bar of the integrated-gradients scores "
    "(exp.top(1)); an answer within {tolerance} frames counts",
    "ex.old.deletion_form": "answer 'grad-cam' or 'integrated gradients'",
    "ex.old.deletion_right": "correct: deletion AUC {numbers}",
    "ex.old.deletion_hint": "compute both deletion curves (bmw.explain.deletion_curve) and "
    "compare their areas: the smaller area falls faster",
}

ZH: dict[str, str] = {
    # 旧的各章检查函数：答错时给提示
    "ex.old.wrong": "还不对。提示：{hint}",
    "ex.old.spans_form": "请给出由 (起点, 终点) 组成的列表",
    "ex.old.spans_right": "正确：共 {n} 个窗口",
    "ex.old.spans_count": "窗口个数不对（你给了 {given} 个）：每隔一个步长开始一个窗口，"
    "最后一个窗口正好结束在文本末尾",
    "ex.old.spans_window": "第 {k} 个窗口不对（记住最后一个窗口结束在 {n}）",
    "ex.old.agg_form": "请给出 {n} 个概率，每个标签一个",
    "ex.old.agg_right": "正确：{probs}",
    "ex.old.agg_hint": "{rule} 规则算出的不是这个（再试一次；权重之和为 1）",
    "ex.old.least_right": "正确：第 {k} 位（{digit}）",
    "ex.old.least_hint": "read_number(model, image).confidences 是每位数字的最高概率；"
    "答案是其中最小值的位置（0 表示最左边）",
    "ex.old.acc_right": "正确：按独立假设应为 {want}，实测为 {measured}",
    "ex.old.acc_hint": "对 L = {lo}..{hi} 求 p ** L 的平均值，其中 p = {p}（误差 0.01 以内）",
    "ex.old.der_form": "请给出一个数，例如 0.25",
    "ex.old.der_right": "正确：{value}",
    "ex.old.der_hint": "数一数把说出的数字变成读出的数字最少需要几次替换、删除和插入，"
    "再除以说出的数字个数",
    "ex.old.seg_form": "请给出片段数（整数）",
    "ex.old.seg_right": "正确：{n} 个片段",
    "ex.old.seg_hint": "短于 min_pause 帧的停顿不会切分（看一看图）",
    "ex.old.token_form": "请以字符串给出 wordpiece，例如 'great'",
    "ex.old.token_right": "正确：{token}（IG {score}）",
    "ex.old.token_hint": "看颜色最深的绿色词元（或对 exp.attributions 排序）；wordpiece 都是小写",
    "ex.old.frame_form": "请给出帧号（整数）",
    "ex.old.frame_right": "正确：第 {frame} 帧（你的答案是 {given}）",
    "ex.old.frame_hint": "找积分梯度分数最高的那一帧（exp.top(1)）；相差不超过 {tolerance} "
    "帧都算对",
    "ex.old.deletion_form": "请回答 'grad-cam' 或 'integrated gradients'",
    "ex.old.deletion_right": "正确：删除曲线的 AUC 为 {numbers}",
    "ex.old.deletion_hint": "把两条删除曲线都算出来（bmw.explain.deletion_curve），比较它们的"
    "面积：面积小的下降得快",
}
