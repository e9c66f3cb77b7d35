"""Waveform -> MFCC frames with tf.signal, plus WAV reading and input checks.

The dataset's MFCCs came from a pipeline we do not have (no FSDD waveforms ship offline). Their
statistics (13 coefficients, c0 near -300, about 18 frames for half a second of speech) fit
librosa's defaults: audio at 22,050 Hz, 2048-point FFT, hop 512, centred frames, 128 Slaney mel
bands, power in dB (top 80 dB), orthonormal DCT-II. This front end reproduces those steps with
tf.signal, but it is a reconstruction: microphones, speakers and any unknown preprocessing differ,
so :func:`compare_to_dataset` measures how far a recording's features sit from the training
data instead of assuming they match.
"""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass, field

import numpy as np

from ... import backend
from ...checks import boolean, number_in_range, positive_int
from ...i18n import t

__all__ = [
    "FRONTEND_RATE",
    "N_FFT",
    "HOP",
    "N_MELS",
    "N_MFCC",
    "Waveform",
    "Features",
    "read_wav",
    "prepare_waveform",
    "features",
    "mfcc",
    "slaney_mel_matrix",
    "synth_tone",
    "min_samples",
    "compare_to_dataset",
]

FRONTEND_RATE = 22050
N_FFT, HOP, N_MELS, N_MFCC = 2048, 512, 128, 13
TOP_DB = 80.0
SILENCE_PEAK = 1e-4  # full scale is 1.0; below this there is nothing to hear


@dataclass(frozen=True)
class Waveform:
    samples: np.ndarray  # float32 in [-1, 1]; (n,) mono or (n, channels)
    rate: int
    notes: tuple = ()  # what was done to it on the way (resampled, mixed down)

    @property
    def channels(self) -> int:
        return 1 if self.samples.ndim == 1 else int(self.samples.shape[1])

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def read_wav(source) -> Waveform:
    """Read a WAV file (path, bytes or file object) as float32 in [-1, 1], channels kept.

    Raises ValueError when the data is not a readable WAV file.
    """
    from scipy.io import wavfile

    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        if not raw:
            raise ValueError(t("speech.upload_empty"))
        if raw[:4] not in (b"RIFF", b"RIFX") or raw[8:12] != b"WAVE":
            raise ValueError(t("speech.not_wav", start=repr(raw[:12])))
        source = io.BytesIO(raw)
    elif isinstance(source, (str, os.PathLike)) and not os.path.exists(source):
        raise ValueError(t("speech.no_file", path=source))
    try:
        rate, x = wavfile.read(source)
    except (ValueError, EOFError, OSError, struct.error) as exc:  # scipy's message names it
        raise ValueError(t("speech.unreadable", detail=exc)) from exc
    except UnboundLocalError as exc:  # scipy 1.17 on a header with no chunks after it
        raise ValueError(t("speech.unreadable", detail=t("speech.no_chunks"))) from exc
    if x.dtype.kind == "i":
        x = x.astype(np.float32) / float(2 ** (8 * x.dtype.itemsize - 1))
    elif x.dtype.kind == "u":  # 8-bit WAV is unsigned, centred on 128
        x = (x.astype(np.float32) - 128.0) / 128.0
    else:
        x = x.astype(np.float32)
    return Waveform(x, int(rate))


def min_samples(rate: int = FRONTEND_RATE) -> int:
    """Fewest samples (at ``rate``) that give the 3 frames the Conv1D kernel needs."""
    rate = positive_int(rate, name="rate (Hz)")
    return int(np.ceil((2 * HOP + 1) * rate / FRONTEND_RATE))


def prepare_waveform(samples, rate: int, *, mix_stereo: bool = False) -> Waveform:
    """Check audio and bring it to the front end's mono 22,050 Hz.

    Raises ValueError for empty, NaN/inf, silent, too short or (unless ``mix_stereo``)
    multi-channel audio, or a non-positive sample rate. Resampling and mixing are noted.
    """
    rate = positive_int(rate, name="rate (Hz)")
    mix_stereo = boolean(mix_stereo, name="mix_stereo")
    x = np.asarray(samples, dtype=np.float32)
    notes = []
    if x.size == 0:
        raise ValueError(t("speech.audio_empty"))
    if not np.isfinite(x).all():
        raise ValueError(t("speech.audio_nan", n=int((~np.isfinite(x)).sum())))
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        if x.ndim == 2 and mix_stereo:
            x = x.mean(axis=1)
            notes.append(t("speech.mixed", n=samples.shape[1]))
        else:
            raise ValueError(
                t("speech.not_mono", shape=x.shape, channels=x.shape[-1] if x.ndim == 2 else "?")
            )
    peak = float(np.abs(x).max())
    if peak < SILENCE_PEAK:
        raise ValueError(t("speech.silent", peak=f"{peak:.2g}"))
    if len(x) < min_samples(int(rate)):
        raise ValueError(
            t(
                "speech.too_short",
                n=len(x),
                rate=rate,
                ms=f"{1000 * len(x) / rate:.0f}",
                need=min_samples(int(rate)),
            )
        )
    if rate != FRONTEND_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(int(rate), FRONTEND_RATE)
        x = resample_poly(x, FRONTEND_RATE // g, int(rate) // g).astype(np.float32)
        notes.append(t("speech.resampled", rate=rate, target=FRONTEND_RATE))
    return Waveform(x, FRONTEND_RATE, tuple(notes))


def _hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    mel = f / (200.0 / 3)
    log_part = f >= 1000.0
    return np.where(
        log_part, 15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / (np.log(6.4) / 27.0), mel
    )


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * 200.0 / 3)


def slaney_mel_matrix(
    *, rate: int = FRONTEND_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS
) -> np.ndarray:
    """(n_fft//2+1, n_mels) Slaney-scale, area-normalised triangles (librosa's default
    filterbank; tf.signal's own matrix uses the HTK scale with unit-height triangles)."""
    fft_hz = np.linspace(0, rate / 2, n_fft // 2 + 1)
    mel_hz = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(rate / 2), n_mels + 2))
    diff = np.diff(mel_hz)
    ramps = mel_hz[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / diff[:-1, None]
    upper = ramps[2:] / diff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, None]
    return weights.T.astype(np.float32)


@dataclass(frozen=True)
class Features:
    """Every stage, for plotting: power spectrogram (dB), log-mel (dB) and MFCC frames."""

    spectrogram_db: np.ndarray  # (frames, n_fft//2+1)
    mel_db: np.ndarray  # (frames, n_mels)
    mfcc: np.ndarray  # (frames, 13)
    frame_times: np.ndarray  # seconds, frame centres
    rate: int
    notes: tuple = field(default=())


def features(wave: Waveform) -> Features:
    """Compute every front-end stage of a mono waveform at FRONTEND_RATE (see prepare_waveform)."""
    if not isinstance(wave, Waveform):
        raise TypeError(
            f"wave must be a Waveform (use prepare_waveform), got {type(wave).__name__}"
        )
    if wave.rate != FRONTEND_RATE or wave.samples.ndim != 1:
        raise ValueError(
            f"features() needs mono audio at {FRONTEND_RATE} Hz, got {wave.channels} "
            f"channel(s) at {wave.rate} Hz; pass it through prepare_waveform first"
        )
    if len(wave.samples) < min_samples():
        raise ValueError(t("speech.too_short_frontend", n=len(wave.samples), need=min_samples()))
    tf = backend.tf()
    x = tf.constant(wave.samples, tf.float32)
    x = tf.pad(x, [[N_FFT // 2, N_FFT // 2]], mode="REFLECT")  # centred frames, as librosa
    stft = tf.signal.stft(
        x, frame_length=N_FFT, frame_step=HOP, fft_length=N_FFT, window_fn=tf.signal.hann_window
    )
    power = tf.math.square(tf.abs(stft))
    mel = tf.matmul(power, tf.constant(slaney_mel_matrix()))

    def to_db(s):
        db = 10.0 * tf.math.log(tf.maximum(s, 1e-10)) / tf.math.log(10.0)
        return tf.maximum(db, tf.reduce_max(db) - TOP_DB)

    mel_db = to_db(mel)
    coeffs = tf.signal.dct(mel_db, type=2, norm="ortho")[:, :N_MFCC]
    n = int(coeffs.shape[0])
    return Features(
        to_db(power).numpy(),
        mel_db.numpy(),
        coeffs.numpy(),
        np.arange(n) * HOP / FRONTEND_RATE,
        FRONTEND_RATE,
        wave.notes,
    )


def mfcc(samples, rate: int, *, mix_stereo: bool = False) -> np.ndarray:
    """(frames, 13) MFCCs of raw audio: checks, resamples to 22,050 Hz, runs the front end."""
    return features(prepare_waveform(samples, rate, mix_stereo=mix_stereo)).mfcc


def synth_tone(
    freq_hz: float = 440.0,
    seconds: float = 0.5,
    rate: int = FRONTEND_RATE,
    *,
    amplitude: float = 0.5,
) -> np.ndarray:
    """A pure sine tone with 10 ms fades: a known input for tests and demos."""
    rate = positive_int(rate, name="rate (Hz)")
    freq_hz = number_in_range(
        freq_hz, name="freq_hz", low=0.0, high=rate / 2, low_open=True, high_open=True
    )
    seconds = number_in_range(seconds, name="seconds", low=0.0, low_open=True)
    amplitude = number_in_range(amplitude, name="amplitude", low=0.0, high=1.0)
    times = np.arange(int(seconds * rate)) / rate
    x = amplitude * np.sin(2 * np.pi * freq_hz * times)
    fade = np.minimum(1.0, np.minimum(times, times[-1] - times) / 0.01)
    return (x * fade).astype(np.float32)


def compare_to_dataset(mfcc_frames, mean, std) -> dict:
    """How far a recording's average MFCCs sit from the training data, in training std units.

    ``max_abs_z`` above about 2 means the features are out of the training distribution and a
    prediction on them says little about the model.
    """
    frames = np.asarray(mfcc_frames, np.float32)
    z = (frames.mean(0) - np.asarray(mean)) / np.asarray(std)
    worst = int(np.argmax(np.abs(z)))
    return {
        "z_per_coefficient": [round(float(v), 2) for v in z],
        "max_abs_z": float(abs(z[worst])),
        "worst_coefficient": worst,
        "in_distribution": bool(np.abs(z).max() <= 2.0),
    }
