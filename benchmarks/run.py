"""Import/export benchmark: annotator against the raw sqlite3 floor, at two sizes.

    python benchmarks/run.py            # 5,000 and 100,000 articles (a few minutes)
    python benchmarks/run.py --sizes 5000

Measured, each in its own process (peak memory is that process's ru_maxrss):
* floor      — sqlite3 executemany of already-normalized rows into the same table layout
* import     — annotator's import of the JSONL file (parse, NFC, hash, dedup, insert), in-process time
* export     — annotator's native JSONL export
* select     — a plain SELECT + json.dumps loop (the export floor)
* process    — the whole `annotator import` command vs a whole bare-sqlite3 process doing parse, NFC,
               hash and insert (wall time including interpreter start-up and imports)
Targets (issue 2): import ≤ 2× floor, export ≤ 2× select, process ≤ 2.5× bare, peak memory flat in N.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import write_jsonl  # noqa: E402


def worker(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(HERE / "_worker.py"), *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark job {args[0]} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_project(path: Path) -> Path:
    from annotator.services.project import init_project

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    init_project(path).close()
    return path


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def median_of(n: int, fn) -> dict:
    """The median run (by time) of n, with the spread and the highest peak memory seen."""
    runs = sorted((fn() for _ in range(n)), key=lambda r: r["seconds"])
    mid = runs[len(runs) // 2]
    return mid | {
        "min": runs[0]["seconds"],
        "max": runs[-1]["seconds"],
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def bench(n: int, work: Path, repeat: int) -> dict:
    src = write_jsonl(work / f"articles-{n}.jsonl", n)
    db = work / f"bench-{n}.annotator"
    res: dict = {"n": n, "input_mb": round(src.stat().st_size / 2**20, 1)}
    res["floor"] = median_of(repeat, lambda: worker("floor", str(fresh_project(db)), str(src)))
    res["import"] = median_of(repeat, lambda: worker("import", str(fresh_project(db)), str(src)))
    out = work / f"export-{n}.jsonl"
    res["export"] = median_of(repeat, lambda: worker("export", str(db), str(out)))
    res["select"] = median_of(repeat, lambda: worker("select_dumps", str(db), str(work / "select.jsonl")))
    if n <= 5000:
        annot = [sys.executable, "-m", "annotator", "import", "--quiet"]
        bare = [sys.executable, str(HERE / "_worker.py"), "bare_process"]
        res["process_annotator"] = statistics.median(
            wall([*annot, str(fresh_project(db)), str(src)]) for _ in range(repeat)
        )
        res["process_bare"] = statistics.median(
            wall([*bare, str(fresh_project(db)), str(src)]) for _ in range(repeat)
        )
    return res


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        n = r["n"]
        imp, flo, exp, sel = r["import"], r["floor"], r["export"], r["select"]
        lines.append(f"N = {n:,} articles ({r['input_mb']} MB JSONL)")
        lines.append(
            f"  import  {imp['seconds']:7.3f} s   floor (executemany) {flo['seconds']:7.3f} s   "
            f"ratio {imp['seconds'] / flo['seconds']:.2f}x  (target <= 2)   peak {imp['peak_mb']} MB"
        )
        lines.append(
            f"  export  {exp['seconds']:7.3f} s   SELECT+json.dumps  {sel['seconds']:7.3f} s   "
            f"ratio {exp['seconds'] / sel['seconds']:.2f}x  (target <= 2)   peak {exp['peak_mb']} MB"
        )
        if imp["max"] > imp["min"]:
            lines.append(
                f"  spread over runs: import {imp['min']:.3f}–{imp['max']:.3f} s, floor {flo['min']:.3f}–"
                f"{flo['max']:.3f} s, export {exp['min']:.3f}–{exp['max']:.3f} s, "
                f"select {sel['min']:.3f}–{sel['max']:.3f} s (medians above)"
            )
        lines.append(
            f"  per 1,000 articles: import {1000 * imp['seconds'] / n:.3f} s, "
            f"export {1000 * exp['seconds'] / n:.3f} s"
        )
        if "process_annotator" in r:
            a, b = r["process_annotator"], r["process_bare"]
            lines.append(
                f"  whole process: annotator import {a:.3f} s, bare sqlite3 {b:.3f} s, "
                f"ratio {a / b:.2f}x  (target <= 2.5)"
            )
    if len(results) > 1:
        small, big = results[0], results[-1]
        for job in ("import", "export"):
            lines.append(
                f"  peak memory {job}: {small[job]['peak_mb']} MB at {small['n']:,} → "
                f"{big[job]['peak_mb']} MB at {big['n']:,}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,100000", help="comma-separated article counts")
    parser.add_argument(
        "--repeat", type=int, default=7, help="runs per measurement at N <= 5000 (median kept)"
    )
    parser.add_argument("--work", help="folder for generated files (default: a temporary folder)")
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for n in sizes:
            results.append(bench(n, work, args.repeat if n <= 5000 else 1))
            print(report(results[-1:]), flush=True)
        print()
        print(report(results))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
