"""The lead's progress figures (issue 18) on a hand-built project whose answers are known: counts, time,
throughput and the finish estimate, agreement and gold scores, the adjudication backlog, --since, the
charts' series and the documents behind a point."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete

from annotator.services.agreement import compute_agreement
from annotator.services.progress import (
    MARGIN_SETTING,
    ProgressError,
    documents_behind,
    finish_estimate,
    format_progress,
    parse_day,
    progress_file,
    project_progress,
)
from annotator.store.models import (
    Annotator,
    Assignment,
    Document,
    Entity,
    WorkItem,
    WorkSession,
)

TODAY = date(2026, 12, 10)  # a Thursday
TEXT = "Delhi and Lahore talks; Kabul waits for news from Dhaka."


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=UTC)


def build(project) -> dict[str, int]:
    """asha: d1-d6 assigned (d6 a check), d1 done 3 Dec, d2 done 7 Dec, d3 done 8 Dec, d4 skipped, d5 in
    progress; ravi: d1, d2, d7, d8 assigned, d1 done 1 Dec, d2 done 8 Dec; meera: d9, d10 assigned, nothing
    done; gold on d1 and d3; a lead with no work."""
    with project.session() as s, s.begin():
        docs = [
            Document(external_id=f"d{i}", title=f"Title {i}", text=f"{TEXT} {i}", content_hash=f"h{i}")
            for i in range(1, 11)
        ]
        s.add_all(docs)
        people = {n: Annotator(name=n) for n in ("asha", "ravi", "meera", "gold", "lina")}
        s.add_all(people.values())
        s.flush()
        d = {doc.external_id: doc.id for doc in docs}
        a = {name: p.id for name, p in people.items()}
        for name, ids in (("asha", range(1, 7)), ("ravi", (1, 2, 7, 8)), ("meera", (9, 10))):
            for i in ids:
                s.add(
                    Assignment(
                        document_id=d[f"d{i}"], annotator_id=a[name], is_check=(name, i) == ("asha", 6)
                    )
                )
        for name, i, status, when in (
            ("asha", 1, "done", at(3)),
            ("asha", 2, "done", at(7)),
            ("asha", 3, "done", at(8)),
            ("asha", 4, "skipped", at(8, 12)),
            ("asha", 5, "in_progress", at(9)),
            ("ravi", 1, "done", at(1)),
            ("ravi", 2, "done", at(8)),
            ("ravi", 7, "todo", at(8)),
        ):
            s.add(
                WorkItem(
                    document_id=d[f"d{i}"],
                    annotator_id=a[name],
                    status=status,
                    created_at=when,
                    updated_at=when,
                )
            )
        for name, i, started, seconds, labels in (
            ("asha", 1, at(3, 9), 300, 5),
            ("asha", 1, at(3, 9), 120, 1),  # reopened: adds to the document's total (7 min)
            ("asha", 2, at(7, 9), 600, 10),
            ("asha", 3, at(8, 9), 180, 3),
            ("asha", 5, at(9, 9), 60, 1),  # not done: active time, not minutes per document
            ("ravi", 1, at(1, 9), 240, 2),
            ("ravi", 2, at(8, 9), 360, 4),
        ):
            s.add(
                WorkSession(
                    document_id=d[f"d{i}"],
                    annotator_id=a[name],
                    started_at=started,
                    ended_at=started,
                    active_seconds=seconds,
                    labels=labels,
                )
            )
        for name, i, spans in (
            ("asha", 1, [(0, 5, "GPE"), (10, 16, "ORG")]),
            ("ravi", 1, [(0, 5, "GPE"), (10, 16, "PER")]),
            ("asha", 2, [(0, 5, "GPE")]),
            ("ravi", 2, [(0, 5, "GPE"), (24, 29, "ORG")]),
            ("asha", 3, [(0, 5, "GPE"), (10, 16, "ORG")]),
            ("gold", 1, [(0, 5, "GPE"), (10, 16, "ORG")]),
            ("gold", 3, [(0, 5, "GPE"), (10, 16, "LOC")]),
        ):
            for start, end, label in spans:
                s.add(Entity(document_id=d[f"d{i}"], annotator_id=a[name], start=start, end=end, label=label))
    return d


@pytest.fixture
def team(project):
    build(project)
    return project


def by_name(report):
    return {p.name: p for p in report.annotators}


def test_counts_time_and_speed(team):
    report = project_progress(team, today=TODAY)
    people = by_name(report)
    assert sorted(people) == ["asha", "meera", "ravi"]  # not gold, not a member with no work
    asha, ravi, meera = people["asha"], people["ravi"], people["meera"]
    assert (asha.assigned, asha.checks_assigned, asha.done, asha.skipped, asha.remaining) == (6, 1, 3, 1, 2)
    assert (ravi.assigned, ravi.done, ravi.skipped, ravi.remaining) == (4, 2, 0, 2)
    assert (meera.assigned, meera.done, meera.remaining) == (2, 0, 2)
    assert asha.active_seconds == 1260 and asha.labels == 20
    assert asha.minutes_per_document == 7.0  # median of 7, 10 and 3 minutes (d1 opened twice)
    assert asha.labels_per_hour == pytest.approx(20 / (1260 / 3600))
    assert ravi.minutes_per_document == 5.0 and ravi.labels_per_hour == pytest.approx(36.0)
    assert meera.minutes_per_document is None and meera.labels_per_hour is None
    project = report.project
    assert (project.documents, project.assigned, project.assigned_documents) == (10, 12, 10)
    assert (project.done, project.skipped, project.remaining, project.checks_assigned) == (5, 1, 6, 1)
    assert project.active_seconds == 1860 and project.minutes_per_document == 6.0
    assert project.waiting_adjudication == 1  # d2: done by two, no gold; d1 has gold
    assert project.adjudicated == 2


def test_finish_estimate(team):
    people = by_name(project_progress(team, today=TODAY))
    # asha: 3 documents on 3 active days (3, 7, 8 Dec: 6 calendar days) -> 1 a day, one active day every
    # 2 days; 2 remaining -> 2 active days -> 4 calendar days
    assert people["asha"].documents_per_active_day == 1.0
    assert people["asha"].finish_estimate == date(2026, 12, 14)
    # ravi: 1 and 8 Dec -> 1 a day, every 4 days; 2 remaining -> 8 days
    assert people["ravi"].finish_estimate == date(2026, 12, 18)
    report = project_progress(team, today=TODAY)
    assert people["meera"].finish_estimate is None
    assert report.project.finish_estimate is None and report.project.without_throughput == ["meera"]
    with team.session() as s, s.begin():
        meera = s.query(Annotator).filter_by(name="meera").one()
        s.execute(delete(Assignment).where(Assignment.annotator_id == meera.id))
    assert project_progress(team, today=TODAY).project.finish_estimate == date(2026, 12, 18)  # the latest


def test_finish_rule():
    days = {date(2026, 12, d): n for d, n in ((1, 4), (2, 2), (4, 0), (5, 3))}
    # active days 1, 2, 5 (the 4th had none): 9 documents / 3 = 3 a day; span 5 days / 3 active days
    assert finish_estimate(days, 7, date(2026, 12, 5)) == (date(2026, 12, 10), 3.0)  # 3 active days * 5/3
    assert finish_estimate(days, 0, date(2026, 12, 5)) == (None, 3.0)
    assert finish_estimate({}, 5, date(2026, 12, 5)) == (None, None)
    # only the last 10 active days count
    many = {date(2026, 11, d): 100 for d in range(1, 11)} | {date(2026, 12, d): 1 for d in range(1, 11)}
    assert finish_estimate(many, 3, date(2026, 12, 10)) == (date(2026, 12, 13), 1.0)


def test_since_restricts_time_figures(team):
    report = project_progress(team, today=TODAY, since=date(2026, 12, 5))
    people = by_name(report)
    asha, ravi = people["asha"], people["ravi"]
    assert asha.done == 3 and asha.done_in_period == 2  # counts stay whole
    assert asha.active_seconds == 840 and asha.labels == 14  # sessions from 5 Dec on
    assert asha.minutes_per_document == 6.5  # d2 10 min, d3 3 min
    assert ravi.active_seconds == 360 and ravi.minutes_per_document == 6.0 and ravi.done_in_period == 1
    # throughput from the period only: both 1 a day, every day -> 2 days
    assert asha.finish_estimate == date(2026, 12, 12) and ravi.finish_estimate == date(2026, 12, 12)
    assert report.as_dict()["project"]["since"] == "2026-12-05"
    assert report.project.done_in_period == 3


def test_agreement_is_the_agreement_commands_figure(team):
    people = by_name(project_progress(team, today=TODAY))
    # d1: 1 of 2+2 matched, d2: 1 of 1+2 -> 2*2/7
    assert people["asha"].agreement == pytest.approx(4 / 7) and people["ravi"].agreement == pytest.approx(
        4 / 7
    )
    assert people["asha"].agreement_documents == 2 and people["meera"].agreement is None
    pairwise = compute_agreement(team, layers=["entities"]).layers["entities"]["pairwise"]
    assert pairwise["asha|ravi"]["exact"].value == pytest.approx(people["asha"].agreement)


def test_scores_against_gold(team):
    from annotator.services.adjudication import scores_against_gold

    people = by_name(project_progress(team, today=TODAY))
    # asha: d1 2 of 2, d3 1 of 2 -> P = R = 3/4; ravi: d1 1 of 2
    assert people["asha"].gold == {"precision": 0.75, "recall": 0.75, "f1": 0.75, "units": 2}
    assert people["ravi"].gold == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "units": 1}
    assert people["meera"].gold is None
    everyone = scores_against_gold(team)
    assert {n: people[n].gold for n in ("asha", "ravi")} == {n: everyone[n] for n in ("asha", "ravi")}


def test_series_and_quality_flags(team):
    report = project_progress(team, today=TODAY, series=True, min_documents=1)
    series = report.series
    assert (
        series.days[0] == date(2026, 12, 1) and series.days[-1] == date(2026, 12, 8) and len(series.days) == 8
    )
    assert series.done_per_day["asha"] == [0, 0, 1, 0, 0, 0, 1, 1]
    assert series.done_per_day["ravi"] == [1, 0, 0, 0, 0, 0, 0, 1]
    assert series.done_per_day["meera"] == [0] * 8
    assert series.assigned_total == 12 and series.done_before == 0
    assert series.minutes["asha"] == [3.0, 7.0, 10.0]
    # asha has gold: week of 30 Nov (d1) F1 1.0, week of 7 Dec (d3) 0.5: a fall of 0.5 > 0.1
    asha = series.quality["asha"]
    assert [(p.week, p.value, p.units, p.flagged) for p in asha] == [
        (date(2026, 11, 30), 1.0, 1, False),
        (date(2026, 12, 7), 0.5, 1, True),
    ]
    assert report.as_dict()["project"]["quality_margin"] == 0.1
    # a margin wider than the fall: not flagged (option, then the project setting)
    wide = project_progress(team, today=TODAY, series=True, margin=0.6, min_documents=1).series
    assert not any(p.flagged for p in wide.quality["asha"])
    # by default weeks resting on fewer than 3 documents are not compared
    thin = project_progress(team, today=TODAY, series=True).series
    assert [p.value for p in thin.quality["asha"]] == [1.0, 0.5] and not any(
        p.flagged for p in thin.quality["asha"]
    )
    team.set_setting(MARGIN_SETTING, "0.6")
    again = project_progress(team, today=TODAY, series=True, min_documents=1).series
    assert not any(p.flagged for p in again.quality["asha"])
    team.set_setting(MARGIN_SETTING, "lots")
    with pytest.raises(ProgressError, match=MARGIN_SETTING):
        project_progress(team, today=TODAY)


def test_quality_is_agreement_without_gold(team):
    with team.session() as s, s.begin():
        gold = s.query(Annotator).filter_by(name="gold").one()
        s.execute(delete(Entity).where(Entity.annotator_id == gold.id))
    series = project_progress(team, today=TODAY, series=True).series
    # ravi: d1 (week of 30 Nov) 1 of 2+2 -> 0.5; d2 (week of 7 Dec) 1 of 1+2 -> 2/3
    ravi = series.quality["ravi"]
    assert [(p.week, p.units, p.flagged) for p in ravi] == [
        (date(2026, 11, 30), 1, False),
        (date(2026, 12, 7), 1, False),
    ]
    assert [p.value for p in ravi] == pytest.approx([0.5, 2 / 3])
    # asha: d1 done on the 3rd (week of 30 Nov), d2 on the 7th (week of 7 Dec): the same pairs
    assert [p.value for p in series.quality["asha"]] == pytest.approx([0.5, 2 / 3])
    assert series.quality["meera"] == []


def test_documents_behind(team):
    assert [r.external_id for r in _behind(team, "asha", day=date(2026, 12, 7))] == ["d2"]
    rows = _behind(team, None, day=date(2026, 12, 8))
    assert [(r.external_id, r.annotator) for r in rows] == [("d2", "ravi"), ("d3", "asha")]
    assert [r.external_id for r in _behind(team, "ravi", week=date(2026, 11, 30))] == ["d1"]
    slow = documents_behind(team, "asha", slowest_first=True)
    assert [(r.external_id, r.minutes) for r in slow] == [("d2", 10.0), ("d1", 7.0), ("d3", 3.0)]
    assert slow[0].title == "Title 2" and slow[0].done_on == date(2026, 12, 7)


def _behind(project, name, **kw):
    rows = documents_behind(project, name, **kw)
    return sorted(rows, key=lambda r: r.external_id)


def test_plain_file_reading_gives_the_same_figures(sqlite_project):
    build(sqlite_project)
    expected = project_progress(sqlite_project, today=TODAY).as_dict()
    path = sqlite_project.engine.url.database
    assert progress_file(path, today=TODAY).as_dict() == expected


def test_table_and_bad_dates(team):
    text = format_progress(project_progress(team, today=TODAY))
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["annotator", "assigned", "done", "skipped"]
    asha = next(line for line in lines if line.startswith("asha"))
    assert asha.split()[:5] == ["asha", "6", "3", "1", "2"] and "2026-12-14" in asha
    assert "1 waiting for adjudication" in text
    assert parse_day("2026-12-05") == date(2026, 12, 5)
    with pytest.raises(ProgressError, match="bad date"):
        parse_day("5 Dec")


def make_check(project) -> None:
    """d3 (asha finished it, gold has it) becomes a check given to asha as one."""
    from sqlalchemy import update

    from annotator.store.models import CheckDocument

    with project.session() as s, s.begin():
        d3 = s.query(Document).filter_by(external_id="d3").one().id
        asha = s.query(Annotator).filter_by(name="asha").one().id
        s.add(CheckDocument(document_id=d3))
        s.execute(
            update(Assignment)
            .where(Assignment.document_id == d3, Assignment.annotator_id == asha)
            .values(is_check=True)
        )


def test_scores_on_checks_apart_from_agreement(team):
    make_check(team)
    people = by_name(project_progress(team, today=TODAY))
    # asha on d3: GPE as gold, ORG where gold has LOC
    assert people["asha"].checks == {"entities": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "units": 1}}
    assert people["asha"].checks_assigned == 2 and people["ravi"].checks is None
    assert people["asha"].agreement == pytest.approx(4 / 7)  # unchanged: checks are scored apart
    assert "entities 0.50" in format_progress(project_progress(team, today=TODAY))


def test_plain_check_scores_are_the_check_services(sqlite_project):
    """The plain-connection scores on checks (for the command's fast path) equal services.checks'."""
    import sqlite3

    from annotator.services.checks import check_scores
    from annotator.services.progress import plain_check_scores
    from annotator.store.models import DocumentLabel

    build(sqlite_project)
    make_check(sqlite_project)
    with sqlite_project.session() as s, s.begin():
        d3 = s.query(Document).filter_by(external_id="d3").one().id
        for name, value in (("gold", -2), ("asha", -1)):
            person = s.query(Annotator).filter_by(name=name).one().id
            s.add(DocumentLabel(document_id=d3, annotator_id=person, name="tone", value=value))
    expected = check_scores(sqlite_project)
    assert expected["asha"]["tone"]["accuracy"] == 0.0 and "entities" in expected["asha"]
    con = sqlite3.connect(sqlite_project.engine.url.database)
    try:
        assert plain_check_scores(con) == expected
    finally:
        con.close()
    people = by_name(progress_file(sqlite_project.engine.url.database, today=TODAY))
    assert people["asha"].checks == expected["asha"]
