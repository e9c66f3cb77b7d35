"""What every composite widget shares: an error area and a root box with a ``guard()``."""

from __future__ import annotations

import html
import traceback
from contextlib import contextmanager

import ipywidgets as w

from ..engine.i18n import t

__all__ = ["ErrorArea", "CompositeWidget"]


class ErrorArea(w.HTML):
    """A red message under the widget; empty (and taking no space) when all is well."""

    def show(self, message: str) -> None:
        self.value = (
            '<div class="bmw-error" style="color:#b00020;border-left:3px solid #b00020;'
            f'padding:4px 8px;margin:4px 0;white-space:pre-wrap">{html.escape(message)}</div>'
        )

    def clear(self) -> None:
        self.value = ""

    @property
    def message(self) -> str:
        """The plain text shown, or '' when there is no error."""
        if not self.value:
            return ""
        inner = self.value.split(">", 1)[1].rsplit("</div>", 1)[0]
        return html.unescape(inner)


class CompositeWidget(w.VBox):
    """A VBox with an ``errors`` area and a ``guard()`` context for callbacks.

    ``guard`` turns an exception raised by engine code into a visible message and keeps the
    widget working; ValueError/TypeError show their text alone, anything else with its type.
    """

    def __init__(self) -> None:
        """An empty box with its error area; a subclass sets ``children`` once its controls exist."""
        self.errors = ErrorArea()
        super().__init__()

    @contextmanager
    def guard(self, what: str = ""):
        try:
            yield
            self.errors.clear()
        except (ValueError, TypeError) as exc:
            self.errors.show(t("err.what", what=what, message=exc) if what else str(exc))
        except Exception as exc:  # shown, never swallowed silently: the traceback is in the message
            tail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.errors.show(t("err.failed", what=what, tail=tail) if what else tail)
