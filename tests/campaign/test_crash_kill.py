"""kill -9 at random moments: while labelling, importing and exporting. Afterwards the project passes
SQLite's integrity check and opens, every label the program acknowledged is there, an export target is
either absent or complete, and the next export succeeds and leaves nothing behind.

Bounded for CI (about 20 s); ``ANNOTATOR_CRASH_ROUNDS`` and ``ANNOTATOR_FUZZ_SEED`` change it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from annotator.cli import main
from annotator.fileio import SUFFIX
from annotator.services.project import open_project

SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "20261205"))
ROUNDS = int(os.environ.get("ANNOTATOR_CRASH_ROUNDS", "8"))
WORDS = 400
TEXT = " ".join(f"w{i:03d}" for i in range(WORDS))  # word i at 5*i

LABELLER = f"""
import sys
from annotator.services.annotate import AddSpans, Editor
from annotator.services.project import open_project
project = open_project(sys.argv[1])
editor = Editor(project, "asha")
for i in range(int(sys.argv[2]), {WORDS}):
    AddSpans(1, [(5 * i, 5 * i + 4, "GPE")]).apply(editor)
    print(i, flush=True)  # acknowledged: the call returned, so the label is stored
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


def _kill_after(proc: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_while_labelling_loses_no_acknowledged_label(tmp_path):
    rng = random.Random(f"{SEED}-label")
    project = tmp_path / "p.annotator"
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d", "text": TEXT}) + "\n", encoding="utf-8")
    assert main(["init", str(project)]) == 0
    assert main(["import", str(project), str(src), "--quiet"]) == 0
    acknowledged: set[int] = set()
    start = 0
    for _round in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", LABELLER, str(project), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
        )
        _kill_after(proc, rng.uniform(0.3, 1.2))
        out, _err = proc.communicate()
        done = {int(line) for line in out.split()}
        acknowledged |= done
        assert _integrity(project) == "ok"
        with open_project(project) as opened, opened.engine.connect() as conn:
            stored = {s // 5 for (s,) in conn.exec_driver_sql("SELECT start FROM entities")}
        assert acknowledged <= stored, sorted(acknowledged - stored)[:5]
        start = max(stored, default=-1) + 1
        if start >= WORDS:
            break
    assert acknowledged, "no label was ever acknowledged: the rounds were too short to test anything"


def _export_cmd(project: Path, target: Path, fmt: str) -> list[str]:
    args = ["--format", "brat"] if fmt == "brat" else []
    return [sys.executable, "-m", "annotator", "export", str(project), *args, "--out", str(target), "--quiet"]


def test_kill_while_importing_and_exporting(tmp_path):
    rng = random.Random(f"{SEED}-io")
    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(6000):
            fh.write(json.dumps({"id": f"d{i}", "text": f"document {i} " + TEXT[: 200 + i % 300]}) + "\n")
    env = _env(tmp_path)
    for _round in range(max(2, ROUNDS // 3)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "annotator", "import", str(project), str(big), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _kill_after(proc, rng.uniform(0.5, 2.0))
        assert _integrity(project) == "ok"
        open_project(project).close()
    for fmt, name in (("jsonl", "out.jsonl"), ("brat", "out-brat")):
        target = tmp_path / name
        for _round in range(max(2, ROUNDS // 3)):
            proc = subprocess.Popen(
                _export_cmd(project, target, fmt),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            _kill_after(proc, rng.uniform(0.4, 1.5))
            if target.exists():  # complete, never half written
                if fmt == "jsonl":
                    lines = target.read_text(encoding="utf-8").splitlines()
                    assert all(json.loads(line)["id"] for line in lines)
                    with open_project(project) as opened, opened.engine.connect() as conn:
                        assert len(lines) == conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
                    target.unlink()
                else:
                    assert any(target.iterdir())
                    for f in target.iterdir():
                        f.unlink()
                    target.rmdir()
        done = subprocess.run(_export_cmd(project, target, fmt), env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert [p.name for p in tmp_path.iterdir() if SUFFIX in p.name] == []
