"""``PipelineLab``: is training waiting for data? Toggle the input pipeline, train, and watch
every step split into waiting-for-input (orange) and computing (blue), live.

A thin view over ``engine.augment.pipeline_lab``: the toggles build an ``InputSettings``, the
run button calls ``run_input_lab`` and each step's timing is drawn as it arrives. Give it a
``DeviceDashboard`` and each run also shows there as a named run with its samples/s.
"""

from __future__ import annotations

import ipywidgets as w

from ..engine import backend
from ..engine.augment import pipeline_lab as lab
from ..engine.checks import positive_int
from ..engine.i18n import t
from ._base import CompositeWidget
from ._html import escape, stacked_bar, table
from .device_dashboard import DeviceDashboard

__all__ = ["PipelineLab", "pipeline_lab"]

WAIT, COMPUTE = "#ff7f0e", "#1f77b4"
_SHOWN_STEPS = 24


class PipelineLab(CompositeWidget):
    """Toggles ``fused``, ``parallel_calls``, ``prefetch``, ``cache``; ``run_button``; the
    steps drawn in ``steps_view``; finished runs in ``runs`` (LabRun) and ``results``."""

    def __init__(
        self,
        *,
        images: int = 256,
        epochs: int = 3,
        batch_size: int = 32,
        seed: int = 0,
        dashboard: DeviceDashboard | None = None,
    ) -> None:
        """``images`` JPEG photo crops, trained for ``epochs`` in batches of ``batch_size``;
        ``dashboard`` (a DeviceDashboard) also marks each run and its samples/s."""
        super().__init__()
        self.images = positive_int(images, name="images")
        self.epochs = positive_int(epochs, name="epochs")
        self.batch_size = positive_int(batch_size, name="batch_size")
        self.seed = seed
        self.dashboard = dashboard
        self.runs: list[lab.LabRun] = []
        self.last_steps: list[lab.StepTiming] = []
        self._files = None
        self.fused = w.Checkbox(value=False, description=t("pipe.fused"))
        self.parallel_calls = w.Dropdown(
            options=[(t("pipe.none"), 0), ("2", 2), ("4", 4), (t("pipe.autotune"), lab.AUTOTUNE)],
            value=0,
            description=t("pipe.parallel"),
        )
        self.prefetch = w.Dropdown(
            options=[(t("pipe.none"), 0), ("1", 1), ("2", 2), (t("pipe.autotune"), lab.AUTOTUNE)],
            value=0,
            description=t("pipe.prefetch"),
        )
        self.cache = w.Checkbox(value=False, description=t("pipe.cache"))
        self.run_button = w.Button(description=t("pipe.train"), icon="play", button_style="primary")
        self.live = w.HTML()
        self.live.add_class("bmw-pipeline-live")
        self.steps_view = w.HTML()
        self.steps_view.add_class("bmw-pipeline-steps")
        self.results = w.HTML()
        self.results.add_class("bmw-pipeline-results")
        self.children = [
            w.HBox([self.fused, self.cache]),
            w.HBox([self.parallel_calls, self.prefetch, self.run_button]),
            self.live,
            self.steps_view,
            self.results,
            self.errors,
        ]
        self.run_button.on_click(lambda _b: self.run())

    def settings(self) -> lab.InputSettings:
        """The InputSettings the toggles describe now."""
        return lab.InputSettings(
            fused=self.fused.value,
            parallel_calls=int(self.parallel_calls.value),
            prefetch=int(self.prefetch.value),
            cache=self.cache.value,
        )

    def set_settings(self, settings: lab.InputSettings) -> None:
        """Move the toggles to ``settings`` (e.g. ``lab.NAIVE`` or ``lab.BEST``)."""
        with self.hold_trait_notifications():
            self.fused.value, self.cache.value = settings.fused, settings.cache
            self.parallel_calls.value = settings.parallel_calls
            self.prefetch.value = settings.prefetch

    def run(self) -> lab.LabRun | None:
        """Train once with the toggles' settings, drawing each step as it finishes."""
        with self.guard(t("pipe.what")):
            settings = self.settings()
            if self._files is None:
                self.live.value = f"<i>{t('pipe.making')}</i>"
                self._files = lab.lab_images(self.images, seed=self.seed)
            self.last_steps = []
            self.run_button.disabled = True
            try:
                if self.dashboard is not None:
                    with self.dashboard.run(settings.label()):
                        result = self._train(settings, self.dashboard.training)
                else:
                    result = self._train(settings, None)
            finally:
                self.run_button.disabled = False
            self.runs.append(result)
            self._show_results()
            return result
        return None

    def _train(self, settings, log) -> lab.LabRun:
        def on_step(timing: lab.StepTiming) -> None:
            self.last_steps.append(timing)
            if log is not None:
                log.samples(timing.images)
            self._draw_steps(settings)

        return lab.run_input_lab(
            settings,
            files=self._files,
            epochs=self.epochs,
            batch_size=self.batch_size,
            seed=self.seed,
            on_step=on_step,
        )

    def _draw_steps(self, settings) -> None:
        steps = self.last_steps[-_SHOWN_STEPS:]
        longest = max(s.wait_s + s.compute_s for s in steps)
        rows = [
            f'<div data-step="{s.step}" data-wait="{s.wait_s:.5f}" data-compute="{s.compute_s:.5f}">'
            f"<code>{t('pipe.step', step=f'{s.step:3d}', epoch=s.epoch + 1)}</code> "
            + stacked_bar(
                [
                    (t("pipe.waiting_ms", ms=f"{1000 * s.wait_s:.1f}"), s.wait_s / longest, WAIT),
                    (
                        t("pipe.computing_ms", ms=f"{1000 * s.compute_s:.1f}"),
                        s.compute_s / longest,
                        COMPUTE,
                    ),
                ],
                width_px=320,
                height_px=10,
            )
            + f" {1000 * s.wait_s:.1f} + {1000 * s.compute_s:.1f} ms</div>"
            for s in steps
        ]
        done = len(self.last_steps)
        wait = sum(s.wait_s for s in self.last_steps)
        total = wait + sum(s.compute_s for s in self.last_steps)
        waiting = t("pipe.waiting_pct", pct=f"{wait / total:.0%}")
        computing = t("pipe.computing_pct", pct=f"{1 - wait / total:.0%}")
        self.live.value = t(
            "pipe.live",
            label=f"<b>{escape(settings.label())}</b>",
            done=done,
            waiting=f"<span style='color:{WAIT}'>{waiting}</span>",
            computing=f"<span style='color:{COMPUTE}'>{computing}</span>",
        )
        self.steps_view.value = "".join(rows)

    def _show_results(self) -> None:
        body = []
        for r in self.runs:
            s = r.summary()
            body.append(
                [
                    s["label"],
                    s["images_per_s"],
                    f"{s['input_wait_fraction']:.1%}",
                    s["wait_ms_per_step"],
                    s["compute_ms_per_step"],
                ]
            )
        self.results.value = f"<div><i>{t('pipe.steady')}</i></div>" + table(
            body,
            header=[
                t(f"pipe.col.{c}") for c in ("pipeline", "rate", "waiting", "wait_ms", "compute_ms")
            ],
            css_class="bmw-table bmw-pipeline-table",
        )


def pipeline_lab(
    *,
    images: int | None = None,
    epochs: int = 3,
    dashboard: DeviceDashboard | None = None,
) -> PipelineLab:
    """One call: a PipelineLab (``images`` None: 96 photo crops in quick mode, else 256)."""
    if images is None:
        images = 96 if backend.quick_mode() else 256  # the edge decides
    return PipelineLab(images=images, epochs=epochs, dashboard=dashboard)
