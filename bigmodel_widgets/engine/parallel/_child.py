"""Entry point of the child processes started by run_isolated and run_multi_worker.

``python -m bigmodel_widgets.engine.parallel._child '{"job": ..., "kwargs": {...}}'``
"""

from __future__ import annotations

import json
import sys

from ._procs import emit

__all__ = ["main"]


def _progress(done, total, info):
    emit("progress", done=done, total=total, info=info)


def main(argv: list[str]) -> int:
    payload = json.loads(argv[1])
    # Say "alive" before the slow TensorFlow import, so a caller's progress shows the start.
    emit("progress", done=0, total=1, info={})
    job, kwargs = payload["job"], payload.get("kwargs", {})
    if job == "worker":
        from .multiworker import worker_main

        emit("result", value=worker_main(**kwargs))
        return 0
    from . import strategies

    strategies.split_cpu(int(payload.get("logical_cpus", 1)))  # first, before TF starts
    if job == "train_mlp":
        value = strategies.train_mlp(progress=_progress, **kwargs).to_dict()
    elif job == "compare_strategies":
        value = [r.to_dict() for r in strategies.compare_strategies(progress=_progress, **kwargs)]
    elif job == "throughput_sweep":
        value = strategies.throughput_sweep(progress=_progress, **kwargs)
    else:
        raise SystemExit(f"unknown job {job!r}")
    emit("result", value=value)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
