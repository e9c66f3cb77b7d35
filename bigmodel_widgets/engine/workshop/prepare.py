"""Prepare once, share read-only: everything a class trains, built into one cache folder.

``prepare(folder, quick=...)`` runs, with ``BMW_CACHE_DIR`` pointed at ``folder``, the same
cached builders the notebooks and widgets call with their default settings (the MNIST-5k
split, the chapter 5 CNNs, chapter 3's base model and compression sweep, chapter 4's
fine-tuned MiniLM and its TFLite conversions, chapter 6's recognizer), writes a manifest, and
with ``seal=True`` removes every write bit. Students' servers then get
``BMW_SHARED_CACHE_DIR=folder``: :mod:`..cache` reads entries there and never writes there; what
a student builds beyond it goes to their own ``BMW_CACHE_DIR``.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import checks

__all__ = ["STEPS", "MANIFEST", "prepare", "seal", "snapshot"]

MANIFEST = "workshop-prepared.json"
Progress = Callable[[int, int, dict], None] | None


def _splits(quick: bool, progress: Progress) -> None:
    from .. import splits

    splits.mnist5k_split(seed=0)


def _vision(quick: bool, progress: Progress) -> None:
    from ..tasks import vision

    for kind in ("text", "strong"):
        vision.pretrained_cnn(kind, quick=quick, progress=progress)


def _compression(quick: bool, progress: Progress) -> None:
    from .. import compression as comp

    setup = comp.default_setup(quick=quick, progress=progress)
    spec = comp.default_spec(quick=quick)
    comp.Sweep(setup, spec, latency_repeats=30 if quick else 200).run(progress=progress)


def _nlp(quick: bool, progress: Progress) -> None:
    from ..tasks.nlp import tflite, training

    config = training.FineTuneConfig.default(quick=quick)
    clf, _ = training.finetuned_classifier(config, progress=progress)
    for mode in ("dynamic",) if quick else ("fp32", "dynamic", "float16"):
        tflite.convert(clf, mode, cache_key=config.key(), progress=progress)


def _speech(quick: bool, progress: Progress) -> None:
    from ..tasks import speech

    speech.trained_recognizer("strong", quick=quick, progress=progress)


# name -> builder; in the order a course meets them
STEPS: dict[str, Callable[[bool, Progress], None]] = {
    "splits": _splits,
    "vision": _vision,
    "compression": _compression,
    "nlp": _nlp,
    "speech": _speech,
}


@contextlib.contextmanager
def _cache_dir(folder: Path):
    old = os.environ.get("BMW_CACHE_DIR")
    os.environ["BMW_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("BMW_CACHE_DIR", None)
        else:
            os.environ["BMW_CACHE_DIR"] = old


def snapshot(folder: str | os.PathLike) -> dict[str, tuple[int, int, int]]:
    """Every path under ``folder`` -> (size, mtime_ns, mode): compare two to see any write."""
    root = Path(folder)
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns, stat.S_IMODE(st.st_mode))
    return out


def seal(folder: str | os.PathLike) -> None:
    """Remove every write bit under ``folder`` (files 0444, folders 0555)."""
    root = Path(folder)
    for p in sorted(root.rglob("*"), key=lambda q: len(q.parts), reverse=True):
        if not p.is_symlink():
            p.chmod(0o555 if p.is_dir() else 0o444)
    root.chmod(0o555)


def prepare(
    folder: str | os.PathLike,
    *,
    quick: bool = False,
    steps: Sequence[str] | None = None,
    seal_after: bool = False,
    progress: Progress = None,
    step_done: Callable[[str, float], None] | None = None,
) -> dict:
    """Build ``steps`` (default: all of :data:`STEPS`) into ``folder``; returns the manifest.

    ``progress`` goes to every builder; ``step_done(name, seconds)`` is called after each step.
    ``seal_after=True`` makes the folder read-only when done.
    """
    quick = checks.boolean(quick, name="quick")
    names = list(STEPS) if steps is None else list(steps)
    for name in names:
        checks.one_of(name, name="step", choices=STEPS)
    root = Path(folder).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if not os.access(root, os.W_OK):
        raise PermissionError(f"{root} is read-only: was it sealed already? (chmod -R u+w it)")
    done = {}
    with _cache_dir(root):
        for name in names:
            start = time.perf_counter()
            STEPS[name](quick, progress)
            done[name] = round(time.perf_counter() - start, 1)
            if step_done is not None:
                step_done(name, done[name])
    manifest = {
        "quick": quick,
        "steps": done,
        "prepared_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "use": f"give every student's server BMW_SHARED_CACHE_DIR={root}",
    }
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    if seal_after:
        seal(root)
    return manifest
