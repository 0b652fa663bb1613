"""kill -9 while a schema change is applied: the project is either wholly at the old version (every label as
it was) or wholly at the new one (every label renamed, the version recorded), never between; it passes
SQLite's integrity check and opens; applying again afterwards completes the change."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

from annotator.schema import default_schema, schema_to_toml
from annotator.services.project import init_project, open_project

SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "20261205"))
ROUNDS = max(2, int(os.environ.get("ANNOTATOR_CRASH_ROUNDS", "10")) // 2)
ROWS = 60_000


def _build(path: Path) -> None:
    init_project(path).close()
    con = sqlite3.connect(path)
    now = "2026-01-01 00:00:00.000000"
    con.execute("INSERT INTO annotators (name, role, created_at) VALUES ('asha', 'annotator', ?)", (now,))
    with con:
        for d in range(1, ROWS // 100 + 1):
            text = " ".join(f"w{i:03d}" for i in range(100))
            con.execute(
                "INSERT INTO documents (id, external_id, title, text, content_hash, meta, created_at) "
                "VALUES (?, ?, '', ?, ?, '{}', ?)",
                (d, f"d{d}", text, uuid.uuid4().hex * 2, now),
            )
            con.executemany(
                'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
                "created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, '{}', ?, ?)",
                [
                    (str(uuid.uuid4()), d, 5 * k, 5 * k + 4, ("ARMED_GROUP", "GPE")[k % 2], now, now)
                    for k in range(100)
                ],
            )
    con.close()


def _state(path: Path) -> tuple[int, dict[str, int]]:
    with open_project(path) as project, project.engine.connect() as conn:
        from sqlalchemy import func, select

        from annotator.store.models import Entity, SchemaVersion

        version = conn.scalar(select(func.max(SchemaVersion.number)))
        labels = dict(conn.execute(select(Entity.label, func.count()).group_by(Entity.label)).all())
    return version, labels


def test_kill_during_schema_apply_leaves_old_or_new_whole(tmp_path):
    rng = random.Random(SEED)
    original = tmp_path / "original.annotator"
    _build(original)
    new = tmp_path / "new.toml"
    new.write_text(schema_to_toml(default_schema()).replace('"ARMED_GROUP"', '"MILITANT_GROUP"'), "utf-8")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "ANNOTATOR_HOME": str(tmp_path / "home"), "PYTHONPATH": root}
    half = ROWS // 2
    failures = []
    seen = set()
    for round_ in range(ROUNDS):
        project = tmp_path / f"r{round_}.annotator"
        src, dst = sqlite3.connect(original), sqlite3.connect(project)
        src.backup(dst)
        src.close()
        dst.close()
        command = [sys.executable, "-m", "annotator", "schema", "apply", str(project), str(new)]
        command += ["--rename", "ARMED_GROUP=MILITANT_GROUP", "--quiet"]
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check = sqlite3.connect(project)
        status = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
        if status != "ok":
            failures.append(f"round {round_}: integrity {status}")
            continue
        version, labels = _state(project)
        seen.add(version)
        whole_old = version == 1 and labels == {"ARMED_GROUP": half, "GPE": half}
        whole_new = version == 2 and labels == {"MILITANT_GROUP": half, "GPE": half}
        if not (whole_old or whole_new):
            failures.append(f"round {round_}: version {version} with labels {labels}")
            continue
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0 or _state(project) != (2, {"MILITANT_GROUP": half, "GPE": half}):
            failures.append(f"round {round_}: applying again: {done.returncode} {done.stderr.strip()}")
    assert not failures, "\n".join(failures)
    print(f"versions found after the kills: {sorted(seen)}")
