"""Inverse questions: the longest context and the largest batch that fit a GPU, the summary
the ContextExplorer shows, and engine-checked answers for the notebook's exercises."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks import number_in_range, one_of, positive_int
from ..exercises import ExerciseCheck
from ..i18n import t
from .compute import attention_crossover_context, forward_flops_per_token
from .config import MAX_CONTEXT, TransformerConfig, _transformer, check_context
from .gpus import GPU
from .gpus import gpu as _gpu
from .memory import format_bytes, kv_cache_bytes, serving_memory
from .serving import serving_bounds

__all__ = [
    "MAX_BATCH",
    "max_context",
    "max_batch",
    "context_report",
    "AnswerCheck",
    "QUESTIONS",
    "check_answer",
]

MAX_BATCH = 2**20


def _total(c, *, context, batch, weight_precision, kv_precision) -> int:
    return serving_memory(
        c,
        context=context,
        batch=batch,
        weight_precision=weight_precision,
        kv_precision=kv_precision,
    )["total"]


def _largest(fits, low: int, high: int) -> int:
    """The largest x in [low, high] with fits(x), given fits(low) and fits is monotone."""
    if fits(high):
        return high
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low


def _refuse_small_gpu(c, g: GPU, smallest: int, weight_precision: str, what: str) -> None:
    if smallest <= g.memory_bytes:
        return
    weights = serving_memory(c, context=1, weight_precision=weight_precision)["weights"]
    if weights > g.memory_bytes:
        raise ValueError(
            t(
                "sizing.weights_too_big",
                model=c.name,
                precision=weight_precision,
                weights=format_bytes(weights),
                gpu=g.name,
                memory=format_bytes(g.memory_bytes),
            )
        )
    raise ValueError(
        t("sizing.nothing_fits", what=what, gpu=g.name, memory=format_bytes(g.memory_bytes))
    )


def max_context(
    config: TransformerConfig,
    *,
    gpu: str | GPU,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
    batch: int = 1,
) -> int:
    """The longest context whose serving memory (weights + KV cache + activations, see
    :func:`serving_memory`) fits ``gpu`` for ``batch`` sequences: that context fits, one more
    token does not. Capped at ``MAX_CONTEXT`` (then memory is not the limit). Memory only:
    the model's trained positions (``config.seq_len``) are a separate limit."""
    c, g = _transformer(config), _gpu(gpu)
    batch = positive_int(batch, name="batch")

    def total(s: int) -> int:
        return _total(
            c, context=s, batch=batch, weight_precision=weight_precision, kv_precision=kv_precision
        )

    _refuse_small_gpu(c, g, total(1), weight_precision, t("sizing.one_token"))
    return _largest(lambda s: total(s) <= g.memory_bytes, 1, MAX_CONTEXT)


def max_batch(
    config: TransformerConfig,
    *,
    gpu: str | GPU,
    context: int,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
) -> int:
    """The largest batch of ``context``-token sequences whose serving memory fits ``gpu``: that
    batch fits, one more sequence does not (capped at ``MAX_BATCH``)."""
    c, g = _transformer(config), _gpu(gpu)
    context = check_context(context)

    def total(b: int) -> int:
        return _total(
            c,
            context=context,
            batch=b,
            weight_precision=weight_precision,
            kv_precision=kv_precision,
        )

    what = t("sizing.one_sequence", context=f"{context:,}")
    _refuse_small_gpu(c, g, total(1), weight_precision, what)
    return _largest(lambda b: total(b) <= g.memory_bytes, 1, MAX_BATCH)


def context_report(
    config: TransformerConfig,
    *,
    gpu: str | GPU,
    context: int,
    batch: int = 1,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
) -> dict:
    """Everything the ContextExplorer shows for one setting: serving memory, the FLOPs split,
    the crossover context, the longest context that fits (None, with ``problem`` saying why,
    when the weights do not fit), the serving bounds and their assumptions."""
    c, g = _transformer(config), _gpu(gpu)
    settings = {"weight_precision": weight_precision, "kv_precision": kv_precision}
    bounds = serving_bounds(c, gpu=g, context=context, batch=batch, **settings)
    try:
        longest, problem = max_context(c, gpu=g, batch=batch, **settings), None
    except ValueError as exc:
        longest, problem = None, str(exc)
    return {
        "model": c.name,
        "gpu": g.name,
        "gpu_memory": g.memory_bytes,
        "context": context,
        "batch": batch,
        "positions": c.seq_len,
        "memory": bounds["memory"],
        "fits": bounds["fits"],
        "flops": forward_flops_per_token(c, context=context),
        "crossover_context": attention_crossover_context(c),
        "max_context": longest,
        "problem": problem,
        "serving": {k: v for k, v in bounds.items() if k not in ("memory", "assumptions")},
        "assumptions": bounds["assumptions"]
        + [
            t("sizing.note.kaplan"),
            t(
                "sizing.note.longest",
                memory=format_bytes(g.memory_bytes),
                positions=f"{c.seq_len:,}",
            ),
        ],
    }


@dataclass(frozen=True)
class AnswerCheck(ExerciseCheck):
    """The engine's verdict on a sizing exercise: the core :class:`ExerciseCheck` (``ok``,
    ``message``, ``expected``) plus the question and the answer given."""

    question: str = ""
    answer: float = 0.0

    @property
    def truth(self) -> float:
        return self.expected

    @property
    def correct(self) -> bool:
        return self.ok


def _truth(question, c, g, context, batch, wp, kp) -> float:
    if question == "kv_cache_bytes":
        return kv_cache_bytes(c, context=check_context(context), batch=batch, precision=kp)
    if question == "crossover_context":
        return attention_crossover_context(c)
    if question == "attention_share":
        return forward_flops_per_token(c, context=check_context(context))["attention_share"]
    if g is None:
        raise ValueError(t("sizing.needs_gpu", question=repr(question)))
    if question == "max_context":
        return max_context(c, gpu=g, batch=batch, weight_precision=wp, kv_precision=kp)
    context = check_context(context)
    if question == "max_batch":
        return max_batch(c, gpu=g, context=context, weight_precision=wp, kv_precision=kp)
    return serving_bounds(
        c, gpu=g, context=context, batch=batch, weight_precision=wp, kv_precision=kp
    )["decode_tokens_per_s"]


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


QUESTIONS = (
    "max_context",
    "max_batch",
    "kv_cache_bytes",
    "crossover_context",
    "attention_share",
    "decode_tokens_per_s",
)


def check_answer(
    question: str,
    answer: float,
    *,
    config: TransformerConfig,
    gpu: str | GPU | None = None,
    context: int | None = None,
    batch: int = 1,
    weight_precision: str = "fp16",
    kv_precision: str = "fp16",
    tolerance: float = 0.02,
) -> AnswerCheck:
    """Check an exercise answer against the engine: ``question`` is one of ``QUESTIONS``; the
    truth is computed now from ``config`` (and ``gpu``, ``context``, ``batch``, precisions),
    never stored. Correct within the relative ``tolerance`` (2 % unless told)."""
    question = one_of(question, name="question", choices=QUESTIONS)
    answer = number_in_range(answer, name="answer")
    tolerance = number_in_range(tolerance, name="tolerance", low=0.0, high=1.0)
    c = _transformer(config)
    g = _gpu(gpu) if gpu is not None else None
    batch = positive_int(batch, name="batch")
    if context is None and question not in ("max_context", "crossover_context"):
        raise ValueError(t("sizing.needs_context", question=repr(question)))
    truth = float(_truth(question, c, g, context, batch, weight_precision, kv_precision))
    error = abs(answer - truth) / max(abs(truth), 1e-12)
    ok = error <= tolerance
    where = t("sizing.check.where", gpu=g.name) if g is not None else ""
    said = _fmt(answer)
    if ok:
        capped = truth == MAX_CONTEXT and question == "max_context"
        message = t(
            "sizing.check.right",
            question=question,
            model=c.name,
            where=where,
            truth=_fmt(truth),
            note=t("sizing.check.cap", cap=f"{MAX_CONTEXT:,}") if capped else "",
            said=said,
        )
        return AnswerCheck(ok, message, truth, question=question, answer=answer)
    # a wrong answer is told which way it is off and given a hint, never the engine's value
    hint = t(f"sizing.hint.{question}")
    message = t(
        "sizing.check.wrong",
        said=said,
        question=question,
        model=c.name,
        where=where,
        direction=t("sizing.check.high" if answer > truth else "sizing.check.low"),
        tolerance=f"{tolerance:.0%}",
        hint=hint,
    )
    return AnswerCheck(ok, message, truth, question=question, answer=answer, hint=hint)
