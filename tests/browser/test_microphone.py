"""The SpeechExplorer's microphone in a real Chromium whose fake audio device plays a known WAV.

Chromium's fake media flags feed the WAV to ``getUserMedia``; the test presses record, waits
for the explorer's prediction, then asks the kernel what it received: the samples must match
the WAV (normalised cross-correlation) and the prediction on screen must be the engine's
prediction for those samples. A denied microphone shows a clear message.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.browser._lab import open_notebook, run_in_kernel, wait_idle
from tests.browser.conftest import ARTIFACTS, CHROMIUM_FLAGS
from tests.conftest import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.slow]

NAME = "mic_explorer.ipynb"
SPOKEN = Path("/usr/share/pocketsphinx/test/data/cards/003.wav")  # "seven of clubs", 16 kHz


def _known_wav(folder: Path) -> Path:
    """A real 16 kHz recording if pocketsphinx-testdata is installed, else a made-up one."""
    target = folder / "known.wav"
    if SPOKEN.exists():
        shutil.copy(SPOKEN, target)
    else:
        from scipy.io import wavfile

        from bigmodel_widgets.engine.tasks.speech import frontend as fe

        x = np.concatenate([fe.synth_tone(f, 0.3, 16000) for f in (300.0, 900.0, 500.0)])
        wavfile.write(target, 16000, (x * 20000).astype(np.int16))
    return target


@pytest.fixture(scope="module")
def mic_browser(browser, tmp_path_factory):
    """A second Chromium from the same Playwright, with a fake microphone playing the WAV once."""
    wav = _known_wav(tmp_path_factory.mktemp("mic"))
    flags = CHROMIUM_FLAGS + [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]
    b = browser.browser_type.launch(executable_path=chromium_path(), headless=True, args=flags)
    yield b, wav
    b.close()


def _page(b, lab, *, deny: bool = False):
    context = b.new_context(viewport={"width": 1400, "height": 1000})
    if deny:  # what Chromium reports when the person clicks "Block"
        context.add_init_script(
            "navigator.mediaDevices.getUserMedia = () => Promise.reject("
            "new DOMException('Permission denied', 'NotAllowedError'));"
        )
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _notebook(lab, wav: Path) -> None:
    cells = [
        "import bigmodel_widgets as bmw\n"
        "split = bmw.speech.load_split(seed=0, limit=120)\n"
        "recognizer = bmw.speech.train(split, 'text', epochs=1)\n"
        "ex = bmw.SpeechExplorer(recognizer, split=split)\n"
        "ex.microphone.seconds = 3.0\n"
        "ex",
    ]
    nbformat.write(
        new_notebook(
            cells=[new_code_cell(c) for c in cells],
            metadata={
                "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
            },
        ),
        str(lab.root / NAME),
    )


_CHECK = """
import json
import numpy as np
from scipy.signal import resample_poly
fe = bmw.speech_frontend
x, rate = ex.microphone.samples(), int(ex.microphone.rate)
ref = fe.read_wav({wav!r})
ref = resample_poly(ref.samples, rate, ref.rate).astype(np.float32)
n = 1 << int(np.ceil(np.log2(len(x) + len(ref))))
xc = np.fft.irfft(np.fft.rfft(x, n) * np.conj(np.fft.rfft(ref, n)), n)
lag = int(np.argmax(np.abs(xc)))
lag = lag if lag < n // 2 else lag - n
# the overlap of the recording and the WAV at that lag (the device may start before or after)
sx, sr = max(0, lag), max(0, -lag)
m = min(len(x) - sx, len(ref) - sr)
seg, r = x[sx: sx + m], ref[sr: sr + m]
corr = float(np.dot(seg, r) / (np.linalg.norm(seg) * np.linalg.norm(r) + 1e-12))
engine = ex.recognizer.predict(fe.features(fe.prepare_waveform(x, rate)).mfcc)
print('MICCHECK ' + json.dumps({{'rate': rate, 'n': len(x), 'corr': corr,
      'shown': ex.wave_prediction.digit, 'engine': engine.digit,
      'same': ex.wave_prediction == engine, 'errors': ex.errors.message}}))
"""


def test_fake_microphone_audio_reaches_the_kernel_and_is_recognised(mic_browser, lab):
    b, wav = mic_browser
    _notebook(lab, wav)
    context, page = _page(b, lab)
    try:
        open_notebook(page, lab, NAME)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        button = page.locator(".bmw-mic-record").first
        button.wait_for(timeout=300_000)
        wait_idle(page, 300)
        button.scroll_into_view_if_needed()
        button.click()
        page.wait_for_function(
            "() => document.querySelector('.bmw-microphone').dataset.state !== 'idle' && "
            "document.querySelector('.bmw-microphone').dataset.state !== 'recording'",
            timeout=60_000,
        )
        state = page.locator(".bmw-microphone").first.get_attribute("data-state")
        assert state == "done", page.locator(".bmw-mic-status").first.inner_text()
        page.locator(".bmw-speech-wave-digit").first.wait_for(timeout=60_000)
        shown = page.locator(".bmw-speech-wave-digit").first.inner_text()
        out = run_in_kernel(page, _CHECK.format(wav=str(wav)), timeout_s=300)
        assert "MICCHECK {" in out, out
        got = json.loads(out.split("MICCHECK ", 1)[1].splitlines()[0])
        assert got["rate"] > 0 and got["n"] >= 2.9 * got["rate"], got
        assert got["corr"] > 0.9, f"the kernel did not receive the WAV: {got}"
        assert got["same"] and got["errors"] == "", got
        assert f"model says {got['shown']}" in shown
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "test_microphone.png"), full_page=True)
        raise
    finally:
        try:
            page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
        except Exception:
            pass
        context.close()


def test_a_denied_microphone_shows_a_clear_message(mic_browser, lab):
    b, wav = mic_browser
    _notebook(lab, wav)
    context, page = _page(b, lab, deny=True)
    try:
        open_notebook(page, lab, NAME)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        button = page.locator(".bmw-mic-record").first
        button.wait_for(timeout=300_000)
        wait_idle(page, 300)
        button.click()
        error = page.locator(".bmw-error", has_text="microphone access was denied")
        error.first.wait_for(timeout=30_000)
        assert "allow the microphone" in error.first.inner_text()
        assert "denied" in page.locator(".bmw-mic-status").first.inner_text()
    finally:
        try:
            page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
        except Exception:
            pass
        context.close()
