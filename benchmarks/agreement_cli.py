"""Tone agreement as a whole process: `annotator agreement --layer tone` against a bare Python process.

    .venv/bin/pip install -e '.[bench]'          # krippendorff, the peer's alpha
    .venv/bin/python benchmarks/agreement_cli.py [--docs 5000] [--rounds 7] [--project P]

A project of N documents, each finished by two annotators with a tone (and 20 spans, two events and a
targeted sentiment that a tone-only question must not pay for; see ``benchmarks/agreement.py``), is built
once. Then, interleaved (ours, peer, ours, peer…), the wall time of:

* ``annotator agreement PROJECT --layer tone --json`` — the whole CLI process;
* the peer — a bare ``python`` process that reads the same ratings with ``sqlite3`` and computes
  Krippendorff's alpha (interval) with the ``krippendorff`` package.

Both print alpha; the values must agree to 1e-12. Target (issue 15): ours ≤ 2× the peer.
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

PEER = """
import sqlite3, sys
import krippendorff
db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "SELECT l.document_id, a.name, l.value FROM document_labels l "
    "JOIN annotators a ON a.id = l.annotator_id "
    "JOIN work_items w ON w.document_id = l.document_id AND w.annotator_id = l.annotator_id "
    "WHERE l.name = 'tone' AND w.status = 'done' AND a.name != 'gold'"
).fetchall()
done = db.execute(
    "SELECT w.document_id, a.name FROM work_items w JOIN annotators a ON a.id = w.annotator_id "
    "WHERE w.status = 'done' AND a.name != 'gold'"
).fetchall()
coders = sorted({name for _d, name in done})
per_doc = {}
for doc, name in done:
    per_doc.setdefault(doc, set()).add(name)
docs = sorted(d for d, names in per_doc.items() if len(names) >= 2)
value = {(d, n): v for d, n, v in rows}
data = [[value.get((d, c), float("nan")) for d in docs] for c in coders]
print(repr(float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))))
"""


def wall(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--project", help="reuse (or build once into) this project file")
    args = parser.parse_args()
    try:
        import krippendorff  # noqa: F401
    except ImportError:
        raise SystemExit("the peer needs krippendorff: .venv/bin/pip install -e '.[bench]'") from None

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.project) if args.project else Path(tmp) / "tone.annotator"
        if not path.exists():
            from agreement import record

            from annotator.services.importing import import_paths
            from annotator.services.project import init_project

            src = Path(tmp) / "labelled.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for i in range(args.docs):
                    fh.write(json.dumps(record(i, 20), ensure_ascii=False) + "\n")
            with init_project(path) as project:
                assert import_paths(project, [src]).ok
        cli = str(Path(sys.executable).with_name("annotator"))
        ours_cmd = [cli, "agreement", str(path), "--layer", "tone", "--json"]
        peer_cmd = [sys.executable, "-c", PEER, str(path)]
        wall(ours_cmd), wall(peer_cmd)  # warm the page cache
        ours, theirs = [], []
        for _ in range(args.rounds):
            t, out = wall(ours_cmd)
            ours.append(t)
            ours_alpha = json.loads(out)["tone"]["krippendorff_alpha"]["interval"]["value"]
            t, out = wall(peer_cmd)
            theirs.append(t)
            peer_alpha = float(out)
        a, b = statistics.median(ours), statistics.median(theirs)
        fastest = min(ours) / min(theirs)
        same = abs(ours_alpha - peer_alpha) <= 1e-12
        print(
            f"tone agreement, {args.docs:,} documents × 2 annotators, whole processes, "
            f"medians of {args.rounds}:"
        )
        print(f"  annotator agreement --layer tone   {a * 1000:7.0f} ms   alpha {ours_alpha!r}")
        print(f"  sqlite3 + krippendorff.alpha       {b * 1000:7.0f} ms   alpha {peer_alpha!r}")
        print(
            f"  ratio {a / b:.2f}× of the medians, {fastest:.2f}× of the fastest runs (target ≤ 2×); "
            f"alphas {'agree' if same else 'DIFFER'} to 1e-12"
        )


if __name__ == "__main__":
    main()
