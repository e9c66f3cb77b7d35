"""Inputs longer than the model: long reviews, handwritten numbers and spoken digit strings.

One run, the three chapters side by side (issue 13): ``nlp`` (windowed vs truncated reading of
long Rotten Tomatoes documents), ``vision`` (numbers of 4-8 held-out digits: segment, classify,
read) and ``speech`` (strings of 3-7 held-out spoken digits: segment by energy, recognise). Each
chapter's part lives in ``bench/_long_<chapter>.py``; a chapter that fails is reported as
``{"error": ...}`` so the others' figures are not lost.
"""

from __future__ import annotations

import time
import traceback

from . import _long_nlp, _long_speech, _long_vision

__all__ = ["run", "PARTS"]

PARTS = {"nlp": _long_nlp.run, "vision": _long_vision.run, "speech": _long_speech.run}


def run(quick: bool) -> dict:
    out: dict = {"quick": bool(quick)}
    targets: dict = {}
    for name, part in PARTS.items():
        t0 = time.perf_counter()
        try:
            result = part(quick)
        except Exception as exc:  # one chapter's failure must not hide the other two
            tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            result = {"error": tail}
        result["seconds"] = round(time.perf_counter() - t0, 1)
        out[name] = result
        for key, ok in (result.get("targets") or {}).items():
            targets[f"{name}.{key}"] = ok
    out["targets"] = targets
    out["all_targets_met"] = bool(targets) and all(targets.values())
    return out
