"""Check documents (issue 18): marked only with gold, mixed into assignments blind, scored per layer against
gold apart from agreement, and never counted twice in datasets."""

import csv
import json
import sqlite3

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services.adjudication import auto_adjudicate
from annotator.services.annotate import AddSpans, Editor, SetWork, WorkState
from annotator.services.checks import check_scores, checks_for, list_checks, mark_checks, unmark_checks
from annotator.services.datasets import export_dataset
from annotator.services.documents import list_documents
from annotator.services.packages import export_package
from annotator.services.team import add_annotator, assign
from annotator.store.models import Assignment, Document
from tests.services.test_datasets import TEXT, at, block, ent, load

GOOD = [ent(1, "लश्कर-ए-तैयबा", "ARMED_GROUP"), ent(2, "Delhi police", "ORG"), ent(3, "26", "NUM")]


@pytest.fixture
def team_project(project, tmp_path):
    """c1, c2 with gold (asha and ravi agree; majority adjudicated), d1…d6 without annotations; meena and
    kiran annotators, lead the lead."""
    records = [
        {
            "id": cid,
            "text": TEXT + f" ({cid})",
            "annotations": [block("asha", GOOD, tone=-2), block("ravi", GOOD, tone=-2)],
        }
        for cid in ("c1", "c2")
    ] + [{"id": f"d{i}", "text": f"Talks in Delhi, number {i}."} for i in range(1, 7)]
    load(project, tmp_path, records)
    auto_adjudicate(project, "majority")
    for name in ("meena", "kiran"):
        add_annotator(project, name)
    add_annotator(project, "lead", "lead")
    return project


def ids(project):
    with project.engine.connect() as conn:
        return dict(conn.execute(select(Document.external_id, Document.id)).all())


def check_pairs(project):
    names = {}
    with project.engine.connect() as conn:
        from annotator.store.models import Annotator

        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        docs = {v: k for k, v in ids(project).items()}
        return sorted(
            (docs[d], names[a], c)
            for d, a, c in conn.execute(
                select(Assignment.document_id, Assignment.annotator_id, Assignment.is_check)
            )
        )


def test_only_documents_with_gold_can_be_checks(team_project):
    with pytest.raises(AnnotatorError, match=r"document d1 has no adjudicated gold.*nothing marked"):
        mark_checks(team_project, ["c1", "d1"])
    assert list_checks(team_project) == []
    with pytest.raises(AnnotatorError, match="no document with id 'nope'"):
        mark_checks(team_project, ["nope"])
    assert mark_checks(team_project, ["c1", "c2"], marked_by="lead") == ["c1", "c2"]
    assert mark_checks(team_project, ["c1"]) == []  # already one
    rows = list_checks(team_project)
    assert [(r.external_id, r.marked_by, r.assigned) for r in rows] == [("c1", "lead", 0), ("c2", "lead", 0)]
    assert unmark_checks(team_project, ["c2"]) == ["c2"]
    assert [r.external_id for r in list_checks(team_project)] == ["c1"]


def test_checks_for_shares():
    assert checks_for(0.05, 0) == 0 and checks_for(0, 100) == 0
    assert checks_for(0.05, 95) == 5  # 5 of 100 assignments
    assert checks_for(0.05, 3) == 1  # a share asked: at least one
    assert checks_for(0.25, 6) == 2


def test_assign_mixes_checks_into_every_annotators_work(team_project):
    mark_checks(team_project, ["c1", "c2"])
    report = assign(team_project, ["meena", "kiran"], seed=3, checks=0.25)
    pairs = check_pairs(team_project)
    regular = [p for p in pairs if not p[2]]
    checks = [p for p in pairs if p[2]]
    # check documents get no regular assignment; the six others one annotator each, three each
    assert sorted(d for d, _n, _c in regular) == [f"d{i}" for i in range(1, 7)]
    assert report.loads == {"kiran": 3, "meena": 3}
    # 0.25 of their work: 3 regular → 1 check each, never one they labelled
    assert sorted(n for _d, n, _c in checks) == ["kiran", "meena"]
    assert {d for d, _n, _c in checks} <= {"c1", "c2"}
    assert report.checks == (2, 0, 0, 2)
    assert "check assignments: 2 added" in report.summary()
    # again with the same seed: nothing moves
    again = assign(team_project, ["meena", "kiran"], seed=3, checks=0.25)
    assert check_pairs(team_project) == pairs and again.checks == (0, 2, 0, 2)
    # the original annotators of a check are never given it as a check
    add_annotator(team_project, "asha")
    assign(team_project, ["meena", "kiran", "asha"], seed=4, checks=0.25)
    assert not [p for p in check_pairs(team_project) if p[1] == "asha" and p[2]]
    # without --checks the check assignments stay as they are
    before = [p for p in check_pairs(team_project) if p[2]]
    assign(team_project, ["meena", "kiran"], seed=5)
    assert [p for p in check_pairs(team_project) if p[2]] == before


def test_checks_on_the_command_line(team_project, capsys):
    location = str(team_project.location)
    if not location.endswith(".annotator"):
        pytest.skip("the CLI test runs on a project file")
    team_project.close()
    assert main(["checks", "add", location, "d1"]) == 1
    assert "d1 has no adjudicated gold" in capsys.readouterr().err
    assert main(["checks", "add", location, "c1", "c2", "--by", "lead"]) == 0
    assert "2 document(s) marked as checks: c1, c2" in capsys.readouterr().out
    assert main(["assign", location, "--annotators", "meena,kiran", "--seed", "1", "--checks", "0.25"]) == 0
    assert "check assignments: 2 added" in capsys.readouterr().out
    assert main(["checks", "list", location, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["marked_by"], r["assigned"]) for r in listed] == [
        ("c1", "lead", 1),
        ("c2", "lead", 1),
    ]
    assert main(["checks", "remove", location, "c2"]) == 0
    assert "1 document(s) no longer checks: c2" in capsys.readouterr().out


def finish(project, name, external_id, spans, tone=None):
    editor = Editor(project, name)
    doc = ids(project)[external_id]
    if spans:
        AddSpans(doc, spans).apply(editor)
    if tone is not None:
        from annotator.services.annotate import SetTone

        SetTone(doc, None, tone).apply(editor)
    SetWork(doc, WorkState(), WorkState(status="done")).apply(editor)


def test_scores_on_checks_per_layer_against_gold(team_project):
    mark_checks(team_project, ["c1", "c2"])
    assign(team_project, ["meena", "kiran"], seed=3, checks=0.25)
    given = {n: d for d, n, c in check_pairs(team_project) if c}
    text = {d: TEXT + f" ({d})" for d in ("c1", "c2")}
    # meena finds two of gold's three entities and one wrong one, and the tone; kiran nothing, another tone
    s1, s2 = at("लश्कर-ए-तैयबा", text[given["meena"]]), at("Delhi police", text[given["meena"]])
    finish(team_project, "meena", given["meena"], [(*s1, "ARMED_GROUP"), (*s2, "ORG"), (0, 1, "LOC")], -2)
    finish(team_project, "kiran", given["kiran"], [], 1)
    finish(team_project, "meena", "d1", [(0, 5, "LOC")])  # regular work: not a check, not scored
    scores = check_scores(team_project)
    assert set(scores) == {"meena", "kiran"}  # asha and ravi made gold: not scored on checks
    meena = scores["meena"]["entities"]
    assert meena["precision"] == pytest.approx(2 / 3) and meena["recall"] == pytest.approx(2 / 3)
    assert meena["f1"] == pytest.approx(2 / 3) and meena["units"] == 1
    assert scores["meena"]["tone"]["accuracy"] == 1.0 and scores["meena"]["tone"]["units"] == 1
    kiran = scores["kiran"]["entities"]
    assert kiran["recall"] == 0.0 and kiran["precision"] is None
    assert scores["kiran"]["tone"]["accuracy"] == 0.0
    assert "events" not in scores["meena"] or scores["meena"]["events"]["units"] == 1


def test_checks_are_blind_to_the_annotator(team_project, tmp_path):
    mark_checks(team_project, ["c1", "c2"])
    assign(team_project, ["meena", "kiran"], seed=3, checks=0.25)
    given = {n: d for d, n, c in check_pairs(team_project) if c}
    meena_id = Editor(team_project, "meena").annotator_id
    rows = {r.external_id: r for r in list_documents(team_project, meena_id)}
    check, regular = rows[given["meena"]], next(r for r in rows.values() if r.external_id.startswith("d"))
    # the list shows a check exactly as any assigned document
    assert check.assigned and regular.assigned
    assert (check.status, check.labels, check.flagged) == ("todo", 0, False)
    assert type(check).__dataclass_fields__.keys() == {
        "id",
        "external_id",
        "title",
        "lang",
        "status",
        "labels",
        "flagged",
        "assigned",
    }
    # her package: the check among her documents, without the flag, the marks or gold's labels
    out = tmp_path / "meena.annotator"
    export_package(team_project, "meena", out)
    con = sqlite3.connect(out)
    try:
        assert con.execute("SELECT count(*) FROM check_documents").fetchone()[0] == 0
        flags = con.execute("SELECT is_check FROM assignments").fetchall()
        assert len(flags) == 4 and {f for (f,) in flags} == {0}
        docs = {e for (e,) in con.execute("SELECT external_id FROM documents")}
        assert given["meena"] in docs
        assert con.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM gold_provenance").fetchone()[0] == 0
    finally:
        con.close()


def test_checks_are_never_counted_twice_in_datasets(team_project, tmp_path):
    mark_checks(team_project, ["c1", "c2"])
    assign(team_project, ["meena", "kiran"], seed=3, checks=0.25)
    given = {n: d for d, n, c in check_pairs(team_project) if c}
    s1 = at("लश्कर-ए-तैयबा", TEXT)
    for name in ("meena", "kiran"):
        finish(team_project, name, given[name], [(*s1, "ARMED_GROUP")])
        finish(team_project, name, "d1", [(0, 5, "LOC")])

    runs = iter(range(100))

    def exported(annotation_set):
        out = tmp_path / f"ds-{annotation_set}-{next(runs)}"
        export_dataset(team_project, "csv", out, annotation_set=annotation_set)
        with (out / "full.csv").open(encoding="utf-8") as fh:
            return sorted(row["id"] for row in csv.DictReader(fh))

    assert exported("gold") == ["c1", "c2"]  # each check once, as gold
    assert exported("meena") == ["d1"]  # her answers on a check are not data
    assert exported("majority") == ["d1"]  # nor do two annotators' answers make a majority copy
    # without the mark, her labels on it are her work like any other
    unmark_checks(team_project, [given["meena"]])
    assert exported("meena") == sorted(["d1", given["meena"]])
