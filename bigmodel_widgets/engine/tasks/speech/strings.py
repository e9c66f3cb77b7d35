"""A spoken digit *string*: several digits with pauses, segmented by energy, read digit by digit.

The recognizer reads one trimmed recording of one digit. A longer input is handled explicitly:

1. :func:`make_digit_string` joins held-out recordings' MFCC frames with silence frames drawn
   from the data (see :func:`silence_pool`), so the true digits and their frames are known.
2. :func:`segment_frames` (from segment.py) finds the spoken parts by energy: the first MFCC
   (c0, the mean log mel energy up to a constant) smoothed, with two adaptive thresholds from
   the input's own energy distribution (hysteresis), a minimum pause, a minimum segment and a
   hangover.
3. :func:`recognise_string` reads every segment with the recognizer; :func:`recognise_wav`
   streams a WAV of any length through the front end in overlapping chunks (bounded memory).
4. :func:`evaluate_strings` measures the digit error rate (edit distance) on many strings.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

import numpy as np

from ... import training
from ...checks import (
    boolean,
    fraction,
    int_in_range,
    non_negative_int,
    number_in_range,
    positive_int,
)
from ...exercises import ExerciseCheck
from ...i18n import t
from ...metrics import edit_distance  # re-exported: the string chapter's score
from . import _wavstream
from . import frontend as fe
from .recognizer import SpeechRecognizer, SpeechSplit
from .segment import (  # the segmenter, re-exported: strings read as one chapter section
    Segmentation,
    SegmenterSettings,
    check_frames,
    longest_recording,
    quiet_level,
    segment_frames,
    segmentation,
    segments_match,
)

__all__ = [
    "DigitString",
    "StringReading",
    "WavReading",
    "recognise_wav",
    "SegmenterSettings",
    "Segmentation",
    "segmentation",
    "silence_pool",
    "make_digit_string",
    "check_frames",
    "segment_frames",
    "recognise_string",
    "edit_distance",
    "segments_match",
    "evaluate_strings",
    "longest_recording",
    "quiet_level",
    "ExerciseCheck",
    "check_digit_error_rate",
    "check_segment_count",
]


class DigitString(NamedTuple):
    """A built string: its (frames, 13) MFCCs, the spoken digits and each digit's frames."""

    frames: np.ndarray
    digits: tuple
    segments: tuple  # ((start, end), ...), end exclusive


@dataclass(frozen=True)
class StringReading:
    """What the recognizer read: one digit per segment, with its ten probabilities."""

    digits: tuple
    probabilities: tuple  # one 10-tuple per segment
    segments: tuple  # ((start, end), ...) in frames, end exclusive
    notes: tuple = ()
    n_frames: int = 0

    @property
    def text(self) -> str:
        """The digits as a string, '' when nothing was found."""
        return "".join(str(d) for d in self.digits)

    @property
    def confidences(self) -> tuple:
        """The winning probability of every segment."""
        return tuple(max(p) for p in self.probabilities)


def silence_pool(split: SpeechSplit, *, quantile: float = 0.1) -> np.ndarray:
    """Real "silence" frames: the quietest edge frames of the *training* recordings.

    FSDD recordings are trimmed, but their first and last two frames are the quietest part of
    most of them: the room and microphone before and after the word. The pool keeps those edge
    frames whose c0 is in the lowest ``quantile`` (10 %: c0 about -590 +- 30, against a median
    of -290 for all frames), all 13 coefficients together, so a pause has the spectral shape
    of real background, not zeros (zeros would mean padding to the models) or a made-up level.
    """
    if not isinstance(split, SpeechSplit):
        raise TypeError(f"split must be a SpeechSplit (use load_split), got {type(split).__name__}")
    quantile = fraction(quantile, name="quantile")
    edges = np.concatenate([np.concatenate([s[:2], s[-2:]]) for s in split.x_train])
    keep = edges[:, 0] <= np.quantile(edges[:, 0], quantile)
    return edges[keep].astype(np.float32)


def _silence(pool: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` pool frames drawn with replacement, plus noise of a tenth of the pool's spread."""
    frames = pool[rng.integers(0, len(pool), n)]
    return (frames + rng.normal(0.0, 0.1, frames.shape) * pool.std(0)).astype(np.float32)


def _pair(v, name: str, low: int) -> tuple[int, int]:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (v, v)
    if not isinstance(v, (tuple, list)) or len(v) != 2:
        raise TypeError(f"{name} must be an int or a (low, high) pair, got {v!r}")
    a, b = (int_in_range(x, name=name, low=low) for x in v)
    if a > b:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {tuple(v)}")
    return a, b


def make_digit_string(
    split: SpeechSplit,
    *,
    length: int | tuple[int, int] = (3, 7),
    pause_frames: int | tuple[int, int] = (10, 30),
    seed: int = 0,
    pool: np.ndarray | None = None,
) -> DigitString:
    """Join ``length`` held-out recordings (the split's *test* part) with silence between them.

    Every pause (also before the first and after the last digit) is ``pause_frames`` frames
    (drawn in the range) of :func:`silence_pool` frames with a little noise: a pause of 10
    frames is about a quarter of a second. ``pool`` reuses a pool already drawn.
    """
    if not isinstance(split, SpeechSplit):
        raise TypeError(f"split must be a SpeechSplit (use load_split), got {type(split).__name__}")
    lo, hi = _pair(length, "length", 1)
    p_lo, p_hi = _pair(pause_frames, "pause_frames", 1)
    rng = np.random.default_rng(non_negative_int(seed, name="seed"))
    pool = silence_pool(split) if pool is None else np.asarray(pool, np.float32)
    picks = rng.integers(0, len(split.x_test), int(rng.integers(lo, hi + 1)))
    parts, segments, pos = [], [], 0
    for i in picks:
        pause = _silence(pool, int(rng.integers(p_lo, p_hi + 1)), rng)
        seq = np.asarray(split.x_test[i], np.float32)
        parts += [pause, seq]
        segments.append((pos + len(pause), pos + len(pause) + len(seq)))
        pos += len(pause) + len(seq)
    parts.append(_silence(pool, int(rng.integers(p_lo, p_hi + 1)), rng))
    digits = tuple(int(split.y_test[i]) for i in picks)
    return DigitString(np.concatenate(parts), digits, tuple(segments))


def recognise_string(
    recognizer: SpeechRecognizer,
    frames: np.ndarray,
    *,
    settings: SegmenterSettings | None = None,
    quiet: float | None = None,
    longest: int | None = None,
) -> StringReading:
    """Segment ``frames`` (see :func:`segment_frames`) and read one digit per segment.

    Never raises on a valid (frames, 13) array: silence gives an empty reading whose notes
    say so; no pause gives one segment and a note. Bad arrays raise ValueError/TypeError.
    """
    if not isinstance(recognizer, SpeechRecognizer):
        raise TypeError(f"recognizer must be a SpeechRecognizer, got {type(recognizer).__name__}")
    frames = check_frames(frames)
    seg = segmentation(frames, settings=settings, quiet=quiet, longest=longest)
    segs, notes = seg.segments, seg.notes
    if not segs:
        return StringReading((), (), (), notes or (t("speech.no_speech"),), len(frames))
    pieces = [frames[a:b] for a, b in segs]
    # A frame that is exactly zero would read as padding: nudge it (it carries no energy).
    pieces = [np.where(np.any(p != 0, axis=1, keepdims=True), p, 1e-6) for p in pieces]
    probs = recognizer.predict_proba(pieces)
    return StringReading(
        tuple(int(np.argmax(p)) for p in probs),
        tuple(tuple(float(v) for v in p) for p in probs),
        segs,
        notes,
        len(frames),
    )


def evaluate_strings(
    recognizer: SpeechRecognizer,
    split: SpeechSplit,
    *,
    n: int = 300,
    length: int | tuple[int, int] = (3, 7),
    seed: int = 0,
    settings: SegmenterSettings | None = None,
    progress: training.Progress = None,
) -> dict:
    """Read ``n`` built strings (seeds ``seed``, ``seed + 1``, ...) and score them.

    ``digit_error_rate``: total edit distance between read and true digits / total true
    digits; ``string_acc``: strings read exactly; ``segmentation_acc``: strings whose segments
    match the true ones (:func:`segments_match`);
    ``seconds_per_string``: segmentation + recognition time.
    """
    if not isinstance(recognizer, SpeechRecognizer):
        raise TypeError(f"recognizer must be a SpeechRecognizer, got {type(recognizer).__name__}")
    n = positive_int(n, name="n")
    seed = non_negative_int(seed, name="seed")
    lo, hi = _pair(length, "length", 1)
    pool = silence_pool(split)
    errors = digits = exact = seg_ok = 0
    elapsed = 0.0
    for k in range(n):
        s = make_digit_string(split, length=(lo, hi), seed=seed + k, pool=pool)
        t0 = time.perf_counter()
        r = recognise_string(recognizer, s.frames, settings=settings)
        elapsed += time.perf_counter() - t0
        errors += edit_distance(s.digits, r.digits)
        digits += len(s.digits)
        exact += r.digits == s.digits
        seg_ok += segments_match(r.segments, s.segments)
        if progress is not None:
            progress(k + 1, n, {"strings": k + 1, "digit_errors": errors})
    return {
        "digit_error_rate": errors / digits,
        "string_acc": exact / n,
        "segmentation_acc": seg_ok / n,
        "n_strings": n,
        "n_digits": digits,
        "length_range": [lo, hi],
        "seconds_per_string": elapsed / n,
    }


@dataclass(frozen=True)
class WavReading:
    """A WAV read as a digit string: the reading, the MFCC frames and where they sit in time."""

    reading: StringReading
    frames: np.ndarray  # (frames, 13) from the front end, chunk by chunk
    seconds: float
    rate: int
    chunks: int
    notes: tuple = ()

    @property
    def frame_seconds(self) -> float:
        """Time between two frames (the front end's hop)."""
        return fe.HOP / fe.FRONTEND_RATE

    def segment_times(self) -> tuple:
        """((start_s, end_s), ...) of every segment."""
        h = self.frame_seconds
        return tuple((a * h, b * h) for a, b in self.reading.segments)


def recognise_wav(
    recognizer: SpeechRecognizer,
    source: str | os.PathLike | bytes | BinaryIO,
    *,
    chunk_seconds: float = 30.0,
    mix_stereo: bool = False,
    settings: SegmenterSettings | None = None,
    progress: training.Progress = None,
) -> WavReading:
    """Read a PCM WAV (path, bytes or file object) of any length as a digit string.

    The audio is streamed through the front end ``chunk_seconds`` at a time with overlap
    (memory stays bounded: one chunk of samples plus 13 numbers per 23 ms frame), then the
    frames are segmented and read as :func:`recognise_string` does. ``progress(done, total,
    info)`` counts samples read. The front end's features are not the dataset's (see
    :mod:`.frontend`): the reading demonstrates the path, its accuracy is measured on the
    dataset's features (:func:`evaluate_strings`).
    """
    if not isinstance(recognizer, SpeechRecognizer):
        raise TypeError(f"recognizer must be a SpeechRecognizer, got {type(recognizer).__name__}")
    chunk_seconds = number_in_range(chunk_seconds, name="chunk_seconds", low=0.1)
    mix_stereo = boolean(mix_stereo, name="mix_stereo")
    chunk_frames = max(8, int(round(chunk_seconds * fe.FRONTEND_RATE / fe.HOP)))
    info = _wavstream.open_wav(source)
    parts, chunks = [], 0
    try:
        for mfcc, done in _wavstream.stream_mfcc(
            info, chunk_frames=chunk_frames, mix_stereo=mix_stereo
        ):
            parts.append(mfcc.astype(np.float32))
            chunks += 1
            if progress is not None:
                progress(done, info.n, {"seconds": done / info.rate, "chunks": chunks})
    finally:
        info.close()
    frames = np.concatenate(parts)
    notes = []
    if info.rate != fe.FRONTEND_RATE:
        notes.append(t("speech.resampled_chunks", rate=info.rate, target=fe.FRONTEND_RATE))
    if chunks > 1:
        notes.append(t("speech.chunks", chunks=chunks, frames=chunk_frames))
    reading = recognise_string(recognizer, frames, settings=settings)
    return WavReading(reading, frames, info.seconds, info.rate, chunks, tuple(notes))


# ---- exercises: the right answer is computed by the engine, never stored -------------------
def check_digit_error_rate(
    answer: object, *, spoken: Sequence[int], read: Sequence[int]
) -> ExerciseCheck:
    """Exercise: the digit error rate of one reading, by hand (edit distance / spoken digits)."""
    spoken, read = tuple(spoken), tuple(read)
    if not spoken:
        raise ValueError("spoken must hold at least one digit")
    expected = edit_distance(spoken, read) / len(spoken)
    try:
        given = float(answer)
    except (TypeError, ValueError):
        return ExerciseCheck(False, t("ex.old.der_form"), expected)
    if abs(given - expected) <= 5e-3:
        return ExerciseCheck(True, t("ex.old.der_right", value=f"{expected:.3f}"), expected)
    hint = t("ex.old.der_hint")
    return ExerciseCheck(False, t("ex.old.wrong", hint=hint), expected, hint=hint)


def check_segment_count(
    answer: object, frames: np.ndarray, *, settings: SegmenterSettings | None = None
) -> ExerciseCheck:
    """Exercise: predict how many segments :func:`segment_frames` finds in ``frames``."""
    expected = len(segment_frames(frames, settings=settings))
    try:
        given = int(answer)
    except (TypeError, ValueError):
        return ExerciseCheck(False, t("ex.old.seg_form"), expected)
    if given == expected:
        return ExerciseCheck(True, t("ex.old.seg_right", n=expected), expected)
    hint = t("ex.old.seg_hint")
    return ExerciseCheck(False, t("ex.old.wrong", hint=hint), expected, hint=hint)
