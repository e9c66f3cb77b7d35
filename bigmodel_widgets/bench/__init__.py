"""Benchmarks: ``python -m bigmodel_widgets bench NAME [--json]``.

Each module in this package is one benchmark with ``run(quick: bool) -> dict`` and a one-line
docstring; the CLI discovers them, so a chapter adds a benchmark by adding a module.
Benchmarks print JSON figures and ratios measured side by side in one run; tests never time.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["available", "run"]


def available() -> dict[str, str]:
    """Benchmark name -> its one-line description."""
    out = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        out[info.name] = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
    return out


def run(name: str, *, quick: bool = False) -> dict:
    names = available()
    if name not in names:
        raise ValueError(
            f"Unknown benchmark {name!r}; available: {', '.join(sorted(names)) or 'none'}"
        )
    module = importlib.import_module(f"{__name__}.{name}")
    return module.run(quick=quick)
