"""kill -9 at random moments: while labelling, importing and exporting.

Afterwards the project passes SQLite's integrity check and opens by the normal path; every label the
labelling process acknowledged (printed only after the service call returned) is stored; an import leaves
each stored document with all of its labels, and running it again completes it; an export target is either
absent or byte for byte the complete export; the next export to the same target succeeds and leaves no
temporary (``.NAME.PID.annotator-tmp[-dir]``) beside or inside it.

Bounded for CI (about half a minute on two cores); ``ANNOTATOR_CRASH_ROUNDS`` (default 10 labelling rounds,
a third as many per import and export) and ``ANNOTATOR_FUZZ_SEED`` change it. A failure lists every
failing round.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from annotator.cli import main
from annotator.fileio import SUFFIX
from annotator.services.project import open_project

SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "20261205"))
ROUNDS = int(os.environ.get("ANNOTATOR_CRASH_ROUNDS", "10"))
IO_ROUNDS = max(2, ROUNDS // 3)
WORDS = 20000
TEXT = " ".join(f"w{i:04d}" for i in range(WORDS))  # word i at 6*i, 5 characters long
LABELS = ("GPE", "ORG", "PER", "LOC")

#: Labels one word at a time through the service the GUI's commands use (Editor + AddSpans), from word
#: argv[2] on, printing each new entity's id only after the call returned (acknowledged).
LABELLER = f"""
import sys
from annotator.services.annotate import AddSpans, Editor
from annotator.services.project import open_project
project = open_project(sys.argv[1])
editor = Editor(project, "asha")
document_id = int(sys.argv[3])
labels = {LABELS!r}
for i in range(int(sys.argv[2]), {WORDS}):
    command = AddSpans(document_id, [(6 * i, 6 * i + 5, labels[i % 4])])
    command.apply(editor)
    print(command.spans[0].id, flush=True)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {
        **os.environ,
        "ANNOTATOR_HOME": str(tmp_path / "home"),
        "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }


def _integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def _opens(path: Path) -> str | None:
    """None when the project opens by the normal path and reads, else why not."""
    try:
        with open_project(path) as project, project.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
    except Exception as exc:  # the finding to report
        return f"does not open: {type(exc).__name__}: {exc}"
    return None


class _Lines:
    """A child's stdout, read line by line in a thread; ``first`` is set at the first line."""

    def __init__(self, proc: subprocess.Popen):
        self.lines: list[str] = []
        self.first = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            self.lines.append(line.strip())
            self.first.set()
        self.first.set()


def _kill(proc: subprocess.Popen) -> bool:
    """SIGKILL unless it already ended; True when it was killed."""
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return alive


def test_kill_while_labelling_keeps_every_acknowledged_label(tmp_path):
    rng = random.Random(f"{SEED}-label")
    project = tmp_path / "p.annotator"
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d", "text": TEXT}) + "\n", encoding="utf-8")
    assert main(["init", str(project)]) == 0
    assert main(["import", str(project), str(src), "--quiet"]) == 0
    with open_project(project) as p, p.engine.connect() as conn:
        document_id = conn.exec_driver_sql("SELECT id FROM documents").scalar()
    acknowledged: list[str] = []
    failures: list[str] = []
    killed_while_labelling = 0
    start = 0
    started = time.monotonic()
    for n in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", LABELLER, str(project), str(start), str(document_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
        )
        out = _Lines(proc)
        out.first.wait(timeout=60)  # labelling has begun: kill somewhere in the next 0.3 s
        time.sleep(rng.uniform(0, 0.3))
        killed_while_labelling += _kill(proc)
        out.thread.join(timeout=30)
        err = proc.stderr.read()
        acknowledged.extend(out.lines)
        if not out.lines:
            failures.append(f"round {n}: nothing acknowledged; stderr: {err.strip()[-300:]}")
        check = _integrity(project)
        if check != "ok":
            failures.append(f"round {n}: integrity_check {check}")
            break
        why = _opens(project)
        if why:
            failures.append(f"round {n}: {why}")
            break
        con = sqlite3.connect(project)
        stored = {row[0] for row in con.execute("SELECT id FROM entities")}
        starts = [row[0] for row in con.execute("SELECT start FROM entities")]
        con.close()
        lost = [i for i in acknowledged if i not in stored]
        if lost:
            failures.append(f"round {n}: {len(lost)} acknowledged label(s) missing, e.g. {lost[:3]}")
        if len(starts) != len(set(starts)):
            failures.append(f"round {n}: a word labelled twice")
        start = max(starts, default=-6) // 6 + 1
        if start >= WORDS:
            break
    elapsed = time.monotonic() - started
    print(f"labelling: {n + 1} kills, {len(acknowledged)} acknowledged labels, {elapsed:.1f} s")
    assert killed_while_labelling, "no round killed the labeller while it ran: nothing was tested"
    assert not failures, "\n".join(failures)


def _write_big(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"document {i:05d} " + TEXT[: 300 + i % 200]
            ents = [
                {"id": f"T{k}", "start": 15 + 6 * k, "end": 20 + 6 * k, "label": LABELS[k]} for k in range(3)
            ]
            record = {"id": f"d{i}", "text": text, "annotations": [{"annotator": "asha", "entities": ents}]}
            fh.write(json.dumps(record) + "\n")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator", *args, "--quiet"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if SUFFIX in p.name)


def _same_tree(a: Path, b: Path) -> str | None:
    """None when ``a`` holds exactly ``b``'s files, byte for byte; else the first difference."""
    if a.is_file() or b.is_file():
        return None if a.read_bytes() == b.read_bytes() else f"{a.name} differs from the complete export"
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*"))
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))
    if names_a != names_b:
        return f"{len(names_a)} files instead of {len(names_b)}: {sorted(set(names_b) ^ set(names_a))[:3]}"
    for name in names_a:
        if (a / name).is_file() and (a / name).read_bytes() != (b / name).read_bytes():
            return f"{name} differs from the complete export"
    return None


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def test_kill_while_importing_and_exporting(tmp_path):
    rng = random.Random(f"{SEED}-io")
    env = _env(tmp_path)
    failures: list[str] = []
    docs = 2500
    big = tmp_path / "big.jsonl"
    _write_big(big, docs)

    # a complete run of each, to know how long they take and what a complete export is
    reference = tmp_path / "reference.annotator"
    assert main(["init", str(reference)]) == 0
    import_time = _timed(_cli("import", str(reference), str(big)), env)
    ref_out = tmp_path / "ref"
    ref_out.mkdir()
    export_time = {
        "jsonl": _timed(_cli("export", str(reference), "--out", str(ref_out / "out.jsonl")), env),
        "brat": _timed(
            _cli("export", str(reference), "--format", "brat", "--out", str(ref_out / "brat")), env
        ),
    }

    # import: kill at random points of a run; each stored document keeps all of its labels
    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    for n in range(IO_ROUNDS):
        proc = subprocess.Popen(
            _cli("import", str(project), str(big)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        time.sleep(rng.uniform(0.2, import_time))
        _kill(proc)
        if _integrity(project) != "ok":
            failures.append(f"import round {n}: integrity_check {_integrity(project)}")
            break
        why = _opens(project)
        if why:
            failures.append(f"import round {n}: {why}")
            break
        con = sqlite3.connect(project)
        partial = con.execute(
            "SELECT count(*) FROM documents d WHERE (SELECT count(*) FROM entities e "
            "WHERE e.document_id = d.id) != 3"
        ).fetchone()[0]
        con.close()
        if partial:
            failures.append(f"import round {n}: {partial} document(s) stored without all of their labels")
    done = subprocess.run(_cli("import", str(project), str(big)), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        failures.append(f"the import after the kills: exit {done.returncode}: {done.stderr.strip()[-200:]}")
    con = sqlite3.connect(project)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM entities)"
    ).fetchone()
    con.close()
    if counts != (docs, 3 * docs):
        failures.append(
            f"after the kills and a complete import: {counts} documents, entities, not {docs, 3 * docs}"
        )

    # exports: kill at random points; the target is absent or complete; the next export succeeds, cleanly
    for fmt, name in (("jsonl", "out.jsonl"), ("brat", "brat")):
        out_dir = tmp_path / f"export-{fmt}"
        out_dir.mkdir()
        target = out_dir / name
        args = ["--format", "brat"] if fmt == "brat" else []
        for n in range(IO_ROUNDS):
            proc = subprocess.Popen(
                _cli("export", str(reference), *args, "--out", str(target)),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            time.sleep(rng.uniform(0.2, export_time[fmt] + 0.1))
            _kill(proc)
            if target.exists():
                diff = _same_tree(target, ref_out / name)
                if diff:
                    failures.append(f"{fmt} export round {n}: the target is half written: {diff}")
                if fmt == "brat":  # a brat export goes to a new folder: the person removes the old one
                    shutil.rmtree(target)
            if _integrity(reference) != "ok":
                failures.append(f"{fmt} export round {n}: the project's integrity_check fails")
        done = subprocess.run(
            _cli("export", str(reference), *args, "--out", str(target)),
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            failures.append(
                f"{fmt}: the export after the kills: exit {done.returncode}: {done.stderr.strip()}"
            )
        elif _same_tree(target, ref_out / name):
            failures.append(
                f"{fmt}: the export after the kills differs: {_same_tree(target, ref_out / name)}"
            )
        left = _leftovers(out_dir)
        if left:
            failures.append(f"{fmt}: temporaries left beside the target after a complete export: {left[:4]}")
    print(f"import/export: {IO_ROUNDS} kills each; import {import_time:.1f} s, exports {export_time}")
    assert not failures, "\n".join(failures)
