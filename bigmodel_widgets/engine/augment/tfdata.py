"""A tf.data adapter: ``augment_dataset(ds, pipeline)`` maps (image, label) pairs through a pipeline.

The pipeline runs in NumPy/OpenCV via ``tf.numpy_function``, drawing from its own seeded
generator, so ``model.fit(augment_dataset(ds, pipeline))`` sees fresh draws every epoch.
"""

from __future__ import annotations

from .. import backend
from .pipeline import Pipeline

__all__ = ["tf_augment_fn", "augment_dataset"]


def tf_augment_fn(pipeline: Pipeline, image_shape: tuple):
    """A function for ``Dataset.map`` taking (image, label) or (image,) with fixed ``image_shape``."""
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"pipeline must be a Pipeline, got {type(pipeline).__name__}")
    tf = backend.tf()
    out_shape = pipeline.output_shape(tuple(image_shape))

    def _one(image):
        return pipeline(image)

    def fn(image, *rest):
        out = tf.numpy_function(_one, [image], image.dtype)
        out.set_shape(out_shape)
        return (out, *rest) if rest else out

    return fn


def augment_dataset(dataset, pipeline: Pipeline, image_shape: tuple | None = None):
    """``dataset`` of unbatched images (optionally with labels) -> the augmented dataset.

    Map before ``.batch()``; the map is sequential so a seeded pipeline gives a repeatable order.
    """
    tf = backend.tf()
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a tf.data.Dataset, got {type(dataset).__name__}")
    spec = dataset.element_spec
    first = spec[0] if isinstance(spec, tuple) else spec
    shape = tuple(image_shape or first.shape)
    if any(s is None for s in shape):
        raise ValueError(f"image_shape must be fully known, got {shape}; pass image_shape=")
    return dataset.map(tf_augment_fn(pipeline, shape))
