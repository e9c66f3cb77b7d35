"""AugmentationPreview: a photo, a control per transform, and a grid of seeded augmented samples.

A thin view (ARCHITECTURE.md rule 6): controls build a pipeline config, the engine builds the
Pipeline and draws; ``samples`` and ``params`` are exactly what ``preview_samples`` returns for
that config, seed and photo. The grid is one JPEG (fast to encode, see STACK.md).
"""

from __future__ import annotations

import html
import json
import time

import ipywidgets as w
import numpy as np

from ..engine import data
from ..engine.augment import TRANSFORMS, Pipeline, Setting, preview_samples, working_copy
from ..engine.checks import int_in_range, non_negative_int, one_of
from ..engine.i18n import t
from ..engine.images import decode_image
from ._base import CompositeWidget
from ._render import draw_overlay, encode_jpeg, fit_tile, tile_grid
from ._upload import first_upload

__all__ = ["AugmentationPreview", "preview_augmentations"]

UPLOADED = "(uploaded)"
_WIDE = {"description_width": "150px"}
_ROW = w.Layout(width="440px")
# the text's two steps are on at first; the rest start off with their default settings
_START = {
    "Rotate": {"angle_range": (-30.0, 30.0)},
    "RandomCrop": {"height": 0.5, "width": 0.5, "x_range": (0.0, 0.25), "y_range": (0.0, 0.25)},
}


def _message(key: str, default: str) -> str:
    """The message ``key`` in the active language; ``default`` when no catalog has it (a
    transform defined outside the package keeps its own words)."""
    text = t(key)
    return default if text == key else text


def _doc(transform: str, s: Setting) -> str:
    """The setting's doc (the slider's tooltip) in the active language."""
    key = "aug.doc.p" if s.name == "p" else f"aug.doc.{transform}.{s.name}"
    return _message(key, s.doc)


def _slider(s: Setting, value, description: str, tooltip: str) -> w.Widget:
    """The control for one row of a transform's settings table."""
    lo, hi, step = s.slider_limits()
    common = {
        "description": description,
        "tooltip": tooltip,
        "style": _WIDE,
        "layout": _ROW,
        "continuous_update": False,
    }
    if s.kind in ("range", "optional_range"):  # None ("anywhere") shows as the full span
        value = (lo, hi) if value is None else tuple(value)
        return w.FloatRangeSlider(value=value, min=lo, max=hi, step=step, **common)
    if s.kind == "int":
        return w.IntSlider(value=value, min=int(lo), max=int(hi), step=max(1, int(step)), **common)
    return w.FloatSlider(value=float(value), min=lo, max=hi, step=step, **common)


class _TransformControls:
    """Checkbox and one slider per row of the transform's settings table."""

    def __init__(self, name: str):
        cls = TRANSFORMS[name]
        start = cls(**_START.get(name, {}))
        self.name = name
        self.table = {s.name: s for s in cls.settings}
        self.label = _message(f"aug.tf.{name}", name)  # "Rotate", in Chinese "Rotate 旋转"
        self.enabled = w.Checkbox(value=name in _START, description=self.label, indent=False)
        self.settings: dict[str, w.Widget] = {}
        for s in cls.settings:
            short = s.name.removesuffix("_range")
            label = t("aug.slider", transform=name, setting=_message(f"aug.set.{short}", short))
            self.settings[s.name] = _slider(s, getattr(start, s.name), label, _doc(name, s))
        self.box = w.VBox([self.enabled] + list(self.settings.values()))

    def config(self) -> dict:
        params = {}
        for key, ctl in self.settings.items():
            value = list(ctl.value) if isinstance(ctl.value, tuple) else ctl.value
            if self.table[key].kind == "optional_range" and tuple(value) == (ctl.min, ctl.max):
                value = None  # the full span means "anywhere", which the engine spells None
            params[key] = value
        return {"name": self.name, "params": params}

    def widgets(self) -> list:
        return [self.enabled] + list(self.settings.values())


class AugmentationPreview(CompositeWidget):
    """Preview a seeded augmentation pipeline on a bundled or uploaded photo.

    ``image`` is an array to start from (else the bundled ``photo``); ``rows`` x ``cols``
    samples (1-4 each) are drawn with ``seed``; each tile is shown ``tile`` pixels wide, and the
    photo is first shrunk so its longer side is at most ``side`` pixels (the working copy).
    An upload goes through the same decoder as ``bmw.read_image``.

    Example::

        view = AugmentationPreview(photo="chelsea")
        view.seed.value = 7                     # redraws; view.samples == preview_samples(...)
        view.controls["HorizontalFlip"].enabled.value = True
        view.resample.click()                   # next draws from the same generator
        view.replay.click()                     # back to the first draws for this seed
    """

    def __init__(
        self,
        image: np.ndarray | None = None,
        *,
        photo: str = "astronaut",
        rows: int = 3,
        cols: int = 3,
        seed: int = 0,
        tile: int = 256,
        side: int = 256,
    ) -> None:
        photos = sorted(data.PHOTOS)
        one_of(photo, name="photo", choices=photos)
        rows = int_in_range(rows, name="rows", low=1, high=4)
        cols = int_in_range(cols, name="cols", low=1, high=4)
        seed = non_negative_int(seed, name="seed")
        super().__init__()
        self.tile_px = int_in_range(tile, name="tile", low=32, high=1024)
        self.side = int_in_range(side, name="side", low=8)
        self.photo = w.Dropdown(
            options=[(t("aug.uploaded"), UPLOADED)] + [(p, p) for p in photos],
            value=photo,
            description=t("aug.photo"),
        )
        self.upload = w.FileUpload(accept="image/*", multiple=False, description=t("aug.upload"))
        self.seed = w.IntSlider(
            value=seed,
            min=0,
            max=max(999, seed),
            description=t("aug.seed"),
            continuous_update=False,
        )
        self.rows = w.IntSlider(
            value=rows, min=1, max=4, description=t("aug.rows"), continuous_update=False
        )
        self.cols = w.IntSlider(
            value=cols, min=1, max=4, description=t("aug.cols"), continuous_update=False
        )
        self.interpolation = w.Dropdown(
            options=["linear", "nearest", "cubic", "lanczos"], description=t("aug.interp")
        )
        self.border_mode = w.Dropdown(
            options=["constant", "reflect", "replicate", "wrap"], description=t("aug.border")
        )
        self.annotate = w.Checkbox(value=False, description=t("aug.annotate"))
        self.resample = w.Button(
            description=t("aug.resample"), icon="refresh", tooltip=t("aug.resample_tip")
        )
        self.replay = w.Button(
            description=t("aug.replay"), icon="undo", tooltip=t("aug.replay_tip")
        )
        self.export_code = w.Button(description=t("aug.export_code"))
        self.export_json = w.Button(description=t("aug.export_json"))
        self.export_area = w.Textarea(layout=w.Layout(width="100%", height="160px", display="none"))
        self.controls = {name: _TransformControls(name) for name in TRANSFORMS}
        self.before = w.Image(format="jpeg", layout=w.Layout(width=f"{self.tile_px}px"))
        self.grid = w.Image(format="jpeg")
        self.grid.add_class("bmw-aug-grid")
        self.captions = w.HTML()
        self.status = w.HTML()

        self.source = None  # the working copy (engine input)
        self.pipeline = None  # the engine Pipeline built from the controls
        self.params: list = []  # what was drawn, one Params per tile
        self.samples: list = []  # the engine outputs, one per tile
        self.grid_array = None  # the uint8 grid that was encoded
        self.last_update_ms = float("nan")

        acc = w.Accordion(children=[c.box for c in self.controls.values()])
        for i, control in enumerate(self.controls.values()):
            acc.set_title(i, control.label)
        top = w.HBox([self.photo, self.upload, self.seed])
        opts = w.HBox([self.rows, self.cols, self.interpolation, self.border_mode])
        buttons = w.HBox(
            [self.resample, self.replay, self.annotate, self.export_code, self.export_json]
        )
        view = w.HBox(
            [
                w.VBox([w.HTML(t("aug.before")), self.before]),
                w.VBox([w.HTML(t("aug.after")), self.grid]),
            ]
        )
        self.children = [
            top,
            opts,
            buttons,
            self.errors,
            self.status,
            view,
            self.captions,
            self.export_area,
            w.HTML(t("aug.transforms")),
            acc,
        ]

        for ctl in [self.seed, self.rows, self.cols, self.interpolation, self.border_mode] + [
            x for c in self.controls.values() for x in c.widgets()
        ]:
            ctl.observe(self._on_settings, "value")
        self.photo.observe(self._on_photo, "value")
        self.upload.observe(self._on_upload, "value")
        self.annotate.observe(lambda _: self._render_current(), "value")
        self.resample.on_click(lambda _: self._draw(reseed=False))
        self.replay.on_click(lambda _: self._draw(reseed=True))
        self.export_code.on_click(lambda _: self._export("code"))
        self.export_json.on_click(lambda _: self._export("json"))

        with self.guard(t("aug.loading")):
            self.set_image(data.load_photo(photo) if image is None else image)

    # --- what the controls mean -------------------------------------------------------------
    def pipeline_config(self) -> dict:
        """The Pipeline config the controls describe (what Export JSON shows)."""
        return {
            "transforms": [c.config() for c in self.controls.values() if c.enabled.value],
            "seed": self.seed.value,
            "interpolation": self.interpolation.value,
            "border_mode": self.border_mode.value,
        }

    @property
    def n_samples(self) -> int:
        return self.rows.value * self.cols.value

    def set_image(self, image) -> None:
        """Use ``image`` (any array the engine accepts) as the photo, keeping the current draws."""
        self.source = working_copy(image, self.side)
        tile, _, _, _ = fit_tile(self.source, self.tile_px)
        self.before.value = encode_jpeg(tile)
        if self.pipeline is None:
            self._draw(reseed=True)
        else:
            self._render_current()

    # --- callbacks: engine calls, then render --------------------------------------------------
    def _on_settings(self, _change) -> None:
        self._draw(reseed=True)

    def _on_photo(self, change) -> None:
        if change["new"] == UPLOADED:
            return
        with self.guard(t("aug.loading")):
            self.set_image(data.load_photo(change["new"]))

    def upload_bytes(self, data: bytes, name: str = "upload") -> np.ndarray | None:
        """What the upload button does with a file's bytes: decode them with the one image
        decoder and use the picture as the photo. Returns it, or None (the error area says why)."""
        with self.guard():  # the decoder's message names the file itself
            image = decode_image(bytes(data), name=name)
            self.set_image(image)
            self.photo.value = UPLOADED
            return image
        return None

    def _on_upload(self, change) -> None:
        got = first_upload(change["new"])
        if got is not None:
            self.upload_bytes(got[1], name=got[0])

    def _draw(self, reseed: bool) -> None:
        with self.guard(t("aug.augmenting")):
            t0 = time.perf_counter()
            if reseed or self.pipeline is None:
                self.pipeline = Pipeline.from_config(self.pipeline_config())
            self.params, self.samples = preview_samples(
                self.pipeline, self.source, self.n_samples, annotate=self.annotate.value
            )
            self._render(t0)

    def _render_current(self) -> None:
        with self.guard(t("aug.augmenting")):
            t0 = time.perf_counter()
            if self.pipeline is None or self.source is None:
                return
            self.params, self.samples = preview_samples(
                self.pipeline,
                self.source,
                self.n_samples,
                params=self.params[: self.n_samples] or None,
                annotate=self.annotate.value,
            )
            self._render(t0)

    def _render(self, t0: float) -> None:
        images = [out.image if hasattr(out, "image") else out for out in self.samples]
        # Never upscale in the kernel: small samples are sent at their own size and the browser
        # scales the grid to tile_px per tile (4x fewer pixels to encode for the text's crops).
        side = min(self.tile_px, max(max(im.shape[:2]) for im in images))
        tiles = []
        for out, im in zip(self.samples, images):
            tile, k, x0, y0 = fit_tile(im, side)
            if hasattr(out, "image"):
                draw_overlay(
                    tile, k, x0, y0, out.boxes, out.boxes_kept, out.keypoints, out.keypoints_visible
                )
            tiles.append(tile)
        gap = max(1, round(4 * side / self.tile_px))
        self.grid_array = tile_grid(tiles, self.cols.value, gap=gap)
        self.grid.value = encode_jpeg(self.grid_array)
        shown = self.cols.value * self.tile_px + (self.cols.value - 1) * 4
        self.grid.layout.width = f"{shown}px"
        self.last_update_ms = (time.perf_counter() - t0) * 1000
        first = self.samples[0].image if hasattr(self.samples[0], "image") else self.samples[0]
        self.status.value = (
            "<span class='bmw-aug-status'>"
            + t(
                "aug.status",
                seed=self.seed.value,
                n=len(self.samples),
                w=first.shape[1],
                h=first.shape[0],
                ms=f"{self.last_update_ms:.1f}",
            )
            + "</span>"
        )
        cells = [
            f"<td style='padding:2px 6px;font-size:11px;vertical-align:top'><b>#{i}</b> "
            f"{html.escape(p.summary())}</td>"
            for i, p in enumerate(self.params)
        ]
        rows = [
            "<tr>" + "".join(cells[r : r + self.cols.value]) + "</tr>"
            for r in range(0, len(cells), self.cols.value)
        ]
        self.captions.value = "<table class='bmw-aug-params'>" + "".join(rows) + "</table>"

    def _export(self, what: str) -> None:
        with self.guard(t("aug.exporting")):
            pipe = Pipeline.from_config(self.pipeline_config())
            self.export_area.value = (
                pipe.to_code() if what == "code" else json.dumps(pipe.to_config(), indent=1)
            )
            self.export_area.layout.display = ""


def preview_augmentations(
    image: np.ndarray | None = None,
    *,
    photo: str = "astronaut",
    rows: int = 3,
    cols: int = 3,
    seed: int = 0,
    tile: int = 256,
    side: int = 256,
) -> AugmentationPreview:
    """One call: ``preview_augmentations(img)`` shows the text's augmentation on ``img``.

    The parameters are AugmentationPreview's (see its docstring).
    """
    return AugmentationPreview(
        image, photo=photo, rows=rows, cols=cols, seed=seed, tile=tile, side=side
    )
