"""Chapter 4, NLP: a real pretrained BERT (all-MiniLM-L6-v2) as a TensorFlow sentence classifier.

The tutorial's snippet used a ``tokenizer`` it never defined, called the legacy
``encode_plus`` and printed raw logits. Here the tokenizer is loaded from the same offline
checkpoint, called directly (``tokenizer(texts, ...)``), and logits become probabilities with a
softmax. transformers is imported inside functions only, so ``import bigmodel_widgets`` stays
cheap. Fine-tuning lives in :mod:`.training`, TFLite in :mod:`.tflite`, token attributions
in :mod:`.explain`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ... import backend, checks, data
from ..._aliases import module_aliases
from ...i18n import t

__all__ = [
    "LABELS",
    "TextPrediction",
    "TextClassifierBase",
    "BertTextClassifier",
    "check_text",
    "load_tokenizer",
    "load_bert",
    "tiny_classifier",
    "softmax",
]

# Kept for one release: vision and speech had a Prediction too; this one is TextPrediction.
__getattr__ = module_aliases(__name__, {"Prediction": "TextPrediction"})

LABELS = ("rotten", "fresh")  # index = Rotten Tomatoes label (1 = fresh)
_META = "bmw_nlp.json"  # written last when saving: its presence marks a complete save


def check_text(text, name: str = "text") -> str:
    """The text itself, or a clear TypeError/ValueError naming ``name``."""
    if isinstance(text, bytes):
        raise TypeError(f"{name} must be str, got bytes; decode it first (text.decode('utf-8'))")
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    if not text.strip():
        shown = t("text.arg_text") if name == "text" else name
        raise ValueError(t("text.err.empty", name=shown))
    return text


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, (list, tuple)) or not texts:
        raise TypeError(f"texts must be a non-empty list of str, got {type(texts).__name__}")
    return [check_text(t, f"texts[{i}]") for i, t in enumerate(texts)]


def softmax(logits) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)  # stable: no overflow for large logits
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def load_tokenizer(path=None):
    """The checkpoint's own fast WordPiece tokenizer (offline)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path or data.minilm_path()))


def load_bert(path=None, num_labels: int = 2):
    """TFBertForSequenceClassification from the offline MiniLM checkpoint (safetensors, no torch).

    The classification head is new (randomly initialised): fine-tune before trusting it.
    """
    backend.keras()  # the bootstrap first: tf.keras must be tf_keras
    from transformers import TFBertForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the "newly initialised head" notice is expected here
    return TFBertForSequenceClassification.from_pretrained(
        str(path or data.minilm_path()), num_labels=num_labels
    )


@dataclass(frozen=True)
class TextPrediction:
    """One classified sentence; ``scores`` (one per token) is filled by an explanation method."""

    text: str
    label: str
    probabilities: dict
    tokens: tuple
    truncated: bool
    n_wordpieces: int  # before truncation, [CLS] and [SEP] included
    max_length: int
    model: str
    method: str | None = None
    scores: tuple | None = field(default=None)


class TextClassifierBase:
    """Tokenizer + fixed ``max_length`` + labels; subclasses supply ``logits(encoded)``."""

    kind = "base"

    def __init__(self, tokenizer, max_length: int = 64, labels=LABELS):
        max_length = checks.int_in_range(max_length, name="max_length", low=8, high=512)
        self.tokenizer, self.max_length, self.labels = tokenizer, max_length, tuple(labels)

    def encode(self, texts) -> dict:
        """int32 arrays ``input_ids``, ``attention_mask``, ``token_type_ids`` of shape (n, max_length)."""
        texts = _check_texts(texts)
        enc = self.tokenizer(
            texts,
            padding="max_length",
            truncation=True,
            max_length=self.max_length,
            return_tensors="np",
        )
        return {
            k: np.asarray(enc[k], dtype=np.int32)
            for k in ("input_ids", "attention_mask", "token_type_ids")
        }

    def logits(self, encoded: dict) -> np.ndarray:
        raise NotImplementedError

    def predict_proba(self, texts, batch_size: int = 32) -> np.ndarray:
        """(n, len(labels)) probabilities."""
        batch_size = checks.positive_int(batch_size, name="batch_size")
        enc = self.encode(texts)
        n = len(enc["input_ids"])
        parts = [
            self.logits({k: v[i : i + batch_size] for k, v in enc.items()})
            for i in range(0, n, batch_size)
        ]
        return softmax(np.concatenate(parts))

    def tokens(self, text) -> tuple[list[str], bool, int]:
        """Wordpieces as fed to the model, whether truncation cut the text, full wordpiece count."""
        text = check_text(text)
        full = self.tokenizer(text, truncation=False)["input_ids"]
        enc = self.encode([text])
        kept = enc["input_ids"][0][: int(enc["attention_mask"][0].sum())]
        return (
            self.tokenizer.convert_ids_to_tokens(kept.tolist()),
            len(full) > self.max_length,
            len(full),
        )

    def predict(self, text) -> TextPrediction:
        """Label, probabilities and the wordpieces the model read (no explanation scores)."""
        text = check_text(text)
        probs = self.predict_proba([text])[0]
        toks, truncated, n_full = self.tokens(text)
        return TextPrediction(
            text=text,
            label=self.labels[int(np.argmax(probs))],
            probabilities={lab: float(p) for lab, p in zip(self.labels, probs)},
            tokens=tuple(toks),
            truncated=truncated,
            n_wordpieces=n_full,
            max_length=self.max_length,
            model=self.kind,
        )


class BertTextClassifier(TextClassifierBase):
    """The fp32 Keras model: ``BertTextClassifier.from_checkpoint()`` loads MiniLM offline."""

    kind = "fp32 (Keras)"

    def __init__(self, model, tokenizer, max_length: int = 64, labels=LABELS):
        super().__init__(tokenizer, max_length, labels)
        self.model = model

    @classmethod
    def from_checkpoint(cls, path=None, max_length: int = 64) -> BertTextClassifier:
        return cls(load_bert(path, num_labels=len(LABELS)), load_tokenizer(path), max_length)

    def logits(self, encoded: dict) -> np.ndarray:
        return self.model(encoded, training=False).logits.numpy()

    def cls_attention(self, text) -> np.ndarray:
        """Last layer's attention from [CLS] to each kept token, averaged over heads."""
        from .explain import attention_maps  # every layer and head: one place

        return attention_maps(self, text).weights[-1, :, 0, :].mean(axis=0)

    # ---- save / load (atomic: a half-written folder never looks complete) ----------------
    def save(self, path, *, extra_files: dict | None = None) -> Path:
        """Weights, config and tokenizer into folder ``path``; ``extra_files`` name -> text.

        The metadata file, written last, holds a checksum of every other file, so
        :meth:`load` refuses a folder any file of which was damaged afterwards.
        """
        path = Path(path)
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        self.model.save_pretrained(str(tmp))
        self.tokenizer.save_pretrained(str(tmp))
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text)
        files = {p.name: _sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        (tmp / _META).write_text(
            json.dumps({"max_length": self.max_length, "labels": list(self.labels), "files": files})
        )
        shutil.rmtree(path, ignore_errors=True)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path) -> BertTextClassifier:
        """Load a folder written by :meth:`save`; FileNotFoundError/OSError if it is incomplete."""
        path = Path(path)
        meta_file = path / _META
        if not meta_file.exists():
            raise FileNotFoundError(f"{path} is not a saved classifier (no {_META})")
        meta = json.loads(meta_file.read_text())
        for name, digest in meta.get("files", {}).items():  # older saves have no checksums
            if _sha256(path / name) != digest:
                raise OSError(
                    f"{path / name} does not match the checksum saved with it "
                    "(damaged or truncated)"
                )
        weights = path / "tf_model.h5"
        _check_h5(weights)
        return cls(
            load_bert(path, num_labels=len(meta["labels"])),
            load_tokenizer(path),
            int(meta["max_length"]),
            meta["labels"],
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_h5(path: Path) -> None:
    # transformers falls back to random weights on some unreadable files; refuse them here.
    with open(path, "rb") as fh:
        if fh.read(8) != b"\x89HDF\r\n\x1a\n":
            raise OSError(f"{path} is not an HDF5 weights file (corrupt or truncated)")


def tiny_classifier(*, layers: int = 2, max_length: int = 32, seed: int = 0) -> BertTextClassifier:
    """A tiny untrained BERT (width 16) with MiniLM's tokenizer, built in about a second:
    the model exercises and tests use where the real, fine-tuned one would cost minutes."""
    from transformers import BertConfig, TFBertForSequenceClassification

    from ...training import set_seed

    backend.keras()  # the bootstrap first: tf.keras must be tf_keras
    set_seed(seed)
    tokenizer = load_tokenizer()
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=16,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=max(32, max_length),
        num_labels=2,
    )
    model = TFBertForSequenceClassification(config)
    model(model.dummy_inputs)  # build the weights now, so get_weights() and convert() work at once
    return BertTextClassifier(model, tokenizer, max_length=max_length)
