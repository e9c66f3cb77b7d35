"""Looking inside the models, measured: faithfulness, completeness, fp32 vs int8 agreement, time.

CNNs (chapter 5's "strong" model, and the text's one-conv model beside it) on held-out
MNIST-5k digits: deletion AUC of Grad-CAM and integrated gradients against a random removal
order (ratio < 1: the explanation finds what matters faster than chance), IG completeness.
BERT (chapter 4's fine-tuned MiniLM) and the speech model (chapter 6): IG completeness.
Compression: the same method (occlusion, which needs predictions only) on the fp32 Keras model
and on the int8 ``.tflite`` run in the interpreter (CNN: the text's model, full int8; BERT:
dynamic-range int8 weights), Spearman rank agreement per input, and the inputs where they
disagree (rho < 0.5).
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from ._progress import stderr_progress

__all__ = ["run", "TARGETS"]

# "clearly better than random": a deletion area at most 0.8 of the random order's
TARGETS = {"deletion_auc_ratio_max": 0.8, "ig_completeness_median_max": 0.05, "n_digits": 200}
_SIZES = {  # quick, full
    "digits": (20, 200),
    "agree_digits": (20, 200),
    "texts": (4, 30),
    "speech": (10, 100),
}


def _timed(fn, *args, **settings):
    t0 = time.perf_counter()
    out = fn(*args, **settings)
    return out, (time.perf_counter() - t0) * 1e3


def _median(values) -> float:
    return round(float(np.median(values)), 4)


def _deletion(model, x, report, done: int, total: int) -> tuple[dict, dict]:
    """Deletion AUCs of Grad-CAM, IG and a random order on every image of ``x``, IG
    completeness and the time per explanation."""
    from ..engine import explain

    def predict(b):
        return np.asarray(model(np.asarray(b, np.float32), training=False))

    rng = np.random.default_rng(0)
    auc = {"grad-cam": [], "integrated gradients": [], "random": []}
    completeness, ms = [], {"grad-cam": [], "integrated gradients": []}
    for i in range(len(x)):
        cam, t_cam = _timed(explain.grad_cam, model, x[i])
        ig, t_ig = _timed(explain.integrated_gradients, model, x[i], target=cam.target)
        ms["grad-cam"].append(t_cam)
        ms["integrated gradients"].append(t_ig)
        completeness.append(ig.completeness["error"])
        for name, exp in (("grad-cam", cam), ("integrated gradients", ig)):
            curve = explain.deletion_curve(predict, x[i], exp.attributions, target=cam.target)
            auc[name].append(curve["auc"])
        curve = explain.deletion_curve(
            predict, x[i], cam.attributions, target=cam.target, order="random", rng=rng
        )
        auc["random"].append(curve["auc"])
        report(done + i + 1, total, {})
    rand = float(np.mean(auc["random"]))
    figures = {
        "deletion_auc": {k: round(float(np.mean(v)), 4) for k, v in auc.items()},
        "deletion_auc_ratio_vs_random": {
            k: round(float(np.mean(auc[k])) / rand, 3) for k in ("grad-cam", "integrated gradients")
        },
        "deletion_beats_random_fraction": {
            k: round(float(np.mean(np.array(auc[k]) < np.array(auc["random"]))), 3)
            for k in ("grad-cam", "integrated gradients")
        },
        "ig_completeness_error_median": _median(completeness),
        "ig_completeness_error_p90": round(float(np.percentile(completeness, 90)), 4),
    }
    return figures, ms


def _cnn(quick: bool, report) -> dict:
    from ..engine import explain
    from ..engine.compression import measure, quantization
    from ..engine.tasks import vision

    split = vision.load_digit_data()
    n = _SIZES["digits"][not quick]
    x = vision.digits_to_input(split.x_test[:n])
    # Grad-CAM averages gradients over positions: behind one conv and a Flatten (the text's CNN)
    # that loses where the dense layer looks; the strong CNN (two convs) is the fair test.
    by_model, ms = {}, {}
    for k, kind in enumerate(("strong", "text")):
        model = vision.pretrained_cnn(
            kind, quick=quick, progress=stderr_progress("bench explain", f"{kind} cnn")
        )
        by_model[kind], times = _deletion(model, x, report, k * n, 2 * n)
        ms = ms or times
    # ``model`` is now the text CNN: the fp32 vs int8 comparison below uses it.

    def predict(b):
        return np.asarray(model(np.asarray(b, np.float32), training=False))

    # fp32 vs int8, both explained by occlusion (4x4 patches); int8 runs in the interpreter.
    # "int8": integers throughout (its softmax output too: 1/256 steps, so a confident digit's
    # map can be constant); "dynamic": int8 weights, float activations and output.
    reps = vision.digits_to_input(split.x_train[:200])
    m = _SIZES["agree_digits"][not quick]
    fp32_maps, modes = [], {}
    for i in range(m):
        a, t_occ = _timed(explain.occlusion_image, predict, x[i], patch=4)
        ms.setdefault("occlusion", []).append(t_occ)
        fp32_maps.append(a)
    for mode in ("int8", "dynamic"):
        blob = quantization.convert(model, mode, reps if mode == "int8" else None)

        def lite(batch, blob=blob):
            return measure.predict_tflite(blob, np.asarray(batch, np.float32))

        maps = [
            explain.occlusion_image(lite, x[i], patch=4, target=fp32_maps[i].target).attributions
            for i in range(m)
        ]
        agree = explain.compare(
            [e.attributions[::4, ::4] for e in fp32_maps], [b[::4, ::4] for b in maps]
        )
        modes[mode] = {
            "spearman_median": round(agree["median"], 4),
            "spearman_mean": round(agree["mean"], 4),
            "flagged_rho_below_0.5": len(agree["flagged"]),
            "constant_maps": len(agree["constant"]),
            "flagged_indices": agree["flagged"][:20],
        }
    return {
        "model": "chapter 5 'strong' CNN (two Conv2D + MaxPool, Dense 128, Dense 10); the "
        "text's CNN (Conv2D 32 -> MaxPool -> Dense 10) beside it in by_model",
        "n_digits": n,
        **by_model["strong"],
        "by_model": by_model,
        "ms_per_explanation_median": {k: _median(v) for k, v in ms.items()},
        "fp32_vs_int8": {
            "method": "the text's CNN, occlusion 4x4 patches (fill 0) on both, probability drop "
            "of the fp32 model's class; the TFLite models run in the interpreter",
            "n_digits": m,
            **modes,
        },
    }


def _bert(quick: bool, report) -> dict:
    from ..engine import explain
    from ..engine.tasks.nlp import explain as text_explain
    from ..engine.tasks.nlp import tflite as nlp_tflite
    from ..engine.tasks.nlp import training as nlp_train

    config = nlp_train.FineTuneConfig.default(quick=quick)
    clf, _ = nlp_train.finetuned_classifier(
        config, progress=stderr_progress("bench explain", "bert")
    )
    texts = nlp_train.rotten_tomatoes_splits(config)["test"][0]
    n = _SIZES["texts"][not quick]
    texts = [t for t in texts if 6 <= len(clf.tokens(t)[0]) <= clf.max_length][:n]
    completeness, ms = (
        [],
        {"integrated gradients": [], "attention (all layers)": [], "occlusion": []},
    )
    for i, text in enumerate(texts):
        ig, t_ig = _timed(text_explain.integrated_gradients, clf, text)
        completeness.append(ig.completeness["error"])
        ms["integrated gradients"].append(t_ig)
        ms["attention (all layers)"].append(_timed(text_explain.attention_maps, clf, text)[1])
        report(i + 1, 2 * len(texts), {})
    dyn = nlp_tflite.TFLiteTextClassifier.from_keras(clf, "dynamic", cache_key=config.key())
    fp32_maps, int8_maps = [], []
    for i, text in enumerate(texts):
        a, t_occ = _timed(text_explain.occlusion, clf, text)
        ms.setdefault("occlusion", []).append(t_occ)
        fp32_maps.append(a[1:-1])
        int8_maps.append(text_explain.occlusion(dyn, text)[1:-1])
        report(len(texts) + i + 1, 2 * len(texts), {})
    agree = explain.compare(fp32_maps, int8_maps, threshold=0.5)
    return {
        "model": "fine-tuned all-MiniLM-L6-v2 (chapter 4)",
        "n_texts": len(texts),
        "ig_settings": {"steps": explain.DEFAULT_STEPS, "baseline": "[PAD] embeddings"},
        "ig_completeness_error_median": _median(completeness),
        "ig_completeness_error_p90": round(float(np.percentile(completeness, 90)), 4),
        "ms_per_explanation_median": {k: _median(v) for k, v in ms.items()},
        "fp32_vs_int8": {
            "method": "occlusion by [MASK] per wordpiece on both; int8 = dynamic-range TFLite "
            "(int8 weights), run in the interpreter",
            "n_texts": len(texts),
            "spearman_median": round(agree["median"], 4),
            "spearman_mean": round(agree["mean"], 4),
            "flagged_rho_below_0.5": len(agree["flagged"]),
            "constant_maps": len(agree["constant"]),
        },
    }


def _speech(quick: bool, report) -> dict:
    from ..engine import explain
    from ..engine.tasks import speech

    rec = speech.trained_recognizer(
        "strong", quick=quick, progress=stderr_progress("bench explain", "speech")
    )
    split = speech.load_split(seed=0)
    n = _SIZES["speech"][not quick]
    completeness, ms = [], []
    for i in range(n):
        exp, t = _timed(explain.speech_integrated_gradients, rec, split.x_test[i])
        completeness.append(exp.completeness["error"])
        ms.append(t)
        report(i + 1, n, {})
    return {
        "model": "chapter 6 'strong' Conv1D recognizer",
        "n_recordings": n,
        "ig_completeness_error_median": _median(completeness),
        "ig_completeness_error_p90": round(float(np.percentile(completeness, 90)), 4),
        "ms_per_explanation_median": {"integrated gradients": _median(ms)},
    }


def run(quick: bool = False) -> dict:
    """The explanation figures as JSON-able data (``quick``: a few inputs and quick models)."""
    t0, load_before = time.perf_counter(), os.getloadavg()[0]
    out = {"benchmark": "explain", "quick": quick}
    parts = (
        ("cnn", _cnn, "cnn digits"),
        ("speech", _speech, "recordings"),
        ("bert", _bert, "texts"),
    )
    for name, part, what in parts:
        out[name] = part(quick, stderr_progress("bench explain", what))
        # each part's figures on stderr as soon as they exist (stdout keeps the one JSON)
        print(json.dumps({name: out[name]}), file=sys.stderr, flush=True)
    ratios = out["cnn"]["deletion_auc_ratio_vs_random"]
    medians = [out[k]["ig_completeness_error_median"] for k in ("cnn", "bert", "speech")]
    out["targets"] = TARGETS
    out["meets_targets"] = bool(
        out["cnn"]["n_digits"] >= TARGETS["n_digits"]
        and all(r <= TARGETS["deletion_auc_ratio_max"] for r in ratios.values())
        and all(m <= TARGETS["ig_completeness_median_max"] for m in medians)
    )
    out["total_s"] = round(time.perf_counter() - t0, 1)
    out["cpu_count"] = os.cpu_count()
    out["load_avg_1m"] = {"start": round(load_before, 1), "end": round(os.getloadavg()[0], 1)}
    return out
