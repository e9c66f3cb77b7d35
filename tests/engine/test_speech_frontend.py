"""Chapter 6 front end: WAV reading, input checks, and the tf.signal MFCC stages."""

from __future__ import annotations

import io

import numpy as np
import pytest
from scipy.io import wavfile

from bigmodel_widgets.engine import data
from bigmodel_widgets.engine.tasks.speech import frontend as fe

RATE = fe.FRONTEND_RATE


def _wav_bytes(samples, rate) -> bytes:
    buf = io.BytesIO()
    wavfile.write(buf, rate, samples)
    return buf.getvalue()


def test_tone_gives_expected_shapes_and_peak():
    x = fe.synth_tone(1000.0, 0.5, RATE)
    f = fe.features(fe.prepare_waveform(x, RATE))
    frames = 1 + len(x) // fe.HOP  # centred frames, as librosa
    assert f.mfcc.shape == (frames, 13)
    assert f.spectrogram_db.shape == (frames, fe.N_FFT // 2 + 1)
    assert f.mel_db.shape == (frames, fe.N_MELS)
    assert np.isfinite(f.mfcc).all() and f.notes == ()
    peak_hz = f.spectrogram_db[frames // 2].argmax() * RATE / fe.N_FFT
    assert abs(peak_hz - 1000.0) < RATE / fe.N_FFT
    # The tone's energy lands in the mel band whose centre is nearest 1 kHz.
    centres = (
        (fe.slaney_mel_matrix() * np.arange(fe.N_FFT // 2 + 1)[:, None]).sum(0)
        / fe.slaney_mel_matrix().sum(0)
        * RATE
        / fe.N_FFT
    )
    assert abs(centres[f.mel_db[frames // 2].argmax()] - 1000.0) < 60


def test_mfcc_is_the_orthonormal_dct_of_log_mel():
    f = fe.features(fe.prepare_waveform(fe.synth_tone(500.0, 0.3), RATE))
    np.testing.assert_allclose(f.mfcc[:, 0], f.mel_db.sum(1) / np.sqrt(fe.N_MELS), rtol=1e-4)
    assert (f.mel_db.max() - f.mel_db.min()) <= fe.TOP_DB + 1e-3


def test_louder_audio_raises_c0_only_by_its_gain():
    quiet = fe.mfcc(fe.synth_tone(300.0, 0.3, amplitude=0.05), RATE)
    loud = fe.mfcc(fe.synth_tone(300.0, 0.3, amplitude=0.5), RATE)
    # 20 dB more power in every mel band shifts c0 by 20*sqrt(128) where not clipped at top_db.
    assert loud[:, 0].mean() > quiet[:, 0].mean() + 100


def test_mel_matrix_rows_are_area_normalised_triangles():
    m = fe.slaney_mel_matrix()
    assert m.shape == (fe.N_FFT // 2 + 1, fe.N_MELS) and (m >= 0).all()
    assert (m.sum(0) > 0).all()


def test_other_rates_are_resampled_and_noted():
    w = fe.prepare_waveform(fe.synth_tone(440.0, 0.5, 16000), 16000)
    assert w.rate == RATE and abs(len(w.samples) - RATE // 2) <= 1
    assert any("16000 Hz" in n for n in w.notes)


@pytest.mark.parametrize(
    "samples, rate, match",
    [
        (np.zeros(0, np.float32), RATE, "empty"),
        (np.zeros(RATE, np.float32), RATE, "silent"),
        (np.r_[fe.synth_tone(440.0, 0.2), np.nan].astype(np.float32), RATE, "NaN"),
        (np.stack([fe.synth_tone(440.0, 0.2)] * 2, 1), RATE, "mono"),
        (fe.synth_tone(440.0, 0.02), RATE, "too short"),
        (fe.synth_tone(440.0, 0.2), 0, "rate"),
    ],
)
def test_bad_audio_is_rejected_with_a_clear_message(samples, rate, match):
    with pytest.raises(ValueError, match=match):
        fe.prepare_waveform(samples, rate)


def test_stereo_can_be_mixed_down_on_request():
    stereo = np.stack([fe.synth_tone(440.0, 0.2), fe.synth_tone(440.0, 0.2)], 1)
    w = fe.prepare_waveform(stereo, RATE, mix_stereo=True)
    assert w.samples.ndim == 1 and "mono" in w.notes[0]


def test_features_require_prepared_audio():
    with pytest.raises(ValueError, match="prepare_waveform"):
        fe.features(fe.Waveform(fe.synth_tone(440.0, 0.3, 16000), 16000))
    with pytest.raises(TypeError):
        fe.features(np.zeros(100))


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float32, np.uint8])
def test_read_wav_scales_every_sample_format(dtype):
    x = fe.synth_tone(440.0, 0.1, 8000, amplitude=0.5)
    if dtype == np.uint8:
        raw = (x * 127 + 128).astype(np.uint8)
    elif dtype == np.float32:
        raw = x
    else:
        raw = (x * (np.iinfo(dtype).max)).astype(dtype)
    w = fe.read_wav(_wav_bytes(raw, 8000))
    assert w.rate == 8000 and w.channels == 1 and w.samples.dtype == np.float32
    np.testing.assert_allclose(w.samples, x, atol=0.02)


def test_read_wav_keeps_channels():
    stereo = (np.stack([fe.synth_tone(440.0, 0.1)] * 2, 1) * 30000).astype(np.int16)
    assert fe.read_wav(_wav_bytes(stereo, RATE)).channels == 2


@pytest.mark.parametrize(
    "raw, match",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n0000", "not a WAV"),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", "WAV"),
    ],
)
def test_read_wav_rejects_non_wav_data(raw, match):
    with pytest.raises(ValueError, match=match):
        fe.read_wav(raw)


def test_read_wav_missing_path(tmp_path):
    with pytest.raises(ValueError, match="no such"):
        fe.read_wav(tmp_path / "nope.wav")


def test_real_recording_runs_through_the_front_end():
    try:
        path = data.pocketsphinx_wavs()[0]
    except data.DatasetUnavailable as exc:
        pytest.skip(str(exc))
    w = fe.read_wav(path)
    f = fe.features(fe.prepare_waveform(w.samples, w.rate))
    assert f.mfcc.shape[1] == 13 and f.mfcc.shape[0] > 10 and np.isfinite(f.mfcc).all()
    cmp = fe.compare_to_dataset(f.mfcc, np.zeros(13), np.ones(13))
    assert len(cmp["z_per_coefficient"]) == 13 and cmp["in_distribution"] is False


def test_compare_to_dataset_flags_distance():
    frames = np.ones((10, 13), np.float32)
    same = fe.compare_to_dataset(frames, np.ones(13), np.ones(13))
    far = fe.compare_to_dataset(frames * 10, np.ones(13), np.ones(13))
    assert same["in_distribution"] and same["max_abs_z"] == 0
    assert not far["in_distribution"] and far["max_abs_z"] == pytest.approx(9)
