"""Command line: ``python -m bigmodel_widgets {doctor,sizing,bench,sweep,exercises,workshop} ...``."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["main"]


def _print(obj, as_json: bool) -> None:
    if as_json:
        print(json.dumps(obj, indent=2, default=str))
        return
    for key, value in obj.items():
        print(
            f"{key}: {json.dumps(value, default=str) if isinstance(value, (dict, list)) else value}"
        )


def _doctor(args) -> int:
    from .engine import doctor

    _print(doctor.report(), args.json)
    return 0


def _sizing(args) -> int:
    from .engine import sizing

    try:
        if (args.preset is None) == (args.config is None):
            raise ValueError("give a preset or --config path/to/config.json (one of them)")
        config = (
            sizing.preset(args.preset)
            if args.config is None
            else (sizing.from_hf_config(args.config))
        )
        if args.context is not None:
            if args.seq_len is not None:
                raise ValueError("give --context or --seq-len (the same thing), not both")
            sizing.check_context(args.context)
        seq_len = args.context if args.context is not None else args.seq_len
        report = sizing.estimate(
            config,
            precision=args.precision,
            kv_precision=args.kv_precision,
            seq_len=seq_len,
            batch=args.batch,
        )
        context = None
        if args.gpu is not None:
            if not isinstance(config, sizing.TransformerConfig):
                raise ValueError("--gpu needs a transformer (a preset like gpt2, or --config)")
            context = sizing.context_report(
                config,
                gpu=args.gpu,
                context=report.settings["seq_len"],
                batch=args.batch,
                weight_precision=args.precision,
                kv_precision=args.kv_precision,
            )
    except (TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = report.to_dict()
    if context is not None:
        out["gpu"] = context
    if not args.json:
        print(f"{report.name}: {report.params:,} parameters ({sizing.format_count(report.params)})")
        for prec, nbytes in report.bytes.items():
            print(f"  weights at {prec:>4}: {sizing.format_bytes(nbytes)}")
        print(
            f"  training (Adam, mixed precision): {sizing.format_bytes(report.training['total'])}"
        )
        print(
            f"  serving at {args.precision} (KV cache {args.kv_precision}, "
            f"{report.settings['seq_len']:,} tokens): "
            f"{sizing.format_bytes(report.inference['total'])}"
        )
        for gb, need in report.gpus.items():
            print(f"  {gb} GB GPUs: train >= {need['train']}, serve >= {need['serve']}")
        if context is not None:
            _print_context(context, sizing)
        return 0
    _print(out, True)
    return 0


def _print_context(r: dict, sizing) -> None:
    longest = f"{r['max_context']:,} tokens" if r["max_context"] else r["problem"]
    print(f"  on one {r['gpu']}: longest context that fits: {longest}")
    s = r["serving"]
    if not r["fits"]:
        print(f"  at {r['context']:,} tokens it does not fit: the bounds below assume it did")
    print(f"  time to first token >= {s['ttft_s'] * 1e3:.1f} ms ({s['prefill_bound']}-bound)")
    if s["decode_tokens_per_s"] is not None:
        print(f"  decode <= {s['decode_tokens_per_s']:,.1f} tokens/s ({s['decode_bound']}-bound)")


def _quick(args) -> bool:
    """Quick mode is decided here, at the edge: the --quick flag, else ``BMW_QUICK``. The engine
    gets the answer as an argument and never reads the environment for it."""
    from .engine import backend

    return bool(args.quick) or backend.quick_mode()


def _bench(args) -> int:
    from . import bench

    names = sorted(bench.available()) if args.name == "all" else [args.name]
    quick = _quick(args)
    results = {}
    for name in names:
        try:
            results[name] = bench.run(name, quick=quick)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    _print(results[names[0]] if len(names) == 1 else results, args.json)
    return 0


def _sweep(args) -> int:
    """Precompute chapter 3's compression sweep into the cache (run it before class)."""
    from .engine import compression as comp

    quick = _quick(args)

    def report(done, total, info):
        extra = "  ".join(f"{k} {v:.3g}" for k, v in info.items())
        print(f"[{done}/{total}] {extra}", file=sys.stderr, flush=True)

    setup = comp.default_setup(quick=quick, progress=None if args.json else report)
    sweep = comp.Sweep(setup, comp.default_spec(quick=quick), latency_repeats=30 if quick else 200)
    try:
        records = sweep.run(progress=None if args.json else report)
    except KeyboardInterrupt:
        print(
            f"interrupted: {len(sweep.results())} points kept in {sweep.cache.root}",
            file=sys.stderr,
        )
        return 130
    rows = [
        {
            "label": r["label"],
            "ratio": round(r["ratio"], 2),
            "accuracy": round(r["accuracy"], 4),
            "latency_us": round(r["latency_us"], 1),
        }
        for r in records
    ]
    _print(
        {
            "cache": sweep.cache.root,
            "points": len(records),
            "computed": sweep.computed,
            "results": rows,
        },
        args.json,
    )
    return 0


def _exercises(args) -> int:
    from .engine import exercises
    from .engine.exercises import _cells

    if args.action == "solutions":
        paths = _cells.write_solutions(args.out, language=args.language)
        _print({"solutions": [str(p) for p in paths]}, args.json)
        return 0
    rows = {
        e.id: f"{e.kind}: {e.text('title', args.language)}"
        for e in exercises.exercises(chapter=args.chapter)
    }
    _print(rows, args.json)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .engine.sizing import BYTES_PER_PARAM, GPUS, KV_BYTES, PRESETS

    parser = argparse.ArgumentParser(
        prog="python -m bigmodel_widgets",
        description="bigmodel_widgets: the workbench's command line",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", help="versions, devices, NVML and data sources")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_doctor)

    p = sub.add_parser("sizing", help="parameter, memory and compute estimates (chapter 0)")
    p.add_argument("preset", nargs="?", help=f"one of: {', '.join(PRESETS)}")
    p.add_argument("--config", help="a Hugging Face config.json (BERT, GPT-2, LLaMA) or its folder")
    p.add_argument("--precision", default="fp16", choices=list(BYTES_PER_PARAM))
    p.add_argument("--kv-precision", default="fp16", choices=list(KV_BYTES))
    p.add_argument("--seq-len", type=int, default=None)
    p.add_argument("--context", type=int, default=None, help="tokens in context (as --seq-len)")
    p.add_argument("--gpu", choices=list(GPUS), help="longest context and serving bounds on it")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_sizing)

    p = sub.add_parser("bench", help="benchmarks (JSON figures, ratios measured side by side)")
    p.add_argument("name", help="a benchmark name, or 'all'")
    p.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats (smoke run); BMW_QUICK=1 in the environment does the same",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_bench)
    p = sub.add_parser("sweep", help="precompute chapter 3's compression sweep into the cache")
    p.add_argument(
        "--quick",
        action="store_true",
        help="the small quick-mode sweep; BMW_QUICK=1 in the environment does the same",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_sweep)
    p = sub.add_parser("exercises", help="list the exercises, or write the solutions notebooks")
    p.add_argument("action", choices=["list", "solutions"])
    p.add_argument("--out", default="solutions", help="folder for solutions_chN.ipynb")
    p.add_argument("--chapter", type=int, default=None, help="list one chapter (0-6)")
    p.add_argument("--language", choices=["en", "zh"], default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_exercises)
    from ._cli_workshop import add_parser as add_workshop

    add_workshop(sub, _quick)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
