"""bigmodel_widgets: a Jupyter-first workbench for how large neural models are made practical.

``import bigmodel_widgets`` is cheap: it loads no TensorFlow, transformers, OpenCV, NVML or
ipywidgets. Public names resolve lazily on first use (PEP 562), so notebooks import from here.
"""
from __future__ import annotations

import importlib

from .engine import backend as _backend  # sets TF_USE_LEGACY_KERAS before any TensorFlow import

__version__ = "0.1.0"

# public name -> module that defines it. Chapters add their entries here.
_LAZY = {
    # bootstrap and data
    "tf": "bigmodel_widgets.engine.backend",
    "keras": "bigmodel_widgets.engine.backend",
    "tf_keras_active": "bigmodel_widgets.engine.backend",
    "quick_mode": "bigmodel_widgets.engine.backend",
    "cache_dir": "bigmodel_widgets.engine.backend",
    "data": "bigmodel_widgets.engine.data",
    "DatasetUnavailable": "bigmodel_widgets.engine.data",
    "doctor": "bigmodel_widgets.engine.doctor",
    "ProgressBar": "bigmodel_widgets.widgets.progress",
    # chapter 0: large models
    "sizing": "bigmodel_widgets.engine.sizing",
    "TransformerConfig": "bigmodel_widgets.engine.sizing",
    "estimate": "bigmodel_widgets.engine.sizing",
    "estimate_keras_model": "bigmodel_widgets.engine.sizing",
    "ModelSizeCalculator": "bigmodel_widgets.widgets.model_size",
    "model_size_calculator": "bigmodel_widgets.widgets.model_size",
}

# names that are modules themselves rather than attributes of one
_MODULES = {"data", "doctor", "sizing"}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'bigmodel_widgets' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name])
    value = module if name in _MODULES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
