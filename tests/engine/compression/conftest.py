import pytest

from ._tiny import tiny_setup


@pytest.fixture(scope="session")
def tiny():
    """One trained tiny model shared by the compression tests (tests clone, never mutate it)."""
    return tiny_setup()


@pytest.fixture(scope="session")
def tiny_baseline(tiny):
    """The tiny model's fp32 record, converted and measured once for all tests."""
    from bigmodel_widgets.engine.compression import CompressionConfig, run_experiment

    return run_experiment(tiny.base, tiny.data, CompressionConfig(), baseline={}, latency_repeats=5)
