"""Knowledge-base benchmark (issue 19): type-ahead and the suggestion matcher on a large base.

    .venv/bin/python benchmarks/kb.py                      # 200,000 entries
    .venv/bin/python benchmarks/kb.py --entries 20000 --peer-build

A fresh project gets a base of ``--entries`` synthetic entries (plus the 521 built-in ones), each with a
Latin name and a Devanagari alias, one in ten also an acronym alias: made-up words, so every prefix is
shared by many entries as in a real gazetteer. Imported with ``services.kb.import_records`` (the import's
time is reported: it computes each entry's matcher keys once). Then measured, in this one process:

* keys    — the type-ahead's keys are rows of ``kb_keys`` (an index on the key, SQLite sorting): the
            whole base keyed (``--rekey``, or a base without keys), the rows and the file's size; then a
            change (a new entry) and the time until it is found (the first search after it keys it);
* search  — ``services.kb.search`` over prefixes typed in Latin and Devanagari, acronyms and whole names,
            interleaved A B A B with the floor: the same prefix looked up by a bare sqlite3 range query on
            the indexed ``kb_aliases.key`` column (``key >= ? AND key < ?`` LIMIT 20, connection open,
            statement cached) — what finding the rows costs at the least, without ranking, romanized or
            phonetic keys or word starts. Target: ≤ 30 ms a search (median and 95th percentile shown);
* matcher — ``services.kb.matcher``: the suggestion gazetteer built from the entries' stored keys (time and
            memory), then again (the in-process cache: the base unchanged); target ≤ 5 s; with
            ``--peer-build``, against building ``Gazetteer(entries)`` from the same spellings as the
            built-in gazetteer is built (transliterating every spelling), the way the base would be built
            without stored keys;
* process — the peak resident size of the process (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from annotator.formats.kb import KbRecord  # noqa: E402
from annotator.services import kb  # noqa: E402
from annotator.services.project import init_project  # noqa: E402
from annotator.services.team import add_annotator, list_annotators  # noqa: E402

CONSONANTS = [("k", "क"), ("g", "ग"), ("ch", "च"), ("j", "ज"), ("t", "त"), ("d", "द"), ("n", "न"), ("p", "प")]
CONSONANTS += [("b", "ब"), ("m", "म"), ("r", "र"), ("l", "ल"), ("v", "व"), ("s", "स"), ("h", "ह")]
VOWELS = [("a", ""), ("i", "ि"), ("u", "ु"), ("e", "े"), ("o", "ो"), ("aa", "ा")]
LABELS = ("GPE", "PER", "ORG", "ARMED_GROUP", "LOC")
SUFFIXES = ("", " Nagar", " Front", " Brigade", "pur", "")


def word(n: int, syllables: int) -> tuple[str, str]:
    """A made-up word (Latin, Devanagari) from the number ``n``: distinct numbers give distinct words."""
    latin, deva = [], []
    for _ in range(syllables):
        n, c = divmod(n, len(CONSONANTS))
        n, v = divmod(n, len(VOWELS))
        latin.append(CONSONANTS[c][0] + VOWELS[v][0])
        deva.append(CONSONANTS[c][1] + VOWELS[v][1])
    return "".join(latin).capitalize(), "".join(deva)


def records(n: int) -> list[KbRecord]:
    out = []
    for i in range(n):
        latin, deva = word(i * 7919 % (15 * 6) ** 4 + i, 4)  # spread over the syllable space
        suffix = SUFFIXES[i % len(SUFFIXES)]
        name = latin + suffix
        aliases = [
            deva + {" Nagar": " नगर", " Front": " फ्रंट", " Brigade": " ब्रिगेड", "pur": "पुर"}.get(suffix, "")
        ]
        if i % 10 == 0:
            aliases.append("".join(w[0] for w in (latin, suffix.strip() or "X", "F")).upper())
        out.append(
            KbRecord(f"Q{1_000_000 + i}", name, LABELS[i % len(LABELS)], tuple(aliases), origin=f"#{i}")
        )
    return out


def queries(recs: list[KbRecord]) -> list[str]:
    picks = [recs[i] for i in range(0, len(recs), max(1, len(recs) // 40))][:40]
    out = []
    for r in picks:
        out += [r.name[:2], r.name[:4], r.name, r.aliases[0][:2], r.aliases[0][:3], r.aliases[0]]
    out += ["LET", "Let", "jem", "pahalgam", "पहलगाम", "srinagar", "कश्मीर", "ka", "क"]
    return out


def floor_query(con: sqlite3.Connection, q: str) -> list:
    key = kb.alias_key(q)
    upper = key[:-1] + chr(ord(key[-1]) + 1) if key else "\uffff"
    return con.execute(
        "SELECT entry_id FROM kb_aliases WHERE key >= ? AND key < ? AND deleted_at IS NULL LIMIT 20",
        (key, upper),
    ).fetchall()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5, help="times each query is timed (A B pairs)")
    parser.add_argument(
        "--peer-build", action="store_true", help="also build Gazetteer(entries) the slow way"
    )
    parser.add_argument("--reuse", metavar="FILE", help="a project an earlier run built (no import again)")
    parser.add_argument("--rekey", action="store_true", help="key the whole base again (timed)")
    args = parser.parse_args()

    recs = records(args.entries)
    imported = None
    if args.reuse:
        from annotator.services.project import open_project

        path = Path(args.reuse)
        project = open_project(path)
    else:
        path = Path(tempfile.mkdtemp(prefix="kb-bench-")) / "kb.annotator"
        print(f"project: {path} (--reuse it to skip the import)")
        project = init_project(path)
        add_annotator(project, "lead", "lead")
        t = time.perf_counter()
        report = kb.import_records(project, recs, by="lead")
        imported = time.perf_counter() - t
        assert report.ok, report.errors[:3]
    with project.engine.connect() as conn:
        from sqlalchemy import func, select

        from annotator.store.models import KbAlias, KbEntry

        n_entries = conn.scalar(select(func.count()).select_from(KbEntry))
        n_aliases = conn.scalar(select(func.count()).select_from(KbAlias))
    print(f"base: {n_entries:,} entries, {n_aliases:,} spellings (Latin and Devanagari)")
    if imported is not None:
        print(f"  imported in {imported:.1f} s (each entry's matcher keys computed once, on import)")

    from sqlalchemy import delete

    from annotator.store.models import KbKey

    with project.engine.connect() as conn:
        n_keys = conn.scalar(select(func.count()).select_from(KbKey))
    if args.rekey or not n_keys:  # as after the upgrade to revision 0015: every alias keyed, in chunks
        with project.engine.begin() as conn:
            conn.execute(delete(KbKey))
        t, cpu = time.perf_counter(), time.process_time()
        kb.sync_keys(project)
        print(
            f"keys: the whole base keyed in {time.perf_counter() - t:.1f} s (CPU "
            f"{time.process_time() - cpu:.1f} s), as an import or the first search after the upgrade does"
        )
    t, cpu = time.perf_counter(), time.process_time()
    kb.search(project, "ka")
    first, first_cpu = time.perf_counter() - t, time.process_time() - cpu
    with project.engine.connect() as conn:
        n_keys = conn.scalar(select(func.count()).select_from(KbKey))
    print(
        f"keys: {n_keys:,} rows in kb_keys (database file {path.stat().st_size / 2**20:.0f} MiB); first "
        f"search of this process {first * 1000:.0f} ms (CPU {first_cpu * 1000:.0f} ms)"
    )
    if not any(a.name == "lead" for a in list_annotators(project)):
        add_annotator(project, "lead", "lead")
    changes: list[tuple[float, float]] = []
    for n in range(3):  # a change, then the first search after it (which keys the change)
        name = f"Zorawar Qila {n} {time.time_ns()}"
        kb.add_entry(project, name=name, label="GPE", by="lead")
        t, cpu = time.perf_counter(), time.process_time()
        hits = kb.search(project, name)
        changes.append((time.perf_counter() - t, time.process_time() - cpu))
        assert hits and hits[0].name == name
        kb.delete_entry(project, hits[0].id, by="lead")
    kb.search(project, "ka")  # the last deletion's keys dropped before the searches are timed
    print(
        "change: a new entry searchable in "
        + ", ".join(f"{w * 1000:.0f} ms (CPU {c * 1000:.0f} ms)" for w, c in changes)
        + " (the first search after it: the base's aliases checked for missing keys, the new one keyed)"
    )

    con = sqlite3.connect(path)
    qs = queries(recs)
    ours: list[float] = []
    ours_cpu: list[float] = []
    floor: list[float] = []
    ratios: list[float] = []
    for _round in range(args.rounds):
        for q in qs:
            c0 = time.process_time()
            t0 = time.perf_counter()
            hits = kb.search(project, q)
            t1 = time.perf_counter()
            ours_cpu.append(time.process_time() - c0)
            floor_query(con, q)
            t2 = time.perf_counter()
            ours.append(t1 - t0)
            floor.append(t2 - t1)
            ratios.append((t1 - t0) / max(t2 - t1, 1e-7))
            assert hits or q in ("jem",), q
    con.close()
    p95 = statistics.quantiles(ours, n=20)[-1]
    print(
        f"search: {len(qs)} queries x {args.rounds}: median {ms(statistics.median(ours))}, 95th percentile "
        f"{ms(p95)}, max {ms(max(ours))}; floor (bare sqlite3 prefix range, no ranking) median "
        f"{ms(statistics.median(floor))}; ratio median {statistics.median(ratios):.1f}x"
    )
    cpu95 = statistics.quantiles(ours_cpu, n=20)[-1]
    print(f"  CPU time a search: median {ms(statistics.median(ours_cpu))}, 95th percentile {ms(cpu95)}")
    print(f"  target <= 30 ms a search: {'met' if p95 <= 0.030 else 'NOT met'} (95th percentile {ms(p95)})")

    labels = frozenset(project.schema.entity_type_names)
    kb._MATCHER.clear()
    gc.collect()
    t, cpu = time.perf_counter(), time.process_time()
    gazetteer = kb.matcher(project, labels)
    build, build_cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    assert kb.matcher(project, labels) is gazetteer
    cached = time.perf_counter() - t
    kb._MATCHER.clear()  # again under tracemalloc, for the memory it holds
    gc.collect()
    tracemalloc.start()
    gazetteer = kb.matcher(project, labels)
    matcher_mem = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(
        f"matcher: built from the stored keys in {build:.2f} s ({len(gazetteer):,} entries, "
        f"{len(gazetteer._lexicon):,} keys, holds {matcher_mem / 2**20:.0f} MiB); again (cached, base "
        f"unchanged) {ms(cached)}"
    )
    print(
        f"  target <= 5 s: {'met' if build <= 5 else 'NOT met'} ({build:.2f} s; CPU time {build_cpu:.2f} s)"
    )
    sample = "Lashkar-e-Taiba के आतंकी पहलगाम में। " + " ".join(r.name for r in recs[:50])
    found = gazetteer.find(sample)
    print(f"  finds {len(found)} names in a {len(sample)}-character sample, each with its link")
    if args.peer_build:
        from annotator.suggest.gazetteer import Entry, Gazetteer

        entries = [Entry(e.name, e.label, e.name, e.alias_texts) for e in kb.list_entries(project)]
        t = time.perf_counter()
        Gazetteer(entries)
        peer = time.perf_counter() - t
        print(
            f"  peer: Gazetteer(entries) transliterating every spelling: {peer:.1f} s ({peer / build:.1f}x)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"machine: load average {load} (a busy machine stretches the wall times; CPU times are the cost)")
    print(f"process: peak resident size {peak:.0f} MiB (Python, SQLAlchemy, the base, index and matcher)")
    project.close()


if __name__ == "__main__":
    main()
