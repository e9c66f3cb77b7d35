"""CompressionExplorer shows exactly what the engine computed; controls driven from Python."""
import pytest

from bigmodel_widgets import CompressionExplorer, compression, explore_compression
from tests.engine.compression._tiny import tiny_setup

SPEC = compression.SweepSpec(sparsities=(0.0, 0.5), clusters=(0,), quant_modes=("none",),
                             qat=(False,), epochs=1)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    sw = compression.Sweep(tiny_setup(), SPEC, compression.ResultCache(tmp_path_factory.mktemp("c")),
                           latency_repeats=3)
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
