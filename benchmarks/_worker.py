"""One measured job per process, so peak memory (ru_maxrss) belongs to that job alone.

Usage: python benchmarks/_worker.py JOB ARGS...  → prints one JSON line {"seconds": …, "peak_mb": …}
"""

from __future__ import annotations

import hashlib
import json
import resource
import sqlite3
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON")
INSERT = (
    "INSERT INTO documents (external_id, title, text, content_hash, meta, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_rows(src: Path):
    """Parse, NFC, hash: what any importer must do, written plainly."""
    now = "2025-01-01 00:00:00.000000"
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            text = unicodedata.normalize("NFC", obj["text"].replace("\r\n", "\n"))
            meta = {k: obj[k] for k in ("source", "published", "lang") if k in obj}
            yield (
                obj["id"],
                obj.get("title", ""),
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                json.dumps(meta, ensure_ascii=False),
                now,
            )


def job_floor(db: str, src: str) -> dict:
    """The raw floor: executemany of already-normalized rows (prepared before the clock starts)."""
    rows = list(naive_rows(Path(src)))
    con = sqlite3.connect(db)
    for p in PRAGMAS:
        con.execute(p)
    t = time.perf_counter()
    con.executemany(INSERT, rows)
    con.commit()
    seconds = time.perf_counter() - t
    con.close()
    return {"seconds": seconds, "rows": len(rows)}


def job_bare_process(db: str, src: str) -> dict:
    """A whole bare-sqlite3 process doing parse, NFC, hash and insert, streaming in batches."""
    con = sqlite3.connect(db)
    for p in PRAGMAS:
        con.execute(p)
    batch = []
    for row in naive_rows(Path(src)):
        batch.append(row)
        if len(batch) >= 1000:
            con.executemany(INSERT, batch)
            con.commit()
            batch.clear()
    con.executemany(INSERT, batch)
    con.commit()
    con.close()
    return {}


def job_import(db: str, src: str) -> dict:
    from annotator.services.importing import import_paths
    from annotator.services.project import open_project

    with open_project(db) as project:
        t = time.perf_counter()
        report = import_paths(project, [src])
        seconds = time.perf_counter() - t
    assert report.ok and report.documents_added > 0, report.summary()
    return {"seconds": seconds, "rows": report.documents_added}


def job_export(db: str, out: str) -> dict:
    from annotator.services.exporting import export_jsonl
    from annotator.services.project import open_project

    with open_project(db) as project:
        t = time.perf_counter()
        report = export_jsonl(project, out)
        seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": report.documents}


def job_select_dumps(db: str, out: str) -> dict:
    """The export floor: a plain SELECT and json.dumps loop writing one line per document."""
    con = sqlite3.connect(db)
    t = time.perf_counter()
    with open(out, "w", encoding="utf-8") as fh:
        for ext_id, title, text, meta in con.execute(
            "SELECT external_id, title, text, meta FROM documents ORDER BY id"
        ):
            fh.write(
                json.dumps(
                    {"id": ext_id, "title": title, "text": text, "meta": json.loads(meta)}, ensure_ascii=False
                )
            )
            fh.write("\n")
    seconds = time.perf_counter() - t
    con.close()
    return {"seconds": seconds}


if __name__ == "__main__":
    job = globals()[f"job_{sys.argv[1]}"]
    result = job(*sys.argv[2:])
    result["peak_mb"] = round(peak_mb(), 1)
    print(json.dumps(result))
