"""Text longer than the model: truncation, head + tail, and sliding windows with aggregation.

A classifier reads at most ``max_length`` wordpieces ([CLS] and [SEP] included). For longer text
this module offers three strategies, all shown to the user (never a silent drop):

* ``"truncate"``: the first ``window`` wordpieces (what ``clf.predict`` does);
* ``"head_tail"``: the first ``head`` and the last ``window - head`` wordpieces in one input
  (Sun et al. 2019, "How to fine-tune BERT for text classification": head + tail beat both
  head-only and tail-only on long reviews; the tail is kept longer because reviews conclude);
* ``"windows"``: windows of ``window`` wordpieces every ``stride`` wordpieces, each wrapped in
  [CLS]/[SEP] and classified, then aggregated (``AGGREGATES``).

The text is tokenized once, in chunks cut at whitespace (the same wordpieces as tokenizing it
whole), so time and memory grow linearly with its length; ``max_chars`` refuses a text too large
to tokenize and ``max_windows`` bounds the model calls (evenly spaced windows, said in ``note``).
Long documents built from held-out snippets and their evaluation live in :mod:`.long_documents`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ... import checks
from ...i18n import t
from ...training import Progress
from .classifier import TextClassifierBase, check_text, softmax

__all__ = [
    "STRATEGIES",
    "AGGREGATES",
    "MAX_CHARS",
    "TextWindow",
    "LongTextPrediction",
    "wordpieces",
    "window_spans",
    "plan_windows",
    "aggregate_windows",
    "classify_long",
    "classify_long_many",
]

STRATEGIES = ("truncate", "head_tail", "windows")
# mean: every window counts the same. confidence: each window weighs by its margin (top
# probability minus the runner-up): a window of plot summary the model is unsure about counts
# little, a window that states the verdict counts a lot. vote: the majority of window labels.
AGGREGATES = ("mean", "confidence", "vote")
MAX_CHARS = 2_000_000  # about 350,000 words: beyond this, split the text yourself
_CHUNK_CHARS = 50_000  # tokenize this many characters at a time (cut at whitespace)
_EXCERPT_CHARS = 200


@dataclass(frozen=True)
class TextWindow:
    """One input the model read: its wordpiece spans ([CLS]/[SEP] excluded, end exclusive),
    their character spans in the text, an excerpt, its own verdict and its weight."""

    index: int
    spans: tuple  # ((start, end), ...): one span, or two for head + tail
    chars: tuple  # ((start, end), ...) in the text
    excerpt: str
    probabilities: dict
    label: str
    weight: float  # its share of the aggregated result (weights sum to 1)
    drove: bool  # its own label is the result's label (it supports the verdict)


@dataclass(frozen=True)
class LongTextPrediction:
    """The verdict on a long text and every window behind it (``seconds`` is not compared)."""

    label: str
    probabilities: dict
    strategy: str
    aggregate: str
    window: int  # wordpieces of text per input ([CLS]/[SEP] excluded)
    stride: int | None
    head: int | None
    windows: tuple  # of TextWindow, in text order
    n_wordpieces: int  # the whole text, [CLS] and [SEP] included (as TextPrediction)
    n_windows_total: int  # windows the strategy asks for, before the max_windows cap
    coverage: float  # fraction of the text's wordpieces read at least once
    note: str  # what was left out and why, or ""
    max_length: int
    model: str
    excerpt: str  # the text's first characters
    seconds: float = field(default=0.0, compare=False)

    @property
    def window_probabilities(self) -> np.ndarray:
        """(n_windows, n_labels) probabilities, one row per window."""
        return np.array([list(w.probabilities.values()) for w in self.windows])

    @property
    def weights(self) -> tuple:
        return tuple(w.weight for w in self.windows)

    @property
    def truncated(self) -> bool:
        """Whether some of the text was never read (coverage below 1)."""
        return self.coverage < 1.0


def _check_classifier(clf) -> TextClassifierBase:
    if not isinstance(clf, TextClassifierBase):
        raise TypeError(f"clf must be a text classifier, got {type(clf).__name__}")
    return clf


def wordpieces(
    tokenizer, text: str, *, chunk_chars: int = _CHUNK_CHARS, max_chars: int = MAX_CHARS
) -> tuple[np.ndarray, np.ndarray]:
    """The text's wordpiece ids (no [CLS]/[SEP]) and their (start, end) character offsets.

    Tokenized ``chunk_chars`` at a time, each chunk cut at whitespace so no word is split:
    BERT's tokenizer splits on whitespace first, so the ids equal those of the whole text.
    """
    text = check_text(text)
    chunk_chars = checks.positive_int(chunk_chars, name="chunk_chars", minimum=100)
    max_chars = checks.positive_int(max_chars, name="max_chars")
    if len(text) > max_chars:
        raise ValueError(t("text.err.too_long", n=f"{len(text):,}", max=f"{max_chars:,}"))
    ids, offsets, start = [], [], 0
    while start < len(text):
        end = min(start + chunk_chars, len(text))
        if end < len(text):
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            end = cut + 1 if cut > start else end  # one huge "word": cut it where we are
        enc = tokenizer(
            text[start:end],
            add_special_tokens=False,
            return_offsets_mapping=True,
            truncation=False,
            verbose=False,
        )
        ids.append(np.asarray(enc["input_ids"], dtype=np.int32))
        offsets.append(np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2) + start)
        start = end
    return np.concatenate(ids), np.concatenate(offsets)


def _window_starts(n: int, window: int, stride: int) -> np.ndarray:
    if n <= window:
        return np.zeros(1, dtype=np.int64)
    # every stride, and one last window aligned to the end so the tail is read in full
    return np.append(np.arange(0, n - window, stride), n - window)


def window_spans(n_wordpieces: int, *, window: int, stride: int) -> tuple:
    """Sliding windows ``((start, end), ...)`` over ``n_wordpieces`` wordpieces.

    A window starts every ``stride`` wordpieces; the last one ends exactly at the end (it may
    overlap its neighbour more). A text that fits gives one window. Example: 10 wordpieces,
    window 4, stride 2 -> (0, 4), (2, 6), (4, 8), (6, 10).
    """
    n = checks.positive_int(n_wordpieces, name="n_wordpieces")
    window = checks.positive_int(window, name="window")
    stride = checks.positive_int(stride, name="stride")
    if stride > window:
        raise ValueError(
            f"stride ({stride}) must not exceed window ({window}): the wordpieces between "
            "windows would never be read"
        )
    return tuple((int(s), int(min(s + window, n))) for s in _window_starts(n, window, stride))


def _settings(clf, strategy, window, stride, head) -> tuple[int, int | None, int | None]:
    """Validated (window, stride, head) for ``strategy``, defaults filled in."""
    strategy = checks.one_of(strategy, name="strategy", choices=STRATEGIES)
    most = clf.max_length - 2  # [CLS] and [SEP] take two of the max_length positions
    if window is None:
        window = most
    window = checks.positive_int(window, name="window")
    if window > most:
        raise ValueError(
            f"window ({window}) must be at most max_length - 2 = {most} wordpieces "
            f"(the model reads {clf.max_length}, [CLS] and [SEP] included)"
        )
    if strategy != "windows" and stride is not None:
        raise ValueError(f"stride applies to strategy='windows' only, not {strategy!r}")
    if strategy != "head_tail" and head is not None:
        raise ValueError(f"head applies to strategy='head_tail' only, not {strategy!r}")
    if strategy == "windows":
        stride = max(1, window // 2) if stride is None else stride
        stride = checks.positive_int(stride, name="stride")
        if stride > window:
            raise ValueError(
                f"stride ({stride}) must not exceed window ({window}): the wordpieces "
                "between windows would never be read"
            )
    if strategy == "head_tail":
        head = window // 4 if head is None else head
        head = checks.int_in_range(head, name="head", low=0, high=window)
    return window, stride, head


def plan_windows(
    n_wordpieces: int,
    *,
    strategy: str = "windows",
    window: int,
    stride: int | None = None,
    head: int | None = None,
) -> tuple:
    """The inputs a strategy feeds the model: one tuple of ``(start, end)`` spans per input."""
    n = checks.positive_int(n_wordpieces, name="n_wordpieces")
    if strategy == "windows":
        return tuple((s,) for s in window_spans(n, window=window, stride=stride))
    if strategy == "truncate" or n <= window:
        return (((0, min(n, window)),),)
    checks.one_of(strategy, name="strategy", choices=STRATEGIES)
    tail = window - head
    spans = ((0, head),) if head else ()
    return (spans + (((n - tail, n),) if tail else ()),)


def aggregate_windows(probabilities, rule: str = "mean") -> tuple[np.ndarray, np.ndarray, int]:
    """Combine per-window probabilities (n_windows, n_labels): (probabilities, weights, label).

    ``"mean"`` averages them; ``"confidence"`` weighs each window by its margin (top minus
    runner-up probability; equal weights when every margin is 0); ``"vote"`` returns each
    label's share of the windows' votes, ties broken by the mean probabilities.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or not p.size:
        raise ValueError(
            f"probabilities must be a non-empty (n_windows, n_labels) array, got {p.shape}"
        )
    rule = checks.one_of(rule, name="rule", choices=AGGREGATES)
    n = len(p)
    weights = np.full(n, 1.0 / n)
    if rule == "confidence":
        top2 = np.sort(p, axis=1)[:, -2:] if p.shape[1] > 1 else np.zeros((n, 2))
        margin = top2[:, 1] - top2[:, 0]
        if margin.sum() > 0:
            weights = margin / margin.sum()
    mean = weights @ p
    if rule != "vote":
        return mean, weights, int(np.argmax(mean))
    shares = np.bincount(p.argmax(axis=1), minlength=p.shape[1]) / n
    best = np.flatnonzero(shares == shares.max())
    return shares, weights, int(best[np.argmax(mean[best])])


def _encode(clf: TextClassifierBase, rows) -> dict:
    """Model inputs for ``rows`` of (ids, spans): [CLS] pieces [SEP], padded to max_length."""
    tok, length = clf.tokenizer, clf.max_length
    out = {
        "input_ids": np.full((len(rows), length), tok.pad_token_id, dtype=np.int32),
        "attention_mask": np.zeros((len(rows), length), dtype=np.int32),
        "token_type_ids": np.zeros((len(rows), length), dtype=np.int32),
    }
    for row, (ids, spans) in enumerate(rows):
        piece = np.concatenate([ids[s:e] for s, e in spans])
        out["input_ids"][row, : len(piece) + 2] = [tok.cls_token_id, *piece, tok.sep_token_id]
        out["attention_mask"][row, : len(piece) + 2] = 1
    return out


@dataclass(frozen=True)
class _Plan:
    text: str
    ids: np.ndarray
    offsets: np.ndarray
    inputs: tuple
    n_total: int
    coverage: float
    note: str


def _plan(clf, text, strategy, window, stride, head, max_windows) -> _Plan:
    text = check_text(text)
    ids, offsets = wordpieces(clf.tokenizer, text)
    n = len(ids)
    if not n:
        raise ValueError(t("text.err.no_wordpieces"))
    inputs = plan_windows(n, strategy=strategy, window=window, stride=stride, head=head)
    n_total = len(inputs)
    if n_total > max_windows:
        keep = np.unique(np.round(np.linspace(0, n_total - 1, max_windows)).astype(int))
        inputs = tuple(inputs[i] for i in keep)
    read = np.zeros(n, dtype=bool)
    for spans in inputs:
        for s, e in spans:
            read[s:e] = True
    coverage, note = float(read.mean()), ""
    if n_total > max_windows:
        note = t(
            "text.note.sampled",
            n=f"{n:,}",
            total=f"{n_total:,}",
            used=len(inputs),
            max=max_windows,
            coverage=f"{coverage:.0%}",
        )
    elif coverage < 1.0:
        note = t(
            "text.note.partial",
            n=f"{n:,}",
            strategy=t(f"text.strategy_name.{strategy}"),
            read=f"{int(read.sum()):,}",
            coverage=f"{coverage:.0%}",
        )
    return _Plan(text, ids, offsets, inputs, n_total, coverage, note)


def _window_probabilities(clf, plans, batch_size: int, progress: Progress) -> list[np.ndarray]:
    """Per plan, (n_inputs, n_labels) probabilities; a batch may hold several plans' windows."""
    rows = [(k, (plan.ids, spans)) for k, plan in enumerate(plans) for spans in plan.inputs]
    probs = []
    for i in range(0, len(rows), batch_size):
        batch = [r for _, r in rows[i : i + batch_size]]
        probs.append(softmax(clf.logits(_encode(clf, batch))))
        if progress is not None:
            progress(min(i + batch_size, len(rows)), len(rows), {"windows": len(rows)})
    flat = np.concatenate(probs)
    owner = np.array([k for k, _ in rows])
    return [flat[owner == k] for k in range(len(plans))]


def _prediction(clf, plan: _Plan, probs, settings: dict, seconds: float) -> LongTextPrediction:
    agg, weights, best = aggregate_windows(probs, settings["aggregate"])
    labels, windows = clf.labels, []
    for k, (spans, p, wt) in enumerate(zip(plan.inputs, probs, weights)):
        chars, excerpt = _excerpt(plan.text, plan.offsets, spans)
        windows.append(
            TextWindow(
                index=k,
                spans=tuple((int(s), int(e)) for s, e in spans),
                chars=chars,
                excerpt=excerpt,
                probabilities={lab: float(v) for lab, v in zip(labels, p)},
                label=labels[int(np.argmax(p))],
                weight=float(wt),
                drove=int(np.argmax(p)) == best,
            )
        )
    return LongTextPrediction(
        label=labels[best],
        probabilities={lab: float(v) for lab, v in zip(labels, agg)},
        windows=tuple(windows),
        n_wordpieces=len(plan.ids) + 2,
        n_windows_total=plan.n_total,
        coverage=plan.coverage,
        note=plan.note,
        max_length=clf.max_length,
        model=clf.kind,
        excerpt=plan.text[:_EXCERPT_CHARS],
        seconds=seconds,
        **settings,
    )


def _excerpt(text: str, offsets: np.ndarray, spans) -> tuple[tuple, str]:
    chars = tuple((int(offsets[s, 0]), int(offsets[e - 1, 1])) for s, e in spans if e > s)
    return chars, " … ".join(text[a:b] for a, b in chars)


def classify_long_many(
    clf: TextClassifierBase,
    texts,
    *,
    strategy: str = "windows",
    window: int | None = None,
    stride: int | None = None,
    head: int | None = None,
    aggregate: str = "mean",
    max_windows: int = 256,
    batch_size: int = 64,
    progress: Progress = None,
) -> list[LongTextPrediction]:
    """:func:`classify_long` for several texts, their windows sharing the model's batches.

    :func:`classify_long` is this for one text. Results do not depend on how windows are
    batched (up to float rounding); ``seconds`` is an equal share of the total time.
    """
    t0 = time.perf_counter()
    clf = _check_classifier(clf)
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)) or not texts:
        raise TypeError(f"texts must be a non-empty list of str, got {type(texts).__name__}")
    window, stride, head = _settings(clf, strategy, window, stride, head)
    aggregate = checks.one_of(aggregate, name="aggregate", choices=AGGREGATES)
    max_windows = checks.positive_int(max_windows, name="max_windows")
    batch_size = checks.positive_int(batch_size, name="batch_size")
    plans = [_plan(clf, t, strategy, window, stride, head, max_windows) for t in texts]
    probs = _window_probabilities(clf, plans, batch_size, progress)
    share = (time.perf_counter() - t0) / len(plans)
    settings = {
        "strategy": strategy,
        "aggregate": aggregate,
        "window": window,
        "stride": stride,
        "head": head,
    }
    return [_prediction(clf, plan, p, settings, share) for plan, p in zip(plans, probs)]


def classify_long(
    clf: TextClassifierBase,
    text: str,
    *,
    strategy: str = "windows",
    window: int | None = None,
    stride: int | None = None,
    head: int | None = None,
    aggregate: str = "mean",
    max_windows: int = 256,
    batch_size: int = 32,
    progress: Progress = None,
) -> LongTextPrediction:
    """Classify a text of any length with ``strategy`` (see the module's docstring).

    ``window`` (default ``max_length - 2``) is the wordpieces of text per input; ``stride``
    (windows only, default ``window // 2``) the step between windows; ``head`` (head_tail only,
    default ``window // 4``) the wordpieces kept from the start, the rest from the end.
    ``aggregate`` is one of ``AGGREGATES``. At most ``max_windows`` windows are classified:
    beyond it, evenly spaced ones, and ``note`` says so. ``progress(done, total, info)`` after
    every batch of ``batch_size`` windows. Works for any classifier (Keras or TFLite).
    """
    text = check_text(text)
    (prediction,) = classify_long_many(
        clf,
        [text],
        strategy=strategy,
        window=window,
        stride=stride,
        head=head,
        aggregate=aggregate,
        max_windows=max_windows,
        batch_size=batch_size,
        progress=progress,
    )
    return prediction
