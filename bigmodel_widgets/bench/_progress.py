"""The benchmarks' one progress reporter: a line on stderr every 10 s (stdout keeps the JSON)."""

from __future__ import annotations

import sys
import time

__all__ = ["stderr_progress"]


def stderr_progress(label: str, what: str):
    """A ``progress(done, total, info)`` that prints ``[label] what done/total numbers``."""
    last = [0.0]

    def report(done: int, total: int, info: dict | None = None) -> None:
        now = time.monotonic()
        if now - last[0] > 10 or done >= total:  # a line every 10 s keeps logs readable
            last[0] = now
            shown = ", ".join(
                f"{k} {v:.4g}"
                for k, v in (info or {}).items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            )
            print(f"[{label}] {what} {done}/{total} {shown}".rstrip(), file=sys.stderr, flush=True)

    return report
