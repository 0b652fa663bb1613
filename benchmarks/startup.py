"""Whole-process start-up and search benchmark: each annotator command against a bare peer, measured in
the same run, in turn (A B A B …), each figure the median of the runs and each ratio the median of the
pairs' ratios (pairing keeps a ratio meaningful when a shared machine's speed drifts).

    python benchmarks/startup.py                 # 20,000 synthetic articles
    python benchmarks/startup.py --size 5000 --runs 5

1. ``annotator --version``                  vs ``python -c pass``
2. ``annotator search PROJECT QUERY``        vs a bare ``python -c`` process querying an FTS5 table of the
   on an indexed project                        same texts with sqlite3 (bm25 order, 20 rows, snippets)
3. the first search (builds the index)      vs a bare ``python -c`` process building a plain FTS5 index of
   on a fresh copy of the unindexed project     the same texts (same tokenizer, in the same copy) and
                                                querying it

Each run of (3) starts from a fresh copy of the unindexed project (the copy is not timed). Wall seconds are
taken around each child process (``time.perf_counter``); CPU seconds are the children's user + system time.
The children's ``ANNOTATOR_HOME`` is a temporary folder: the look before opening remembers a sound check
there. (2) is a later search of a file already looked at: the indexed copy is left to settle
(``annotator.store.database.SETTLED_S``) and searched once before the pairs, so its check is remembered;
each copy of (3) is a new file, looked at whole.
"""

from __future__ import annotations

import argparse
import os
import resource
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

PYTHON = sys.executable
ANNOTATOR = str(Path(sys.executable).with_name("annotator"))
TOKENIZE = "unicode61 categories 'L* N* Co M*' remove_diacritics 0 tokenchars '\u200c\u200d'"

BARE_QUERY = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
sql = "SELECT rowid, snippet(t, 1, '[', ']', '…', 12) FROM t WHERE t MATCH ? ORDER BY rank LIMIT 20"
for row in con.execute(sql, (sys.argv[2],)):
    print(*row)
"""

BARE_BUILD = f"""
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = FULL")
con.execute(
    \"\"\"CREATE VIRTUAL TABLE plain_index USING fts5(title, text, content='', tokenize="{TOKENIZE}")\"\"\"
)
con.execute("INSERT INTO plain_index (rowid, title, text) SELECT id, title, text FROM documents")
con.commit()
sql = "SELECT rowid FROM plain_index WHERE plain_index MATCH ? ORDER BY rank LIMIT 20"
print(con.execute(sql, (sys.argv[2],)).fetchall())
"""


def run(cmd: list[str], before=None) -> tuple[float, float]:
    """(wall, cpu) seconds of one child process."""
    if before is not None:
        before()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)


def paired(name: str, a: list[str], b: list[str], runs: int, before_a=None, before_b=None) -> dict:
    run(a, before_a), run(b, before_b)  # warm-up, not counted
    pairs = [(run(a, before_a), run(b, before_b)) for _ in range(runs)]
    result = {
        "name": name,
        "a_wall": statistics.median(p[0][0] for p in pairs),
        "b_wall": statistics.median(p[1][0] for p in pairs),
        "wall_ratio": statistics.median(p[0][0] / p[1][0] for p in pairs),
        "cpu_ratio": statistics.median(p[0][1] / max(p[1][1], 1e-3) for p in pairs),
    }
    print(
        f"{name:<44} {result['a_wall'] * 1000:>8.0f} ms {result['b_wall'] * 1000:>8.0f} ms "
        f"{result['wall_ratio']:>7.2f}× {result['cpu_ratio']:>7.2f}×",
        flush=True,
    )
    return result


def build_project(path: Path, size: int) -> None:
    from search import needles, records

    from annotator.services.importing import import_records
    from annotator.services.project import init_project

    with init_project(path) as project:
        import_records(project, records(0, size))
        import_records(project, needles(10**7))
        with project.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def plain_fts(project: Path, out: Path) -> None:
    """The bare query's table: the same documents' titles and texts in an ordinary FTS5 table."""
    import sqlite3

    src = sqlite3.connect(project)
    dst = sqlite3.connect(out)
    dst.execute(f'CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize="{TOKENIZE}")')
    dst.executemany(
        "INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)",
        src.execute("SELECT id, title, text FROM documents"),
    )
    dst.commit()
    dst.close()
    src.close()


def fresh_copy(src: Path, dst: Path):
    def copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{dst}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(src, dst)

    return copy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--build-runs", type=int, default=5)
    args = ap.parse_args()
    env_note = "no bytecode cache" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "bytecode cache allowed"

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        base = tmp_path / "base.annotator"
        t = time.perf_counter()
        build_project(base, args.size)
        indexed = tmp_path / "indexed.annotator"
        shutil.copyfile(base, indexed)
        os.environ["ANNOTATOR_HOME"] = str(tmp_path / "home")
        subprocess.run([ANNOTATOR, "search", str(indexed), "x", "--quiet"], check=True, capture_output=True)
        plain = tmp_path / "plain.db"
        plain_fts(base, plain)
        from annotator.store.database import SETTLED_S

        time.sleep(max(0.0, SETTLED_S + 0.5 - (time.time() - indexed.stat().st_ctime)))
        subprocess.run([ANNOTATOR, "search", str(indexed), "x", "--quiet"], check=True, capture_output=True)
        print(f"{args.size:,} articles (+30 needles) ready in {time.perf_counter() - t:.1f} s; {env_note}\n")

        print(f"{'':<44} {'annotator':>11} {'peer':>11} {'wall A/B':>8} {'cpu A/B':>8}")
        results = [
            paired(
                "--version  vs  python -c pass", [ANNOTATOR, "--version"], [PYTHON, "-c", "pass"], args.runs
            )
        ]
        for label, query in (("selective: अनंतनाग, 25 documents", "अनंतनाग"), ("common: पहलगाम", "पहलगाम")):
            results.append(
                paired(
                    f"later search, {label}",
                    [ANNOTATOR, "search", str(indexed), query, "--quiet"],
                    [PYTHON, "-c", BARE_QUERY, str(plain), query],
                    args.runs,
                )
            )
        copy_a, copy_b = tmp_path / "a.annotator", tmp_path / "b.annotator"
        results.append(
            paired(
                "first search (index build) vs plain FTS5 build",
                [ANNOTATOR, "search", str(copy_a), "पहलगाम", "--quiet"],
                [PYTHON, "-c", BARE_BUILD, str(copy_b), "पहलगाम"],
                args.build_runs,
                before_a=fresh_copy(base, copy_a),
                before_b=fresh_copy(base, copy_b),
            )
        )
        print(
            "\ntargets: --version ≤ 0.15 s; later search ≤ 5× the bare query; first search ≤ 1.5× plain build"
        )


if __name__ == "__main__":
    main()
