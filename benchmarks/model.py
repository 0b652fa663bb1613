"""Suggestion model benchmark: the CRF trained on HiNER (Hindi NER, original 11 labels) with the default
settings, measured on held-out sentences against the most-frequent-label baseline.

    .venv/bin/python benchmarks/model.py [--file PATH] [--fraction 0.2] [--seed 0] [--iterations 100]
                                         [--repeat 1] [--json]

Reads the 2,000-sentence slice (shared/corpora/hiner/validation.original.first2000.conll) with the CoNLL
reader, splits it with ``split_holdout`` (80/20 by default), trains ``annotator.suggest.model.train`` on the
80 % (c1 = c2 = 0.05, 100 L-BFGS iterations unless told), and reports the training time (features and
CRFsuite, median of ``--repeat`` runs), the stored model's size, the time to suggest on the held-out
sentences, exact-match span precision/recall/F1 (micro and per label) and the baseline's (each token's most
frequent IOB2 tag in training).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DEFAULT = HERE.parent.parent / "shared" / "corpora" / "hiner" / "validation.original.first2000.conll"


def load(path: Path) -> list:
    from annotator.formats.conll import read

    examples = []
    for record, _pos in read(path):
        if isinstance(record, Exception):
            raise SystemExit(f"{path}: {record}")
        entities = record.annotations[0]["entities"]
        examples.append(
            (record.text, record.meta["tokens"], [(e["start"], e["end"], e["label"]) for e in entities])
        )
    return examples


def row(name: str, m: dict, base: dict | None = None) -> str:
    out = (
        f"  {name:<14} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  ({m['spans']:>4} spans)"
    )
    if base is not None:
        out += f"   baseline F1 {base['f1']:.3f}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1, help="train this many times, report the median time")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of the table")
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"HiNER slice not found: {args.file} (see shared/corpora/SOURCES.md)")

    from annotator.suggest import model as crf

    t = time.perf_counter()
    examples = load(args.file)
    read_seconds = time.perf_counter() - t
    train, held = crf.split_holdout(examples, fraction=args.fraction, seed=args.seed)

    times, model = [], None
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        model = crf.train(train, max_iterations=args.iterations)
        times.append(time.perf_counter() - t)
    assert model is not None
    data = model.to_bytes()

    t = time.perf_counter()
    metrics = crf.evaluate(model, held)
    predict_seconds = time.perf_counter() - t
    base = crf.baseline(train, held)
    info = model.info
    result = {
        "file": args.file.name,
        "documents": len(examples),
        "train_documents": len(train),
        "held_out_documents": len(held),
        "train_tokens": info["tokens"],
        "train_spans": info["spans"],
        "iterations": info["iterations"],
        "active_features": info["active_features"],
        "train_seconds": round(statistics.median(times), 2),
        "train_seconds_all": [round(x, 2) for x in times],
        "features_seconds": info["features_seconds"],
        "model_bytes": len(data),
        "predict_seconds": round(predict_seconds, 3),
        "read_seconds": round(read_seconds, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "model": metrics,
        "baseline": base,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(
        f"HiNER {args.file.name}: {len(examples):,} sentences; train {len(train):,} "
        f"({info['tokens']:,} tokens, {info['spans']:,} spans), held out {len(held):,} "
        f"(fraction {args.fraction}, seed {args.seed})"
    )
    print(
        f"training: {result['train_seconds']:.2f} s (median of {len(times)}; features "
        f"{info['features_seconds']:.2f} s), {info['iterations']} iterations, "
        f"{info['active_features']:,} active features, model {len(data) / 1e6:.1f} MB"
    )
    print(
        f"suggesting on {len(held)} held-out sentences: {predict_seconds:.2f} s; "
        f"peak memory {result['peak_memory_mb']} MB"
    )
    print(
        row("micro", metrics)
        + f"   baseline P {base['precision']:.3f}  R {base['recall']:.3f}  F1 {base['f1']:.3f}"
    )
    for label, m in sorted(metrics["labels"].items(), key=lambda kv: -kv[1]["spans"]):
        print(row(label, m, base["labels"].get(label, {"f1": 0.0})))
    print(f"F1 above the baseline by {metrics['f1'] - base['f1']:+.3f}")


if __name__ == "__main__":
    main()
