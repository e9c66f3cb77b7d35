"""The Microphone widget and SpeechExplorer's use of it, driven from Python as the browser's
messages would (the real browser path is tests/browser/test_microphone.py)."""

from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine.tasks import speech
from bigmodel_widgets.engine.tasks.speech import frontend as fe
from bigmodel_widgets.widgets._microphone import Microphone
from bigmodel_widgets.widgets.speech_explorer import SpeechExplorer


def _take(mic: Microphone, samples, rate: int) -> None:
    """What the browser sends after a recording, as the comm delivers it (the audio arrives as
    a binary buffer, a memoryview)."""
    audio = memoryview(np.asarray(samples, "<f4").tobytes())
    mic.set_state({"rate": rate, "audio": audio, "state": "done", "takes": mic.takes + 1})


def test_a_take_reaches_the_callbacks_as_float32_samples():
    mic, got = Microphone(seconds=1.5), []
    mic.on_recording(lambda x, rate: got.append((x, rate)))
    tone = fe.synth_tone(440.0, 0.5, 48000)
    _take(mic, tone, 48000)
    assert len(got) == 1 and got[0][1] == 48000
    np.testing.assert_array_equal(got[0][0], tone.astype(np.float32))
    np.testing.assert_array_equal(mic.samples(), tone.astype(np.float32))
    assert Microphone().samples().size == 0


def test_seconds_are_checked():
    with pytest.raises(Exception, match="seconds"):
        Microphone(seconds=0.0)
    with pytest.raises(Exception, match="seconds"):
        Microphone(seconds=120.0)


@pytest.fixture(scope="module")
def explorer():
    split = speech.load_split(seed=0, limit=120)
    return SpeechExplorer(speech.train(split, "text", epochs=1), split=split)


def test_a_recording_is_recognised_like_the_same_samples_loaded_directly(explorer):
    tone = fe.synth_tone(700.0, 0.6, 48000)
    _take(explorer.microphone, tone, 48000)
    assert explorer.errors.message == ""
    feats = fe.features(fe.prepare_waveform(tone.astype(np.float32), 48000))
    assert explorer.wave_prediction == explorer.recognizer.predict(feats.mfcc)
    assert "<b>microphone</b>" in explorer.wave_info.value
    assert explorer.audio.value[:4] == b"RIFF"


def test_silence_and_a_denied_microphone_give_clear_messages(explorer):
    _take(explorer.microphone, np.zeros(48000, np.float32), 48000)
    assert explorer.errors.message.startswith("microphone: the audio is silent")
    assert explorer.wave_prediction is None  # no stale prediction left on screen
    mic = explorer.microphone
    mic.set_state(
        {"state": "error", "message": "microphone access was denied: allow the microphone"}
    )
    assert "microphone: microphone access was denied" in explorer.errors.message
    _take(mic, fe.synth_tone(700.0, 0.6, 48000), 48000)  # the widget keeps working
    assert explorer.errors.message == "" and explorer.wave_prediction is not None
