"""Schema changes on a big project, whole processes: ``annotator schema apply`` (a rename and a merge) and
``annotator schema diff`` against bare ``sqlite3`` processes doing the least the same change needs.

    .venv/bin/python benchmarks/schema_apply.py [--rows 2000000] [--repeat 3] [--also-rows 200000]

The project: ``--rows`` entity rows (100 per document per annotator, two annotators; labels spread over
PER, ORG, ARMED_GROUP, GPE, LOC and FAC; one ATTACK event with two arguments per document and annotator),
written once with ``sqlite3`` into a project made by ``annotator init``. The new schema renames
ARMED_GROUP to MILITANT_GROUP (roles and relations follow) and lacks FAC, merged into LOC.

Each run works on a fresh copy of the project (copied before the timer starts):

* A ``annotator schema apply P NEW --rename ARMED_GROUP=MILITANT_GROUP --merge FAC+LOC=LOC --quiet``: the
  backup copy, the diff and its checks, stamping every row with the version it was made under, the rewrite,
  the duplicate search of the merge, the version record; one transaction;
* B a bare ``python -c`` sqlite3 process: the two ``UPDATE … SET label`` statements and the settings row in
  one transaction (no backup, no checks, no stamping): the floor;
* C ``annotator schema diff P NEW --rename … --merge …`` (read only);
* D a bare process counting labels (``SELECT label, count(*) … GROUP BY label``): the diff's floor.

Runs alternate A B C D; medians of ``--repeat``. Peak resident memory of A (``wait4``'s ``ru_maxrss``) is
printed for ``--rows`` and for ``--also-rows`` (a project ten times smaller): memory is flat when the two
are close.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

LABELS = ("PER", "ORG", "ARMED_GROUP", "GPE", "LOC", "FAC")
PER_SET = 100  # entities per document per annotator
WORDS = "हमला पुलिस जवान आतंकी Delhi Srinagar attack police station गाँव ज़िले में के ने से".split()

FLOOR_APPLY = r"""
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=FULL")
with con:
    con.execute("UPDATE entities SET label = 'MILITANT_GROUP' WHERE label = 'ARMED_GROUP'")
    con.execute("UPDATE entities SET label = 'LOC' WHERE label = 'FAC'")
    con.execute("UPDATE settings SET value = value WHERE key = 'schema'")
"""

FLOOR_DIFF = r"""
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(con.execute("SELECT label, count(*) FROM entities GROUP BY label").fetchall())
"""


def new_schema_text() -> str:
    from dataclasses import replace

    from annotator.schema import default_schema, parse_schema, schema_to_toml

    schema = default_schema()

    def keep(types):
        return tuple(t for t in types if t != "FAC")

    smaller = replace(
        schema,
        entities=tuple(e for e in schema.entities if e.name != "FAC"),
        events=tuple(
            replace(e, roles=tuple(replace(r, types=keep(r.types)) for r in e.roles if keep(r.types)))
            for e in schema.events
        ),
        relations=tuple(
            replace(r, from_types=keep(r.from_types), to_types=keep(r.to_types))
            for r in schema.relations
            if keep(r.from_types) and keep(r.to_types)
        ),
    )
    text = schema_to_toml(smaller).replace('"ARMED_GROUP"', '"MILITANT_GROUP"')
    parse_schema(text)  # valid
    return text


def build(path: Path, rows: int) -> None:
    from annotator.services.project import init_project

    init_project(path).close()
    con = sqlite3.connect(path)
    now = "2026-01-01 00:00:00.000000"
    rng = random.Random(7)
    con.execute("INSERT INTO annotators (name, role, created_at) VALUES ('asha', 'annotator', ?)", (now,))
    con.execute("INSERT INTO annotators (name, role, created_at) VALUES ('ravi', 'annotator', ?)", (now,))
    docs = rows // (2 * PER_SET)
    with con:
        for d in range(1, docs + 1):
            words = [rng.choice(WORDS) for _ in range(120)]
            text = " ".join(words)
            con.execute(
                "INSERT INTO documents (id, external_id, title, text, content_hash, meta, created_at) "
                "VALUES (?, ?, '', ?, ?, '{}', ?)",
                (d, f"d{d}", text, uuid.uuid4().hex + uuid.uuid4().hex, now),
            )
            starts = []
            pos = 0
            for w in words:
                starts.append((pos, pos + len(w)))
                pos += len(w) + 1
            entity_rows, event_rows, argument_rows = [], [], []
            for annotator in (1, 2):
                ids = []
                attacker = None
                for k in range(PER_SET):
                    s, e = starts[k]
                    eid = str(uuid.uuid4())
                    ids.append(eid)
                    label = LABELS[(d + k + (annotator if k % 10 == 1 else 0)) % len(LABELS)]
                    if k == 0:
                        label = "ARMED_GROUP"  # the attacker of the document's event
                    entity_rows.append((eid, d, annotator, s, e, label, "{}", now, now))
                    if attacker is None and label == "ARMED_GROUP":
                        attacker = eid
                ev = str(uuid.uuid4())
                s, e = starts[PER_SET + 1]
                event_rows.append((ev, d, annotator, "ATTACK", s, e, '{"modality": "actual"}', now, now))
                argument_rows.append(
                    (str(uuid.uuid4()), ev, annotator, 0, "Attacker", attacker or ids[0], now, now)
                )
            con.executemany(
                'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                entity_rows,
            )
            con.executemany(
                "INSERT INTO events (id, document_id, annotator_id, type, trigger_start, trigger_end, "
                "attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                event_rows,
            )
            con.executemany(
                "INSERT INTO event_arguments (id, event_id, annotator_id, position, role, entity_id, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                argument_rows,
            )
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def run(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:4]} failed: {err}")
    return wall, usage.ru_maxrss / 1024


def fresh_copy(src: Path, folder: Path) -> Path:
    for old in folder.glob("run*"):
        old.unlink()
    dst = folder / f"run-{uuid.uuid4().hex[:6]}.annotator"
    shutil.copyfile(src, dst)
    return dst


def measure(rows: int, repeat: int, work: Path) -> dict[str, list[float]]:
    project = work / f"p{rows}.annotator"
    if not project.exists():
        t = time.perf_counter()
        build(project, rows)
        print(
            f"built {rows:,} entity rows in {time.perf_counter() - t:.1f} s "
            f"({project.stat().st_size >> 20} MB)"
        )
    new = work / "new.toml"
    new.write_text(new_schema_text(), encoding="utf-8")
    mapping = ["--rename", "ARMED_GROUP=MILITANT_GROUP", "--merge", "FAC+LOC=LOC"]
    annotator = [sys.executable, "-m", "annotator"]
    runs = work / "runs"
    runs.mkdir(exist_ok=True)
    out: dict[str, list[float]] = {k: [] for k in ("apply", "floor", "diff", "count", "apply_mb")}
    for _ in range(repeat):
        copy = fresh_copy(project, runs)
        wall, mb = run([*annotator, "schema", "apply", str(copy), str(new), *mapping, "--quiet"])
        out["apply"].append(wall)
        out["apply_mb"].append(mb)
        for extra in runs.glob("*.bak-*"):
            extra.unlink()
        copy = fresh_copy(project, runs)
        out["floor"].append(run([sys.executable, "-c", FLOOR_APPLY, str(copy)])[0])
        out["diff"].append(run([*annotator, "schema", "diff", str(project), str(new), *mapping])[0])
        out["count"].append(run([sys.executable, "-c", FLOOR_DIFF, str(project)])[0])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--also-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep the projects here between runs")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="schema-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    med = statistics.median
    small = measure(args.also_rows, 1, work) if args.also_rows else None
    big = measure(args.rows, args.repeat, work)
    print(f"{args.rows:,} entity rows, medians of {args.repeat}:")
    print(
        f"  schema apply (rename + merge): {med(big['apply']):.1f} s "
        f"(min {min(big['apply']):.1f}); bare UPDATE floor {med(big['floor']):.1f} s: "
        f"{med(big['apply']) / med(big['floor']):.2f}x; target <= 30 s"
    )
    print(
        f"  schema diff: {med(big['diff']):.2f} s; bare GROUP BY count {med(big['count']):.2f} s: "
        f"{med(big['diff']) / med(big['count']):.2f}x; target <= 5 s"
    )
    print(f"  peak memory of apply: {med(big['apply_mb']):.0f} MB", end="")
    if small:
        print(f" (at {args.also_rows:,} rows: {small['apply_mb'][0]:.0f} MB)")
    else:
        print()
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
