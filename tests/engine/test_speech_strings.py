"""Chapter 6, spoken digit strings: the builder, the energy segmenter on fixed frames, reading
a string, and streaming a long WAV through the front end with bounded memory."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import wave

import numpy as np
import pytest

from bigmodel_widgets.engine.tasks import speech
from bigmodel_widgets.engine.tasks.speech import frontend as fe
from bigmodel_widgets.engine.tasks.speech import strings as S

SIL, SPEECH = -600.0, -200.0


def _frames(levels) -> np.ndarray:
    """(n, 13) frames whose c0 follows ``levels``; the other coefficients are a constant."""
    f = np.full((len(levels), 13), 5.0, np.float32)
    f[:, 0] = levels
    return f


def _runs(*parts) -> np.ndarray:
    return _frames(np.concatenate([np.full(n, v) for v, n in parts]))


EXACT = S.SegmenterSettings(smooth=1, hangover=0)


@pytest.fixture(scope="module")
def split():
    return speech.load_split(seed=0, limit=60)


@pytest.fixture(scope="module")
def recognizer(split):
    return speech.train(split, "text", epochs=1)


# ---- segmenter on fixed inputs --------------------------------------------------------------
def test_two_words_give_their_exact_frames():
    f = _runs((SIL, 10), (SPEECH, 8), (SIL, 10), (SPEECH, 6), (SIL, 10))
    assert S.segment_frames(f, settings=EXACT) == [(10, 18), (28, 34)]
    # defaults: smoothing over 3 frames spreads each edge by one frame, the hangover adds 2
    assert S.segment_frames(f) == [(7, 21), (25, 37)]


def test_a_short_dip_is_bridged_a_pause_splits_a_click_is_dropped():
    dip = _runs((SIL, 10), (SPEECH, 6), (SIL, 3), (SPEECH, 6), (SIL, 10))
    assert S.segment_frames(dip, settings=EXACT) == [(10, 25)]
    pause = _runs((SIL, 10), (SPEECH, 6), (SIL, 8), (SPEECH, 6), (SIL, 10))
    assert S.segment_frames(pause, settings=EXACT) == [(10, 16), (24, 30)]
    click = _runs((SIL, 10), (SPEECH, 3), (SIL, 10), (SPEECH, 7), (SIL, 10))
    assert S.segment_frames(click, settings=EXACT) == [(23, 30)]


def test_hysteresis_keeps_a_quiet_tail_but_not_a_quiet_island():
    # low threshold -520, high -480: the -500 tail stays with the word; a -500 island alone
    # never reaches the high threshold and is dropped.
    f = _runs((SIL, 10), (SPEECH, 6), (-500.0, 3), (SIL, 10), (-500.0, 6), (SIL, 10))
    assert S.segment_frames(f, settings=EXACT) == [(10, 19)]


def test_thresholds_adapt_to_the_level_of_the_input():
    quiet = _runs((SIL - 300, 10), (SPEECH - 300, 8), (SIL - 300, 10))
    assert S.segment_frames(quiet, settings=EXACT) == [(10, 18)]


def test_no_pause_gives_one_segment_and_a_note(recognizer):
    f = _frames(np.linspace(-260, -200, 30))
    assert S.segment_frames(f) == [(0, 30)]
    r = S.recognise_string(recognizer, f)
    assert r.segments == ((0, 30),) and len(r.digits) == 1
    assert any("no pause found" in n for n in r.notes)


def test_a_segment_longer_than_any_recording_is_split_at_its_quietest_frame(recognizer):
    levels = np.full(30, -200.0)
    levels[14] = -280.0
    f = _frames(levels)
    assert S.segment_frames(f, settings=EXACT, longest=20) == [(0, 14), (14, 30)]
    r = S.recognise_string(recognizer, f, settings=EXACT, longest=20)
    assert len(r.digits) == 2 and any("longer than the longest" in n for n in r.notes)


def test_silence_only_reads_as_nothing_with_a_message(recognizer):
    rng = np.random.default_rng(0)
    f = _frames(-620.0 + rng.normal(0, 10, 40))
    assert S.segment_frames(f) == []
    r = S.recognise_string(recognizer, f)
    assert r.digits == () and r.segments == () and r.text == ""
    assert "silence only" in r.notes[0]


def test_too_short_is_a_message_not_a_crash(recognizer):
    r = S.recognise_string(recognizer, _frames([-200.0, -210.0]))
    assert r.digits == () and "too short" in r.notes[0]


@pytest.mark.parametrize(
    "frames, exc, match",
    [
        (np.zeros((10, 12)), ValueError, r"expected \(frames, 13\)"),
        (np.zeros((0, 13)), ValueError, "empty"),
        (np.full((5, 13), np.nan), ValueError, "NaN"),
        (np.zeros(13), ValueError, "shape"),
        ("frames", TypeError, "array"),
        (None, TypeError, "array"),
    ],
)
def test_bad_frames_raise_clear_errors(recognizer, frames, exc, match):
    with pytest.raises(exc, match=match):
        S.segment_frames(frames)
    with pytest.raises(exc, match=match):
        S.recognise_string(recognizer, frames)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="min_segment"):
        S.SegmenterSettings(min_segment=2)
    with pytest.raises(ValueError, match="must not exceed"):
        S.SegmenterSettings(low=0.5, high=0.3)
    with pytest.raises(TypeError):
        S.recognise_string("not a model", _frames([SPEECH] * 5))


# ---- the builder and reading built strings ---------------------------------------------------
def test_built_string_holds_the_test_recordings_between_data_silence(split):
    s = S.make_digit_string(split, length=(3, 7), seed=3)
    assert 3 <= len(s.digits) == len(s.segments) <= 7 and s.frames.shape[1] == 13
    test_seqs = {seq.tobytes(): int(y) for seq, y in zip(split.x_test, split.y_test)}
    for (a, b), d in zip(s.segments, s.digits):
        assert test_seqs[np.ascontiguousarray(s.frames[a:b]).tobytes()] == d
    gaps = (
        [(0, s.segments[0][0])]
        + [(p[1], q[0]) for p, q in zip(s.segments, s.segments[1:])]
        + [(s.segments[-1][1], len(s.frames))]
    )
    pool = S.silence_pool(split)
    for a, b in gaps:
        assert 10 <= b - a <= 30
        assert s.frames[a:b, 0].max() < pool[:, 0].max() + 4 * pool[:, 0].std()
    again = S.make_digit_string(split, length=(3, 7), seed=3)
    assert again.digits == s.digits and np.array_equal(again.frames, s.frames)


def test_silence_pool_is_the_quietest_edge_frames_of_training_recordings(split):
    pool = S.silence_pool(split)
    all_c0 = np.concatenate([x[:, 0] for x in split.x_train])
    assert pool.shape[1] == 13 and len(pool) >= 20
    assert pool[:, 0].max() < np.median(all_c0)


def test_reading_a_built_string_matches_the_recognizer_on_its_segments(split, recognizer):
    s = S.make_digit_string(split, length=4, seed=1)
    r = S.recognise_string(recognizer, s.frames)
    assert S.segments_match(r.segments, s.segments)
    probs = recognizer.predict_proba([s.frames[a:b] for a, b in r.segments])
    np.testing.assert_allclose(r.probabilities, probs, atol=1e-6)
    assert r.digits == tuple(int(p.argmax()) for p in probs) and r.n_frames == len(s.frames)
    assert r.confidences == tuple(max(p) for p in r.probabilities)


def test_edit_distance_and_the_evaluation(split, recognizer):
    assert S.edit_distance("123", "123") == 0
    assert S.edit_distance("123", "13") == 1 and S.edit_distance("123", "1234") == 1
    assert S.edit_distance("123", "321") == 2 and S.edit_distance("", "12") == 2
    seen = []
    out = S.evaluate_strings(
        recognizer, split, n=4, length=(3, 4), progress=lambda d, t, i: seen.append((d, t))
    )
    assert out["n_strings"] == 4 and out["length_range"] == [3, 4]
    assert out["digit_error_rate"] >= 0 and 0 <= out["string_acc"] <= 1
    assert 0 <= out["segmentation_acc"] <= 1 and seen[-1] == (4, 4)


# ---- WAV input, streamed --------------------------------------------------------------------
def _noise_wav(rate: int, bursts: int, *, channels: int = 1, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(bursts):
        parts += [
            0.003 * rng.standard_normal(int(0.4 * rate)),
            0.3 * rng.standard_normal(int(0.3 * rate)),
        ]
    parts.append(0.003 * rng.standard_normal(int(0.4 * rate)))
    x = np.concatenate(parts)
    x = np.stack([x] * channels, 1) if channels > 1 else x
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype(np.int16).tobytes())
    return buf.getvalue()


@pytest.mark.parametrize("rate", [22050, 44100])
def test_streamed_frames_equal_the_whole_file_front_end(recognizer, rate):
    raw = _noise_wav(rate, 4)
    whole = fe.mfcc(fe.read_wav(raw).samples, rate)
    r = S.recognise_wav(recognizer, raw, chunk_seconds=0.5)
    assert r.chunks > 4 and r.frames.shape == whole.shape
    np.testing.assert_allclose(r.frames, whole, atol=0.05)
    assert r.reading.segments == tuple(S.segment_frames(whole))
    assert len(r.reading.digits) == 4


def test_resampled_wav_finds_the_same_bursts(recognizer):
    r = S.recognise_wav(recognizer, _noise_wav(16000, 3), chunk_seconds=0.5)
    assert len(r.reading.segments) == 3 and "resampled 16000 Hz" in r.notes[0]
    starts = [a for a, _ in r.segment_times()]
    np.testing.assert_allclose(starts, [0.4, 1.1, 1.8], atol=0.1)


def test_bad_wavs_are_clear_errors(recognizer):
    with pytest.raises(ValueError, match="not a readable WAV"):
        S.recognise_wav(recognizer, b"GIF89a not audio at all")
    with pytest.raises(ValueError, match="empty"):
        S.recognise_wav(recognizer, b"")
    with pytest.raises(ValueError, match="no such WAV"):
        S.recognise_wav(recognizer, "/nonexistent/x.wav")
    with pytest.raises(ValueError, match="mono"):
        S.recognise_wav(recognizer, _noise_wav(16000, 1, channels=2))
    r = S.recognise_wav(recognizer, _noise_wav(16000, 2, channels=2), mix_stereo=True)
    assert len(r.reading.segments) == 2


_LONG = textwrap.dedent(
    """
    import json, resource, sys, wave
    import numpy as np
    from bigmodel_widgets.engine.tasks import speech
    from bigmodel_widgets.engine.tasks.speech import strings as S

    rate = 8000
    period, burst = 2 * rate, int(0.3 * rate)  # a 0.3 s sound every 2 s, digital silence between
    rng = np.random.default_rng(0)

    def write(path, minutes):  # a minute at a time: the file is never whole in memory
        n_periods = int(minutes * 60 / 2)
        with wave.open(path, "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
            for start in range(0, n_periods, 30):
                block = np.zeros((min(30, n_periods - start), period), np.float32)
                t = np.arange(burst) / rate
                block[:, :burst] = 0.4 * np.sin(2 * np.pi * 440 * t)  # a tone...
                block[:, :burst] += 0.2 * rng.standard_normal((len(block), burst))  # ...in noise
                w.writeframes((np.clip(block.ravel(), -1, 1) * 32767).astype(np.int16).tobytes())
        return n_periods

    warm, path, minutes = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rec = speech.train(speech.load_split(seed=0, limit=40), "text", epochs=1)
    write(warm, 0.5)
    S.recognise_wav(rec, warm)  # TensorFlow's one-time allocations happen here
    n_periods = write(path, minutes)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seen = []
    r = S.recognise_wav(rec, path, progress=lambda d, t, i: seen.append((d, t)))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"growth_mb": after - before, "segments": len(r.reading.segments),
                      "bursts": n_periods, "seconds": r.seconds, "progress": seen[-1],
                      "reports": len(seen), "frames": len(r.frames)}))
    """
)


def test_a_30_minute_wav_streams_with_bounded_memory_and_progress(tmp_path):
    path = tmp_path / "long.wav"
    out = subprocess.run(
        [sys.executable, "-c", _LONG, str(tmp_path / "warm.wav"), str(path), "30"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["seconds"] == pytest.approx(1800, abs=1)
    assert got["growth_mb"] < 300, got  # the audio alone is 29 MB; at 22,050 Hz float, 159 MB
    assert got["reports"] > 50 and got["progress"][0] == got["progress"][1] == 1800 * 8000
    assert got["segments"] == got["bursts"] == 900


def test_segmentation_reports_its_thresholds_and_energy():
    f = _runs((SIL, 10), (SPEECH, 8), (SIL, 10))
    seg = S.segmentation(f, settings=EXACT)
    assert seg.segments == ((10, 18),) and seg.notes == ()
    assert seg.low == pytest.approx(SIL + 0.2 * 400) and seg.high == pytest.approx(SIL + 0.3 * 400)
    np.testing.assert_allclose(seg.energy, f[:, 0])
    flat = S.segmentation(_frames(np.full(20, SPEECH)))
    assert np.isnan(flat.low) and flat.segments == ((0, 20),)


def test_exercise_checks_compute_their_answers():
    ok = S.check_digit_error_rate(0.25, spoken=(1, 2, 3, 4), read=(1, 2, 4))
    assert ok.ok and "0.250" in str(ok)
    wrong = S.check_digit_error_rate(0.5, spoken=(1, 2, 3, 4), read=(1, 2, 4))
    assert not wrong.ok and "not yet" in str(wrong) and "0.25" not in str(wrong) and wrong.hint
    assert not S.check_digit_error_rate("lots", spoken=(1,), read=()).ok
    f = _runs((SIL, 10), (SPEECH, 6), (SIL, 3), (SPEECH, 6), (SIL, 10))
    assert S.check_segment_count(1, f).ok and not S.check_segment_count(2, f).ok


def test_a_float_wav_is_read_too(recognizer, tmp_path):
    from scipy.io import wavfile

    x = fe.read_wav(_noise_wav(22050, 2)).samples
    path = tmp_path / "float.wav"
    wavfile.write(path, 22050, x.astype(np.float32))
    r = S.recognise_wav(recognizer, path, chunk_seconds=0.5)
    np.testing.assert_allclose(r.frames, fe.mfcc(x, 22050), atol=0.05)
    assert len(r.reading.segments) == 2
    buf = io.BytesIO()
    wavfile.write(buf, 22050, x.astype(np.float32))
    assert S.recognise_wav(recognizer, buf.getvalue()).reading.segments == r.reading.segments


def test_loud_words_joined_without_a_pause_are_one_segment_with_a_note(recognizer):
    levels = np.concatenate([np.linspace(-300, -60, 10), np.linspace(-60, -280, 10)] * 3)
    r = S.recognise_string(recognizer, _frames(levels))
    ((a, b),) = r.segments  # the quietest edge frame is left out
    assert b - a >= 54 and len(r.digits) == 1 and "no pause found: one segment covers" in r.notes[0]


def test_a_silent_wav_reads_as_nothing_with_a_message(recognizer):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(3 * 16000, np.int16).tobytes())
    r = S.recognise_wav(recognizer, buf.getvalue(), chunk_seconds=1.0)
    assert r.reading.digits == () and "silence only" in r.reading.notes[0]
    with pytest.raises(ValueError, match="chunk_seconds"):
        S.recognise_wav(recognizer, buf.getvalue(), chunk_seconds=0)
