"""Per-document reads on a large project: the first document against the last of 20,000.

    .venv/bin/python benchmarks/per_document.py [--docs 20000] [--repeat 30]

A project of N documents, each finished by two annotators (20 entity spans, two events, a tone and a
targeted sentiment, as in ``benchmarks/agreement.py``), is built once; then, for the first and the last
document, interleaved (first, last, first, last…), the median time of:

* ``read_document`` — the store reader (``annotator.store.reading``), every layer;
* ``open_items`` — opening a document in the adjudication dialog (its items waiting for a person);
* ``decide`` — accepting one item into gold (then the decision is taken back with ``reopen``).

Target (issue 14): each ≤ 1.5× between the first and the last document. Before the readers, the
adjudication calls scanned the project in id order up to the document: 13 ms on the first of 20,000 and
139 ms on the last (10.7×).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from agreement import record  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--project", help="reuse (or build once into) this project file")
    args = parser.parse_args()

    from annotator.services.adjudication import decide, open_items, reopen
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project, open_project
    from annotator.store.reading import read_document

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.project) if args.project else Path(tmp) / "big.annotator"
        if path.exists():
            project = open_project(path)
        else:
            src = Path(tmp) / "labelled.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for i in range(args.docs):
                    fh.write(json.dumps(record(i, 20), ensure_ascii=False) + "\n")
            project = init_project(path)
            t = time.perf_counter()
            report = import_paths(project, [src])
            assert report.ok, report.errors[:3]
            print(f"built {args.docs:,} documents in {time.perf_counter() - t:.0f} s")
        with project.engine.connect() as conn:
            first, last = conn.exec_driver_sql("SELECT min(id), max(id) FROM documents").one()

        def read(doc_id: int) -> None:
            with project.engine.connect() as conn:
                assert read_document(conn, doc_id) is not None

        def items(doc_id: int) -> None:
            open_items(project, doc_id)

        def decision(doc_id: int) -> None:
            item = open_items(project, doc_id, policy="min:3")[
                0
            ]  # with two annotators nothing passes: all open
            decide(project, doc_id, item.key, accept_from=None, adjudicator="bench")
            reopen(project, doc_id, item.key)

        print(f"{args.docs:,} documents × 2 annotators; median of {args.repeat}, first and last interleaved")
        ratios = {}
        for name, call in (("read_document", read), ("open_items", items), ("decide + reopen", decision)):
            times: dict[int, list[float]] = {first: [], last: []}
            for _ in range(args.repeat):
                for doc_id in (first, last):
                    t = time.perf_counter()
                    call(doc_id)
                    times[doc_id].append(time.perf_counter() - t)
            a, b = statistics.median(times[first]), statistics.median(times[last])
            ratios[name] = b / a
            print(
                f"  {name:<16} first {a * 1000:7.2f} ms   last {b * 1000:7.2f} ms   last/first {b / a:5.2f}×"
            )
        project.close()
    worst = max(ratios.values())
    print(f"worst last/first {worst:.2f}× (target ≤ 1.5×): {'met' if worst <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
