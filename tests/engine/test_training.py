from __future__ import annotations

import numpy as np
import pytest

from bigmodel_widgets.engine import training


def test_stratified_split_is_balanced_disjoint_and_seeded():
    y = np.repeat(np.arange(10), 50)
    a, b = training.stratified_split(y, (0.8, 0.2), seed=3)
    assert len(a) == 400 and len(b) == 100 and not set(a) & set(b)
    assert np.bincount(y[b]).tolist() == [10] * 10
    again = training.stratified_split(y, (0.8, 0.2), seed=3)
    assert np.array_equal(a, again[0])
    assert not np.array_equal(a, training.stratified_split(y, (0.8, 0.2), seed=4)[0])


@pytest.mark.parametrize("fractions", [(0.5, 0.4), (1.2, -0.2), (0.0, 1.0)])
def test_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        training.stratified_split(np.arange(10) % 2, fractions)


def test_progress_callback_reports_each_epoch():
    from bigmodel_widgets.engine.backend import keras

    k = keras()
    seen = []
    model = k.Sequential([k.layers.Input((4,)), k.layers.Dense(2)])
    model.compile("sgd", "mse")
    model.fit(
        np.zeros((8, 4)),
        np.zeros((8, 2)),
        epochs=3,
        verbose=0,
        callbacks=[training.keras_progress_callback(lambda d, t, i: seen.append((d, t)), 3)],
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def _tiny_model():
    from bigmodel_widgets.engine.backend import keras

    k = keras()
    model = k.Sequential([k.layers.Input((4,)), k.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def _fit(model, callback, *, epochs, batch_size=4, n=8):
    x = np.random.default_rng(0).normal(size=(n, 4)).astype("float32")
    return model.fit(
        x,
        np.zeros((n, 2)),
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        shuffle=False,
        callbacks=[callback],
    )


def test_training_clock_reports_each_epoch_with_logs_and_times_it():
    seen = []
    cb = training.training_clock(progress=lambda d, t, i: seen.append((d, t, i)), epochs=3)
    _fit(_tiny_model(), cb, epochs=3)
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert [i["epoch"] for _, _, i in seen] == [1, 2, 3]
    assert all(isinstance(i["loss"], float) for _, _, i in seen)
    clock = cb.clock
    assert len(clock.epoch_seconds) == 3 and all(s > 0 for s in clock.epoch_seconds)
    assert len(clock.steps) == 6 and clock.steps == sorted(clock.steps)  # 2 batches x 3 epochs
    assert not clock.stopped_early


def test_training_clock_per_step_progress_counts_every_batch():
    seen = []
    cb = training.training_clock(
        progress=lambda d, t, i: seen.append((d, t, i["epoch"])), epochs=2, steps_per_epoch=2
    )
    _fit(_tiny_model(), cb, epochs=2)
    assert seen == [(1, 4, 1), (2, 4, 1), (3, 4, 2), (4, 4, 2)]
    assert len(cb.clock.epoch_seconds) == 2


def test_training_clock_samples_per_s_skips_the_traced_first_step():
    clock = training.TrainingClock()
    assert clock.samples_per_s(32) is None
    clock.steps = [0.0, 10.0, 11.0]  # step 1 traced the graph: only steps 2.. are timed
    assert clock.samples_per_s(32) == 32.0
    clock.steps.append(12.0)
    assert clock.samples_per_s(32) == 32.0
    cb = training.training_clock(epochs=2, clock=clock)  # no progress: timing only
    assert cb.clock is clock


@pytest.mark.parametrize("steps_per_epoch", [None, 2])
def test_keyboard_interrupt_from_progress_stops_training_cleanly(steps_per_epoch):
    model = _tiny_model()
    calls = []

    def progress(done, total, info):
        calls.append(done)
        if done == 2:
            raise KeyboardInterrupt  # the notebook's stop button, raised inside the bar

    cb = training.training_clock(progress=progress, epochs=5, steps_per_epoch=steps_per_epoch)
    hist = _fit(model, cb, epochs=5)  # returns normally: the weights so far are kept
    assert cb.clock.stopped_early and calls == [1, 2]
    assert len(hist.history["loss"]) == (2 if steps_per_epoch is None else 1)
    assert len(model.get_weights()) == 2
