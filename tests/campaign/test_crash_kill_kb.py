"""kill -9 of ``annotator kb import`` at random moments (seeding the built-in entries, reading the file,
storing the entries).

Afterwards the project passes SQLite's integrity check and opens by the normal path; the file's entries
are stored all or none (one transaction), each with all of its spellings; the built-in entries are all
there or none (seeding is one transaction too); the import run again completes it, and a third run adds
nothing (nothing doubled).

Bounded for CI; ``ANNOTATOR_CRASH_ROUNDS`` (a third of it, at least 3) and ``ANNOTATOR_FUZZ_SEED`` change it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time

from annotator.cli import main

from .test_crash_kill import _env, _integrity, _kill, _opens

SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "20261205"))
ROUNDS = max(3, int(os.environ.get("ANNOTATOR_CRASH_ROUNDS", "10")) // 3)
ENTRIES = 2000


def _counts(path) -> tuple[int, int, int]:
    """(the file's entries, their spellings, built-in entries)."""
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM kb_entries WHERE canonical_id LIKE 'X%'),"
            " (SELECT count(*) FROM kb_aliases a JOIN kb_entries e ON a.entry_id = e.id"
            "  WHERE e.canonical_id LIKE 'X%' AND a.deleted_at IS NULL),"
            " (SELECT count(*) FROM kb_entries WHERE source = 'builtin')"
        ).fetchone()
    finally:
        con.close()


def test_kill_while_importing_a_knowledge_base(tmp_path):
    rng = random.Random(f"{SEED}-kb")
    env = _env(tmp_path)
    src = tmp_path / "places.tsv"
    with src.open("w", encoding="utf-8") as fh:
        fh.write("id\tname\tlabel\taliases\n")
        for i in range(ENTRIES):
            fh.write(f"X{i}\tZorbagh{i:05d}\tGPE\tज़ोरबाग{i}|Zorbag{i}\n")
    cmd = [sys.executable, "-m", "annotator", "kb", "import"]
    tail = [str(src), "--annotator", "lead", "--quiet"]

    def fresh(name: str):
        path = tmp_path / name
        assert main(["init", str(path)]) == 0
        assert main(["annotators", "add", str(path), "lead", "--role", "lead"]) == 0
        return path

    reference = fresh("reference.annotator")
    started = time.monotonic()
    done = subprocess.run([*cmd, str(reference), *tail], env=env, capture_output=True, text=True)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    whole = _counts(reference)
    assert whole[:2] == (ENTRIES, 3 * ENTRIES) and whole[2] > 0

    project = fresh("p.annotator")
    failures: list[str] = []
    killed = 0
    for n in range(ROUNDS):
        proc = subprocess.Popen(
            [*cmd, str(project), *tail], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        time.sleep(rng.uniform(0.3, max(0.4, took * 0.9)))
        killed += _kill(proc)
        check = _integrity(project)
        if check != "ok":
            failures.append(f"round {n}: integrity_check {check}")
            break
        why = _opens(project)
        if why:
            failures.append(f"round {n}: {why}")
            break
        entries, spellings, builtin = _counts(project)
        if (entries, spellings) not in ((0, 0), whole[:2]):
            failures.append(f"round {n}: {entries} of the file's entries with {spellings} spellings stored")
        if builtin not in (0, whole[2]):
            failures.append(f"round {n}: {builtin} of {whole[2]} built-in entries stored")
    done = subprocess.run([*cmd, str(project), *tail], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        failures.append(f"the import after the kills: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    if _counts(project) != whole:
        failures.append(f"after the kills and a complete import: {_counts(project)}, not {whole}")
    again = subprocess.run([*cmd, str(project), *tail], env=env, capture_output=True, text=True)
    if again.returncode != 0 or f"{ENTRIES} already stored" not in again.stdout:
        failures.append(f"the import run a third time: exit {again.returncode}: {again.stdout.strip()}")
    if _counts(project) != whole:
        failures.append(f"after a third import: {_counts(project)}, not {whole}")
    print(f"kb import: {ROUNDS} rounds, {killed} killed while running; a whole import {took:.1f} s")
    assert killed, "no round killed the import while it ran: nothing was tested"
    assert not failures, "\n".join(failures)
