"""Incident candidates at scale: ``services.incidents.candidates`` for an event of a project with
``--docs`` documents (each with one ATTACK and its Place) and ``--incidents`` incidents of its annotator
spread over two years, against the floor of the same indexed lookup as one bare ``sqlite3`` query (the
incidents whose dates meet the event's window, or whose place is the event's).

    .venv/bin/python benchmarks/incidents.py [--docs 100000] [--incidents 30000] [--queries 200]

Prints the median and 95th percentile of the candidates call (facts of the event, the indexed look-up,
scoring with reasons) and of the floor, measured alternately in one process, and their ratio. Target
(issue 17): candidates in <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PLACES = [
    ("पहलगाम", "Pahalgam"),
    ("श्रीनगर", "Srinagar"),
    ("दंतेवाड़ा", "Dantewada"),
    ("बीजापुर", "Bijapur"),
    ("कुपवाड़ा", "Kupwara"),
    ("सुकमा", "Sukma"),
    ("पुंछ", "Poonch"),
    ("राजौरी", "Rajouri"),
]
FLOOR = (
    "SELECT * FROM incidents WHERE annotator_id = ? AND date_start BETWEEN ? AND ? AND "
    "coalesce(date_end, date_start) >= ? UNION ALL "
    "SELECT * FROM incidents WHERE annotator_id = ? AND place_key IN (?) AND date_start IS NULL"
)


def build(path: Path, docs: int, incidents: int) -> None:
    from annotator.services.incidents import place_key
    from annotator.services.project import init_project

    init_project(path).close()
    con = sqlite3.connect(path)
    now = "2026-01-01 00:00:00.000000"
    rng = random.Random(11)
    con.execute("INSERT INTO annotators (name, role, created_at) VALUES ('asha', 'annotator', ?)", (now,))
    first = date(2024, 1, 1)
    keys = {hi: place_key(hi) for hi, _en in PLACES}
    with con:
        doc_rows, ent_rows, ev_rows, arg_rows = [], [], [], []
        for d in range(1, docs + 1):
            hi, en = rng.choice(PLACES)
            name = hi if d % 2 else en
            text = f"{name} में हमला हुआ।" if d % 2 else f"An attack in {name}."
            day = (first + timedelta(days=rng.randrange(730))).isoformat()
            meta = json.dumps({"published": day})
            doc_rows.append((d, f"d{d}", text, uuid.uuid4().hex * 2, meta, now))
            eid, vid = str(uuid.uuid4()), str(uuid.uuid4())
            p = text.index(name)
            t = text.index("हमला") if d % 2 else text.index("attack")
            ent_rows.append((eid, d, p, p + len(name), "GPE", now, now))
            ev_rows.append((vid, d, "ATTACK", t, t + (4 if d % 2 else 6), now, now))
            arg_rows.append((str(uuid.uuid4()), vid, "Place", eid, now, now))
        con.executemany(
            "INSERT INTO documents (id, external_id, title, text, content_hash, meta, created_at) "
            "VALUES (?, ?, '', ?, ?, ?, ?)",
            doc_rows,
        )
        con.executemany(
            'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
            "created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, '{}', ?, ?)",
            ent_rows,
        )
        con.executemany(
            "INSERT INTO events (id, document_id, annotator_id, type, trigger_start, trigger_end, "
            "attributes, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, '{}', ?, ?)",
            ev_rows,
        )
        con.executemany(
            "INSERT INTO event_arguments (id, event_id, annotator_id, position, role, entity_id, "
            "created_at, updated_at) VALUES (?, ?, 1, 0, ?, ?, ?, ?)",
            arg_rows,
        )
        inc_rows = []
        for _ in range(incidents):
            hi, _en = rng.choice(PLACES)
            day = first + timedelta(days=rng.randrange(730))
            end = day + timedelta(days=rng.randrange(3))
            inc_rows.append(
                (str(uuid.uuid4()), "ATTACK", day.isoformat(), end.isoformat(), hi, keys[hi], now, now)
            )
        con.executemany(
            "INSERT INTO incidents (id, annotator_id, type, date_start, date_end, place_name, place_key, "
            "actors, figure_rule, figures, notes, created_at, updated_at) "
            "VALUES (?, 1, ?, ?, ?, ?, ?, '[]', 'latest', '{}', '', ?, ?)",
            inc_rows,
        )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=30_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    from annotator.services.incidents import candidates, event_facts
    from annotator.services.project import open_project

    work = Path(tempfile.mkdtemp(prefix="incidents-bench-"))
    path = work / "p.annotator"
    t = time.perf_counter()
    build(path, args.docs, args.incidents)
    print(
        f"built {args.docs:,} documents and {args.incidents:,} incidents in {time.perf_counter() - t:.1f} s"
    )
    rng = random.Random(5)
    project = open_project(path)
    with project.engine.connect() as conn:
        from sqlalchemy import select

        from annotator.store.models import Event

        events = list(conn.scalars(select(Event.id)))
    picked = rng.sample(events, args.queries)
    floor_con = sqlite3.connect(path)
    ours, floor, found = [], [], []
    for event_id in picked:
        t = time.perf_counter()
        result = candidates(project, event_id)
        ours.append(time.perf_counter() - t)
        found.append(len(result))
        with project.engine.connect() as conn:
            facts = event_facts(conn, [event_id])[event_id]
        assert facts.published is not None
        day = date.fromisoformat(facts.published)
        low, high = (day - timedelta(days=3)).isoformat(), (day + timedelta(days=3)).isoformat()
        t = time.perf_counter()
        earliest = (day - timedelta(days=93)).isoformat()
        floor_con.execute(FLOOR, (1, earliest, high, low, 1, facts.places[0].key)).fetchall()
        floor.append(time.perf_counter() - t)
    project.close()

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    med = statistics.median
    print(
        f"candidates: median {med(ours) * 1000:.1f} ms, p95 {p95(ours) * 1000:.1f} ms "
        f"({statistics.mean(found):.1f} proposed on average; target <= 50 ms)"
    )
    print(
        f"floor (the same indexed look-up, bare sqlite3): median {med(floor) * 1000:.1f} ms, "
        f"p95 {p95(floor) * 1000:.1f} ms; ratio of medians {med(ours) / med(floor):.1f}x"
    )


if __name__ == "__main__":
    main()
