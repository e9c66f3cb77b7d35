"""Widgets: thin ipywidgets views over the engine (ARCHITECTURE.md rule 6).

Import widgets from ``bigmodel_widgets`` (lazy); this package imports nothing on its own.
"""

__all__: list[str] = []
