"""Tiny hand-built models whose answer depends on one known region, token or frame."""

from __future__ import annotations

import numpy as np

from bigmodel_widgets.engine import backend

REGION = (slice(2, 4), slice(5, 7))  # rows 2-3, columns 5-6 of an 8x8 image
KEY_WORD = "excellent"
FILLER = ["the", "a", "movie", "film", "plot", "actor", "scene", "story", "was", "and", "it"]
KEY_FRAME = 7


def region_cnn():
    """(8, 8, 3) -> 2 classes; class 1's score is the channel-0 ink, which lies in REGION only."""
    keras = backend.keras()
    model = keras.Sequential(
        [
            keras.layers.Conv2D(2, 1, activation="relu", input_shape=(8, 8, 3), name="conv"),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax", name="probs"),
        ]
    )
    model.get_layer("conv").set_weights(
        [np.array([[1, 0], [0, 1], [0, 1]], np.float32).reshape(1, 1, 3, 2), np.zeros(2)]
    )
    dense = np.zeros((8 * 8 * 2, 2), np.float32)
    dense[0::2, 1] = 0.5  # filter 0 (channel 0) -> class 1
    dense[1::2, 0] = 0.01  # filter 1 (channels 1, 2) -> class 0, weakly
    model.get_layer("probs").set_weights([dense, np.zeros(2, np.float32)])
    return model


def region_image(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (8, 8, 3)).astype(np.float32)
    x[..., 0] = 0.0
    x[REGION + (0,)] = 1.0
    return x


def dense_only():
    keras = backend.keras()
    return keras.Sequential(
        [keras.layers.Flatten(input_shape=(8, 8, 3)), keras.layers.Dense(2, activation="softmax")]
    )


def frame_recognizer():
    """(T, 13) -> 10 classes; the answer is decided by feature 0 of the one frame where it is > 0."""
    from bigmodel_widgets.engine.tasks.speech import SpeechRecognizer

    keras = backend.keras()
    inp = keras.Input(shape=(None, 13))
    h = keras.layers.Conv1D(1, 1, activation="relu", name="pick")(inp)
    h = keras.layers.GlobalMaxPooling1D()(h)
    out = keras.layers.Dense(10, activation="softmax", name="probs")(h)
    model = keras.Model(inp, out)
    w = np.zeros((1, 13, 1), np.float32)
    w[0, 0, 0] = 1.0
    model.get_layer("pick").set_weights([w, np.zeros(1, np.float32)])
    dense = np.zeros((1, 10), np.float32)
    dense[0, 3] = 2.0
    model.get_layer("probs").set_weights([dense, np.zeros(10, np.float32)])
    return SpeechRecognizer(model, np.zeros(13, np.float32), np.ones(13, np.float32), "text")


def frame_sequence(seed: int = 0, frames: int = 20) -> np.ndarray:
    rng = np.random.default_rng(seed)
    seq = rng.uniform(-1, 1, (frames, 13)).astype(np.float32)
    seq[:, 0] = rng.uniform(-1, -0.2, frames)
    seq[KEY_FRAME, 0] = 2.0
    return seq


def keyword_bert():
    """A 2-layer, 2-head BERT trained for a few seconds: 'fresh' iff KEY_WORD is in the text."""
    from bigmodel_widgets.engine.tasks import nlp

    tf = backend.tf()
    clf = nlp.tiny_classifier(layers=2, max_length=16, seed=0)
    texts, labels = keyword_texts(400, seed=1)
    enc = clf.encode(texts)
    clf.model.compile(
        optimizer=tf.keras.optimizers.Adam(3e-3),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    clf.model.fit(enc, np.asarray(labels), epochs=3, batch_size=32, verbose=0)
    return clf


def keyword_texts(n: int, seed: int) -> tuple[list[str], list[int]]:
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        words = list(rng.choice(FILLER, 7))  # the same length either way: no shortcut
        if i % 2:
            words[int(rng.integers(0, 7))] = KEY_WORD
        texts.append(" ".join(words))
        labels.append(i % 2)
    return texts, labels
