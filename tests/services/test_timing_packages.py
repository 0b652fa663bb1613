"""Time spent travels in work packages (issue 18): sessions go out with the annotator's work and come back
merged without double counting; ownership is checked like other rows; a session of a document the package
does not hold is reported, not dropped silently."""

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select

from annotator.services.packages import PackageError, export_package, import_packages
from annotator.services.project import open_project
from annotator.services.timing import SessionRecord, active_seconds, save_sessions
from annotator.store.models import Annotator, WorkSession, new_uuid, utcnow
from tests.services.test_packages import lead as lead  # the fixture (the lead's project)


def session(annotator_id, document_id, seconds, started=None, sid=None):
    started = started or utcnow() - timedelta(hours=2)
    return SessionRecord(
        sid or new_uuid(),
        document_id,
        annotator_id,
        started,
        started + timedelta(seconds=seconds * 2),
        seconds,
    )


def aid(project, name):
    with project.engine.connect() as conn:
        return conn.scalar(select(Annotator.id).where(Annotator.name == name))


def sessions(project):
    with project.engine.connect() as conn:
        return sorted(
            (r.document_id, r.active_seconds, r.id)
            for r in conn.execute(select(WorkSession.document_id, WorkSession.active_seconds, WorkSession.id))
        )


def test_sessions_go_out_and_come_back_once(lead, tmp_path):
    asha = aid(lead, "asha")
    before = session(asha, 1, 30)
    save_sessions(lead, [before, session(aid(lead, "ravi"), 3, 50)])  # ravi's stays out of her package
    path = tmp_path / "asha.annotator"
    export_package(lead, "asha", path)
    with open_project(path) as package:
        assert sessions(package) == [(1, 30.0, before.id)]
        offline = session(aid(package, "asha"), 2, 120)  # what her window recorded offline
        save_sessions(package, [offline])
    copy = tmp_path / "asha-copy.annotator"
    a, b = sqlite3.connect(path), sqlite3.connect(copy)
    a.backup(b)
    a.close()
    b.close()
    report = import_packages(lead, [path])
    assert report.sessions == 1 and "1 work session(s) of time spent" in report.summary()
    assert (2, 120.0, offline.id) in sessions(lead)
    # the same package again, and a copy of it in the same import: every session counts once
    import_packages(lead, [path])
    import_packages(lead, [copy, path])
    totals = active_seconds(lead)
    assert totals[(1, "asha")] == 30 and totals[(2, "asha")] == 120 and totals[(3, "ravi")] == 50
    assert len(sessions(lead)) == 3


def test_a_session_saved_again_keeps_its_later_end(lead, tmp_path):
    asha = aid(lead, "asha")
    path = tmp_path / "asha.annotator"
    export_package(lead, "asha", path)
    with open_project(path) as package:
        first = session(aid(package, "asha"), 2, 60)
        save_sessions(package, [first])
    early = tmp_path / "early.annotator"
    a, b = sqlite3.connect(path), sqlite3.connect(early)
    a.backup(b)
    a.close()
    b.close()
    with open_project(path) as package:  # she went on: the periodic save updated the same session
        save_sessions(package, [session(aid(package, "asha"), 2, 200, first.started_at, first.id)])
    import_packages(lead, [path])
    import_packages(lead, [early])  # the older state of that session, later: nothing goes back
    assert sessions(lead) == [(2, 200.0, first.id)]
    assert aid(lead, "asha") == asha


def test_another_annotators_session_id_is_refused(lead, tmp_path):
    ravis = session(aid(lead, "ravi"), 3, 50)
    save_sessions(lead, [ravis])
    path = tmp_path / "asha.annotator"
    export_package(lead, "asha", path)
    with open_project(path) as package:  # a crafted package: her session under ravi's session id
        save_sessions(package, [session(aid(package, "asha"), 1, 10, sid=ravis.id)])
    with pytest.raises(PackageError, match="ravi"):
        import_packages(lead, [path])
    assert sessions(lead) == [(3, 50.0, ravis.id)]


def test_a_session_of_a_document_not_in_the_package_is_reported(lead, tmp_path):
    path = tmp_path / "asha.annotator"
    export_package(lead, "asha", path)
    con = sqlite3.connect(path)
    try:
        asha = con.execute("SELECT id FROM annotators WHERE name = 'asha'").fetchone()[0]
        con.execute("PRAGMA foreign_keys = OFF")
        ended = utcnow().replace(tzinfo=None)
        started = ended - timedelta(minutes=1)
        sid = new_uuid()
        con.execute(
            "INSERT INTO work_sessions (id, document_id, annotator_id, started_at, ended_at, active_seconds, "
            "labels) VALUES (?, 99, ?, ?, ?, 12.5, 0)",
            (sid, asha, started.isoformat(sep=" "), ended.isoformat(sep=" ")),
        )
        con.commit()
    finally:
        con.close()
    report = import_packages(lead, [path])
    assert any(sid in c and "not one of the package's documents" in c for c in report.conflicts)
    assert sessions(lead) == []
