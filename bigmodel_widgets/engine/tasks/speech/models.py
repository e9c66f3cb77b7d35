"""Chapter 6 models: the text's Conv1D classifier made valid, and a stronger variant.

Both take zero-padded batches of shape (batch, frames, features) with any number of frames.
Padding is masked: every conv output is multiplied by a frame mask (a frame is padding when all
its features are exactly 0) and pooling averages over real frames only, so a sequence scores
the same alone as inside a padded batch. "same" padding keeps the mask aligned with the frames.
"""

from __future__ import annotations

import warnings

from ... import backend
from ...checks import int_in_range, one_of, positive_int

__all__ = [
    "MODEL_KINDS",
    "KERNEL_SIZE",
    "LEARNING_RATES",
    "check_kind",
    "build_model",
    "build_text_model",
    "build_strong_model",
    "custom_objects",
]

KERNEL_SIZE = 3  # the text's kernel size, shared by every conv here
# "text": the text's model, fixed; "strong": a deeper one. ("text_fixed" was the old name of
# "text", the same word chapter 5 uses for the text's own model.)
MODEL_KINDS = ("text", "strong")
_OLD_KINDS = {"text_fixed": "text"}
LEARNING_RATES = {"text": 1e-3, "strong": 2e-3}  # Adam's starting rate per kind
_CUSTOM: dict = {}


def _layers():
    """Create (once) the two small custom layers; tf_keras is only imported when needed."""
    if _CUSTOM:
        return _CUSTOM["FrameMask"], _CUSTOM["MaskedMean"]
    tf, keras = backend.tf(), backend.keras()

    class FrameMask(keras.layers.Layer):
        """(B, T, F) -> (B, T, 1): 1.0 for a real frame, 0.0 for all-zero padding."""

        def call(self, x):
            return tf.cast(tf.reduce_any(tf.not_equal(x, 0.0), axis=-1, keepdims=True), x.dtype)

    class MaskedMean(keras.layers.Layer):
        """Average over real frames only: sum(h * m) / sum(m)."""

        def call(self, inputs):
            h, m = inputs
            return tf.reduce_sum(h * m, axis=1) / tf.maximum(tf.reduce_sum(m, axis=1), 1.0)

    _CUSTOM.update(FrameMask=FrameMask, MaskedMean=MaskedMean)
    return FrameMask, MaskedMean


def custom_objects() -> dict:
    """The custom layers by name, for ``keras.models.clone_model``/``load_model``."""
    _layers()
    return dict(_CUSTOM)


def _conv_block(keras, h, mask, filters, batch_norm, name):
    h = keras.layers.Conv1D(
        filters, KERNEL_SIZE, padding="same", use_bias=not batch_norm, name=f"{name}_conv"
    )(h)
    if batch_norm:
        h = keras.layers.BatchNormalization(name=f"{name}_bn")(h)
    h = keras.layers.Activation("relu", name=f"{name}_relu")(h)
    return keras.layers.Multiply(name=f"{name}_mask")([h, mask])  # padding stays exactly 0


def check_kind(kind: str) -> str:
    """``kind`` checked against :data:`MODEL_KINDS`; the old name "text_fixed" warns and means "text"."""
    if kind in _OLD_KINDS:
        warnings.warn(
            f"kind={kind!r} is now kind={_OLD_KINDS[kind]!r} (the text's own model); "
            f"{kind!r} goes in the next release",
            DeprecationWarning,
            stacklevel=3,
        )
        return _OLD_KINDS[kind]
    return one_of(kind, name="kind", choices=MODEL_KINDS)


def build_text_model(*, n_features: int = 13, n_classes: int = 10):
    """The text's model, fixed: Conv1D(64, kernel_size=3) -> MaxPooling1D(2) -> global
    (masked) average pooling instead of Flatten -> Dense. ``n_features`` follows the data
    (13 MFCCs here, not the text's 22)."""
    _check_sizes(n_features, n_classes)
    keras = backend.keras()
    FrameMask, MaskedMean = _layers()
    inp = keras.Input(shape=(None, n_features), name="mfcc")
    mask = FrameMask(name="frame_mask")(inp)
    h = _conv_block(keras, inp, mask, 64, False, "block1")
    h = keras.layers.MaxPooling1D(2, padding="same", name="pool1")(h)
    mask = keras.layers.MaxPooling1D(2, padding="same", name="pool1_mask")(mask)
    h = MaskedMean(name="masked_mean")([h, mask])
    h = keras.layers.Dense(64, activation="relu", name="dense")(h)
    out = keras.layers.Dense(n_classes, activation="softmax", name="probs")(h)
    return keras.Model(inp, out, name="text")


def build_strong_model(*, n_features: int = 13, n_classes: int = 10):
    """Three conv blocks with batch norm, masked mean + max pooling, dropout."""
    _check_sizes(n_features, n_classes)
    keras = backend.keras()
    FrameMask, MaskedMean = _layers()
    inp = keras.Input(shape=(None, n_features), name="mfcc")
    mask = FrameMask(name="frame_mask")(inp)
    h = inp
    for i, filters in enumerate((64, 128, 128), start=1):
        h = _conv_block(keras, h, mask, filters, True, f"block{i}a")
        h = _conv_block(keras, h, mask, filters, True, f"block{i}b")
        if i < 3:
            h = keras.layers.MaxPooling1D(2, padding="same", name=f"pool{i}")(h)
            mask = keras.layers.MaxPooling1D(2, padding="same", name=f"pool{i}_mask")(mask)
    # After ReLU and masking, padding is 0 and real values are >= 0, so a plain max is masked.
    pooled = keras.layers.Concatenate(name="pooled")(
        [MaskedMean(name="masked_mean")([h, mask]), keras.layers.GlobalMaxPooling1D(name="max")(h)]
    )
    h = keras.layers.Dropout(0.3, name="dropout")(pooled)
    h = keras.layers.Dense(64, activation="relu", name="dense")(h)
    out = keras.layers.Dense(n_classes, activation="softmax", name="probs")(h)
    return keras.Model(inp, out, name="strong")


def build_model(kind: str = "strong", *, n_features: int = 13, n_classes: int = 10):
    """Build one of :data:`MODEL_KINDS` (compiled with Adam and sparse cross-entropy)."""
    kind = check_kind(kind)
    builder = build_text_model if kind == "text" else build_strong_model
    model = builder(n_features=n_features, n_classes=n_classes)
    keras = backend.keras()
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATES[kind]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _check_sizes(n_features, n_classes) -> None:
    positive_int(n_features, name="n_features")
    int_in_range(n_classes, name="n_classes", low=2)
