"""A stand-in for the fine-tuned BERT that converts in a second: MiniLM's tokenizer, a bag of
8-wide word embeddings and a linear head, called like an HF model (``model(inputs).logits``).

The BERT sweep's own logic (conversion modes, interpreter measurement, cache, resume, keep
float) does not depend on the transformer inside; the real MiniLM runs in the notebook and
the benchmark.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np

from bigmodel_widgets.engine.compression.bert import BertSetup

TEXTS = [
    "a triumph of a film",
    "dull and lifeless",
    "the best movie this year",
    "a waste of time",
    "warm, funny and wise",
    "boring from start to end",
    "an instant classic",
    "painfully slow",
]


@functools.lru_cache(maxsize=1)
def tiny_classifier():
    from bigmodel_widgets import keras, tf
    from bigmodel_widgets.engine.tasks.nlp.classifier import BertTextClassifier, load_tokenizer

    k, tf = keras(), tf()

    class BagOfWords(tf.Module):
        def __init__(self):
            super().__init__()
            init = k.initializers.RandomNormal(stddev=1.0, seed=0)
            ids = k.Input((16,), dtype="int32")
            h = k.layers.Embedding(30522, 8, embeddings_initializer=init)(ids)
            h = k.layers.GlobalAveragePooling1D()(h)
            out = k.layers.Dense(2, kernel_initializer=k.initializers.GlorotUniform(1))(h)
            self.net = k.Model(ids, out)

        def __call__(self, inputs, training=False):
            return SimpleNamespace(logits=self.net(inputs["input_ids"], training=training))

        def get_weights(self):
            return self.net.get_weights()

    return BertTextClassifier(BagOfWords(), load_tokenizer(), max_length=16)


def tiny_bert_setup() -> BertSetup:
    clf = tiny_classifier()
    labels = np.argmax(clf.logits(clf.encode(TEXTS)), axis=-1)  # the model's own answers
    return BertSetup(clf, TEXTS, labels, TEXTS[:4], None, "tiny-bert")
