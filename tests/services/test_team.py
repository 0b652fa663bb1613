"""The team: annotators with roles, assignment with overlap (balanced, reproducible, keeping started work),
blind export, and assigned documents first in the document list."""

import io
import json
from collections import Counter

import pytest

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services.annotate import AddSpans, Editor, SetWork, WorkState
from annotator.services.documents import annotator_id, document_row, list_documents
from annotator.services.exporting import export_brat, export_jsonl, write_jsonl
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.team import (
    add_annotator,
    annotator_role,
    assign,
    assignments,
    blind_mode,
    list_annotators,
    set_blind_mode,
    visible_annotator,
)


def add_documents(project, tmp_path, n: int) -> None:
    f = tmp_path / f"docs-{n}.jsonl"
    f.write_text(
        "".join(
            json.dumps({"id": f"d{i:03d}", "text": f"दिल्ली में बैठक {i}. Talks in Delhi, number {i}."}) + "\n"
            for i in range(n)
        ),
        encoding="utf-8",
    )
    assert import_paths(project, [f]).ok


def team(project, *names: str, role: str = "annotator") -> None:
    for name in names:
        add_annotator(project, name, role)


def per_document(pairs) -> Counter:
    return Counter(doc for doc, _ in pairs)


def loads(pairs) -> Counter:
    return Counter(name for _, name in pairs)


def doc_id(project, external_id: str) -> int:
    return next(r.id for r in list_documents(project, None) if r.external_id == external_id)


# ----------------------------------------------------------------------------------------------- roles


def test_add_list_and_change_roles(project):
    assert list_annotators(project) == []
    change = add_annotator(project, "asha")
    assert (change.name, change.role, change.created, change.changed) == ("asha", "annotator", True, False)
    assert change.summary() == "added asha (annotator)"
    add_annotator(project, " ravi ", role="lead")  # names are stripped
    change = add_annotator(project, "asha", role="adjudicator")
    assert change.previous_role == "annotator" and change.changed and not change.created
    assert "role changed from annotator to adjudicator" in change.summary()
    assert "unchanged" in add_annotator(project, "asha", role="adjudicator").summary()
    assert [(a.name, a.role, a.assigned, a.done) for a in list_annotators(project)] == [
        ("asha", "adjudicator", 0, 0),
        ("ravi", "lead", 0, 0),
    ]
    assert annotator_role(project, "ravi") == "lead" and annotator_role(project, "nobody") is None


def test_annotators_made_by_labelling_are_annotators(project):
    annotator_id(project, "meena")  # what the GUI does on first use
    assert [(a.name, a.role) for a in list_annotators(project)] == [("meena", "annotator")]


@pytest.mark.parametrize(("name", "role"), [("asha", "boss"), ("", "annotator"), ("a,b", "annotator")])
def test_bad_role_or_name(project, name, role):
    with pytest.raises(AnnotatorError):
        add_annotator(project, name, role)
    assert list_annotators(project) == []


def test_list_counts_assigned_and_done(project, tmp_path):
    add_documents(project, tmp_path, 6)
    team(project, "asha", "ravi")
    assign(project, ["asha", "ravi"], seed=1)
    editor = Editor(project, "asha")
    mine = [r.id for r in list_documents(project, editor.annotator_id) if r.assigned]
    SetWork(mine[0], WorkState(), WorkState("done")).apply(editor)
    assert [(a.name, a.assigned, a.done) for a in list_annotators(project)] == [
        ("asha", 3, 1),
        ("ravi", 3, 0),
    ]


# ------------------------------------------------------------------------------------------ assignment


def test_assignment_with_overlap_is_balanced(project, tmp_path):
    add_documents(project, tmp_path, 100)
    team(project, "asha", "ravi", "meena")
    report = assign(project, ["asha", "ravi", "meena"], per_doc=2, overlap=0.2, seed=7)
    pairs = assignments(project)
    counts = per_document(pairs)
    assert len(counts) == 100  # every document has an annotator
    assert sorted(Counter(counts.values()).items()) == [(1, 80), (2, round(0.2 * 100))]
    load = loads(pairs)
    assert max(load.values()) - min(load.values()) <= 1 and sum(load.values()) == 120
    assert report.documents == 100 and report.overlap_documents == 20 and report.seed == 7
    assert (report.added, report.kept, report.removed) == (120, 0, 0)
    assert report.loads == dict(sorted(load.items()))
    assert "120 added" in report.summary()


@pytest.mark.parametrize(
    ("docs", "names", "per_doc", "overlap"), [(7, 3, 2, 0.5), (11, 4, 3, 0.3), (5, 2, 1, 0)]
)
def test_loads_differ_by_at_most_one(project, tmp_path, docs, names, per_doc, overlap):
    add_documents(project, tmp_path, docs)
    people = [f"p{i}" for i in range(names)]
    team(project, *people)
    assign(project, people, per_doc=per_doc, overlap=overlap, seed=3)
    pairs = assignments(project)
    load = loads(pairs)
    assert len(per_document(pairs)) == docs
    assert set(load) == set(people) and max(load.values()) - min(load.values()) <= 1
    assert sum(n > 1 for n in per_document(pairs).values()) == (round(overlap * docs) if per_doc > 1 else 0)


def test_assignment_is_reproducible(tmp_path):
    def run(folder, seed):
        folder.mkdir()
        with init_project(folder / "p.annotator") as project:
            add_documents(project, folder, 60)
            team(project, "c", "a", "b")
            assign(project, ["c", "a", "b"], per_doc=2, overlap=0.25, seed=seed)
            return assignments(project)

    first = run(tmp_path / "one", 11)
    assert run(tmp_path / "two", 11) == first
    assert run(tmp_path / "three", 12) != first


def test_assigning_again_with_the_same_seed_changes_nothing(project, tmp_path):
    add_documents(project, tmp_path, 30)
    team(project, "a", "b", "c")
    assign(project, ["a", "b", "c"], per_doc=2, overlap=0.3, seed=5)
    before = assignments(project)
    report = assign(project, ["a", "b", "c"], per_doc=2, overlap=0.3, seed=5)
    assert assignments(project) == before
    assert (report.added, report.kept, report.removed) == (0, len(before), 0)


def test_reassigning_keeps_started_and_done_work(project, tmp_path):
    add_documents(project, tmp_path, 60)
    team(project, "asha", "ravi", "meena")
    assign(project, ["asha", "ravi", "meena"], per_doc=2, overlap=0.2, seed=1)
    asha = Editor(project, "asha")
    ravi = Editor(project, "ravi")
    asha_docs = [r for r in list_documents(project, asha.annotator_id) if r.assigned]
    labelled = asha_docs[:5]
    for row in labelled:  # labels: in progress
        AddSpans(row.id, [(0, 6, "GPE")]).apply(asha)
    done_doc, skipped_doc = asha_docs[5], asha_docs[6]
    SetWork(done_doc.id, WorkState(), WorkState("done")).apply(asha)
    SetWork(skipped_doc.id, WorkState(), WorkState("skipped")).apply(asha)
    ravi_doc = next(r for r in list_documents(project, ravi.annotator_id) if r.assigned)
    SetWork(ravi_doc.id, WorkState(), WorkState("in_progress")).apply(ravi)
    started = {(r.external_id, "asha") for r in [*labelled, done_doc, skipped_doc]} | {
        (ravi_doc.external_id, "ravi")
    }

    add_annotator(project, "dev")
    report = assign(project, ["asha", "ravi", "meena", "dev"], per_doc=2, overlap=0.2, seed=2)
    pairs = assignments(project)
    assert started <= set(pairs)
    assert report.kept_started == len(started) and report.removed > 0 and report.added > 0
    counts = per_document(pairs)
    assert len(counts) == 60 and sorted(Counter(counts.values()).items()) == [(1, 48), (2, 12)]
    load = loads(pairs)
    assert set(load) == {"asha", "ravi", "meena", "dev"} and sum(load.values()) == 72
    assert max(load.values()) - min(load.values()) <= 1  # 18 each: asha's 7 started fit
    assert report.loads == dict(sorted(load.items()))

    # without asha: her started documents stay hers, her unstarted ones go to the others
    report = assign(project, ["ravi", "meena", "dev"], per_doc=2, overlap=0.2, seed=2)
    pairs = assignments(project)
    assert {p for p in pairs if p[1] == "asha"} == {p for p in started if p[1] == "asha"}
    assert len(per_document(pairs)) == 60 and "asha" not in report.loads


def test_assign_errors(project, tmp_path):
    add_documents(project, tmp_path, 4)
    team(project, "a", "b")
    with pytest.raises(AnnotatorError, match="--per-doc 3 needs at least 3 annotators"):
        assign(project, ["a", "b"], per_doc=3, overlap=0.5)
    with pytest.raises(AnnotatorError, match=r"unknown annotator\(s\): x, y"):
        assign(project, ["a", "y", "x"])
    with pytest.raises(AnnotatorError, match="overlap"):
        assign(project, ["a", "b"], overlap=1.5)
    with pytest.raises(AnnotatorError, match="at least one"):
        assign(project, [])
    assert assignments(project) == []


def test_per_doc_defaults_to_two_with_overlap(project, tmp_path):
    add_documents(project, tmp_path, 10)
    team(project, "a", "b")
    report = assign(project, ["a", "b"], overlap=0.5, seed=1)
    assert report.per_doc == 2 and report.overlap_documents == 5
    solo = assign(project, ["a"], seed=1)  # no overlap: one annotator is enough
    assert solo.per_doc == 1


# --------------------------------------------------------------------------------------- document list


def test_assigned_documents_come_first(project, tmp_path):
    add_documents(project, tmp_path, 9)
    team(project, "asha", "ravi", "meena")
    assign(project, ["asha", "ravi", "meena"], seed=4)
    asha = Editor(project, "asha")
    mine = sorted(d for d, name in assignments(project) if name == "asha")
    rows = list_documents(project, asha.annotator_id)
    assert [r.external_id for r in rows[:3]] == mine and all(r.assigned for r in rows[:3])
    assert not any(r.assigned for r in rows[3:])
    assert [r.id for r in rows[3:]] == sorted(r.id for r in rows[3:])
    AddSpans(rows[1].id, [(0, 6, "GPE")]).apply(asha)
    fresh = list_documents(project, asha.annotator_id)
    assert (fresh[1].status, fresh[1].labels) == ("in_progress", 1)
    for row in (fresh[0], fresh[1], fresh[5]):
        assert document_row(project, asha.annotator_id, row.id) == row
    assert [r.external_id for r in list_documents(project, None)] == [f"d{i:03d}" for i in range(9)]


# ------------------------------------------------------------------------------------------ blind mode


@pytest.fixture
def labelled(project, tmp_path):
    """Two documents: asha and ravi both labelled the first, ravi the second; lina is the lead."""
    add_documents(project, tmp_path, 2)
    team(project, "asha", "ravi")
    add_annotator(project, "lina", "lead")
    add_annotator(project, "adi", "adjudicator")
    AddSpans(doc_id(project, "d000"), [(0, 6, "GPE")]).apply(Editor(project, "asha"))
    AddSpans(doc_id(project, "d000"), [(0, 6, "LOC")]).apply(Editor(project, "ravi"))
    AddSpans(doc_id(project, "d001"), [(0, 6, "GPE")]).apply(Editor(project, "ravi"))
    return project


def exported(project, viewer=None):
    out = io.StringIO()
    report = write_jsonl(project, out, viewer=viewer)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return report, {d["id"]: [a["annotator"] for a in d["annotations"]] for d in lines}


def test_blind_is_on_by_default_and_can_be_switched(project):
    assert blind_mode(project) is True
    set_blind_mode(project, False)
    assert blind_mode(project) is False
    set_blind_mode(project, True)
    assert blind_mode(project) is True


def test_blind_export_shows_an_annotator_only_their_own(labelled):
    report, docs = exported(labelled, "asha")
    assert docs == {"d000": ["asha"], "d001": []} and (report.documents, report.annotated) == (2, 1)
    everything = {"d000": ["asha", "ravi"], "d001": ["ravi"]}
    assert exported(labelled, None)[1] == everything
    assert exported(labelled, "lina")[1] == everything  # lead
    assert exported(labelled, "adi")[1] == everything  # adjudicator
    set_blind_mode(labelled, False)
    assert exported(labelled, "asha")[1] == everything
    assert visible_annotator(labelled, "asha") is None


def test_blind_export_of_an_unknown_viewer_is_an_error(labelled, tmp_path):
    with pytest.raises(AnnotatorError, match="'nobody' is not an annotator"):
        export_jsonl(labelled, tmp_path / "out.jsonl", viewer="nobody")
    assert not (tmp_path / "out.jsonl").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_blind_brat_export(labelled, tmp_path):
    report = export_brat(labelled, tmp_path / "asha", viewer="asha")  # no --annotator needed: one set
    assert report.annotated == 1
    assert "GPE" in (tmp_path / "asha" / "d000.ann").read_text(encoding="utf-8")
    assert (tmp_path / "asha" / "d001.ann").read_text(encoding="utf-8") == ""
    with pytest.raises(AnnotatorError, match="only their own"):
        export_brat(labelled, tmp_path / "ravi", viewer="asha", annotator="ravi")
    export_brat(labelled, tmp_path / "lead", viewer="lina", annotator="ravi")
    assert "LOC" in (tmp_path / "lead" / "d000.ann").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------- CLI


@pytest.fixture
def cli_project(tmp_path):
    path = tmp_path / "cli.annotator"
    with init_project(path) as project:
        add_documents(project, tmp_path, 10)
        AddSpans(doc_id(project, "d000"), [(0, 6, "GPE")]).apply(Editor(project, "asha"))
        AddSpans(doc_id(project, "d000"), [(0, 6, "LOC")]).apply(Editor(project, "ravi"))
    return str(path)


@pytest.mark.parametrize("command", [["annotators", "add"], ["annotators", "list"], ["assign"], ["settings"]])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    assert f"usage: annotator {' '.join(command)}" in capsys.readouterr().out


def test_cli_annotators(cli_project, capsys):
    assert main(["annotators", "add", cli_project, "meena"]) == 0
    assert capsys.readouterr().out == "added meena (annotator)\n"
    assert main(["annotators", "add", cli_project, "ravi", "--role", "lead"]) == 0
    assert capsys.readouterr().out == "ravi: role changed from annotator to lead\n"
    with pytest.raises(SystemExit) as exc:
        main(["annotators", "add", cli_project, "x", "--role", "boss"])
    assert exc.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err
    assert main(["annotators", "list", cli_project]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["name", "role", "assigned", "done"]
    assert [line.split() for line in out[1:]] == [
        ["asha", "annotator", "0", "0"],
        ["meena", "annotator", "0", "0"],
        ["ravi", "lead", "0", "0"],
    ]
    assert main(["annotators", "list", cli_project, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[2] == {
        "name": "ravi",
        "role": "lead",
        "assigned": 0,
        "done": 0,
    }
    with pytest.raises(SystemExit) as exc:
        main(["annotators", cli_project])
    assert exc.value.code == 2


def test_cli_assign(cli_project, capsys):
    main(["annotators", "add", cli_project, "meena"])
    capsys.readouterr()
    args = ["assign", cli_project, "--annotators", "asha,ravi,meena", "--per-doc", "2", "--overlap", "0.2"]
    assert main([*args, "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "10 document(s), 2 with 2+ annotators (seed 3)" in out
    assert "12 added, 0 kept (0 already started), 0 removed" in out
    assert [line.split() for line in out.splitlines()[2:]] == [["asha", "4"], ["meena", "4"], ["ravi", "4"]]
    assert main([*args, "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "0 added, 12 kept (" in out and "0 removed" in out
    assert main(["annotators", "list", cli_project]) == 0
    assert [line.split()[2] for line in capsys.readouterr().out.splitlines()[1:]] == ["4", "4", "4"]

    assert main(["assign", cli_project, "--annotators", "asha,nobody,zed"]) == 1
    assert capsys.readouterr().err == (
        "annotator: error: unknown annotator(s): nobody, zed; add them first with "
        "`annotator annotators add PROJECT NAME`\n"
    )
    assert (
        main(["assign", cli_project, "--annotators", "asha,ravi", "--per-doc", "3", "--overlap", "0.5"]) == 1
    )
    assert "--per-doc 3 needs at least 3 annotators" in capsys.readouterr().err
    for bad in (["--overlap", "2"], ["--overlap", "x"], ["--annotators", ","]):
        with pytest.raises(SystemExit) as exc:
            main(["assign", cli_project, "--annotators", "asha", *bad])
        assert exc.value.code == 2


def test_cli_settings_and_export_as(cli_project, tmp_path, capsys):
    main(["annotators", "add", cli_project, "lina", "--role", "lead"])
    capsys.readouterr()
    assert main(["settings", cli_project]) == 0
    assert capsys.readouterr().out == "blind: on\nidle: 60 s\n"

    def export(*extra):
        out = tmp_path / "out.jsonl"
        code = main(["export", cli_project, "--out", str(out), "--quiet", *extra])
        if code:
            return code
        first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        return [a["annotator"] for a in first["annotations"]]

    assert export("--as", "asha") == ["asha"]
    assert export("--as", "lina") == ["asha", "ravi"]
    assert export() == ["asha", "ravi"]
    assert export("--as", "nobody") == 1
    assert "'nobody' is not an annotator of this project" in capsys.readouterr().err

    assert main(["settings", cli_project, "blind", "off"]) == 0
    assert capsys.readouterr().out == "blind: off\n"
    assert export("--as", "asha") == ["asha", "ravi"]
    capsys.readouterr()
    assert main(["settings", cli_project, "blind"]) == 0
    assert capsys.readouterr().out == "blind: off\n"
    with pytest.raises(SystemExit) as exc:
        main(["settings", cli_project, "blind", "maybe"])
    assert exc.value.code == 2
