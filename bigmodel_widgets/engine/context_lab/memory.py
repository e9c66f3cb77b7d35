"""Peak memory of a MiniLM forward at each context, measured by TensorFlow's own allocator in a
fresh child process, against the activation estimate.

Why a child: on CPU TensorFlow keeps no allocator statistics unless its CPU allocator is the
BFC allocator (``TF_CPU_ALLOCATOR_USE_BFC=true``), and that must be chosen before TensorFlow
starts. tracemalloc does not see TensorFlow's C++ allocations, and the process's resident size
mixes the allocator's pool, the Python heap and the shared libraries, so neither is used.

``python -P -m bigmodel_widgets.engine.context_lab.memory '{"contexts": [...], "batch": 1}'``
is the child's entry point.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence

from .. import sizing
from ..checks import int_in_range, number_in_range
from ..parallel._procs import PREFIX, WorkerError, child_env, emit
from ._models import check_contexts, check_quick, minilm_config

__all__ = ["measure_memory", "FULL_CONTEXTS", "QUICK_CONTEXTS", "main"]

FULL_CONTEXTS = (32, 64, 128, 256, 512)
QUICK_CONTEXTS = (64, 512)


def _child(contexts: list[int], batch: int) -> dict:
    from .. import backend
    from ._models import load_minilm

    tf = backend.tf()
    device = "GPU:0" if tf.config.list_physical_devices("GPU") else "CPU:0"
    model = load_minilm()

    def forward(c: int) -> None:
        ids = tf.fill((batch, c), 1000)
        model(input_ids=ids, attention_mask=tf.ones_like(ids), training=False)

    forward(8)  # first-call allocations (kernels, constants) out of the way
    peaks, resident = [], None
    for i, c in enumerate(contexts):
        tf.config.experimental.reset_memory_stats(device)
        before = tf.config.experimental.get_memory_info(device)["current"]
        resident = before if resident is None else resident
        forward(c)
        peaks.append(int(tf.config.experimental.get_memory_info(device)["peak"] - before))
        emit("progress", done=i + 1, total=len(contexts), info={"context": c})
    return {"device": device, "peak_bytes": peaks, "resident_bytes": int(resident)}


def main(argv: list[str]) -> int:
    payload = json.loads(argv[1])
    emit("result", value=_child(payload["contexts"], payload["batch"]))
    return 0


def _run_child(payload: dict, timeout_s: float, progress: Callable | None) -> dict:
    env = child_env({"TF_CPU_ALLOCATOR_USE_BFC": "true"})
    cmd = [sys.executable, "-P", "-m", __name__, json.dumps(payload)]
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    tail: deque = deque(maxlen=30)
    result = None
    try:
        for line in proc.stdout:
            if not line.startswith(PREFIX):
                tail.append(line.rstrip())
                continue
            msg = json.loads(line[len(PREFIX) :])
            if msg.get("kind") == "result":
                result = msg["value"]
            elif progress is not None:
                progress(msg["done"], msg["total"], msg.get("info", {}))
        code = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if code != 0 or result is None:
        why = f"was stopped after {timeout_s:.0f} s" if code in (-9, 137) else f"exited {code}"
        raise WorkerError(
            "the memory-measuring child process " + why + ". Last output:\n" + "\n".join(tail)
        )
    return result


def measure_memory(
    *,
    contexts: Sequence[int] | None = None,
    batch: int = 1,
    timeout_s: float = 600.0,
    quick: bool = False,
    progress: Callable | None = None,
) -> dict:
    """Peak memory of one MiniLM forward at each context, against the activation estimate.

    Measured: in a fresh child process with TensorFlow's BFC allocator on CPU (or the GPU's, if
    there is one), the allocator's peak during the forward minus what was allocated before it
    (the weights), i.e. the forward's working memory. Estimated three ways: the serving
    estimate (``sizing.serving_memory``'s activations at fp32: one layer, fused attention),
    the training activations (``sizing.activation_bytes``, Korthikanti et al. 2022: every layer
    kept for the backward pass, 16-bit, the score matrices included) and that figure read for
    an inference forward: float32 (x2) and one layer alive at a time (/ n_layers).
    ``contexts`` defaults to 32..512 (64 and 512 with ``quick``); the child is
    stopped after ``timeout_s`` seconds. ``progress(done, total, info)`` is called per context.
    """
    quick = check_quick(quick)
    config = minilm_config()
    default = QUICK_CONTEXTS if quick else FULL_CONTEXTS
    contexts = check_contexts(default if contexts is None else contexts, maximum=config.seq_len)
    batch = int_in_range(batch, name="batch", low=1, high=64)
    timeout_s = number_in_range(timeout_s, name="timeout_s", low=0, low_open=True)
    child = _run_child({"contexts": list(contexts), "batch": batch}, timeout_s, progress)
    train = [sizing.activation_bytes(config, seq_len=c, batch=batch) for c in contexts]
    forward = [int(t * 2 / config.layers) for t in train]
    serving = [
        sizing.serving_memory(config, context=c, batch=batch, weight_precision="fp32")[
            "activations"
        ]
        for c in contexts
    ]
    peaks = child["peak_bytes"]
    on_cpu = child["device"].startswith("CPU")
    return {
        "contexts": list(contexts),
        "batch": batch,
        "device": child["device"],
        "peak_bytes": peaks,
        "weights_and_constants_bytes": child["resident_bytes"],
        "serving_estimate_bytes": serving,
        "ratio_to_serving_estimate": [round(p / e, 3) for p, e in zip(peaks, serving)],
        "activation_estimate_bytes": train,
        "forward_estimate_bytes": forward,
        "ratio_to_forward_estimate": [round(p / e, 3) for p, e in zip(peaks, forward)],
        "how": (
            f"TensorFlow's allocator statistics on {child['device']} in a fresh child process "
            + ("(TF_CPU_ALLOCATOR_USE_BFC=true)" if on_cpu else "")
            + ": peak during one eager forward minus the bytes allocated before it. "
            "serving_estimate_bytes: sizing.serving_memory's activations at fp32 (one layer, "
            "fused attention: no context x context scores). activation_estimate_bytes: "
            "sizing.activation_bytes (training: 16-bit, every layer kept for the backward "
            "pass, the scores included); forward_estimate_bytes: that x2 for float32 and "
            "/ n_layers, since a forward without gradients frees each layer's tensors."
        ),
        "why_cpu_differs": (
            "On CPU TensorFlow runs this model in float32 without fused attention, so each "
            "layer's full heads x context x context score matrices exist (a copy or two during "
            "scale, mask and softmax) -- the serving estimate assumes fused GPU kernels that "
            "never store them, and 16-bit numbers; nothing is kept for a backward pass, unlike "
            "the training estimate; and the process's resident memory (RSS) is larger still, "
            "since the allocator keeps its pool and Python, the libraries and the weights "
            "count too."
        ),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv))
