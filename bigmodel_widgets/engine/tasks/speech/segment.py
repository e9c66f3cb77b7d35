"""Energy segmentation of MFCC frames: where are the spoken parts of a longer input?

c0, the first MFCC, is the mean of the log mel band energies (times a constant): it rises
with speech and falls in pauses. The segmenter smooths it, takes this input's own floor and
range (5th and 95th percentiles) so loud and quiet recordings are treated alike, and keeps
runs above a low threshold that reach a high one (hysteresis), bridging short dips and
dropping short bursts. c0 averages *log* energies, so it suits broadband sounds such as
speech; a pure tone over noise can read quieter than the noise.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ... import data
from ...checks import fraction, int_in_range, non_negative_int, positive_int
from ...i18n import t
from .recognizer import MIN_FRAMES, N_FEATURES

__all__ = [
    "SegmenterSettings",
    "Segmentation",
    "check_frames",
    "segment_frames",
    "segmentation",
    "segments_match",
    "longest_recording",
    "quiet_level",
]


@dataclass(frozen=True)
class SegmenterSettings:
    """The energy segmenter's knobs, in frames (about 23 ms each at the dataset's hop)."""

    smooth: int = 3  # moving-average length over c0
    low: float = 0.2  # hysteresis: a segment extends while energy > floor + low * range
    high: float = 0.3  # ...and must reach floor + high * range somewhere
    min_segment: int = 5  # shorter islands are dropped (a click, a breath)
    min_pause: int = 6  # shorter gaps do not split (a stop closure inside "six", "eight")
    hangover: int = 2  # frames added on each side (weak onsets and endings)
    min_range: float = 120.0  # c0 contrast below which the input has no pause at all

    # The defaults were picked on 400 strings built from *training* recordings (seeds 10000+):
    # every low in 0.2-0.25, high 0.25-0.3, min_pause 5-8 segments 99.75 % of them right.

    def __post_init__(self):
        int_in_range(self.smooth, name="smooth", low=1, high=15)
        fraction(self.low, name="low")
        fraction(self.high, name="high")
        if not self.low <= self.high:
            raise ValueError(t("speech.low_high", low=self.low, high=self.high))
        int_in_range(self.min_segment, name="min_segment", low=MIN_FRAMES)
        positive_int(self.min_pause, name="min_pause")
        non_negative_int(self.hangover, name="hangover")
        if not self.min_range > 0:
            raise ValueError(t("speech.min_range", value=self.min_range))


@functools.lru_cache(maxsize=1)
def _dataset_lengths() -> np.ndarray:
    seqs, _ = data.load_spoken_digits()
    return np.asarray([len(s) for s in seqs])


def longest_recording() -> int:
    """Frames of the longest recording in the dataset: a longer segment is not one digit."""
    return int(_dataset_lengths().max())


@functools.lru_cache(maxsize=1)
def quiet_level() -> float:
    """c0 quieter than 93 % of the dataset's frames (mean - 1.5 std): a flat input whose
    median c0 is below it is silence, above it one long sound."""
    seqs, _ = data.load_spoken_digits()
    c0 = np.concatenate([s[:, 0] for s in seqs])
    return float(c0.mean() - 1.5 * c0.std())


def check_frames(frames: np.ndarray, *, name: str = "frames") -> np.ndarray:
    """(frames, 13) finite float32 with at least one frame, or a ValueError/TypeError saying why."""
    if frames is None or isinstance(frames, (str, bytes)):
        raise TypeError(
            f"{name} must be a (frames, {N_FEATURES}) array, got {type(frames).__name__}"
        )
    a = np.asarray(frames, dtype=np.float32)
    if a.ndim != 2 or a.shape[1] != N_FEATURES:
        raise ValueError(t("speech.bad_shape", name=name, shape=a.shape, n=N_FEATURES))
    if len(a) == 0:
        raise ValueError(t("speech.frames_empty", name=name))
    if not np.isfinite(a).all():
        raise ValueError(t("speech.frames_nan", name=name))
    return a


def _smooth(e: np.ndarray, k: int) -> np.ndarray:
    if k <= 1 or len(e) < 2:
        return e.astype(np.float64)
    pad = np.pad(e.astype(np.float64), (k // 2, k - 1 - k // 2), mode="edge")
    return np.convolve(pad, np.ones(k) / k, mode="valid")


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of every run of True."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def _split_long(s: np.ndarray, seg, longest: int, min_seg: int) -> list[tuple[int, int]]:
    """Split a segment longer than ``longest`` at its quietest frame, recursively."""
    a, b = seg
    if b - a <= longest or b - a < 2 * min_seg:
        return [seg]
    cut = a + min_seg + int(np.argmin(s[a + min_seg : b - min_seg + 1]))
    return _split_long(s, (a, cut), longest, min_seg) + _split_long(s, (cut, b), longest, min_seg)


def _segment(frames, settings, quiet, longest) -> tuple:
    s = _smooth(frames[:, 0], settings.smooth)
    floor, peak = np.percentile(s, 5), np.percentile(s, 95)
    notes, nan = [], float("nan")
    lo = hi = nan
    if peak - floor < settings.min_range:  # flat: all silence, or one sound with no pause
        if np.median(s) < quiet:
            note = t("speech.silence_only", level=f"{np.median(s):.0f}", quiet=f"{quiet:.0f}")
            return [], [note], s, nan, nan
        segs = [(0, len(s))]
        notes.append(
            t(
                "speech.no_pause_flat",
                range=f"{peak - floor:.0f}",
                min_range=f"{settings.min_range:.0f}",
                n=len(s),
            )
        )
    else:
        lo, hi = floor + settings.low * (peak - floor), floor + settings.high * (peak - floor)
        segs = [(a, b) for a, b in _runs(s > lo) if s[a:b].max() > hi]
        merged = []
        for a, b in segs:  # a short dip is not a pause
            if merged and a - merged[-1][1] < settings.min_pause:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        segs = [(a, b) for a, b in merged if b - a >= settings.min_segment]
        h, n = settings.hangover, len(s)
        segs = [
            (
                max(a - h, segs[i - 1][1] if i else 0),
                min(b + h, segs[i + 1][0] if i + 1 < len(segs) else n),
            )
            for i, (a, b) in enumerate(segs)
        ]
        if not segs:
            notes.append(t("speech.no_long_segment"))
        elif len(segs) == 1 and segs[0][1] - segs[0][0] >= 0.9 * n:
            notes.append(t("speech.no_pause_one", length=segs[0][1] - segs[0][0], n=n))
    if segs and max(b - a for a, b in segs) < MIN_FRAMES:
        return [], [t("speech.seg_too_short", n=len(s), need=MIN_FRAMES)], s, lo, hi
    out = []
    for seg in segs:
        pieces = _split_long(s, seg, longest, settings.min_segment)
        if len(pieces) > 1:
            notes.append(
                t("speech.split_long", a=seg[0], b=seg[1], longest=longest, pieces=len(pieces))
            )
        out += pieces
    return out, notes, s, float(lo), float(hi)


def segment_frames(
    frames: np.ndarray,
    *,
    settings: SegmenterSettings | None = None,
    quiet: float | None = None,
    longest: int | None = None,
) -> list[tuple[int, int]]:
    """(start, end) frames of every spoken part, end exclusive, by energy.

    c0 is smoothed (``settings.smooth``); its 5th and 95th percentiles give the floor and the
    range of this input, so the thresholds adapt to loud and quiet recordings alike. A segment
    is a run above ``floor + low * range`` that reaches ``floor + high * range``; gaps shorter
    than ``min_pause`` are bridged, runs shorter than ``min_segment`` dropped, ``hangover``
    frames added. A range below ``min_range`` means no pause: the input is silence (median c0
    below ``quiet``, default :func:`quiet_level`) -> [], or one segment. A segment longer than
    ``longest`` (default :func:`longest_recording`) is split at its quietest frame.
    """
    return list(segmentation(frames, settings=settings, quiet=quiet, longest=longest).segments)


@dataclass(frozen=True)
class Segmentation:
    """Segments with what decided them: the smoothed c0 and the two thresholds (for plots)."""

    segments: tuple  # ((start, end), ...), end exclusive
    notes: tuple
    energy: np.ndarray  # smoothed c0 per frame
    low: float  # nan when the input had no pause (no thresholds were used)
    high: float


def segmentation(
    frames: np.ndarray,
    *,
    settings: SegmenterSettings | None = None,
    quiet: float | None = None,
    longest: int | None = None,
) -> Segmentation:
    """:func:`segment_frames` with its notes, smoothed energy and thresholds."""
    frames = check_frames(frames)
    settings = settings if settings is not None else SegmenterSettings()
    quiet = quiet_level() if quiet is None else float(quiet)
    longest = longest_recording() if longest is None else positive_int(longest, name="longest")
    segs, notes, s, lo, hi = _segment(frames, settings, quiet, longest)
    return Segmentation(tuple((int(a), int(b)) for a, b in segs), tuple(notes), s, lo, hi)


def _inside(found, true) -> float:
    """The share of a found segment's frames that lie inside a true one."""
    return max(0, min(found[1], true[1]) - max(found[0], true[0])) / (found[1] - found[0])


def segments_match(found: Sequence, true: Sequence) -> bool:
    """One found segment per true one, in order, each mostly (> half) inside its own.

    Not IoU with the recording: some FSDD recordings carry a quarter second of their own
    silence, which a good segmenter leaves out."""
    return len(found) == len(true) and all(_inside(f, t) > 0.5 for f, t in zip(found, true))
