"""Old names kept for one release inside a module, the way ``bmw._ALIASES`` keeps top-level ones.

A module lists ``{"old": "new"}`` and sets ``__getattr__ = module_aliases(__name__, {...})``
(PEP 562): ``module.old`` is then the very object ``module.new`` (so ``old is new``), with a
DeprecationWarning naming the new name. ``new`` is a name in the same module, or a full dotted
path (``bigmodel_widgets.engine.litert.interpreter``) when the thing moved to another module.
Old names stay out of ``__all__`` and ``dir()``.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["module_aliases"]


def module_aliases(module_name: str, aliases: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that resolves each old name to its new one, warning once a use."""
    aliases = dict(aliases)
    short = module_name.removeprefix("bigmodel_widgets.")

    def __getattr__(name: str) -> Any:
        if name not in aliases:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        new = aliases[name]
        if "." in new:  # moved to another module
            where, _, attr = new.rpartition(".")
            owner, shown = importlib.import_module(where), new.removeprefix("bigmodel_widgets.")
        else:
            owner, attr, shown = sys.modules[module_name], new, f"{short}.{new}"
        warnings.warn(
            f"{short}.{name} is now {shown}; the old name goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(owner, attr)

    return __getattr__
