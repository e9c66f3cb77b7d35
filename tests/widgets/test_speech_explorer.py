"""SpeechExplorer driven from Python: its results equal direct engine calls; bad input shows a
message in the error area and the widget keeps working."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest
from scipy.io import wavfile

from bigmodel_widgets.engine import data
from bigmodel_widgets.engine.tasks import speech
from bigmodel_widgets.engine.tasks.speech import frontend as fe
from bigmodel_widgets.engine.tasks.speech import strings
from bigmodel_widgets.widgets.speech_explorer import SpeechExplorer


@pytest.fixture(scope="module")
def split():
    return speech.load_split(seed=0, limit=120)


@pytest.fixture(scope="module")
def recognizer(split):
    return speech.train(split, "text", epochs=1)


@pytest.fixture
def explorer(recognizer, split):
    return SpeechExplorer(recognizer, split=split)


def _wav(samples, rate=16000) -> bytes:
    buf = io.BytesIO()
    wavfile.write(buf, rate, (np.asarray(samples) * 32000).astype(np.int16))
    return buf.getvalue()


def test_picking_an_example_shows_the_engine_prediction(explorer, recognizer, split):
    for i in (0, 7, 42):
        explorer.example.value = i
        expected = recognizer.predict(split.x_test[i])
        assert explorer.result == expected
        assert f"predicted <b>{expected.digit}</b>" in explorer.prediction.value
        assert f"spoken {int(split.y_test[i])}" in explorer.prediction.value
        assert explorer.mfcc_view.value[:4] == b"\x89PNG"
    assert explorer.errors.message == ""
    assert explorer.example.max == len(split.x_test) - 1


def test_uploaded_wav_goes_through_the_front_end(explorer, recognizer):
    tone = fe.synth_tone(700.0, 0.4, 16000)
    raw = _wav(tone)
    explorer.upload.value = (
        {
            "name": "tone.wav",
            "type": "audio/wav",
            "size": len(raw),
            "content": memoryview(raw),
            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        },
    )
    expected = fe.features(fe.prepare_waveform(fe.read_wav(raw).samples, 16000))
    np.testing.assert_allclose(explorer.wave_features.mfcc, expected.mfcc, atol=1e-4)
    assert explorer.wave_prediction == recognizer.predict(expected.mfcc)
    assert explorer.audio.value == raw
    assert "resampled 16000 Hz" in explorer.wave_info.value
    assert "do not match the training features" in explorer.wave_info.value
    assert explorer.wave_view.value[:4] == b"\x89PNG" and explorer.errors.message == ""


@pytest.mark.parametrize(
    "raw, match",
    [
        (b"GIF89a not audio", "not a WAV"),
        (_wav(np.zeros(8000)), "silent"),
        (_wav(np.zeros(0)), "empty"),
        (_wav(np.stack([fe.synth_tone(440.0, 0.3, 16000)] * 2, 1)), "mono"),
        (_wav(fe.synth_tone(440.0, 0.01, 16000)), "too short"),
    ],
)
def test_bad_uploads_show_a_message_and_the_widget_keeps_working(
    explorer, recognizer, split, raw, match
):
    explorer.load_wav_bytes(raw, "bad.wav")
    assert match in explorer.errors.message and "bad.wav" in explorer.errors.message
    assert explorer.wave_prediction is None and explorer.wave_view.value == b""
    explorer.example.value = 3  # still works, and a success clears the message
    assert explorer.result == recognizer.predict(split.x_test[3])
    assert explorer.errors.message == ""


def test_a_failed_load_leaves_no_stale_result(explorer):
    explorer.load_wav_bytes(_wav(fe.synth_tone(500.0, 0.3)), "good.wav")
    assert explorer.wave_prediction is not None and explorer.errors.message == ""
    explorer.load_wav_bytes(b"not audio at all", "bad.wav")
    assert "not a WAV" in explorer.errors.message
    assert explorer.wave_prediction is None and explorer.wave_features is None
    assert explorer.wave_info.value == "" and explorer.wave_view.value == b""


def test_nan_samples_are_reported(explorer):
    explorer.load_waveform(np.r_[fe.synth_tone(440.0, 0.3), np.nan], fe.FRONTEND_RATE, "nan")
    assert "NaN" in explorer.errors.message


def test_stereo_is_mixed_when_asked(explorer):
    stereo = np.stack([fe.synth_tone(440.0, 0.3, 16000)] * 2, 1)
    explorer.mix_stereo.value = True
    explorer.load_wav_bytes(_wav(stereo), "stereo.wav")
    assert explorer.errors.message == "" and "mixed 2 channels" in explorer.wave_info.value


def test_bundled_recordings_are_offered_or_marked_unavailable(explorer, recognizer):
    try:
        paths = data.pocketsphinx_wavs()
    except data.DatasetUnavailable:
        assert (
            explorer.recording.options == ("(none)",)
            and "not available" in explorer.wave_info.value
        )
        return
    assert len(explorer.recording.options) == len(paths) + 1
    explorer.recording.value = explorer.recording.options[1]
    assert explorer.errors.message == "" and explorer.wave_features is not None
    w = fe.read_wav(paths[0])
    expected = fe.features(fe.prepare_waveform(w.samples, w.rate))
    np.testing.assert_allclose(explorer.wave_features.mfcc, expected.mfcc, atol=1e-4)


def test_strict_constructor(recognizer, split):
    with pytest.raises(TypeError, match="unexpected keyword"):
        SpeechExplorer(recognizer, split=split, colour="red")
    with pytest.raises(TypeError, match="SpeechRecognizer"):
        SpeechExplorer("model", split=split)
    with pytest.raises(ValueError, match="example"):
        SpeechExplorer(recognizer, split=split, example=len(split.x_test))


def test_signature_is_explicit():
    import inspect

    from bigmodel_widgets.widgets.speech_explorer import speech_explorer

    for fn in (SpeechExplorer.__init__, speech_explorer):
        params = inspect.signature(fn).parameters
        assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
        assert {"split", "kind", "seed", "quick", "progress", "example"} <= set(params)
        assert all(
            params[n].kind is params[n].KEYWORD_ONLY for n in ("split", "kind", "quick", "example")
        )


def test_probability_bars_show_every_digit_and_tick_the_spoken_one(explorer, split):
    explorer.example.value = 4
    html = explorer.prediction.value
    assert html.count("bmw-speech-bars-row") == 10
    assert "\u2713" in html and f"{max(explorer.result.probabilities):.1%}" in html


def test_one_call_helper_trains_in_quick_mode_with_a_progress_bar(
    split, recognizer, tmp_path, monkeypatch
):
    from bigmodel_widgets.widgets.speech_explorer import speech_explorer

    monkeypatch.setenv("BMW_CACHE_DIR", str(tmp_path))  # a fresh cache: it must train

    ex = speech_explorer(recognizer, split=split, example=2)  # a given recognizer: nothing to train
    assert ex.recognizer is recognizer and ex.example.value == 2
    seen = []
    ex = speech_explorer(split=split, kind="text", progress=lambda d, t, i: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == speech.QUICK_EPOCHS  # BMW_QUICK=1 in the tests
    cached = speech.trained_recognizer("text", split=split, quick=True)
    np.testing.assert_allclose(
        ex.recognizer.predict_proba(split.x_test[:3]),
        cached.predict_proba(split.x_test[:3]),
        atol=1e-6,
    )


# ---- the digit-string view -------------------------------------------------------------------
def _bursts_wav(rate: int, bursts: int) -> bytes:
    rng = np.random.default_rng(1)
    parts = []
    for _ in range(bursts):
        parts += [
            0.003 * rng.standard_normal(int(0.4 * rate)),
            0.3 * rng.standard_normal(int(0.3 * rate)),
        ]
    parts.append(0.003 * rng.standard_normal(int(0.4 * rate)))
    return _wav(np.concatenate(parts), rate)


def test_building_a_string_shows_the_engine_reading(explorer, recognizer, split):
    explorer.string_length.value, explorer.string_seed.value = 5, 3
    explorer.build_string.click()
    built = strings.make_digit_string(split, length=5, seed=3)
    expected = strings.recognise_string(recognizer, built.frames)
    assert explorer.string.digits == built.digits
    assert explorer.string_reading == expected and explorer.errors.message == ""
    assert explorer.string_view.value[:4] == b"\x89PNG"
    info = explorer.string_info.value
    assert f'data-read="{expected.text}"' in info
    assert "spoken <b>" + "".join(map(str, built.digits)) + "</b>" in info
    assert info.count("<tr>") == len(expected.segments) + 1  # header + one row per segment


def test_silence_and_no_pause_are_messages_not_errors(explorer):
    rng = np.random.default_rng(0)
    silence = np.full((40, 13), 5.0, np.float32)
    silence[:, 0] = -620 + rng.normal(0, 10, 40)
    explorer.show_string(silence)
    assert explorer.string_reading.digits == () and explorer.errors.message == ""
    assert (
        "silence only" in explorer.string_info.value and "(nothing)" in explorer.string_info.value
    )
    flat = np.full((30, 13), 5.0, np.float32)
    flat[:, 0] = np.linspace(-260, -200, 30)
    explorer.show_string(flat)
    assert (
        len(explorer.string_reading.digits) == 1 and "no pause found" in explorer.string_info.value
    )


def test_bad_frames_go_to_the_error_area(explorer):
    explorer.show_string(np.zeros((20, 12)))
    assert "expected (frames, 13)" in explorer.errors.message
    assert explorer.string_reading is None and explorer.string_view.value == b""
    explorer.build_string.click()  # still works, and clears the message
    assert explorer.errors.message == "" and explorer.string_reading is not None


def test_the_loaded_wav_is_read_as_a_string(explorer, recognizer):
    explorer.read_wav_string.click()
    assert "load a WAV first" in explorer.errors.message
    raw = _bursts_wav(16000, 3)
    explorer.load_wav_bytes(raw, "bursts.wav")
    seen = []
    explorer.read_loaded_wav_as_string(progress=lambda d, t, i: seen.append((d, t)))
    expected = strings.recognise_wav(recognizer, raw)
    assert explorer.string_wav.reading == expected.reading and len(expected.reading.segments) == 3
    np.testing.assert_array_equal(explorer.string_wav.frames, expected.frames)
    assert seen and seen[-1][0] == seen[-1][1]
    assert explorer.errors.message == "" and explorer.string_view.value[:4] == b"\x89PNG"
    assert "not the dataset" in explorer.string_info.value
