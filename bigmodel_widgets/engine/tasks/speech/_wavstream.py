"""MFCC frames of a WAV of any length, computed chunk by chunk with the front end.

Only one chunk of samples (plus a small overlap) is in memory at a time; what is kept for the
whole recording is its (frames, 13) MFCCs: 43 frames a second, so 30 minutes make 77,500
frames, 4 MB. Each chunk is resampled and framed by
:mod:`.frontend` itself (``prepare_waveform`` and ``features``), on a piece of audio that
reaches half an FFT window (plus the resampler's filter) beyond the chunk on both sides; the
frames whose window would need audio outside that piece are dropped, so a chunk's frames are
the frames the whole-file front end computes at the same times. One difference remains: the
front end floors every frame at 80 dB below the loudest frame *of the chunk* (librosa's
``top_db``), not of the whole file; it only changes frames that are near-silent anyway.
"""

from __future__ import annotations

import io
import os
import struct
import wave
from collections.abc import Iterator
from math import ceil, gcd

import numpy as np

from ...i18n import t
from . import frontend as fe

__all__ = ["WavInfo", "open_wav", "stream_mfcc"]


class WavInfo:
    """An open PCM WAV: rate, channels, sample count; ``read(start, stop)`` -> float32."""

    def __init__(self, handle: wave.Wave_read, closer=None) -> None:
        self._w, self._closer = handle, closer
        self.rate = handle.getframerate()
        self.channels = handle.getnchannels()
        self.width = handle.getsampwidth()
        self.n = handle.getnframes()

    @property
    def seconds(self) -> float:
        return self.n / self.rate if self.rate else 0.0

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples [start, stop) as float32 in [-1, 1], shape (n,) or (n, channels)."""
        self._w.setpos(start)
        raw = self._w.readframes(max(0, stop - start))
        if self.width == 1:  # 8-bit WAV is unsigned, centred on 128
            x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
        elif self.width == 3:
            b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
            v = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8)) | (
                b[:, 2].astype(np.int8).astype(np.int32) << 16
            )
            x = v.astype(np.float32) / float(2**23)
        else:
            dtype = {2: np.int16, 4: np.int32}[self.width]
            x = np.frombuffer(raw, dtype).astype(np.float32) / float(2 ** (8 * self.width - 1))
        return x.reshape(-1, self.channels) if self.channels > 1 else x

    def close(self) -> None:
        self._w.close()
        if self._closer is not None:
            self._closer.close()


class _ArrayWav(WavInfo):
    """A WAV the stdlib cannot read (floating point): scipy reads it, memory-mapped for a
    path, so pages are loaded as chunks touch them."""

    def __init__(self, rate: int, x: np.ndarray) -> None:
        self._x, self.rate, self.width = x, int(rate), x.dtype.itemsize
        self.channels = 1 if x.ndim == 1 else int(x.shape[1])
        self.n = int(x.shape[0])

    def read(self, start: int, stop: int) -> np.ndarray:
        x = np.asarray(self._x[start:stop])
        if x.dtype.kind == "f":
            return x.astype(np.float32)
        return fe.read_wav(_tiny_wav(self.rate, x)).samples  # the front end's own scaling

    def close(self) -> None:
        self._x = None


def _tiny_wav(rate: int, x: np.ndarray) -> bytes:
    from scipy.io import wavfile

    buf = io.BytesIO()
    wavfile.write(buf, rate, x)
    return buf.getvalue()


def _scipy_wav(source) -> WavInfo:
    from scipy.io import wavfile

    if isinstance(source, io.BytesIO):
        source.seek(0)
        rate, x = wavfile.read(source)
    else:
        rate, x = wavfile.read(source, mmap=True)
    return _ArrayWav(rate, x)


def open_wav(source) -> WavInfo:
    """Open a WAV (path, bytes or binary file object) for chunked reading.

    Integer PCM is read by the stdlib ``wave`` module a chunk at a time (only the header is
    read here); floating-point WAVs by scipy (memory-mapped for a path). Raises ValueError
    for a missing file, a file that is not a WAV, or no samples.
    """
    closer = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        if not len(source):
            raise ValueError(t("speech.upload_empty"))
        source = io.BytesIO(bytes(source))
    elif isinstance(source, (str, os.PathLike)):
        if not os.path.exists(source):
            raise ValueError(t("speech.no_file", path=source))
        source = closer = open(source, "rb")  # noqa: SIM115  closed by WavInfo.close
    try:
        info = WavInfo(wave.open(source, "rb"), closer)  # noqa: SIM115  closed by .close()
    except (wave.Error, EOFError, struct.error) as exc:
        if closer is not None:
            closer.close()
        if "unknown format" not in str(exc):
            raise ValueError(t("speech.unreadable_paren", detail=exc)) from exc
        try:
            info = _scipy_wav(source if closer is None else closer.name)
        except (ValueError, EOFError, OSError, struct.error) as exc2:
            raise ValueError(t("speech.unreadable_paren", detail=exc2)) from exc2
    if info.width not in (1, 2, 3, 4) or info.rate <= 0:
        info.close()
        raise ValueError(t("speech.unsupported", bits=8 * info.width, rate=info.rate))
    if info.n == 0:
        info.close()
        raise ValueError(t("speech.no_samples"))
    return info


def _frame_count(n: int, rate: int) -> int:
    """Frames the whole-file front end makes of ``n`` samples at ``rate``."""
    n_out = n if rate == fe.FRONTEND_RATE else ceil(n * fe.FRONTEND_RATE / rate)
    return 1 + n_out // fe.HOP


def stream_mfcc(
    info: WavInfo, *, chunk_frames: int, mix_stereo: bool = False
) -> Iterator[tuple[np.ndarray, int]]:
    """Yield (mfcc frames of one chunk, samples read so far) until the file is done."""
    if info.channels > 1 and not mix_stereo:
        raise ValueError(t("speech.wav_not_mono", channels=info.channels))
    rate, total = info.rate, _frame_count(info.n, info.rate)
    scale = rate / fe.FRONTEND_RATE  # native samples per front-end sample
    margin = 128 + 20 * ceil(scale)  # native samples for the resampler's filter
    half = fe.N_FFT // 2
    grid = rate // gcd(rate, fe.FRONTEND_RATE)  # native samples between shared sample times
    for k0 in range(0, total, chunk_frames):
        k1 = min(total, k0 + chunk_frames)
        t0, t1 = k0 * fe.HOP - half, (k1 - 1) * fe.HOP + half  # front-end samples needed
        a = max(0, int(np.floor(t0 * scale)) - margin)
        a -= a % grid  # on the resampler's grid: the piece resamples to the file's own samples
        b = min(info.n, int(np.ceil(t1 * scale)) + margin + 1)
        piece = info.read(a, b)
        mono = piece.mean(axis=1) if piece.ndim == 2 and mix_stereo else piece
        if mono.size and float(np.abs(mono).max()) < fe.SILENCE_PEAK:
            # The front end refuses silence; digital silence has one answer, computed by it.
            n_out = len(mono) if rate == fe.FRONTEND_RATE else ceil(len(mono) / scale)
            y = np.zeros(max(n_out, fe.min_samples()), np.float32)
        else:
            y = fe.prepare_waveform(piece, rate, mix_stereo=mix_stereo).samples
        s = int(round(k0 * fe.HOP - a / scale))  # centre of frame k0 inside y
        start = max(0, s - half)
        y = y[start:]
        if len(y) < fe.min_samples():
            y = np.pad(y, (0, fe.min_samples() - len(y)))
        first = (s - start) // fe.HOP
        mfcc = fe.features(fe.Waveform(y, fe.FRONTEND_RATE)).mfcc
        got = mfcc[first : first + (k1 - k0)]
        if len(got) < k1 - k0:  # the last frames of the file: the front end pads there too
            got = np.concatenate([got, np.repeat(got[-1:], k1 - k0 - len(got), axis=0)])
        yield got, b
