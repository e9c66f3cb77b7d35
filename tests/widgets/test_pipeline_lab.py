"""PipelineLab driven from Python: its toggles make the engine's settings, a run is the engine's
run, each step is drawn, and a dashboard given to it marks the run."""

from bigmodel_widgets.engine.augment import pipeline_lab as lab


def test_widget_runs_the_engine_with_its_toggles_and_marks_the_dashboard():
    from bigmodel_widgets.engine.devices import FakeBackend
    from bigmodel_widgets.widgets.device_dashboard import DeviceDashboard
    from bigmodel_widgets.widgets.pipeline_lab import PipelineLab

    dash = DeviceDashboard(backends=[FakeBackend()], autostart=False)
    view = PipelineLab(images=16, epochs=2, batch_size=8, dashboard=dash)
    try:
        view.set_settings(lab.InputSettings(fused=True, cache=True))
        assert view.settings() == lab.InputSettings(fused=True, cache=True)
        view.run_button.click()
        assert not view.errors.message, view.errors.message
        run = view.runs[-1]
        assert run.settings == view.settings() and len(view.last_steps) == len(run.steps) == 4
        assert view.steps_view.value.count("data-step=") == 4
        assert f"{run.summary()['images_per_s']}" in view.results.value
        starts = [e.run for e in dash.training.events() if e.kind == "run_start"]
        assert starts == [run.settings.label()] and dash.training.throughput()
    finally:
        dash.close()
