"""The one record an engine-checked exercise returns, for every chapter.

An exercise's checker computes the right answer with the same engine code the chapter uses
(never a stored constant) and returns an :class:`ExerciseCheck`: truthy when the answer is
right, printed (and shown in a notebook) as its one-line message; a wrong answer carries a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ExerciseCheck"]


@dataclass(frozen=True)
class ExerciseCheck:
    """An exercise's verdict: ``ok``, the ``message`` a student reads, the ``expected`` answer
    (computed by the engine; not shown in the message) and, when wrong, a ``hint``."""

    ok: bool
    message: str
    expected: object = field(default=None, repr=False)
    hint: str = field(default="", kw_only=True)

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # a notebook shows the message
        printer.text(("✓ " if self.ok else "✗ ") + self.message)
