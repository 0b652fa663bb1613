"""Dataset export benchmark: 100,000 documents with 2,000,000 entity spans, exported to each training format.

    .venv/bin/python benchmarks/datasets.py [--docs 100000 --docs 10000] [--spans 20] [--formats conll,hf]

Builds a project of synthetic ~1,500-character Hindi/English articles (benchmarks/synth.py) with ``spans``
entity spans per document on word boundaries, labelled by one annotator who finished every document, then
exports each format (split 80/10/10) in a process of its own and reports its time and peak memory. Run with
two sizes to see that memory stays flat in the number of documents (streaming).

``--peer`` also times, as whole processes interleaved (ours, peer, ours, peer…; medians of ``--rounds``),
``annotator export --format conll`` against the loop a user could write with spaCy instead: read the same
documents and spans with sqlite3, tokenize with ``spacy.blank("hi")``, tag with
``spacy.training.offsets_to_biluo_tags`` (turned into BIO), write ``token<TAB>tag`` lines. The peer writes
no splits, no card and no checks: it is a floor, not an equal.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

LABELS = ("PER", "ORG", "GPE", "LOC", "ARMED_GROUP", "NUM", "DATE")


def build(path: Path, n: int, spans: int) -> None:
    from sqlalchemy import insert, select
    from synth import write_jsonl

    from annotator.services.importing import import_paths
    from annotator.services.project import init_project
    from annotator.store.models import Annotator, Document, Entity, WorkItem, utcnow

    src = write_jsonl(path.parent / f"articles-{n}.jsonl", n)
    project = init_project(path)
    import_paths(project, [src])
    now = utcnow()
    with project.engine.begin() as conn:
        aid = conn.execute(
            insert(Annotator).values(name="bench", role="annotator", created_at=now).returning(Annotator.id)
        ).scalar_one()
        for rows in _chunks(
            conn.execute(select(Document.id, Document.text).order_by(Document.id)).all(), 2000
        ):
            entities, work = [], []
            for doc_id, text in rows:
                words = [m.span() for m in re.finditer(r"\S+", text)]
                step = max(1, len(words) // spans)
                for k, i in enumerate(range(0, step * spans, step)):
                    start, end = words[min(i, len(words) - 1)]
                    entities.append(
                        {
                            "id": str(uuid.uuid4()),
                            "document_id": doc_id,
                            "annotator_id": aid,
                            "start": start,
                            "end": end,
                            "label": LABELS[k % len(LABELS)],
                            "attributes": {},
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                work.append(
                    {
                        "id": str(uuid.uuid4()),
                        "document_id": doc_id,
                        "annotator_id": aid,
                        "status": "done",
                        "updated_at": now,
                    }
                )
            conn.execute(insert(Entity), entities)
            conn.execute(insert(WorkItem), work)
    project.close()


def _chunks(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def job(project: str, fmt: str, out: str) -> None:
    """In a process of its own: one export; prints {"seconds", "peak_mb", "documents", "spans"}."""
    import resource

    from annotator.services.datasets import export_dataset
    from annotator.services.project import open_project

    with open_project(project) as p:
        t = time.perf_counter()
        report = export_dataset(p, fmt, out, annotation_set="bench", split=(80, 10, 10), seed=1)
        seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    spans = sum(report.labels.values())
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": peak, "documents": sum(report.documents.values()), "spans": spans}
        )
    )


def peer(project: str, out: str) -> None:
    """In a process of its own: the spaCy loop (see the module doc)."""
    import sqlite3

    import spacy
    from spacy.training import offsets_to_biluo_tags

    nlp = spacy.blank("hi")
    db = sqlite3.connect(project)
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for doc_id, start, end, label in db.execute('SELECT document_id, start, "end", label FROM entities'):
        spans.setdefault(doc_id, []).append((start, end, label))
    with open(out, "w", encoding="utf-8") as fh:
        for doc_id, text in db.execute("SELECT id, text FROM documents ORDER BY id"):
            doc = nlp.make_doc(text)
            tags = offsets_to_biluo_tags(doc, spans.get(doc_id, []))
            for token, tag in zip(doc, tags, strict=True):
                if not token.is_space:
                    bio = "O" if tag in ("O", "-") else ("B-" if tag[0] in "BU" else "I-") + tag[2:]
                    fh.write(f"{token.text}\t{bio}\n")
            fh.write("\n")


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--peer-job":
        peer(*sys.argv[2:4])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--job":
        job(*sys.argv[2:5])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, action="append", help="documents (repeat for several sizes)")
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--formats", default="conll,hf,spacy,csv")
    parser.add_argument("--peer", action="store_true", help="also time the whole CLI against a spaCy loop")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sizes = args.docs or [100_000]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in sizes:
            project = work / f"bench-{n}.annotator"
            t = time.perf_counter()
            # built in a process of its own: on Linux a child's peak RSS starts from its parent's at fork,
            # so a parent grown by building would inflate every measured export
            subprocess.run(
                [sys.executable, __file__, "--build", str(project), str(n), str(args.spans)], check=True
            )
            print(f"{n:,} documents × {args.spans} spans: project built in {time.perf_counter() - t:.0f} s")
            for fmt in args.formats.split(","):
                out = subprocess.run(
                    [sys.executable, __file__, "--job", str(project), fmt, str(work / f"{fmt}-{n}")],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                r = json.loads(out.strip().splitlines()[-1])
                rate = r["documents"] / r["seconds"]
                print(
                    f"  {fmt:<6} {r['seconds']:7.1f} s  {rate:8,.0f} docs/s  peak {r['peak_mb']:5.0f} MB  "
                    f"({r['documents']:,} documents, {r['spans']:,} spans)"
                )
            if args.peer:
                import statistics

                cli = str(Path(sys.executable).with_name("annotator"))
                ours, theirs = [], []
                for k in range(args.rounds):
                    target = work / f"cli-{n}-{k}"
                    ours.append(
                        _wall(
                            [
                                cli,
                                "export",
                                str(project),
                                "--format",
                                "conll",
                                "--set",
                                "bench",
                                "--out",
                                str(target),
                            ]
                        )
                    )
                    theirs.append(
                        _wall(
                            [sys.executable, __file__, "--peer-job", str(project), str(work / "peer.conll")]
                        )
                    )
                a, b = statistics.median(ours), statistics.median(theirs)
                print(
                    f"  whole process, conll: annotator export {a:.2f} s, spaCy loop {b:.2f} s: {a / b:.2f}× "
                    f"(medians of {args.rounds}, interleaved; fastest runs {min(ours):.2f} s and "
                    f"{min(theirs):.2f} s: {min(ours) / min(theirs):.2f}×)"
                )


if __name__ == "__main__":
    main()
