"""Scores the chapters share: reading a sequence (digits of a number, of a spoken string)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["edit_distance"]


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Levenshtein distance between two sequences: the fewest substitutions, deletions and
    insertions that turn ``a`` into ``b`` (the errors of a reading, whatever its length)."""
    a, b = list(a), list(b)
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]
