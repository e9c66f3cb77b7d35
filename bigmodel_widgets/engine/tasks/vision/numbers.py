"""A handwritten number, not a digit: build one from held-out digits, segment it, read it.

The digit classifier takes one 28x28 digit. A number is a row of them, so reading it is three
steps, each shown to the user: **segment** (threshold, connected components; fragments of one
digit are merged, specks dropped, touching digits cut along the seam that crosses least ink),
**classify** each segment through the one digit path (:func:`.preprocess.prepare_digit`: crop,
20 px box centred by mass in 28x28), and **join** the digits, keeping each one's confidence.

Sizes are relative to the estimated digit height ``H`` (the median height of the large ink
blobs), so the same rules work on a 28-px MNIST row and on a 200-px canvas drawing. The numbers
themselves are built from the held-out part of the one MNIST-5k split, never from digits the
CNN was trained on (:func:`.number_eval.make_number`), which is also where they are measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ...checks import boolean, int_in_range, number_in_range, positive_int
from ...i18n import t
from ...images import MIN_SIDE, ImageInputError
from .preprocess import (
    DigitPrediction,
    _border_median,
    _gray,
    load_any,
    predict_probs,
    prepare_digit,
    top_k,
)

__all__ = [
    "Segment",
    "NumberReading",
    "segment_digits",
    "read_number",
    "SPECK_FRACTION",
    "WIDE_FRACTION",
    "DIGIT_WIDTH",
    "MAX_PER_BLOB",
    "MIN_PIECE",
    "SPLIT_MARGIN",
]

# Measured on the 1,000 held-out MNIST digits (ink above 127): the thinnest digit (a "1") has an
# ink area of 0.095 h^2, the median 0.27 h^2. A blob under 0.02 H^2 (8 px at H = 20, a fifth of
# the thinnest digit) cannot be a digit: it is a speck of noise, dust or a stray click.
SPECK_FRACTION = 0.02
# Digits are at most as wide as tall (MNIST scales the longer side to 20 px, and the median
# width is 0.75 h): a blob wider than 1.15 H holds touching digits. Each takes about 0.75 H.
# (Both checked on numbers built with seed 1: 97 % of blobs get the right count of digits.)
WIDE_FRACTION = 1.15
DIGIT_WIDTH = 0.75
# Reading a blob cut into one more piece (read_number's check_splits) is tried when each piece
# would be at least MIN_PIECE x H wide, and chosen when its least sure digit gains SPLIT_MARGIN
# (tuned on numbers built with seeds 1 and 2; the benchmark reads seeds 0 and 10,000).
MIN_PIECE = 0.5
SPLIT_MARGIN = 0.1
MAX_PER_BLOB = 4  # a blob of more touching digits than this is refused, not guessed at
MAX_WORK_HEIGHT = 256  # taller images are shrunk for segmentation (boxes stay in input pixels)
NOISE_INK = 0.45  # "ink" on more than this fraction of the image is texture or noise


@dataclass(frozen=True, eq=False)
class Segment:
    """One digit found in a number image.

    ``box`` is ``(x0, y0, x1, y1)`` in the input image's pixels (ends exclusive); ``crop`` is
    that digit's ink alone, white on black (what :func:`prepare_digit` is given); ``how`` says
    how it was found: "component" (one blob), "merged" (``parts`` blobs of one broken digit)
    or "split" (cut out of a blob of touching digits).
    """

    box: tuple[int, int, int, int]
    crop: np.ndarray
    how: str = "component"
    parts: int = 1


@dataclass(frozen=True, eq=False)
class NumberReading:
    """A number read from an image: the string, each digit's prediction and where it was."""

    text: str
    digits: tuple[DigitPrediction, ...]
    segments: tuple[Segment, ...]
    notes: tuple[str, ...] = ()

    @property
    def boxes(self) -> list[tuple[int, int, int, int]]:
        return [s.box for s in self.segments]

    @property
    def confidences(self) -> list[float]:
        """The top-1 probability of each digit, left to right."""
        return [d.top[0][1] for d in self.digits]


# ---- segmentation ---------------------------------------------------------------------------
def _ink(image, invert: bool | None) -> tuple[np.ndarray, float]:
    """White-on-black gray image at working size, and the scale from input to it."""
    import cv2

    if invert is not None and not isinstance(invert, bool):
        raise TypeError(
            f"invert must be True, False or None (decide from the border), got {invert!r}"
        )
    rgb = load_any(image)
    gray = _gray(rgb)
    scale = 1.0
    if gray.shape[0] > MAX_WORK_HEIGHT:
        scale = MAX_WORK_HEIGHT / gray.shape[0]
        size = (max(MIN_SIDE, round(gray.shape[1] * scale)), MAX_WORK_HEIGHT)
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    if invert is None:
        invert = _border_median(gray) > 127
    return (255 - gray if invert else gray), scale


def _blobs(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Otsu mask -> (labels, stats) of 8-connected blobs; refuses blank and noise images."""
    import cv2

    if int(gray.max()) - int(gray.min()) < 32:
        raise ImageInputError(t("vision.err.blank_number"))
    _, mask = cv2.threshold(
        cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    inked = float(np.mean(mask > 0))
    if inked > NOISE_INK:
        raise ImageInputError(t("vision.err.noise", inked=f"{inked:.0%}"))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return labels, stats


def _digit_height(stats: np.ndarray) -> float:
    """H: the median height of the large digits. Blobs are first grouped by overlap alone (a
    loose bar and the stem of a 7 are one digit, as tall as the 7); the groups with at least a
    quarter of the largest one's ink are the digits whose heights count."""
    groups = _groups(stats, np.arange(1, len(stats)), 0.0)
    ink = np.array([stats[g, 4].sum() for g in groups])
    tall = [
        max(int(stats[i, 1] + stats[i, 3]) for i in g) - min(int(stats[i, 1]) for i in g)
        for g, a in zip(groups, ink)
        if a >= 0.25 * ink.max()
    ]
    return float(np.median(tall))


def _groups(stats: np.ndarray, keep: np.ndarray, height: float) -> list[list[int]]:
    """Blobs grouped left to right: blobs that overlap in x are one digit when the overlap is
    at least half the narrower one, or when together they are no wider than a digit (a 5
    whose flag came loose, a 4 drawn in two strokes)."""
    order = sorted(keep, key=lambda i: stats[i, 0])
    groups: list[list[int]] = []
    lo = hi = 0
    for i in order:
        x0, w = int(stats[i, 0]), int(stats[i, 2])
        if groups:
            overlap = min(hi, x0 + w) - max(lo, x0)
            narrower = min(hi - lo, w)
            union = max(hi, x0 + w) - min(lo, x0)
            if overlap > 0 and (overlap >= 0.5 * narrower or union <= height):
                groups[-1].append(i)
                lo, hi = min(lo, x0), max(hi, x0 + w)
                continue
        groups.append([i])
        lo, hi = x0, x0 + w
    return groups


def _seam(mine: np.ndarray, expected: float, lo: int, hi: int, width: float) -> np.ndarray:
    """Per row, the column of the cheapest top-to-bottom path through columns [lo, hi) of the
    blob mask (seam carving): it crosses as little ink as it can, moving at most one column
    per row, so it goes around a stroke that overhangs its neighbour (the bar of a 7 over a
    4) instead of slicing it off; among equal paths, the one nearest ``expected`` wins."""
    cols = np.arange(lo, hi)
    acc = mine[:, lo:hi].astype(np.float64) + 0.1 * np.abs(cols - expected) / width
    h, n = acc.shape
    back = np.zeros((h, n), np.int64)
    for y in range(1, h):
        prev = acc[y - 1]
        moves = np.stack([np.r_[np.inf, prev[:-1]], prev, np.r_[prev[1:], np.inf]])
        best = np.argmin(moves, axis=0)  # 0: from the left, 1: straight, 2: from the right
        acc[y] += moves[best, np.arange(n)]
        back[y] = best - 1
    path = np.empty(h, np.int64)
    x = int(np.argmin(acc[-1]))
    for y in range(h - 1, -1, -1):
        path[y] = lo + x
        x += int(back[y, x])
    return path


def _crop(page: _Page, piece: np.ndarray, x0: int, y0: int) -> tuple[tuple[int, ...], np.ndarray]:
    """A piece's ink (``piece``: its mask, placed at x0, y0): its box and a padded crop."""
    import cv2

    rows, cols = np.flatnonzero(piece.any(axis=1)), np.flatnonzero(piece.any(axis=0))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    # The blob mask is a blurred Otsu cut; grow it by a pixel so the ink keeps its soft edge.
    grown = cv2.dilate(piece[r0:r1, c0:c1].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    crop = np.where(grown, page.gray[y0 + r0 : y0 + r1, x0 + c0 : x0 + c1], 0).astype(np.uint8)
    pad = max(2, (MIN_SIDE - min(crop.shape)) // 2 + 1)
    box = tuple(int(round(v / page.scale)) for v in (x0 + c0, y0 + r0, x0 + c1, y0 + r1))
    return box, np.pad(crop, pad)


@dataclass(frozen=True, eq=False)
class _Page:
    """The thresholded image: white-on-black gray, blob labels and stats, digit height H."""

    gray: np.ndarray
    labels: np.ndarray
    stats: np.ndarray
    height: float
    scale: float
    groups: tuple[tuple[int, ...], ...]

    def extent(self, group) -> tuple[int, int]:
        x0 = min(int(self.stats[i, 0]) for i in group)
        return x0, max(int(self.stats[i, 0] + self.stats[i, 2]) for i in group)

    def pieces(self, group, max_per_blob: int) -> int:
        """How many digits the group's width says it holds (1 unless wider than a digit)."""
        x0, x1 = self.extent(group)
        if x1 - x0 <= WIDE_FRACTION * self.height:
            return 1
        n = max(2, round((x1 - x0) / (DIGIT_WIDTH * self.height)))
        if n > max_per_blob:
            raise ImageInputError(
                t(
                    "vision.err.too_wide",
                    width=x1 - x0,
                    height=f"{self.height:.0f}",
                    n=n,
                    max=max_per_blob,
                )
            )
        return n

    def cut(self, group, pieces: int) -> list[Segment]:
        """The group as ``pieces`` digits, cut along the cheapest seams near the expected
        digit edges (every ``width / pieces`` pixels)."""
        x0, x1 = self.extent(group)
        y0 = min(int(self.stats[i, 1]) for i in group)
        y1 = max(int(self.stats[i, 1] + self.stats[i, 3]) for i in group)
        mine = np.isin(self.labels[y0:y1, x0:x1], group)
        h, w = mine.shape
        width = DIGIT_WIDTH * self.height
        bounds = [np.zeros(h, np.int64)]
        for k in range(1, pieces):
            expected = k * w / pieces
            lo = max(int(expected - 0.35 * width), int(bounds[-1].max()) + 1)
            hi = min(int(expected + 0.35 * width) + 1, w - 1)
            if hi > lo:
                bounds.append(_seam(mine, expected, lo, hi, width))
            else:  # no room left for a window: a straight cut
                bounds.append(np.full(h, min(max(round(expected), 1), w - 1), np.int64))
        bounds.append(np.full(h, w, np.int64))
        xs = np.arange(w)[None, :]
        how = "split" if pieces > 1 else ("merged" if len(group) > 1 else "component")
        out = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            piece = mine & (xs >= a[:, None]) & (xs < b[:, None])
            if piece.any():
                out.append(Segment(*_crop(self, piece, x0, y0), how, len(group)))
        return out


def _page(image, invert, speck_fraction: float, notes: list) -> _Page:
    gray, scale = _ink(image, invert)
    labels, stats = _blobs(gray)
    if len(stats) < 2:
        raise ImageInputError(t("vision.err.no_ink"))
    height = _digit_height(stats)
    if height < MIN_SIDE:
        raise ImageInputError(t("vision.err.specks", n=len(stats) - 1, side=MIN_SIDE))
    areas = stats[:, 4]
    keep = [i for i in range(1, len(stats)) if areas[i] >= speck_fraction * height**2]
    if len(stats) - 1 > len(keep):
        notes.append(
            t(
                "vision.note.dropped",
                n=len(stats) - 1 - len(keep),
                area=f"{speck_fraction * height**2:.0f}",
                fraction=f"{speck_fraction:g}",
                height=f"{height:.0f}",
            )
        )
    groups = tuple(tuple(g) for g in _groups(stats, np.array(keep), height))
    return _Page(gray, labels, stats, height, scale, groups)


def _note_split(segs: list[Segment], notes: list) -> None:
    if len(segs) > 1:
        notes.append(
            t(
                "vision.note.split",
                width=segs[-1].box[2] - segs[0].box[0],
                n=len(segs),
                at=", ".join(str(s.box[0]) for s in segs[1:]),
            )
        )


def segment_digits(
    image,
    *,
    invert: bool | None = None,
    speck_fraction: float = SPECK_FRACTION,
    max_per_blob: int = MAX_PER_BLOB,
    notes: list | None = None,
) -> list[Segment]:
    """Find the digits of a one-row number, left to right (see the module docstring).

    ``image``: a path, encoded bytes or an array (through ``engine.images``); ``invert=None``
    decides the ink colour from the border. Blobs smaller than ``speck_fraction`` x H^2 are
    dropped as specks; a blob wider than :data:`WIDE_FRACTION` x H is split into
    ``round(width / (DIGIT_WIDTH x H))`` digits, refused (ImageInputError) above
    ``max_per_blob``. ``notes``, when given a list, receives one line per decision taken.
    Raises ImageInputError for a blank image, pure noise, or specks only.
    """
    speck_fraction = number_in_range(speck_fraction, name="speck_fraction", low=0.0, high=0.5)
    max_per_blob = positive_int(max_per_blob, name="max_per_blob")
    notes = notes if notes is not None else []
    page = _page(image, invert, speck_fraction, notes)
    segments = []
    for group in page.groups:
        segs = page.cut(group, page.pieces(group, max_per_blob))
        _note_split(segs, notes)
        segments += segs
    if not segments:
        raise ImageInputError(t("vision.err.small_specks", n=len(page.stats) - 1))
    return segments


def _prepare(segments: list[Segment], size: int) -> list:
    """Each segment through the digit path; None for a sliver too small to be a digit."""
    out = []
    for seg in segments:
        try:
            out.append(prepare_digit(seg.crop, size=size, invert=False))
        except ImageInputError:
            out.append(None)
    return out


def read_number(
    model,
    image,
    *,
    k: int = 3,
    invert: bool | None = None,
    speck_fraction: float = SPECK_FRACTION,
    max_per_blob: int = MAX_PER_BLOB,
    check_splits: bool = True,
) -> NumberReading:
    """Segment ``image`` (as :func:`segment_digits`), classify each digit through the digit
    path (:func:`prepare_digit`, one batch) and join them. ``k``: how many classes each
    digit's top-k keeps.

    ``check_splits``: touching digits narrower than :data:`WIDE_FRACTION` x H (a 1 against a
    4) look like one digit by width alone, so each blob wide enough is also read cut into one
    more piece, and that reading wins when its least sure digit is more than
    :data:`SPLIT_MARGIN` surer than the uncut reading's. Raises ImageInputError when no digit
    is found (the message says why).
    """
    if not hasattr(model, "input_shape") or not callable(model):
        raise TypeError(f"model must be a Keras digit classifier, got {type(model).__name__}")
    k = int_in_range(k, name="k", low=1, high=10)
    speck_fraction = number_in_range(speck_fraction, name="speck_fraction", low=0.0, high=0.5)
    max_per_blob = positive_int(max_per_blob, name="max_per_blob")
    check_splits = boolean(check_splits, name="check_splits")
    notes: list[str] = []
    page = _page(image, invert, speck_fraction, notes)
    size = int(model.input_shape[1])
    options = []  # per group: [(segments, preps)] with the geometric reading first
    for group in page.groups:
        pieces = page.pieces(group, max_per_blob)
        x0, x1 = page.extent(group)
        counts = [pieces]
        if (
            check_splits
            and pieces < max_per_blob
            and x1 - x0 >= MIN_PIECE * page.height * (pieces + 1)
        ):
            counts.append(pieces + 1)
        options.append(
            [(segs, _prepare(segs, size)) for segs in map(partial(page.cut, group), counts)]
        )
    batch = [p.batch for opts in options for _, preps in opts for p in preps if p is not None]
    if not batch:
        raise ImageInputError(t("vision.err.too_small"))
    probs = iter(predict_probs(model, np.concatenate(batch)))
    segments, digits = [], []
    for opts in options:
        read = [
            [
                (seg, DigitPrediction(probs=next(probs), top=[], prep=p))
                for seg, p in zip(segs, preps)
                if p is not None
            ]
            for segs, preps in opts
        ]
        weakest = [min((float(d.probs.max()) for _, d in r), default=-1.0) for r in read]
        pick = 0
        if len(read) > 1 and weakest[1] > weakest[0] + SPLIT_MARGIN:
            pick = 1
            notes.append(
                t(
                    "vision.note.touching",
                    x=read[1][0][0].box[0],
                    n=len(read[1]),
                    sure=f"{weakest[1]:.0%}",
                    other=f"{weakest[0]:.0%}",
                    m=len(read[0]),
                )
            )
        else:
            _note_split([seg for seg, _ in read[0]], notes)
        dropped = len(opts[pick][0]) - len(read[pick])
        if dropped:
            notes.append(t("vision.note.skipped", n=dropped))
        for seg, d in read[pick]:
            segments.append(seg)
            digits.append(DigitPrediction(probs=d.probs, top=top_k(d.probs, k), prep=d.prep))
    if not segments:
        raise ImageInputError(t("vision.err.too_small"))
    text = "".join(str(d.label) for d in digits)
    return NumberReading(text, tuple(digits), tuple(segments), tuple(notes))
