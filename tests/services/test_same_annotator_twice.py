"""One annotator in two sessions at once (two laptops on one server): no write of either is lost."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from annotator.services.importing import import_paths
from annotator.services.project import open_project
from annotator.services.team import add_annotator
from annotator.store.models import DocumentLabel, WorkItem

DOCS = 60

WRITER = """
import sys, time
from pathlib import Path
from annotator.services.annotate import Editor
from annotator.services.project import open_project
project = open_project(sys.argv[1])
editor = Editor(project, "asha")
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
failed = 0
for doc in range(1, int(sys.argv[3]) + 1):
    try:
        editor.write_tone(doc, int(sys.argv[4]))  # the first tone of a document also starts its work item
    except Exception as exc:
        failed += 1
        print(type(exc).__name__, str(exc).splitlines()[0], file=sys.stderr)
print(failed)
"""


def test_two_sessions_of_one_annotator_lose_nothing(project, tmp_path):
    src = tmp_path / "d.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"document {i} text"}) + "\n" for i in range(DOCS)),
        encoding="utf-8",
    )
    assert import_paths(project, [src]).ok
    add_annotator(project, "asha", "annotator")
    go = tmp_path / "go"
    env = {
        **os.environ,
        "ANNOTATOR_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2])
        + os.pathsep
        + os.environ.get("PYTHONPATH", ""),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(project.location), str(go), str(DOCS), str(tone)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for tone in (1, -1)
    ]
    time.sleep(1.5)  # both have opened the project and wait
    go.write_text("go")
    results = [p.communicate(timeout=120) for p in procs]
    assert [int(out.strip() or -1) for out, _err in results] == [0, 0], [err for _out, err in results]
    with open_project(project.location) as check, check.engine.connect() as conn:
        labels = conn.scalar(select(func.count()).select_from(DocumentLabel))
        items = conn.scalar(select(func.count()).select_from(WorkItem))
    assert (labels, items) == (DOCS, DOCS)
