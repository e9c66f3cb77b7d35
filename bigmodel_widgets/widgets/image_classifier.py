"""ImageClassifier: draw, upload or pick a digit -> the preprocessing steps -> top-k probabilities.

In *number* mode (``mode="number"``) the canvas is wider and the view reads a row of digits
(``vision.read_number``): the segmentation boxes on the image, each digit's top-1 and
confidence, and the number.

Also the held-out confusion matrix and the misclassified test images. The drawing canvas is a
small anywidget: strokes are drawn in the browser and, at the end of each stroke, the canvas
is sent to the kernel as a PNG data URL in ``DrawingCanvas.png``; tests set that trait directly.
"""

from __future__ import annotations

import base64
import html

import anywidget
import ipywidgets as w
import traitlets

from ..engine import backend, explain
from ..engine.checks import int_in_range, non_negative_int, one_of
from ..engine.i18n import t
from ..engine.images import ImageInputError
from ..engine.tasks import vision
from ..engine.tasks.vision import preprocess as pp
from ..engine.tasks.vision.numbers import NumberReading
from ..engine.training import Progress
from ._base import CompositeWidget
from ._explain_view import EXPLAIN_CHOICES, explain_options, heat_overlay, method_name
from ._upload import first_upload
from ._vision_view import (
    bars,
    boxed_image,
    confusion_html,
    digits_html,
    headline,
    step_caption,
    tile,
)

_INVERT = {"auto": None, "yes": True, "no": False}
_SLIDER = object()  # the last input was the test-image slider

__all__ = ["DrawingCanvas", "ImageClassifier", "image_classifier", "MODES", "NUMBER_LENGTH"]

MODES = ("digit", "number")
NUMBER_LENGTH = 4  # number mode: the test slider builds a number of this many held-out digits

_CANVAS_ESM = """
function render({ model, el }) {
  const c = document.createElement("canvas");
  c.className = "bmw-draw-canvas";
  Object.assign(c.style, {border: "1px solid #888", touchAction: "none", cursor: "crosshair",
                          background: "white"});
  const ctx = c.getContext("2d");
  const reset = () => {
    const w = model.get("width") || model.get("size"), h = model.get("height") || model.get("size");
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    ctx.fillStyle = "white"; ctx.fillRect(0, 0, w, h); };
  reset();
  let drawing = false;
  const pos = (e) => { const r = c.getBoundingClientRect();
    return [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height]; };
  const stroke = () => { ctx.lineWidth = model.get("line_width"); ctx.lineCap = "round";
    ctx.lineJoin = "round"; ctx.strokeStyle = "black"; ctx.stroke(); };
  c.addEventListener("pointerdown", (e) => { drawing = true; c.setPointerCapture(e.pointerId);
    const [x, y] = pos(e); ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 0.01, y); stroke(); });
  c.addEventListener("pointermove", (e) => { if (!drawing) return;
    const [x, y] = pos(e); ctx.lineTo(x, y); stroke(); });
  const end = () => { if (!drawing) return; drawing = false;
    model.set("png", c.toDataURL("image/png")); model.save_changes(); };
  c.addEventListener("pointerup", end);
  c.addEventListener("pointercancel", end);
  for (const name of ["clear_count", "width", "height", "size"]) model.on(`change:${name}`, reset);
  el.appendChild(c);
}
export default { render };
"""


class DrawingCanvas(anywidget.AnyWidget):
    """A canvas to draw on with the mouse, pen or finger; ``png`` is the drawing.

    ``size`` is the side of a square canvas; ``width``/``height`` (pixels, 0: ``size``) make
    it a rectangle. Changing any of them clears the drawing.
    """

    _esm = _CANVAS_ESM
    png = traitlets.Unicode("").tag(sync=True)  # data URL, '' when empty
    size = traitlets.Int(200).tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    line_width = traitlets.Int(16).tag(sync=True)
    clear_count = traitlets.Int(0).tag(sync=True)

    def clear(self) -> None:
        self.png = ""
        self.clear_count += 1

    def png_bytes(self) -> bytes:
        """The drawing as PNG bytes; ImageInputError when nothing has been drawn."""
        if not self.png:
            raise ImageInputError(t("vision.err.canvas_empty"))
        head, _, payload = self.png.partition(",")
        if not head.startswith("data:image/") or not payload:
            raise ImageInputError(t("vision.err.canvas_not_image"))
        return base64.b64decode(payload)


class ImageClassifier(CompositeWidget):
    """Chapter 5's classifier view. ``prediction`` is exactly ``vision.classify_digit(...)``.

    Parameters: ``model`` a trained Keras digit classifier (32x32x3 input); ``data`` the digits
    split whose test images the slider picks (default: the shared MNIST-5k split); ``k`` how
    many classes the bars show (1-10); ``canvas_size`` the drawing canvas' side in pixels;
    ``show_wrong`` how many of the most confident mistakes the evaluation shows; ``mode``
    "digit" or "number". In number mode the canvas is three times wider, the slider builds a
    number from :data:`NUMBER_LENGTH` test digits (``vision.make_number``) and ``reading`` is
    exactly ``vision.read_number(...)`` (``prediction`` stays None).

    Example::

        clf = ImageClassifier(model, data=data)
        clf.test_index.value = 7             # clf.prediction == classify_digit(model, data.x_test[7])
        clf.upload_bytes(open("my_digit.jpg", "rb").read())
    """

    def __init__(
        self,
        model,
        *,
        data: vision.DigitSplit | None = None,
        k: int = 3,
        canvas_size: int = 200,
        show_wrong: int = 16,
        mode: str = "digit",
    ) -> None:
        if not hasattr(model, "input_shape") or not callable(model):
            raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
        k = int_in_range(k, name="k", low=1, high=10)
        canvas_size = int_in_range(canvas_size, name="canvas_size", low=28)
        show_wrong = non_negative_int(show_wrong, name="show_wrong")
        mode = one_of(mode, name="mode", choices=MODES)
        super().__init__()
        self.model = model
        self.data = data if data is not None else vision.load_digit_data()
        self.prediction: pp.DigitPrediction | None = None
        self.reading: NumberReading | None = None
        self.evaluation: vision.DigitEvaluation | None = None
        self.source = ""
        style = {"description_width": "80px"}
        self.canvas = DrawingCanvas(size=canvas_size)
        self.mode = w.ToggleButtons(
            options=[(t(f"vision.mode.{m}"), m) for m in MODES],
            value=mode,
            description=t("vision.read_a"),
        )
        self.clear_button = w.Button(description=t("vision.clear"), icon="eraser")
        self.upload = w.FileUpload(accept="image/*", multiple=False, description=t("vision.upload"))
        self.test_index = w.IntSlider(
            value=0,
            min=0,
            max=len(self.data.x_test) - 1,
            description=t("vision.test_image"),
            continuous_update=False,
            style=style,
            layout=w.Layout(width="260px"),
        )
        self.k = w.IntSlider(value=k, min=1, max=10, description=t("vision.topk"), style=style)
        # String values: a Dropdown whose value is None shows a blank box instead of "auto".
        self.invert = w.Dropdown(
            options=[(t(f"vision.invert.{v}"), v) for v in _INVERT],
            value="auto",
            description=t("vision.invert"),
            style=style,
        )
        self.explain = w.Dropdown(
            options=explain_options(), value="none", description=t("vision.explain"), style=style
        )
        self.explain_view = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.explain_view.add_class("bmw-explain-view")
        self.explanation: explain.Explanation | None = None
        self.evaluate_button = w.Button(description=t("vision.confusion_button"), icon="table")
        self.show_wrong = show_wrong
        self.source_view = w.HTML()
        self.steps_view = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.topk_view = w.HTML()
        self.confusion_view = w.HTML()
        self.wrong_view = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        for view, name in ((self.topk_view, "bmw-topk-view"), (self.source_view, "bmw-source")):
            view.add_class(name)
        self._resize_canvas()

        left = w.VBox(
            [
                self.mode,
                self.canvas,
                w.HBox([self.clear_button, self.upload]),
                self.test_index,
                self.k,
                self.invert,
                self.explain,
            ]
        )
        right = w.VBox(
            [self.source_view, self.steps_view, self.topk_view, self.explain_view],
            layout=w.Layout(margin="0 0 0 16px"),
        )
        self.children = [
            w.HBox([left, right], layout=w.Layout(flex_flow="row wrap")),  # wraps when wide
            self.errors,
            self.evaluate_button,
            self.confusion_view,
            self.wrong_view,
        ]

        self.canvas.observe(self._on_drawing, names="png")
        self.clear_button.on_click(lambda _: self.canvas.clear())
        self.upload.observe(self._on_upload, names="value")
        self.test_index.observe(lambda _: self.classify_test_image(), names="value")
        self.k.observe(lambda _: self._rerun(), names="value")
        self.invert.observe(lambda _: self._rerun(), names="value")
        self.explain.observe(lambda _: self._rerun(), names="value")
        self.evaluate_button.on_click(lambda _: self.show_evaluation())
        self.mode.observe(self._on_mode, names="value")
        self._last_input = None

    # ---- inputs ------------------------------------------------------------------------
    def classify(self, image, source: str = "image") -> pp.DigitPrediction | None:
        """Classify a path, bytes or array; shows steps and top-k, or an error message.

        In number mode this reads the number instead (see :meth:`read`) and returns None.
        """
        self._last_input = (image, source)
        self.prediction = self.reading = None
        if self.mode.value == "number":
            self.read(image, source)
            return None
        decoded = True
        if isinstance(image, (bytes, bytearray, memoryview)):
            decoded = False
            with self.guard():  # the message names the file itself
                image = pp.load_any(bytes(image), name=source)
                decoded = True
        if decoded:  # otherwise the error area already says why
            with self.guard(t("vision.classifying", source=source)):
                pred = pp.classify_digit(
                    self.model, image, k=self.k.value, invert=_INVERT[self.invert.value]
                )
                self.prediction = pred
                self._render(pred, source)
        if self.prediction is None:
            self.steps_view.children, self.topk_view.value = (), ""
            self.source_view.value = t("vision.no_prediction", source=html.escape(source))
        self._render_explanation(self.prediction)  # after the guard: its message must stay
        return self.prediction

    def read(self, image, source: str = "image") -> NumberReading | None:
        """Read a number (a row of digits) from a path, bytes or array: shows the segments,
        each digit's top-1 and the number, or an error message."""
        self._last_input = (image, source)
        self.prediction = self.reading = None
        with self.guard(t("vision.reading", source=source)):
            if isinstance(image, (bytes, bytearray, memoryview)):
                image = pp.load_any(bytes(image), name=source)
            reading = vision.read_number(
                self.model, image, k=self.k.value, invert=_INVERT[self.invert.value]
            )
            self.reading = reading
            self.steps_view.children = [
                w.Image(value=boxed_image(image, reading), format="png")
            ] + [
                tile(d.prep.steps["centred 28x28"], f"{d.label}: {d.top[0][1]:.0%}", 56)
                for d in reading.digits
            ]
            self.topk_view.value = digits_html(reading)
            self.source_view.value = headline(reading, source)
        if self.reading is None:
            self.steps_view.children, self.topk_view.value = (), ""
            self.source_view.value = t("vision.no_number", source=html.escape(source))
        return self.reading

    def classify_test_image(self) -> pp.DigitPrediction | None:
        """Classify the test image the slider points at (in number mode: read the number
        made of the :data:`NUMBER_LENGTH` test digits from there, ``vision.make_number``)."""
        i = self.test_index.value
        if self.mode.value == "number":
            idx = [(i + j) % len(self.data.y_test) for j in range(NUMBER_LENGTH)]
            image, _ = vision.make_number(self.data.x_test[idx], seed=i)
            true = "".join(str(int(self.data.y_test[j])) for j in idx)
            self.read(
                image, t("vision.test_digits", first=i, last=i + NUMBER_LENGTH - 1, true=true)
            )
            self._last_input = _SLIDER
            return None
        pred = self.classify(
            self.data.x_test[i], t("vision.test_source", i=i, label=int(self.data.y_test[i]))
        )
        self._last_input = _SLIDER
        return pred

    def classify_drawing(self) -> pp.DigitPrediction | None:
        """Classify what is drawn on the canvas (an empty canvas is a message)."""
        data = None
        with self.guard(t("vision.reading_canvas")):
            data = self.canvas.png_bytes()
        if data is None:  # the error area says why
            self.prediction = self.reading = None
            self.steps_view.children, self.topk_view.value = (), ""
            return None
        return self.classify(data, t("vision.your_drawing"))

    def upload_bytes(self, data: bytes, name: str = "upload") -> pp.DigitPrediction | None:
        """What the upload button does with a file's bytes (also handy from code): they go
        through the one image decoder (``engine.images.decode_image``, the same verdicts and
        messages as ``bmw.read_image``), then are classified."""
        return self.classify(bytes(data), name)

    def _on_drawing(self, change) -> None:
        if change["new"]:
            self.classify_drawing()
        else:  # cleared
            self.prediction = self.reading = None
            self.steps_view.children, self.topk_view.value, self.source_view.value = (), "", ""
            self.errors.clear()

    def _on_upload(self, change) -> None:
        got = first_upload(change["new"])
        if got is not None:
            self.upload_bytes(got[1], name=got[0])

    def _rerun(self) -> None:
        if self._last_input is _SLIDER:
            self.classify_test_image()
        elif self._last_input is not None:
            self.classify(*self._last_input)

    def _resize_canvas(self) -> None:
        wide = self.mode.value == "number"
        self.canvas.width = 3 * self.canvas.size if wide else 0
        self.canvas.height = self.canvas.size if wide else 0
        self.canvas.layout.min_width = f"{self.canvas.width or self.canvas.size}px"  # no clipping

    def _on_mode(self, _change) -> None:
        self.canvas.clear()  # the drawing was one digit (or one number): start again
        self._resize_canvas()
        self._rerun()

    # ---- views -------------------------------------------------------------------------
    def _render(self, pred: pp.DigitPrediction, source: str) -> None:
        # The headline goes last, so a browser that sees it has the steps and bars already.
        self.steps_view.children = [
            tile(img, step_caption(name)) for name, img in pred.prep.steps.items()
        ]
        self.topk_view.value = bars(pred.top)
        self.source_view.value = t(
            "vision.predicted",
            source=html.escape(source),
            label=f'<b class="bmw-predicted">{pred.label}</b>',
            p=f"{pred.top[0][1]:.1%}",
        )

    def _render_explanation(self, pred: pp.DigitPrediction | None) -> None:
        """The chosen explanation of the top class, over the model input and the 28x28 digit."""
        self.explanation, self.explain_view.children = None, ()
        method = EXPLAIN_CHOICES[self.explain.value]
        if method is None or pred is None:
            return
        with self.guard(t("vision.explaining", method=self.explain.label)):
            x = pred.prep.batch[0]
            exp = (
                explain.grad_cam(self.model, x, target=pred.label)
                if method == "grad-cam"
                else explain.integrated_gradients(self.model, x, target=pred.label)
            )
            pad = (x.shape[0] - pp.MNIST_SIDE) // 2
            inner = slice(pad, pad + pp.MNIST_SIDE)
            steps = [k for k in pred.prep.steps if k.startswith("padded")]
            self.explain_view.children = [
                tile(
                    heat_overlay(pred.prep.steps[steps[0]], exp.attributions),
                    t("vision.explain_input", method=method_name(method)),
                ),
                tile(
                    heat_overlay(pred.prep.steps["centred 28x28"], exp.attributions[inner, inner]),
                    t("vision.explain_digit", method=method_name(method)),
                ),
            ]
            self.explanation = exp

    def show_evaluation(self) -> vision.DigitEvaluation | None:
        """Held-out confusion matrix and the most confident mistakes."""
        with self.guard(t("vision.evaluating")):
            ev = vision.evaluate(self.model, self.data.x_test, self.data.y_test)
            self.evaluation = ev
            self.confusion_view.value = (
                "<p>"
                + t("vision.heldout", accuracy=f"{ev.accuracy:.2%}", n=len(self.data.y_test))
                + "</p>"
                + confusion_html(ev.confusion)
            )
            self.wrong_view.children = [
                tile(
                    self.data.x_test[i],
                    f"#{i}: {int(self.data.y_test[i])} \u2192 {int(ev.predicted[i])}",
                    56,
                )
                for i in ev.wrong[: self.show_wrong]
            ]
            return ev
        return None


def image_classifier(
    model=None,
    *,
    kind: str = "text",
    data: vision.DigitSplit | None = None,
    k: int = 3,
    canvas_size: int = 200,
    show_wrong: int = 16,
    mode: str = "digit",
    quick: bool | None = None,
    progress: Progress = None,
    use_cache: bool = True,
) -> ImageClassifier:
    """One call: a trained model (from the cache, or trained now with a progress bar) in a view.

    With no ``model``, the ``kind`` CNN ("text": the text's own, or "strong") comes from
    :func:`vision.pretrained_cnn`; ``quick=None`` follows ``BMW_QUICK`` (one epoch on a few
    hundred images). Progress goes to ``progress``, or to a bar that shows itself. The other
    arguments are :class:`ImageClassifier`'s.
    """
    if model is None:
        from .progress import ProgressBar

        quick = backend.quick_mode() if quick is None else quick
        text_cnn = kind in ("text", "seed")
        what = t("vision.progress_text") if text_cnn else t("vision.progress_kind", kind=kind)
        bar = progress if progress is not None else ProgressBar(what)
        model = vision.pretrained_cnn(kind, progress=bar, quick=quick, use_cache=use_cache)
    return ImageClassifier(
        model, data=data, k=k, canvas_size=canvas_size, show_wrong=show_wrong, mode=mode
    )
