"""``Microphone``: record a few seconds from the browser's microphone into the kernel.

An anywidget with its JavaScript inline (no CDN): ``getUserMedia`` -> Web Audio -> float32
samples sent to the kernel over the widget's own comm; nothing goes anywhere else. A denied,
missing or unavailable microphone comes back as a clear ``message`` (``state == "error"``).
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import numpy as np
import traitlets
from ipywidgets.widgets.trait_types import bytes_serialization

from ..engine.i18n import t

__all__ = ["Microphone"]

_BROWSER_TEXTS = (
    "record",
    "recording",
    "recorded",
    "denied",
    "not_found",
    "busy",
    "overconstrained",
    "no_media",
    "could_not_start",
)

_ESM = r"""
// The texts come from the kernel (``texts``), in the language chosen there.
const REASONS = {NotAllowedError: "denied", SecurityError: "denied", NotFoundError: "not_found",
  NotReadableError: "busy", OverconstrainedError: "overconstrained"};
function render({ model, el }) {
  const say = (key) => (model.get("texts") || {})[key] || key;
  const box = document.createElement("div");
  box.className = "bmw-microphone";
  const button = document.createElement("button");
  button.className = "bmw-mic-record jupyter-button";
  const status = document.createElement("span");
  status.className = "bmw-mic-status";
  status.style.marginLeft = "8px";
  box.append(button, status);
  el.appendChild(box);
  const label = () => {
    button.textContent = "\u25CF " + say("record").replace("{seconds}", model.get("seconds"));
    const state = model.get("state");
    button.disabled = state === "recording";
    box.dataset.state = state;
    status.textContent = model.get("message");
  };
  const fail = (text) => {
    model.set("state", "error"); model.set("message", text); model.save_changes();
  };
  async function record() {
    const md = navigator.mediaDevices;
    if (!md || !md.getUserMedia) {
      fail(say("no_media"));
      return;
    }
    let stream;
    try {
      stream = await md.getUserMedia({audio: {echoCancellation: false,
        noiseSuppression: false, autoGainControl: false, channelCount: 1}});
    } catch (err) {
      const reason = REASONS[err && err.name];
      fail(reason ? say(reason) : say("could_not_start") + err);
      return;
    }
    model.set("state", "recording"); model.set("message", say("recording"));
    model.save_changes();
    const ctx = new AudioContext();
    await ctx.resume();
    const source = ctx.createMediaStreamSource(stream);
    const node = ctx.createScriptProcessor(4096, 1, 1);
    const mute = ctx.createGain(); mute.gain.value = 0;   // keep the graph running, silently
    const chunks = []; let n = 0;
    const want = Math.round(model.get("seconds") * ctx.sampleRate);
    await new Promise((done) => {
      node.onaudioprocess = (e) => {
        if (n >= want) return;
        const data = new Float32Array(e.inputBuffer.getChannelData(0));
        chunks.push(data); n += data.length;
        if (n >= want) done();
      };
      source.connect(node); node.connect(mute); mute.connect(ctx.destination);
    });
    source.disconnect(); node.disconnect();
    stream.getTracks().forEach((t) => t.stop());
    const rate = ctx.sampleRate;
    await ctx.close();
    const all = new Float32Array(want); let k = 0;
    for (const c of chunks) { all.set(c.subarray(0, Math.min(c.length, want - k)), k);
                              k += c.length; if (k >= want) break; }
    model.set("rate", rate);
    model.set("audio", new DataView(all.buffer));
    model.set("state", "done");
    model.set("message", say("recorded").replace("{seconds}", (want / rate).toFixed(1))
      .replace("{rate}", rate));
    model.set("takes", model.get("takes") + 1);
    model.save_changes();
  }
  button.addEventListener("click", () => { record(); });
  model.on("msg:custom", (msg) => { if (msg && msg.type === "record") record(); });
  ["change:state", "change:message", "change:seconds"].forEach((e) => model.on(e, label));
  label();
}
export default { render };
"""


class Microphone(anywidget.AnyWidget):
    """A record button: ``seconds`` of mono audio from the browser's microphone.

    After each take, ``rate`` (Hz) and ``audio`` (float32 bytes) hold the recording,
    :meth:`samples` returns it as a NumPy array and every ``on_recording`` callback gets
    ``(samples, rate)``. A denied or missing microphone sets ``state = "error"`` and a
    ``message`` for people; ``on_error`` callbacks get that message.
    """

    _esm = _ESM
    seconds = traitlets.Float(2.0).tag(sync=True)
    state = traitlets.Unicode("idle").tag(sync=True)  # idle, recording, done, error
    message = traitlets.Unicode("").tag(sync=True)
    rate = traitlets.Int(0).tag(sync=True)
    audio = traitlets.Bytes(b"").tag(sync=True, **bytes_serialization)  # a DataView arrives
    takes = traitlets.Int(0).tag(sync=True)
    texts = traitlets.Dict({}).tag(sync=True)  # what the browser shows, in the build's language

    @traitlets.validate("seconds")
    def _check_seconds(self, proposal):
        value = proposal["value"]
        if not 0.25 <= value <= 30:
            raise traitlets.TraitError(t("mic.seconds_range", value=value))
        return value

    def __init__(self, *, seconds: float = 2.0) -> None:
        """``seconds``: how long each take records (0.25 to 30)."""
        super().__init__(seconds=float(seconds))
        self.texts = {key: t(f"mic.{key}") for key in _BROWSER_TEXTS}
        self._on_take: list[Callable] = []
        self._on_error: list[Callable] = []
        self.observe(self._took, names="takes")
        self.observe(self._failed, names="message")

    def samples(self) -> np.ndarray:
        """The last take as float32 samples in [-1, 1] (empty before the first)."""
        return np.frombuffer(bytes(self.audio), dtype="<f4").astype(np.float32)

    def on_recording(self, fn: Callable[[np.ndarray, int], None]) -> None:
        """Call ``fn(samples, rate)`` after every take."""
        self._on_take.append(fn)

    def on_error(self, fn: Callable[[str], None]) -> None:
        """Call ``fn(message)`` when the browser could not record (denied, no microphone)."""
        self._on_error.append(fn)

    def record(self) -> None:
        """Ask the browser to record a take now (as pressing the button does)."""
        self.send({"type": "record"})

    def _took(self, _change) -> None:
        x, rate = self.samples(), int(self.rate)
        for fn in list(self._on_take):
            fn(x, rate)

    def _failed(self, change) -> None:
        if self.state == "error" and change["new"]:
            for fn in list(self._on_error):
                fn(change["new"])
