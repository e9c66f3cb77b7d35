"""CompressionExplorer shows exactly what the engine computed; controls driven from Python."""

import inspect

import pytest

from bigmodel_widgets import CompressionExplorer, ProgressBar, compression, explore_compression
from tests.engine.compression._tiny import tiny_setup

SPEC = compression.SweepSpec(
    sparsities=(0.0, 0.5), clusters=(0,), quant_modes=("none",), qat=(False,), epochs=1
)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    sw = compression.Sweep(
        tiny_setup(),
        SPEC,
        cache=compression.ResultCache(tmp_path_factory.mktemp("c")),
        latency_repeats=3,
    )
    sw.run()
    return sw


def cfg(**kw):
    return compression.CompressionConfig(epochs=1, **kw)


def test_controls_show_the_cached_engine_record(sweep):
    ex = CompressionExplorer(sweep)
    assert ex.record == sweep.cached(cfg()) and ex.record["label"] == "baseline"
    ex.sparsity.value = 0.5
    rec = sweep.cached(cfg(sparsity=0.5))
    assert ex.record is rec
    assert f"data-gzip='{rec['gzip_bytes']}'" in ex.summary.value
    assert f"{rec['ratio']:.2f}x" in ex.summary.value
    assert f"{100 * rec['accuracy']:.2f} %" in ex.summary.value
    assert "prune50" in ex.plot.value and "<polyline" in ex.plot.value
    assert "50.0 %" in ex.layers_view.value and "<rect" in ex.histogram_view.value
    assert ex.to_config()["point"] == cfg(sparsity=0.5).to_config()


def test_a_point_not_computed_is_computed_only_on_request(sweep):
    ex = CompressionExplorer(sweep)
    before = sweep.computed
    ex.sparsity.value = 0.5
    ex.quant.value = "dynamic"
    assert ex.record is None and "not computed yet" in ex.summary.value
    assert sweep.computed == before  # moving controls never computes
    ex.compute_button.click()
    assert sweep.computed == before + 1
    assert ex.record is sweep.cached(cfg(sparsity=0.5, quant="dynamic"))
    assert ex.record["label"] == "prune50+dynamic" and ex.record["ratio"] > 1


def test_tolerance_selects_the_smallest_model_within_it(sweep):
    ex = CompressionExplorer(sweep)
    ex.tolerance.value = 100.0
    expected = compression.smallest_within(sweep.results(), 100.0)
    assert ex.best is expected and ex.record is expected
    assert ex.config() == compression.CompressionConfig.from_config(expected["config"])
    assert expected["label"] in ex.best_view.value


def test_bad_combination_shows_a_message_and_the_widget_keeps_working(sweep):
    ex = CompressionExplorer(sweep)
    ex.qat.value = True  # QAT needs int8
    assert "qat" in ex.errors.message and ex.record is None
    ex.quant.value = "int8"
    ex.qat.value = False
    assert ex.errors.message == ""
    ex.quant.value = "none"
    assert ex.record is sweep.cached(cfg())


def test_a_failed_computation_is_shown_not_raised(sweep, monkeypatch):
    ex = CompressionExplorer(sweep)
    ex.clusters.value = 8

    def broken(config, progress=None, trained=None):
        raise RuntimeError("converter crashed")

    monkeypatch.setattr(sweep, "compute", broken)
    ex.compute_button.click()
    assert "converter crashed" in ex.errors.message
    assert not ex.compute_button.disabled
    monkeypatch.undo()
    ex.clusters.value = 0
    assert ex.record is sweep.cached(cfg()) and ex.errors.message == ""


def test_constructor_checks(sweep):
    with pytest.raises(TypeError, match="colour"):
        CompressionExplorer(sweep, colour="red")
    with pytest.raises(TypeError, match="sweep"):
        CompressionExplorer("sweep")
    assert isinstance(explore_compression(sweep, tolerance=2.0), CompressionExplorer)


def _fresh(sweep):
    """A new Sweep object over the same disk cache: every point known on disk, none in memory."""
    return compression.Sweep(sweep.setup, SPEC, cache=sweep.cache, latency_repeats=3)


def test_an_explorer_over_cached_points_renders_its_plot_once(sweep, monkeypatch):
    fresh = _fresh(sweep)
    renders = []  # the plot reads every known record once per render
    real_results = fresh.results
    monkeypatch.setattr(fresh, "results", lambda: renders.append(1) or real_results())
    ex = CompressionExplorer(fresh)
    assert len(renders) == 1
    assert len(real_results()) >= 2 and ex.plot.value.count("<circle") >= 2  # every point, once
    monkeypatch.undo()
    ex.close()


def test_a_closed_explorer_no_longer_redraws(sweep):
    fresh = _fresh(sweep)
    closed, still_open = CompressionExplorer(fresh), CompressionExplorer(fresh)
    redraws = []
    closed.plot.observe(lambda _: redraws.append("closed"), names="value")
    still_open.plot.observe(lambda _: redraws.append("open"), names="value")
    closed.close()
    fresh.compute(cfg(quant="float16"))  # a new point lands in the sweep
    assert redraws == ["open"]
    still_open.close()
    closed.close()  # closing twice is harmless
    fresh.compute(cfg(sparsity=0.5, quant="float16"))
    assert redraws == ["open"]


def test_explore_compression_shows_progress_for_training_and_the_sweep(sweep, monkeypatch):
    seen = {}

    def fake_setup(*, quick, progress=None):  # the chapter's model takes a minute: use the tiny one
        seen["quick"], seen["training"] = quick, progress
        return sweep.setup

    real_run = compression.Sweep.run

    def run(self, progress=None):
        seen["sweep"] = progress
        return real_run(self, progress=progress)

    monkeypatch.setattr(compression, "default_setup", fake_setup)
    monkeypatch.setattr(compression, "default_spec", lambda *, quick: SPEC)
    monkeypatch.setattr(compression.Sweep, "run", run)
    ex = explore_compression(run=True, quick=True, tolerance=2.0)
    assert seen["quick"] is True and ex.tolerance.value == 2.0
    assert isinstance(seen["training"], ProgressBar) and isinstance(seen["sweep"], ProgressBar)
    assert seen["sweep"] is not ex.progress and seen["sweep"].bar.value == len(SPEC.configs())
    assert ex.record is not None and ex.errors.message == ""
    ex.close()


def test_explicit_keyword_only_signatures():
    params = inspect.signature(CompressionExplorer).parameters
    assert list(params) == ["sweep", "tolerance", "bert"]
    assert all(params[n].kind is params[n].KEYWORD_ONLY for n in ("tolerance", "bert"))
    params = inspect.signature(explore_compression).parameters
    assert list(params) == ["sweep", "run", "tolerance", "quick", "bert"]
    assert all(p.kind is p.KEYWORD_ONLY for name, p in params.items() if name != "sweep")
    assert CompressionExplorer.__doc__ and explore_compression.__doc__


@pytest.fixture(scope="module")
def bert_sweep(tmp_path_factory):
    from tests.engine.compression._tiny_bert import tiny_bert_setup

    mp = pytest.MonkeyPatch()
    mp.setenv("BMW_CACHE_DIR", str(tmp_path_factory.mktemp("bert-cache")))
    yield compression.BertSweep(tiny_bert_setup(), modes=("fp32", "dynamic"))
    mp.undo()


def test_bert_in_the_explorer_keep_a_layer_float_adds_a_point(sweep, bert_sweep):
    ex = CompressionExplorer(sweep, bert=bert_sweep)
    assert [v for _, v in ex.model.options] == ["cnn", "bert"]
    ex.model.value = "bert"
    assert ex.cnn_controls.layout.display == "none" and ex.bert_controls.layout.display is None
    assert ex.record is None and "not computed yet" in ex.summary.value
    ex.compute_button.click()  # fp32: the reference
    fp32 = bert_sweep.cached(compression.BertPoint("fp32"))
    assert ex.record is fp32 and f"data-gzip='{fp32['gzip_bytes']}'" in ex.summary.value
    ex.sensitivity_button.click()  # int8 error per layer (quantization debugger)
    rows = bert_sweep.cached_layer_errors()
    assert rows and ex.bert_controls.layer.value == rows[0]["tensor"]
    assert "int8 error per layer" in ex.sensitivity_view.value
    before = ex.plot.value.count('class="bmw-point"')
    ex.bert_controls.keep_button.click()
    point = compression.BertPoint("int8_selective", [rows[0]["tensor"]])
    assert ex.errors.message == "" and ex.bert_controls.mode.value == "int8_selective"
    assert ex.record is bert_sweep.cached(point) and ex.record["keep_float"] == [rows[0]["tensor"]]
    assert ex.plot.value.count('class="bmw-point"') == before + 1
    assert "(float)" in ex.sensitivity_view.value
    diff = ex.inspect_diff()  # what changed inside: the int8 file quantizes its activations
    assert diff == compression.tflite_diff(
        bert_sweep.blob(compression.BertPoint("fp32")), bert_sweep.blob(point)
    )
    assert "QUANTIZE" in ex.diff_view.value
    ex.model.value = "cnn"
    assert ex.record is sweep.cached(cfg()) and ex.cnn_controls.layout.display is None
    ex.close()


def test_cnn_layer_views_and_2_4_sparsity(sweep):
    ex = CompressionExplorer(sweep)
    ex.sensitivity_button.click()
    expected = compression.layer_sensitivity(sweep.setup.base, sweep.setup.data)
    assert ex.sensitivity["prune"] == expected
    assert expected[0]["layer"] in ex.sensitivity_view.value
    ex.structure.value = "2:4"
    assert "sparsity" in ex.errors.message  # 2:4 means exactly half
    ex.sparsity.value = 0.5
    assert ex.errors.message == "" and ex.config().structure == "2:4"
    assert ex.config().label == "prune50-2:4"
    ex.quant.value = "float16"
    diff = ex.inspect_diff()
    assert diff["added_ops"] == ["DEQUANTIZE"] and "DEQUANTIZE" in ex.diff_view.value
    ex.close()
