"""Weight clustering (weight sharing) with tfmot: each kernel keeps only k distinct values."""

from __future__ import annotations

from .. import backend, checks
from ..training import Progress
from ._validate import check_clusters, check_tf_keras_model
from .models import Dataset, clone, compile_for_training, fit

__all__ = ["INITS", "cluster"]

INITS = ("linear", "kmeans++", "density", "random")


def _init(tfmot, name: str):
    ci = tfmot.clustering.keras.CentroidInitialization
    table = {
        "kmeans++": ci.KMEANS_PLUS_PLUS,
        "linear": ci.LINEAR,
        "density": ci.DENSITY_BASED,
        "random": ci.RANDOM,
    }
    return table[checks.one_of(name, name="init", choices=INITS)]


def cluster(
    base,
    ds: Dataset,
    clusters: int,
    *,
    init: str = "linear",
    epochs: int = 1,
    preserve_sparsity: bool = False,
    batch_size: int = 64,
    learning_rate: float = 1e-4,
    progress: Progress = None,
):
    """Cluster a clone of ``base`` into ``clusters`` centroids per kernel, fine-tune, strip.

    ``preserve_sparsity`` keeps zeros at zero (use it after pruning, so prune -> cluster keeps
    both gains). A small learning rate: the centroids only need nudging.
    """
    check_tf_keras_model(base, "base")
    clusters = check_clusters(clusters)
    if clusters == 0:
        raise ValueError("clusters must be at least 2 to cluster (0 means no clustering)")
    tfmot = backend.tfmot()
    centroid_init = _init(tfmot, init)
    model = clone(base)
    # preserve_sparsity is tfmot's (experimental) keyword, forwarded by cluster_weights.
    wrapped = tfmot.clustering.keras.cluster_weights(
        model,
        number_of_clusters=clusters,
        cluster_centroids_init=centroid_init,
        **({"preserve_sparsity": True} if preserve_sparsity else {}),
    )
    if wrapped is None:  # tfmot's silent failure mode on a foreign model
        raise TypeError("tfmot could not cluster this model: it must be a tf_keras model")
    compile_for_training(wrapped, learning_rate)
    try:
        fit(wrapped, ds, epochs=epochs, batch_size=batch_size, progress=progress)
    except backend.tf().errors.InvalidArgumentError as exc:
        if "num_to_sample" not in str(exc):
            raise
        # kmeans++ samples distinct weights; a heavily pruned small layer has too few.
        raise ValueError(
            f"init={init!r} needs at least {clusters} non-zero weights in every "
            "layer; use fewer clusters or init='linear'"
        ) from None
    return tfmot.clustering.keras.strip_clustering(wrapped)
