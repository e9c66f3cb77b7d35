"""The kernel-side engine: no UI imports here or below (ARCHITECTURE.md rule 1).

Importing this package loads nothing heavy; the TF/Keras/HF bootstrap lives in ``backend``.
"""

from . import backend  # noqa: F401  sets TF_USE_LEGACY_KERAS before anything imports TensorFlow

__all__ = ["backend"]
