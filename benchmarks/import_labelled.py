"""Labelled import, whole process: ``annotator import`` of native JSONL with 20 entity spans per document
against a bare Python process that parses the same file, NFC-normalizes, hashes (SHA-256) and inserts the
rows with ``sqlite3`` ``executemany`` into the same tables of a fresh project.

    .venv/bin/python benchmarks/import_labelled.py [--docs 5000] [--spans 20] [--annotators 1] [--repeat 7]

The file: ``benchmarks/agreement.py``'s ``record()`` documents (~1,500-character Hindi/English articles),
each with ``--annotators`` annotation blocks (default one: 5,000 × 20 = 100,000 spans) holding the spans,
two events with two arguments each, a tone and a targeted sentiment.

Three commands, each on a fresh copy of one empty project, run in turn (A B C A B C …; wall time of the
whole process, interpreter start-up included); medians of ``--repeat`` runs, and the ratio A/B taken pair
by pair (its median is printed):

* A ``annotator import --quiet``: reads, checks every span (offsets on whole grapheme clusters, labels and
  attributes against the schema, ids), de-duplicates and stores.
* B a bare process storing every row the import stores (documents, work items, spans, events, their
  arguments, tone, sentiment), with none of the checks: the floor.
* C the same bare process storing only the documents and the spans.

Both bare processes use the project's own pragmas (WAL, ``synchronous=FULL``, foreign keys) and commit every
1,000 documents, as the import commits about once a second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

#: The bare process (argv: project file, JSONL file, "all" or "spans").
BARE = r"""
import hashlib, json, sqlite3, sys, unicodedata, uuid

db, src, which = sys.argv[1], sys.argv[2], sys.argv[3]
con = sqlite3.connect(db)
for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"):
    con.execute(pragma)
now = "2025-01-01 00:00:00.000000"
annotators = {}

def annotator(name):
    if name not in annotators:
        annotators[name] = con.execute(
            "INSERT INTO annotators (name, created_at) VALUES (?, ?) RETURNING id", (name, now)
        ).fetchone()[0]
    return annotators[name]

SQL = {
    "documents": "INSERT INTO documents (external_id, title, text, content_hash, meta, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    "work_items": "INSERT INTO work_items (id, document_id, annotator_id, status, flagged, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
    "entities": 'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "events": "INSERT INTO events (id, document_id, annotator_id, type, trigger_start, trigger_end, "
    "attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "event_arguments": "INSERT INTO event_arguments (id, event_id, annotator_id, position, role, entity_id, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "document_labels": "INSERT INTO document_labels (id, document_id, annotator_id, name, value, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "targeted_sentiments": "INSERT INTO targeted_sentiments (id, document_id, annotator_id, entity_id, "
    "polarity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
}

def flush(docs, blocks):
    con.executemany(SQL["documents"], docs)
    ids = {}
    hashes = [d[3] for d in docs]
    for i in range(0, len(hashes), 500):
        chunk = hashes[i : i + 500]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT content_hash, id FROM documents WHERE content_hash IN ({marks})"
        ids.update(con.execute(query, chunk))
    rows = {table: [] for table in SQL}
    for digest, block in blocks:
        doc, aid = ids[digest], annotator(block["annotator"])
        given = {}
        for e in block.get("entities") or ():
            given[e["id"]] = key = str(uuid.uuid4())
            rows["entities"].append((key, doc, aid, e["start"], e["end"], e["label"], "{}", now, now))
        if which == "spans":
            continue
        rows["work_items"].append((str(uuid.uuid4()), doc, aid, block.get("status", "done"), now, now))
        for ev in block.get("events") or ():
            event = str(uuid.uuid4())
            trigger = ev["trigger"]
            attributes = json.dumps(ev.get("attributes") or {}, ensure_ascii=False, separators=(",", ":"))
            rows["events"].append(
                (event, doc, aid, ev["type"], trigger["start"], trigger["end"], attributes, now, now)
            )
            for pos, arg in enumerate(ev.get("arguments") or ()):
                rows["event_arguments"].append(
                    (str(uuid.uuid4()), event, aid, pos, arg["role"], given[arg["entity"]], now, now)
                )
        for name, value in (block.get("document") or {}).items():
            rows["document_labels"].append((str(uuid.uuid4()), doc, aid, name, value, now, now))
        for s in block.get("sentiment") or ():
            target = given[s["target"]]
            rows["targeted_sentiments"].append((str(uuid.uuid4()), doc, aid, target, s["polarity"], now, now))
    for table in SQL:
        if table != "documents" and rows[table]:
            con.executemany(SQL[table], rows[table])
    con.commit()

docs, blocks = [], []
with open(src, encoding="utf-8") as fh:
    for line in fh:
        obj = json.loads(line)
        text = unicodedata.normalize("NFC", obj["text"].replace("\r\n", "\n"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        meta = {k: obj[k] for k in ("source", "published", "lang") if k in obj}
        meta_text = json.dumps(meta, ensure_ascii=False)
        docs.append((obj["id"], obj.get("title", ""), text, digest, meta_text, now))
        blocks.extend((digest, block) for block in obj.get("annotations") or ())
        if len(docs) >= 1000:
            flush(docs, blocks)
            docs, blocks = [], []
if docs:
    flush(docs, blocks)
con.close()
"""


def write_file(path: Path, docs: int, spans: int, annotators: int) -> None:
    from agreement import record

    with path.open("w", encoding="utf-8") as fh:
        for i in range(docs):
            rec = record(i, spans)
            rec["annotations"] = rec["annotations"][:annotators]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def counts(db: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "documents",
                "work_items",
                "entities",
                "events",
                "event_arguments",
                "document_labels",
                "targeted_sentiments",
            )
        }
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--annotators", type=int, default=1, choices=(1, 2))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--also",
        metavar="DIR",
        help="also time the import of another copy of the project's code (e.g. `git archive` of an older "
        "commit unpacked in DIR), run with DIR first on PYTHONPATH",
    )
    args = parser.parse_args()

    from annotator.services.project import init_project

    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        work = Path(tmp)
        src = work / "labelled.jsonl"
        write_file(src, args.docs, args.spans, args.annotators)
        template = work / "empty.annotator"
        init_project(template).close()
        commands = {
            "annotator import": [sys.executable, "-m", "annotator", "import", "--quiet", "{db}", str(src)],
            "bare, every row": [sys.executable, "-c", BARE, "{db}", str(src), "all"],
            "bare, documents and spans": [sys.executable, "-c", BARE, "{db}", str(src), "spans"],
        }
        env: dict[str, dict[str, str] | None] = {name: None for name in commands}
        if args.also:
            name = f"annotator import ({args.also})"
            commands[name] = commands["annotator import"]
            env[name] = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join([args.also, os.environ.get("PYTHONPATH", "")]),
            }
        times: dict[str, list[float]] = {name: [] for name in commands}
        stored: dict[str, dict[str, int]] = {}
        for run in range(args.repeat + 1):  # the first round warms the disk cache and is not counted
            for name, command in commands.items():
                db = work / f"run-{run}.annotator"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(template, db)
                t = time.perf_counter()
                argv = [part.replace("{db}", str(db)) for part in command]
                cwd = args.also if env[name] is not None else HERE.parent  # `-m` looks in the folder first
                done = subprocess.run(
                    argv, capture_output=True, text=True, env=env[name], cwd=cwd, check=False
                )
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
                if run:
                    times[name].append(time.perf_counter() - t)
                else:
                    stored[name] = counts(db)
        size = src.stat().st_size / 2**20

    a, b, c = (times[name] for name in list(commands)[:3])
    spans = stored["annotator import"]["entities"]
    print(
        f"{args.docs:,} documents × {args.annotators} annotator(s) × {args.spans} spans ({spans:,} spans, "
        f"{size:.1f} MB JSONL), whole processes, medians of {args.repeat} interleaved runs"
    )
    for name in commands:
        runs = times[name]
        print(f"  {name:28s} {statistics.median(runs):6.2f} s  (min {min(runs):.2f}, max {max(runs):.2f})")
    for name, base in (("every row", b), ("documents and spans", c)):
        ratios = [x / y for x, y in zip(a, base, strict=True)]
        print(f"  ratio annotator / bare ({name}): {statistics.median(ratios):.2f}x  (target <= 2.5)")
        if args.also:
            other = times[list(commands)[3]]
            ratios = [x / y for x, y in zip(other, base, strict=True)]
            print(f"    the same for {args.also}: {statistics.median(ratios):.2f}x")
    for name, tables in stored.items():
        print(f"  rows stored by {name}: " + ", ".join(f"{t} {n:,}" for t, n in tables.items()))


if __name__ == "__main__":
    main()
