"""Time spent in exports (issue 18): native JSONL carries each annotator's sessions per document in their
block's "time" (import restores them; export → import → export gives the same bytes); the CSV dataset has
an active_seconds column; a bad "time" is one line naming the record, the good records still go in."""

import csv
import json
from datetime import UTC, datetime, timedelta

import pytest

from annotator.services.annotate import AddSpans, Editor, SetWork, WorkState
from annotator.services.datasets import export_dataset
from annotator.services.exporting import export_jsonl, write_jsonl
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.team import add_annotator
from annotator.services.timing import SessionRecord, active_seconds, save_sessions
from annotator.store.models import new_uuid
from tests.services.test_team import add_documents, doc_id

START = datetime(2026, 11, 30, 9, 15, 0, 250000, tzinfo=UTC)


def record(editor, document, seconds, offset_minutes):
    started = START + timedelta(minutes=offset_minutes)
    return SessionRecord(
        new_uuid(), document, editor.annotator_id, started, started + timedelta(seconds=2 * seconds), seconds
    )


@pytest.fixture
def timed(project, tmp_path):
    add_documents(project, tmp_path, 2)
    asha, ravi = Editor(project, "asha"), Editor(project, "ravi")
    d0, d1 = doc_id(project, "d000"), doc_id(project, "d001")
    AddSpans(d0, [(0, 6, "GPE")]).apply(asha)
    SetWork(d0, WorkState(), WorkState(status="done")).apply(asha)
    save_sessions(project, [record(asha, d0, 95.5, 0), record(asha, d0, 30.25, 60), record(ravi, d1, 12, 5)])
    return project


def lines(project, **options):
    import io

    out = io.StringIO()
    write_jsonl(project, out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_native_jsonl_carries_the_sessions(timed):
    first, second = lines(timed)
    (asha,) = first["annotations"]
    assert asha["annotator"] == "asha" and asha["status"] == "done"
    assert asha["time"]["active_seconds"] == 125.75
    assert [s["active_seconds"] for s in asha["time"]["sessions"]] == [95.5, 30.25]
    assert asha["time"]["sessions"][0]["started"] == "2026-11-30T09:15:00.250000+00:00"
    assert asha["time"]["sessions"][0]["ended"] == "2026-11-30T09:18:11.250000+00:00"
    # ravi opened d001 and labelled nothing: his time is kept, in a block of work not started
    (ravi,) = second["annotations"]
    assert ravi["annotator"] == "ravi" and ravi["status"] == "todo" and ravi["entities"] == []
    assert ravi["time"]["active_seconds"] == 12


def test_import_restores_them_and_the_bytes_come_back(timed, tmp_path):
    path = tmp_path / "out.jsonl"
    export_jsonl(timed, path)
    with init_project(tmp_path / "again.annotator") as again:
        report = import_paths(again, [path])
        assert report.ok, report.errors
        assert sorted(active_seconds(again).values()) == [12, 125.75]
        export_jsonl(again, tmp_path / "again.jsonl")
        assert (tmp_path / "again.jsonl").read_bytes() == path.read_bytes()
        assert import_paths(again, [path]).ok  # again: every session counts once
        assert sorted(active_seconds(again).values()) == [12, 125.75]


def test_a_blind_annotator_exports_only_their_own_time(timed):
    add_annotator(timed, "asha")
    add_annotator(timed, "ravi")
    exported = lines(timed, viewer="asha")
    assert [[b["annotator"] for b in d["annotations"]] for d in exported] == [["asha"], []]


def test_a_bad_time_is_one_line_and_the_good_records_go_in(tmp_path):
    text = "Talks in Delhi."
    good = {"annotator": "asha", "status": "done", "entities": []}
    session = {
        "id": "s1",
        "started": "2026-11-30T09:00:00+05:30",
        "ended": "2026-11-30T09:10:00+05:30",
        "active_seconds": 300,
        "labels": 2,
    }
    records = [
        {"id": "ok", "text": text, "annotations": [{**good, "time": {"sessions": [session]}}]},
        {
            "id": "neg",
            "text": text + " 2",
            "annotations": [{**good, "time": {"sessions": [{**session, "active_seconds": -1}]}}],
        },
        {
            "id": "naive",
            "text": text + " 3",
            "annotations": [{**good, "time": {"sessions": [{**session, "started": "2026-11-30T09:00:00"}]}}],
        },
        {
            "id": "long",
            "text": text + " 4",
            "annotations": [{**good, "time": {"sessions": [{**session, "active_seconds": 9999}]}}],
        },
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with init_project(tmp_path / "t.annotator") as project:
        report = import_paths(project, [path])
        errors = [str(e) for e in report.errors]
        assert len(errors) == 3
        assert "t.jsonl:2" in errors[0] and "'active_seconds' must be a number of seconds >= 0" in errors[0]
        assert "t.jsonl:3" in errors[1] and "needs its UTC offset" in errors[1]
        assert "t.jsonl:4" in errors[2] and "9999 active seconds in a session of 600" in errors[2]
        assert list(active_seconds(project).values()) == [300]
        out = lines(project)
        # the offset was kept as the moment it names (stored in UTC)
        assert out[0]["annotations"][0]["time"]["sessions"][0]["started"] == "2026-11-30T03:30:00+00:00"


def test_the_csv_dataset_has_the_active_seconds(timed, tmp_path):
    export_dataset(timed, "csv", tmp_path / "ds", annotation_set="asha")
    with (tmp_path / "ds" / "full.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["id"], r["active_seconds"]) for r in rows] == [("d000", "125.8")]
