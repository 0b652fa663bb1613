"""`annotator progress`: the JSON's keys and values and the plain table, on the hand-built project of
tests/services/test_progress.py; bad dates and margins are one-line errors."""

from __future__ import annotations

import json

import pytest

from annotator.cli import build_parser, main
from tests.services.test_progress import build

KEYS = {
    "name",
    "assigned",
    "done",
    "skipped",
    "active_seconds",
    "minutes_per_document",
    "labels_per_hour",
    "finish_estimate",
    "remaining",
    "agreement",
    "gold",
    "checks",
}


@pytest.fixture
def target(sqlite_project):
    build(sqlite_project)
    return str(sqlite_project.engine.url.database)


def test_json(target, capsys):
    assert main(["progress", target, "--json", "--today", "2026-12-10"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"annotators", "project"}
    people = {p["name"]: p for p in out["annotators"]}
    assert list(people) == ["asha", "meera", "ravi"]
    asha = people["asha"]
    assert KEYS <= set(asha)
    assert (asha["assigned"], asha["done"], asha["skipped"], asha["remaining"]) == (6, 3, 1, 2)
    assert asha["active_seconds"] == 1260 and asha["minutes_per_document"] == 7.0
    assert asha["labels_per_hour"] == pytest.approx(20 / 0.35)
    assert asha["finish_estimate"] == "2026-12-14" and people["meera"]["finish_estimate"] is None
    assert asha["gold"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75, "units": 2}
    assert asha["agreement"] == pytest.approx(4 / 7)
    project = out["project"]
    assert (project["assigned"], project["done"], project["remaining"]) == (12, 5, 6)
    assert project["waiting_adjudication"] == 1 and project["finish_estimate"] is None
    assert project["without_throughput"] == ["meera"] and project["since"] is None


def test_scores_on_checks(sqlite_project, capsys):
    from tests.services.test_progress import make_check

    build(sqlite_project)
    make_check(sqlite_project)
    target = str(sqlite_project.engine.url.database)
    assert main(["progress", target, "--json", "--today", "2026-12-10"]) == 0
    asha = json.loads(capsys.readouterr().out)["annotators"][0]
    assert asha["checks"] == {"entities": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "units": 1}}


def test_since(target, capsys):
    assert main(["progress", target, "--json", "--since", "2026-12-05", "--today", "2026-12-10"]) == 0
    out = json.loads(capsys.readouterr().out)
    asha = next(p for p in out["annotators"] if p["name"] == "asha")
    assert asha["active_seconds"] == 840 and asha["done_in_period"] == 2 and asha["done"] == 3
    assert out["project"]["since"] == "2026-12-05"


def test_table(target, capsys):
    assert main(["progress", target, "--today", "2026-12-10"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split()[0] == "annotator" and "finish" in header
    ravi = next(r for r in rows if r.startswith("ravi"))
    assert ravi.split()[:5] == ["ravi", "4", "2", "0", "2"] and "2026-12-18" in ravi
    assert any(r.startswith("(project)") for r in rows)


def test_bad_input(target, capsys):
    assert main(["progress", target, "--since", "yesterday"]) == 1
    assert capsys.readouterr().err.strip() == "annotator: error: bad date 'yesterday': expected YYYY-MM-DD"
    with pytest.raises(SystemExit):
        main(["progress", target, "--margin", "2"])
    assert "outside 0-1" in capsys.readouterr().err


def test_one_command_parser_builds_only_progress():
    parser = build_parser("progress")
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == ["progress"]
