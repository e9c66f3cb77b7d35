"""SpeechExplorer: pick a spoken-digit test example -> its MFCC heat map and the predicted digit;
load a WAV (upload or a bundled recording) -> waveform, playback, spectrogram, mel and MFCC views;
build a spoken digit *string* (or read the loaded WAV as one) -> the segments over the energy
and MFCC frames, one digit per segment with its confidence, and the string.

The front end's MFCCs are a reconstruction of the dataset's pipeline, not the same one, so the
widget shows how far a recording's features sit from the training data next to its prediction.
"""

from __future__ import annotations

import html
import io

import ipywidgets as w
import numpy as np

from ..engine import backend, data, explain
from ..engine.checks import non_negative_int
from ..engine.i18n import t
from ..engine.tasks import speech
from ..engine.tasks.speech import frontend as fe
from ..engine.tasks.speech import strings
from ..engine.training import Progress
from ._base import CompositeWidget
from ._explain_view import frame_saliency, saliency_caption, saliency_widgets
from ._html import bar_rows
from ._microphone import Microphone
from ._render import encode_png, figure_png, plot_text
from ._speech_string import MFCC, string_html, string_png

__all__ = ["SpeechExplorer", "speech_explorer"]

KHZ = "kHz"  # a unit: the same in every language


def _figure(width, height):
    from matplotlib.figure import Figure  # no pyplot: no global "current figure"

    return Figure(figsize=(width, height))


def _prob_bars(probs, true_digit=None) -> str:
    """One bar per digit, the predicted one highlighted, the spoken one ticked."""
    rows = [
        (digit, p, f"{p:.1%}" + (" \u2713" if digit == true_digit else ""))
        for digit, p in enumerate(probs)
    ]
    return bar_rows(
        rows, height_px=10, highlight=int(np.argmax(probs)), css_class="bmw-speech-bars"
    )


class SpeechExplorer(CompositeWidget):
    """Chapter 6's explorer. Controls are public attributes; results are ``result`` (the test
    example's :class:`SpeechPrediction`), ``wave_features`` and ``wave_prediction`` (the loaded
    audio).

    Parameters: ``recognizer`` a trained :class:`SpeechRecognizer` (None: the ``kind`` model
    from the cache, trained now the first time, with ``progress``); ``split`` the recordings
    (None: :func:`speech.load_split` with ``seed``); ``quick`` None follows ``BMW_QUICK`` when
    a model has to be trained; ``example`` the test example shown first.

    Example::

        ex = SpeechExplorer(recognizer, split=split)
        ex.example.value = 12        # ex.result == recognizer.predict(split.x_test[12])
        ex.load_wav_bytes(open("me.wav", "rb").read())
    """

    def __init__(
        self,
        recognizer: speech.SpeechRecognizer | None = None,
        *,
        split: speech.SpeechSplit | None = None,
        kind: str = "strong",
        seed: int = 0,
        quick: bool | None = None,
        progress: Progress = None,
        example: int = 0,
    ) -> None:
        if recognizer is not None and not isinstance(recognizer, speech.SpeechRecognizer):
            raise TypeError(
                f"recognizer must be a SpeechRecognizer, got {type(recognizer).__name__}"
            )
        example = non_negative_int(example, name="example")
        super().__init__()
        self.split = split if split is not None else speech.load_split(seed=seed)
        if example >= len(self.split.x_test):
            raise ValueError(
                f"example must be below {len(self.split.x_test)} (the test "
                f"recordings), got {example}"
            )
        if recognizer is None:
            quick = backend.quick_mode() if quick is None else quick  # the edge decides
            recognizer = speech.trained_recognizer(
                kind, seed=seed, split=self.split, progress=progress, quick=quick
            )
        self.recognizer = recognizer
        self.result: speech.SpeechPrediction | None = None
        self.wave_features: fe.Features | None = None
        self.wave_prediction: speech.SpeechPrediction | None = None
        self.wave_comparison: dict | None = None
        self.string: strings.DigitString | None = None
        self.string_reading: strings.StringReading | None = None
        self.string_wav: strings.WavReading | None = None
        self._pool = None

        n = len(self.split.x_test)
        self.example = w.IntSlider(
            value=0,
            min=0,
            max=n - 1,
            description=t("speech.example"),
            continuous_update=False,
            style={"description_width": "100px"},
            layout=w.Layout(width="420px"),
        )
        self.prediction = w.HTML()
        self.prediction.add_class("bmw-speech-prediction")
        self.mfcc_view = w.Image(format="png", layout=w.Layout(max_width="520px"))
        self.explain, self.saliency_view, self.saliency_info = saliency_widgets()
        self.explanation: explain.Explanation | None = None

        self.upload = w.FileUpload(
            accept=".wav,audio/wav", multiple=False, description=t("speech.upload")
        )
        self._none = t("speech.none")  # the "no recording" entry: its text is its value
        self.recording = w.Dropdown(
            description=t("speech.recording"),
            style={"description_width": "100px"},
            layout=w.Layout(width="520px"),
        )
        self.mix_stereo = w.Checkbox(value=False, description=t("speech.mix"))
        self.microphone = Microphone(seconds=2.0)  # a take goes through load_waveform
        self.microphone.on_recording(lambda x, rate: self.load_waveform(x, rate, t("mic.name")))
        self.microphone.on_error(lambda message: self.errors.show(t("mic.error", message=message)))
        self.audio = w.Audio(format="wav", autoplay=False, loop=False)
        self.wave_info = w.HTML()
        self.wave_info.add_class("bmw-speech-wave")
        self.wave_view = w.Image(format="png", layout=w.Layout(max_width="760px"))
        self._recordings = self._find_recordings()

        self.string_length = w.IntSlider(
            value=4, min=1, max=9, description=t("speech.digits"), continuous_update=False
        )
        self.string_seed = w.BoundedIntText(
            value=0, min=0, max=10**6, description=t("speech.seed"), layout=w.Layout(width="180px")
        )
        self.build_string = w.Button(description=t("speech.build"), icon="random")
        self.read_wav_string = w.Button(
            description=t("speech.read_wav"),
            tooltip=t("speech.read_wav_tip"),
            layout=w.Layout(width="210px"),
        )
        self.string_info = w.HTML()
        self.string_info.add_class("bmw-speech-string-info")
        self.string_view = w.Image(format="png", layout=w.Layout(max_width="760px"))

        dataset_box = w.VBox(
            [
                w.HTML(f"<b>{t('speech.head.dataset')}</b>"),
                self.example,
                w.HBox([self.mfcc_view, self.prediction]),
                self.explain,
                self.saliency_view,
                self.saliency_info,
            ]
        )
        wave_box = w.VBox(
            [
                w.HTML(f"<b>{t('speech.head.audio')}</b>"),
                w.HBox([self.recording, self.upload, self.mix_stereo]),
                self.microphone,
                self.audio,
                self.wave_info,
                self.wave_view,
            ]
        )
        string_box = w.VBox(
            [
                w.HTML(t("speech.head.string")),
                w.HBox(
                    [self.string_length, self.string_seed, self.build_string, self.read_wav_string]
                ),
                self.string_view,
                self.string_info,
            ]
        )
        self.children = [dataset_box, wave_box, string_box, self.errors]

        self.example.observe(lambda _: self._show_example(), names="value")
        self.explain.observe(lambda _: self._show_example(), names="value")
        self.recording.observe(self._on_recording, names="value")
        self.upload.observe(self._on_upload, names="value")
        self.build_string.on_click(lambda _: self.show_built_string())
        self.read_wav_string.on_click(lambda _: self.read_loaded_wav_as_string())
        self.example.value = example
        self._show_example()

    # ---- test examples -------------------------------------------------------------------
    def _show_example(self) -> None:
        with self.guard(t("speech.example")):
            i = self.example.value
            seq, label = self.split.x_test[i], int(self.split.y_test[i])
            self.result = self.recognizer.predict(seq)
            ok = t("speech.correct" if self.result.digit == label else "speech.wrong")
            said = t(
                "speech.predicted",
                digit=self.result.digit,
                spoken=label,
                verdict=ok,
                frames=len(seq),
            )
            self.prediction.value = (
                f'<div class="bmw-speech-digit" data-digit="{self.result.digit}" data-example="{i}">'
                f"{said}</div>" + _prob_bars(self.result.probabilities, label)
            )
            with plot_text() as text:
                fig = _figure(5, 2.6)
                ax = fig.add_subplot()
                im = ax.imshow(seq.T, aspect="auto", origin="lower", cmap="magma")
                ax.set(
                    xlabel=text("speech.plot.frame"),
                    ylabel=MFCC,
                    title=text("speech.plot.example", i=i, label=label),
                )
                fig.colorbar(im, ax=ax)
                self.mfcc_view.value = figure_png(fig)
        self._show_saliency()

    def _show_saliency(self) -> None:
        """Integrated gradients over the test example's frames, when "explain" is ticked."""
        self.explanation, self.saliency_view.value, self.saliency_info.value = None, b"", ""
        if not self.explain.value:
            return
        with self.guard(t("speech.explaining")):
            seq = self.split.x_test[self.example.value]
            exp = explain.speech_integrated_gradients(self.recognizer, seq)
            self.saliency_view.value = encode_png(frame_saliency(seq, exp.detail))
            self.saliency_info.value = saliency_caption(exp)
            self.explanation = exp

    # ---- waveforms -----------------------------------------------------------------------
    def _find_recordings(self) -> dict:
        try:
            paths = {p.parent.name + "/" + p.name: p for p in data.pocketsphinx_wavs()}
        except data.DatasetUnavailable:
            self.recording.options = [self._none]
            self.recording.description = t("speech.recording")
            self.recording.tooltip = t("speech.testdata_na")
            self.wave_info.value = f"<i>{t('speech.bundled_na')}</i>"
            return {}
        self.recording.options = [self._none] + sorted(paths)
        return paths

    def _on_recording(self, change) -> None:
        if change["new"] in (None, self._none):
            return
        self._clear_wave()
        with self.guard(t("speech.recording")):
            path = self._recordings[change["new"]]
            self._load(fe.read_wav(path), change["new"], path.read_bytes())

    def _on_upload(self, change) -> None:
        if not change["new"]:
            return
        item = change["new"][0]
        self.load_wav_bytes(bytes(item["content"]), item.get("name", "upload"))

    def load_wav_bytes(self, raw: bytes, name: str = "upload") -> None:
        """Load WAV file bytes as the upload button does (errors go to the error area)."""
        self._clear_wave()
        with self.guard(f"{name}"):
            self._load(fe.read_wav(raw), name, bytes(raw))

    def load_waveform(self, samples, rate: int, name: str = "waveform") -> None:
        """Load audio samples (float in [-1, 1]) at ``rate`` Hz."""
        self._clear_wave()
        with self.guard(f"{name}"):
            x = np.asarray(samples, np.float32)
            buf = io.BytesIO()
            from scipy.io import wavfile

            wavfile.write(buf, int(rate), np.clip(np.nan_to_num(x), -1, 1))
            self._load(fe.Waveform(x, int(rate)), name, buf.getvalue())

    def _clear_wave(self) -> None:
        # Before every load: a failed load must not leave a stale prediction on screen.
        self.wave_features = self.wave_prediction = self.wave_comparison = None
        self.wave_info.value, self.wave_view.value = "", b""

    def _load(self, wave: fe.Waveform, name: str, wav_bytes: bytes) -> None:
        prepared = fe.prepare_waveform(wave.samples, wave.rate, mix_stereo=self.mix_stereo.value)
        feats = fe.features(prepared)
        self.audio.value = wav_bytes
        self.wave_features = feats
        self.wave_prediction = self.recognizer.predict(feats.mfcc)
        self.wave_comparison = fe.compare_to_dataset(
            feats.mfcc, self.recognizer.mean, self.recognizer.std
        )
        self._render_wave(wave, prepared, feats, name)

    def _render_wave(self, wave, prepared, feats, name) -> None:
        cmp = self.wave_comparison
        verdict = (
            t("speech.close")
            if cmp["in_distribution"]
            else t("speech.outside", k=cmp["worst_coefficient"], z=f"{cmp['max_abs_z']:.1f}")
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in feats.notes)
        head = t(
            "speech.wave_head",
            name=f"<b>{html.escape(name)}</b>",
            seconds=f"{wave.seconds:.2f}",
            rate=wave.rate,
            channels=wave.channels,
            frames=len(feats.mfcc),
        )
        says = t(
            "speech.model_says",
            digit=f"<b>{self.wave_prediction.digit}</b>",
            p=f"{max(self.wave_prediction.probabilities):.0%}",
            verdict=verdict,
        )
        self.wave_info.value = (
            f"<div>{head}</div>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + f'<div class="bmw-speech-wave-digit">{says}</div>'
            f"<div><i>{t('speech.not_dataset')}</i></div>"
        )
        with plot_text() as text:
            fig = _figure(9.5, 6)
            axes = fig.subplots(2, 2)
            seconds, frame = text("speech.plot.s"), text("speech.plot.frame")
            times = np.arange(len(prepared.samples)) / prepared.rate
            axes[0, 0].plot(times, prepared.samples, lw=0.5)
            axes[0, 0].set(title=text("speech.plot.waveform"), xlabel=seconds)
            extent = [0, feats.frame_times[-1], 0, feats.rate / 2000]
            axes[0, 1].imshow(
                feats.spectrogram_db.T, aspect="auto", origin="lower", cmap="magma", extent=extent
            )
            axes[0, 1].set(title=text("speech.plot.spectrogram"), xlabel=seconds, ylabel=KHZ)
            axes[1, 0].imshow(feats.mel_db.T, aspect="auto", origin="lower", cmap="magma")
            axes[1, 0].set(
                title=text("speech.plot.mel"), xlabel=frame, ylabel=text("speech.plot.band")
            )
            axes[1, 1].imshow(feats.mfcc.T, aspect="auto", origin="lower", cmap="magma")
            axes[1, 1].set(
                title=text("speech.plot.mfcc"),
                xlabel=frame,
                ylabel=text("speech.plot.coefficient"),
            )
            fig.tight_layout()
            self.wave_view.value = figure_png(fig)

    # ---- digit strings ---------------------------------------------------------------------
    def _clear_string(self) -> None:
        self.string = self.string_reading = self.string_wav = None
        self.string_info.value, self.string_view.value = "", b""

    def show_built_string(self) -> None:
        """Build a string from the controls' length and seed, segment it and read it."""
        self._clear_string()
        with self.guard(t("speech.string")):
            if self._pool is None:
                self._pool = strings.silence_pool(self.split)
            n = self.string_length.value
            built = strings.make_digit_string(
                self.split, length=n, seed=self.string_seed.value, pool=self._pool
            )
            self.show_string(built.frames, true=built)

    def show_string(self, frames, *, true: strings.DigitString | None = None) -> None:
        """Segment and read (frames, 13) MFCCs; ``true`` (a built string) adds the answer."""
        self._clear_string()
        with self.guard(t("speech.string")):
            frames = strings.check_frames(frames)
            self.string_reading = strings.recognise_string(self.recognizer, frames)
            self.string = true
            seg = strings.segmentation(frames)
            self.string_view.value = string_png(
                frames,
                seg,
                self.string_reading,
                true_segments=None if true is None else true.segments,
                true_digits=None if true is None else true.digits,
            )
            self.string_info.value = string_html(
                self.string_reading, true_digits=None if true is None else true.digits
            )

    def read_loaded_wav_as_string(self, *, progress: Progress = None) -> None:
        """Read the WAV loaded above (upload or recording) as a digit string, in chunks."""
        self._clear_string()
        with self.guard(t("speech.wav_string")):
            if not self.audio.value:
                raise ValueError(t("speech.load_first"))
            r = strings.recognise_wav(
                self.recognizer,
                bytes(self.audio.value),
                mix_stereo=self.mix_stereo.value,
                progress=progress,
            )
            self.string_wav, self.string_reading = r, r.reading
            seg = strings.segmentation(r.frames)
            self.string_view.value = string_png(
                r.frames, seg, r.reading, frame_seconds=r.frame_seconds
            )
            self.string_info.value = (
                string_html(r.reading) + f"<div><i>{t('speech.string_caveat')}</i></div>"
            )


def speech_explorer(
    recognizer: speech.SpeechRecognizer | None = None,
    *,
    split: speech.SpeechSplit | None = None,
    kind: str = "strong",
    seed: int = 0,
    quick: bool | None = None,
    progress: Progress = None,
    example: int = 0,
) -> SpeechExplorer:
    """One call: train (or load from the cache) the ``kind`` model with a progress bar, then explore.

    ``quick=None`` follows ``BMW_QUICK`` (2 epochs instead of 15). Progress goes to
    ``progress``, or to a bar that shows itself. The arguments are :class:`SpeechExplorer`'s.
    """
    if recognizer is None and progress is None:
        from .progress import ProgressBar

        progress = ProgressBar(t("speech.training", kind=kind))
    quick = backend.quick_mode() if quick is None else quick
    return SpeechExplorer(
        recognizer,
        split=split,
        kind=kind,
        seed=seed,
        quick=quick,
        progress=progress,
        example=example,
    )
