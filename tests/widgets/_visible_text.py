"""What a student sees of a widget, as text, and the English words left in it (issue 17).

``visible_strings(widget)`` walks the widget tree (children, box contents) and collects every
string a user reads: descriptions, tooltips, placeholders, dropdown/toggle option labels, button
texts, and the text of HTML/Label values with the markup stripped. ``english_left(strings)``
returns the English words among them that are not names of things (BERT, int8, MFCC, file names,
numbers with units): with Chinese chosen, it must be empty.
"""

from __future__ import annotations

import html
import re

import ipywidgets as w

# Chinese characters and CJK/full-width punctuation: what "shows Chinese" means in these tests
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
WORD = re.compile(r"[A-Za-z][\w'\-]*(?:\.[A-Za-z_]\w*)*")
# Names, units and symbols that stay as they are in the Chinese text (as in the source text).
_NAMES = """
    BERT MiniLM CNN MLP GPU GPUs CPU CPUs RAM NVML TF TensorFlow Keras tf keras tfmot TFLite
    LiteRT int int8 int16 int4 fp fp16 fp32 bf16 float float16 float32 uint8 MB GB KB GiB MiB
    KiB TB ms Hz kHz dB ops FLOPs FLOP TFLOP PFLOP MFCC MFCCs FFT STFT WAV wav PNG JPEG JPG png
    jpg ReLU relu softmax Softmax Conv Conv1D Conv2D Dense Flatten MaxPooling MaxPool LayerNorm
    Adam AdamW QAT PTQ Grad-CAM Grad CAM IG XLA NaN inf id ids CLS SEP UNK PAD KV MHA GQA MQA
    GPT GPT-2 GPT-3 LLaMA Llama OpenCV cv2 MNIST FSDD JSON CSV URL API x y px dpi fps N k
    top-k top Mirrored MirroredStrategy OneDevice tf.data HWC RGB BGR RGBA NVIDIA GeForce RTX
    SXM MFLOPs GFLOPs TFLOPs
"""
ALLOWED = {name.lower() for name in _NAMES.split()}


def visible_strings(widget: w.Widget) -> list[str]:
    """Every string ``widget`` and its descendants show."""
    seen: set[int] = set()
    out: list[str] = []

    def text(value: object) -> None:
        if isinstance(value, str) and value.strip():
            out.append(html.unescape(_TAGS.sub(" ", value)))

    def walk(node: object) -> None:
        if not isinstance(node, w.Widget) or id(node) in seen:
            return
        seen.add(id(node))
        for name in ("description", "tooltip", "placeholder", "button_style_label"):
            text(getattr(node, name, None))
        if isinstance(node, (w.HTML, w.HTMLMath, w.Label)):
            text(node.value)
        labels = getattr(node, "_options_labels", ()) or ()
        values = getattr(node, "_options_values", ()) or ()
        for label, value in zip(labels, values):
            if label != value:  # a plain list of names is code the user types: kept as is
                text(label)
        for name in ("tooltips", "titles"):
            for item in getattr(node, name, ()) or ():
                text(item)
        for child in getattr(node, "children", ()) or ():
            walk(child)

    walk(widget)
    return out


def english_left(strings: list[str], *, names: tuple[str, ...] = ()) -> list[str]:
    """The English words in ``strings`` that are not allowed names (``ALLOWED``, one-letter
    units such as M and B, identifiers, and the widget's own ``names``): [] when all is
    translated."""
    allowed = ALLOWED | {n.lower() for n in names}
    left = []
    for s in strings:
        for word in WORD.findall(s):
            if len(word) > 1 and word.lower() not in allowed and not _looks_like_a_name(word):
                left.append(f"{word!r} in {s.strip()[:60]!r}")
    return sorted(set(left))


def _looks_like_a_name(word: str) -> bool:
    # identifiers and file names (snake_case, dotted, with digits) are code, not prose
    return "_" in word or "." in word or any(c.isdigit() for c in word)


def engine_names() -> tuple[str, ...]:
    """Names a user types in code and the widgets show as they are: the augmentation transforms'
    class names (shown beside their Chinese name, "Rotate 旋转") and the sizing presets."""
    from bigmodel_widgets.engine import sizing
    from bigmodel_widgets.engine.augment import TRANSFORMS

    return (*sizing.PRESETS, *TRANSFORMS)
