"""The two real models the context lab measures, and the checks its functions share.

MiniLM is the shipped all-MiniLM-L6-v2 checkpoint (an encoder, loaded offline); the decoder is a
GPT-2 built from a :class:`~bigmodel_widgets.engine.sizing.TransformerConfig` with random
weights, so no download is needed and its shape is exactly the one the estimators are given.
"""

from __future__ import annotations

import functools

from .. import backend, data, sizing
from ..checks import boolean, int_in_range
from ..i18n import t

__all__ = [
    "SMALL_GPT2",
    "minilm_config",
    "load_minilm",
    "build_gpt2",
    "set_threads",
    "check_contexts",
    "check_decoder",
    "check_quick",
]

# A GPT-2 shape small enough for two CPU cores, large enough that compute (not Python's
# per-call cost) dominates an uncached step at 512 tokens. Random weights: nothing downloads.
SMALL_GPT2 = sizing.TransformerConfig("gpt2-small-random", "decoder", 4, 256, 4, 4096, 1024)


def minilm_config() -> sizing.TransformerConfig:
    """MiniLM's shape imported from the checkpoint's own ``config.json`` (not typed in)."""
    return sizing.from_hf_config(data.minilm_path() / "config.json", name="all-MiniLM-L6-v2")


@functools.lru_cache(maxsize=1)
def load_minilm():
    """TFBertModel (the encoder without a task head) from the offline checkpoint, loaded once."""
    backend.keras()  # the bootstrap first: tf.keras must be tf_keras
    from transformers import TFBertModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    return TFBertModel.from_pretrained(str(data.minilm_path()))


@functools.lru_cache(maxsize=4)
def build_gpt2(config: sizing.TransformerConfig = SMALL_GPT2):
    """A ``TFGPT2LMHeadModel`` of ``config``'s shape with random weights (built once per shape)."""
    check_decoder(config)
    backend.keras()
    from transformers import GPT2Config, TFGPT2LMHeadModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    model = TFGPT2LMHeadModel(
        GPT2Config(
            n_layer=config.layers,
            n_embd=config.hidden,
            n_head=config.heads,
            n_positions=config.seq_len,
            vocab_size=config.vocab,
            n_inner=config.intermediate,
        )
    )
    tf = backend.tf()
    model(tf.zeros((1, 2), tf.int32))  # build the weights
    return model


def set_threads(threads: int | None) -> str:
    """Ask TensorFlow for ``threads`` intra- and inter-op threads; say what it really uses.

    TensorFlow fixes its thread pools when it first runs an op, so in a process that already
    ran TensorFlow (a notebook) the request cannot be honoured: the answer says so.
    """
    tf = backend.tf()
    if threads is not None:
        threads = int_in_range(threads, name="threads", low=1, high=256)
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # already initialised: report what is in force below
    intra = tf.config.threading.get_intra_op_parallelism_threads()
    if threads is not None and intra == threads:
        return t("ctx.threads", n=threads)
    have = t("ctx.threads", n=intra) if intra else t("ctx.threads_default")
    if threads is None:
        return have
    return t("ctx.threads_busy", have=have, n=threads)


def check_contexts(contexts, *, name: str = "contexts", maximum: int) -> tuple[int, ...]:
    """A non-empty sequence of distinct context lengths, each in [1, maximum], sorted."""
    if isinstance(contexts, (str, bytes)) or not hasattr(contexts, "__iter__"):
        raise TypeError(t("ctx.contexts_type", name=name, value=repr(contexts)))
    values = tuple(int_in_range(c, name=f"{name} entry", low=1, high=maximum) for c in contexts)
    if not values:
        raise ValueError(t("ctx.contexts_empty", name=name))
    if len(set(values)) != len(values):
        raise ValueError(t("ctx.contexts_repeated", name=name, values=values))
    return tuple(sorted(values))


def check_decoder(config) -> sizing.TransformerConfig:
    if not isinstance(config, sizing.TransformerConfig):
        raise TypeError(t("ctx.config_type", type=type(config).__name__))
    if config.kind != "decoder":
        raise ValueError(t("ctx.not_decoder", kind=repr(config.kind)))
    return config


def check_quick(quick) -> bool:
    return boolean(quick, name="quick")
