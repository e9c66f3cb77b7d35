"""Long reviews built from held-out Rotten Tomatoes snippets, and how each strategy reads them.

A *single-label* document joins k snippets of one label; a *mixed* one joins k snippets of both
labels and is labelled by its strict majority. Built from the **test** split only (the
classifier never trained on it), deterministic given a seed, each label drawn with probability
1/2 (so the majority baseline is 50 %, whatever the corpus balance).

:func:`evaluate_long_documents` measures accuracy and time per document for each strategy of
:mod:`.long_text`, and the cost of simply reading more: truncation at ``max_length`` 128, 256,
512 on the same weights (MiniLM has 512 positions; the fine-tuning saw only the first 48).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import checks
from ...training import Progress
from .classifier import BertTextClassifier, TextClassifierBase
from .long_text import AGGREGATES, STRATEGIES, aggregate_windows, classify_long_many

__all__ = ["KINDS", "LongDocument", "long_documents", "evaluate_long_documents"]

KINDS = ("single", "mixed")
_KIND_SEED = {"single": 1, "mixed": 2}  # a separate random stream per kind
_CHUNK_DOCS = 32  # documents per classify_long_many call (one progress report each)


@dataclass(frozen=True)
class LongDocument:
    """``text`` (snippets joined by spaces), its ``label`` and the snippets' own labels."""

    text: str
    label: int
    snippet_labels: tuple
    kind: str


def _check_snippets(snippets, kind: str) -> tuple[int, int]:
    if isinstance(snippets, int) and not isinstance(snippets, bool):
        snippets = (snippets, snippets)
    if not isinstance(snippets, (tuple, list)) or len(snippets) != 2:
        raise TypeError(f"snippets must be an int or a (min, max) pair, got {snippets!r}")
    low = 3 if kind == "mixed" else 1  # a strict majority and a minority need 3 snippets
    lo = checks.int_in_range(snippets[0], name="snippets min", low=low)
    hi = checks.int_in_range(snippets[1], name="snippets max", low=lo)
    return lo, hi


def long_documents(
    texts, labels, *, n_docs: int = 500, snippets=(5, 8), kind: str = "single", seed: int = 0
) -> list[LongDocument]:
    """``n_docs`` documents of ``snippets`` = (min, max) snippets each (see the module doc).

    ``texts``/``labels`` are the held-out snippets (two labels); a document never repeats a
    snippet, documents may share some.
    """
    kind = checks.one_of(kind, name="kind", choices=KINDS)
    n_docs = checks.positive_int(n_docs, name="n_docs")
    seed = checks.non_negative_int(seed, name="seed")
    lo, hi = _check_snippets(snippets, kind)
    labels = np.asarray(labels)
    if len(texts) != len(labels):
        raise ValueError(f"texts and labels differ in length: {len(texts)} and {len(labels)}")
    values = np.unique(labels)
    if len(values) != 2:
        raise ValueError(f"labels must hold exactly two classes, got {values.tolist()}")
    pools = {int(v): np.flatnonzero(labels == v) for v in values}
    if min(len(p) for p in pools.values()) < hi:
        raise ValueError(
            f"each label needs at least {hi} snippets for documents of up to {hi}; "
            f"got {[len(p) for p in pools.values()]}"
        )
    rng = np.random.default_rng([seed, _KIND_SEED[kind]])
    docs = []
    for _ in range(n_docs):
        k = int(rng.integers(lo, hi + 1))
        label = int(values[rng.integers(2)])
        other = int(values[0] if label == values[1] else values[1])
        major = k if kind == "single" else int(rng.integers(k // 2 + 1, k))
        idx = np.concatenate(
            [
                rng.choice(pools[label], major, replace=False),
                rng.choice(pools[other], k - major, replace=False),
            ]
        )
        rng.shuffle(idx)
        docs.append(
            LongDocument(
                text=" ".join(texts[i] for i in idx),
                label=label,
                snippet_labels=tuple(int(labels[i]) for i in idx),
                kind=kind,
            )
        )
    return docs


def _at_length(clf: TextClassifierBase, max_length: int) -> TextClassifierBase:
    """The same weights reading ``max_length`` wordpieces (Keras models only)."""
    if max_length == clf.max_length:
        return clf
    if not isinstance(clf, BertTextClassifier):
        raise ValueError(
            "max_lengths needs the Keras classifier: a .tflite model has a fixed input length"
        )
    return BertTextClassifier(clf.model, clf.tokenizer, max_length, clf.labels)


def _classify_docs(clf, docs, strategy, stride, batch_size, tick) -> list:
    """classify_long_many over ``docs``, a chunk at a time (for progress), in document order."""
    preds = []
    for i in range(0, len(docs), _CHUNK_DOCS):
        chunk = docs[i : i + _CHUNK_DOCS]
        preds += classify_long_many(
            clf, [d.text for d in chunk], strategy=strategy, stride=stride, batch_size=batch_size
        )
        tick(len(chunk))
    return preds


def _truncate_row(clf, docs, batch_size, tick) -> dict:
    preds = _classify_docs(clf, docs, "truncate", None, batch_size, tick)
    hits = sum(clf.labels.index(p.label) == d.label for p, d in zip(preds, docs))
    return {
        "accuracy": hits / len(docs),
        "seconds_per_doc": sum(p.seconds for p in preds) / len(docs),
    }


def evaluate_long_documents(
    clf: TextClassifierBase,
    texts,
    labels,
    *,
    n_docs: int = 500,
    snippets=(5, 8),
    strategies=STRATEGIES,
    aggregates=AGGREGATES,
    stride: int | None = None,
    max_lengths=(128, 256, 512),
    cost_docs: int | None = None,
    seed: int = 0,
    batch_size: int = 64,
    progress: Progress = None,
) -> dict:
    """Accuracy and seconds per document, per strategy, on single-label and mixed documents.

    ``texts``/``labels``: held-out snippets (the test split; label ``i`` is ``clf.labels[i]``).
    ``n_docs`` documents of each kind; their windows share batches of ``batch_size``, so
    ``seconds_per_doc`` is throughput (total time / documents), tokenization included.
    Windows rows are named ``windows/<aggregate>``: one classification, scored by every rule
    in ``aggregates``. ``max_length_cost``: truncation
    at ``clf.max_length`` and at each of ``max_lengths`` on the same weights (the cost of simply
    reading more; Keras classifiers only; ``()`` skips it), on the first ``cost_docs``
    documents of each kind (None: all of them; every row of it on the same documents).
    """
    if not isinstance(clf, TextClassifierBase):
        raise TypeError(f"clf must be a text classifier, got {type(clf).__name__}")
    strategies = tuple(checks.one_of(s, name="strategies", choices=STRATEGIES) for s in strategies)
    aggregates = tuple(checks.one_of(a, name="aggregates", choices=AGGREGATES) for a in aggregates)
    if not strategies or ("windows" in strategies and not aggregates):
        raise ValueError("strategies (and aggregates, for 'windows') must name at least one")
    batch_size = checks.positive_int(batch_size, name="batch_size")
    lengths = sorted(
        {checks.int_in_range(L, name="max_lengths", low=8, high=512) for L in max_lengths}
        - {clf.max_length}
    )
    longer = {L: _at_length(clf, L) for L in lengths}
    docs = {
        k: long_documents(texts, labels, n_docs=n_docs, snippets=snippets, kind=k, seed=seed)
        for k in KINDS
    }
    cost_docs = n_docs if cost_docs is None else checks.positive_int(cost_docs, name="cost_docs")
    cost_docs = min(cost_docs, n_docs)
    cost_runs = (len(lengths) + 1) * cost_docs if max_lengths else 0
    total, done = len(KINDS) * (n_docs * len(strategies) + cost_runs), [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total, {"documents": done[0]})

    out = {
        "n_docs": n_docs,
        "snippets": [
            min(len(d.snippet_labels) for v in docs.values() for d in v),
            max(len(d.snippet_labels) for v in docs.values() for d in v),
        ],
        "seed": seed,
        "max_length": clf.max_length,
        "model": clf.kind,
        "mean_wordpieces": {},
        "max_length_cost": {},
    }
    for kind, kind_docs in docs.items():
        rows, n_words = {}, []
        for strategy in strategies:
            rules = aggregates if strategy == "windows" else ("mean",)  # one input: all agree
            preds = _classify_docs(
                clf,
                kind_docs,
                strategy,
                stride if strategy == "windows" else None,
                batch_size,
                tick,
            )
            seconds = sum(p.seconds for p in preds)
            n_windows = sum(len(p.windows) for p in preds)
            n_words += [p.n_wordpieces for p in preds]
            hits = {
                r: sum(
                    aggregate_windows(p.window_probabilities, r)[2] == d.label
                    for p, d in zip(preds, kind_docs)
                )
                for r in rules
            }
            for r in rules:
                rows[f"windows/{r}" if strategy == "windows" else strategy] = {
                    "accuracy": hits[r] / n_docs,
                    "seconds_per_doc": seconds / n_docs,
                    "windows_per_doc": n_windows / n_docs,
                }
        out[kind] = rows
        out["mean_wordpieces"][kind] = float(np.mean(n_words))
        if not max_lengths:
            continue
        subset = kind_docs[:cost_docs]
        cost = {"n_docs": cost_docs}
        for L, model in ((clf.max_length, clf), *longer.items()):
            cost[str(L)] = _truncate_row(model, subset, batch_size, tick)
        out["max_length_cost"][kind] = cost
    return out
