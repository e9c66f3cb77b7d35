"""Magnitude pruning with tfmot: constant or polynomial-decay schedules, unstructured or 2:4."""

from __future__ import annotations

import math

from .. import backend, checks
from ..training import Progress
from ._validate import check_sparsity, check_tf_keras_model
from .models import Dataset, clone, compile_for_training, fit

__all__ = ["SCHEDULES", "STRUCTURES", "schedule", "prune", "wrap_for_pruning"]

SCHEDULES = ("constant", "polynomial")
STRUCTURES = ("unstructured", "2:4")


def schedule(kind: str, sparsity: float, end_step: int):
    """A tfmot pruning schedule reaching ``sparsity`` by ``end_step`` (constant: from step 0)."""
    sparsity = check_sparsity(sparsity)
    tfmot = backend.tfmot()
    checks.one_of(kind, name="kind", choices=SCHEDULES)
    if kind == "constant":
        return tfmot.sparsity.keras.ConstantSparsity(sparsity, begin_step=0, frequency=10)
    # polynomial: ramp from zero so the network adapts as weights go; finish before the last
    # epoch ends. end_step is a multiple of the frequency so the final target is actually applied.
    end_step = checks.non_negative_int(end_step, name="end_step")
    frequency = max(1, min(100, end_step // 10))
    end = max(frequency, (end_step // frequency) * frequency)
    return tfmot.sparsity.keras.PolynomialDecay(
        0.0, sparsity, begin_step=0, end_step=end, frequency=frequency
    )


def wrap_for_pruning(
    base,
    sparsity: float,
    kind: str = "constant",
    structure: str = "unstructured",
    end_step: int = 1,
):
    """A pruning-wrapped clone of ``base`` (``base`` itself is never modified)."""
    check_tf_keras_model(base, "base")
    checks.one_of(structure, name="structure", choices=STRUCTURES)
    tfmot = backend.tfmot()
    model = clone(base)
    if structure == "2:4":
        # 2:4 means exactly half of each group of 4 weights; the schedule only sets the pace.
        return tfmot.sparsity.keras.prune_low_magnitude(
            model,
            pruning_schedule=tfmot.sparsity.keras.ConstantSparsity(0.5, 0, frequency=10),
            sparsity_m_by_n=(2, 4),
        )
    return tfmot.sparsity.keras.prune_low_magnitude(
        model, pruning_schedule=schedule(kind, sparsity, end_step)
    )


def prune(
    base,
    ds: Dataset,
    sparsity: float,
    *,
    kind: str = "constant",
    structure: str = "unstructured",
    epochs: int = 2,
    batch_size: int = 64,
    progress: Progress = None,
):
    """Prune a clone of ``base`` while fine-tuning on ``ds``; returns the stripped Keras model.

    ``strip_pruning`` removes the wrappers and masks, leaving plain layers with zeros in them;
    the file only gets smaller once it is compressed (see ``measure.gzip_size``).
    """
    sparsity = check_sparsity(sparsity)
    checks.one_of(structure, name="structure", choices=STRUCTURES)
    if structure == "unstructured" and sparsity == 0:
        return clone(base)
    # at least one epoch: the masks are applied during training
    epochs = checks.positive_int(epochs, name="epochs")
    batch_size = checks.positive_int(batch_size, name="batch_size")
    tfmot = backend.tfmot()
    steps = epochs * math.ceil(len(ds.x_train) / batch_size)
    model = wrap_for_pruning(base, sparsity, kind, structure, end_step=int(steps * 0.8))
    compile_for_training(model)
    fit(
        model,
        ds,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[tfmot.sparsity.keras.UpdatePruningStep()],
        progress=progress,
    )
    return tfmot.sparsity.keras.strip_pruning(model)
