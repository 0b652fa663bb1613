"""Native JSONL: annotations in, offsets re-mapped through normalization, export → import → export."""

import json

import pytest
from sqlalchemy import func, select

from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.store.models import (
    Annotator,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    TargetedSentiment,
    WorkItem,
)

# Not NFC on purpose: U+095C (precomposed ड़) and CRLF before the spans shift every later offset.
TEXT = "सड़क\u095c पर हमला।\r\nपहलगाम में लश्कर-ए-तैयबा के आतंकियों ने 26 लोगों को मार डाला।"


def span(text, surface, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return start, start + len(surface)


def native_record(text=TEXT, **overrides):
    s_pl = span(text, "पहलगाम")
    s_let = span(text, "लश्कर-ए-तैयबा")
    s_kill = span(text, "मार डाला")
    s_num = span(text, "26")
    ann = {
        "annotator": "asha",
        "status": "done",
        "entities": [
            {
                "id": "T1",
                "start": s_pl[0],
                "end": s_pl[1],
                "label": "GPE",
                "text": "पहलगाम",
                "attributes": {},
            },
            {
                "id": "T2",
                "start": s_let[0],
                "end": s_let[1],
                "label": "ARMED_GROUP",
                "text": "लश्कर-ए-तैयबा",
                "attributes": {"actor_type": "rebel_group"},
            },
            {"id": "T3", "start": s_num[0], "end": s_num[1], "label": "NUM", "text": "26", "attributes": {}},
        ],
        "events": [
            {
                "id": "E1",
                "type": "DIE",
                "trigger": {"start": s_kill[0], "end": s_kill[1], "text": "मार डाला"},
                "arguments": [{"role": "Agent", "entity": "T2"}, {"role": "Place", "entity": "T1"}],
                "attributes": {"modality": "actual", "killed": 26},
            },
        ],
        "document": {"tone": -2},
        "sentiment": [{"target": "T2", "polarity": "NEG"}],
    }
    ann.update(overrides)
    return {"id": "art-1", "title": "हमला", "text": text, "meta": {"lang": "hi"}, "annotations": [ann]}


def write(path, *records, raw=()):
    path.write_text(
        "\n".join([json.dumps(r, ensure_ascii=False) for r in records] + list(raw)) + "\n", encoding="utf-8"
    )
    return path


def count(project, model):
    with project.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_maps_offsets_through_normalization(project, tmp_path):
    report = import_paths(project, [write(tmp_path / "n.jsonl", native_record())])
    assert report.ok, report.errors
    with project.session() as s:
        doc = s.scalars(select(Document)).one()
        assert "\r" not in doc.text and "\u095c" not in doc.text
        assert len(doc.text) == len(TEXT) + 1 - 1  # ड़ gained a code point, CRLF lost one
        ents = s.scalars(select(Entity).order_by(Entity.start)).all()
        assert [(doc.text[e.start : e.end], e.label) for e in ents] == [
            ("पहलगाम", "GPE"),
            ("लश्कर-ए-तैयबा", "ARMED_GROUP"),
            ("26", "NUM"),
        ]
        assert ents[1].attributes == {"actor_type": "rebel_group"}
        event = s.scalars(select(Event)).one()
        assert doc.text[event.trigger_start : event.trigger_end] == "मार डाला"
        assert event.attributes == {"killed": 26, "modality": "actual"}
        assert [(a.role, a.entity_id) for a in event.arguments] == [
            ("Agent", ents[1].id),
            ("Place", ents[0].id),
        ]
        assert s.scalars(select(DocumentLabel.value)).all() == [-2]
        assert s.scalars(select(TargetedSentiment.entity_id)).all() == [ents[1].id]
        assert s.scalars(select(WorkItem.status)).all() == ["done"]
        assert s.scalars(select(Annotator.name)).all() == ["asha"]
        # every annotation row has a UUID, its annotator and times
        for row in [*ents, event, *event.arguments]:
            assert len(row.id) == 36 and row.annotator_id and row.created_at and row.updated_at


def test_export_import_export_is_identical(project, tmp_path):
    rec2 = {"id": "plain", "title": "", "text": "No annotations here.", "meta": {}}
    import_paths(project, [write(tmp_path / "n.jsonl", native_record(), rec2)])
    first = tmp_path / "first.jsonl"
    export_jsonl(project, first)
    with init_project(tmp_path / "second.annotator") as other:
        report = import_paths(other, [first])
        assert report.ok, report.errors
        second = tmp_path / "second.jsonl"
        export_jsonl(other, second)
    assert first.read_bytes() == second.read_bytes()
    lines = first.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    doc = json.loads(lines[0])
    assert list(doc) == ["id", "title", "text", "meta", "annotations"]
    (ann,) = doc["annotations"]
    assert [e["text"] for e in ann["entities"]] == ["पहलगाम", "लश्कर-ए-तैयबा", "26"]
    assert all(doc["text"][e["start"] : e["end"]] == e["text"] for e in ann["entities"])
    assert ann["events"][0]["arguments"] == [
        {"role": "Agent", "entity": ann["entities"][1]["id"]},
        {"role": "Place", "entity": ann["entities"][0]["id"]},
    ]
    assert ann["document"] == {"tone": -2} and ann["status"] == "done"
    assert "पहलगाम" in lines[0]  # UTF-8, not \u escapes
    assert json.loads(lines[1])["annotations"] == []


def test_reimport_is_idempotent_and_attaches_to_existing_document(project, tmp_path):
    f = write(tmp_path / "n.jsonl", native_record())
    import_paths(project, [f])
    before = {m: count(project, m) for m in (Document, Entity, Event, EventArgument, TargetedSentiment)}
    report = import_paths(project, [f])
    assert report.ok and report.documents_added == 0 and report.annotations_added == 0
    assert {m: count(project, m) for m in before} == before
    # a second annotator's work on the same text attaches to the same document
    rec = native_record(annotator="ravi")
    rec["id"] = "different-id"
    import_paths(project, [write(tmp_path / "r.jsonl", rec)])
    assert count(project, Document) == 1
    with project.session() as s:
        assert s.scalars(select(Annotator.name).order_by(Annotator.name)).all() == ["asha", "ravi"]
        assert s.scalar(select(func.count(func.distinct(Entity.document_id)))) == 1
    assert count(project, Entity) == 6


def test_plain_text_then_annotations_attach(project, tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")  # its first line is the title and stays text
    import_paths(project, [tmp_path / "a.txt"])
    report = import_paths(project, [write(tmp_path / "n.jsonl", native_record())])
    assert report.documents_existing == 1 and report.annotations_added > 0
    assert count(project, Document) == 1


BAD = [
    (
        "offset past end",
        lambda r: r["annotations"][0]["entities"][0].update(start=500, end=505),
        "entity T1: span [500, 505) does not fit",
    ),
    (
        "reversed",
        lambda r: r["annotations"][0]["entities"][0].update(start=9, end=3),
        "entity T1: empty or reversed",
    ),
    ("text mismatch", lambda r: r["annotations"][0]["entities"][0].update(text="दिल्ली"), "entity T1:"),
    (
        "unknown label",
        lambda r: r["annotations"][0]["entities"][0].update(label="PERSON"),
        "entity T1: unknown label 'PERSON'",
    ),
    (
        "dangling argument",
        lambda r: r["annotations"][0]["events"][0]["arguments"].append({"role": "Victim", "entity": "T9"}),
        "event E1: argument Victim names unknown id 'T9'",
    ),
    (
        "dangling sentiment",
        lambda r: r["annotations"][0]["sentiment"].append({"target": "X", "polarity": "POS"}),
        "sentiment[1]: target names unknown id 'X'",
    ),
    (
        "bad role",
        lambda r: r["annotations"][0]["events"][0]["arguments"].append({"role": "Weapon", "entity": "T1"}),
        "unknown role 'Weapon' for DIE",
    ),
    (
        "wrong filler type",
        lambda r: r["annotations"][0]["events"][0]["arguments"].append({"role": "Victim", "entity": "T1"}),
        "event E1: argument Victim (T1)",
    ),
    (
        "bad attribute",
        lambda r: r["annotations"][0]["events"][0]["attributes"].update(modality="maybe"),
        "modality",
    ),
    ("bad tone", lambda r: r["annotations"][0].update(document={"tone": 3}), "tone"),
    ("bad status", lambda r: r["annotations"][0].update(status="finished"), "status 'finished'"),
    (
        "duplicate id",
        lambda r: r["annotations"][0]["entities"][1].update(id="T1"),
        "entity T1: id used twice",
    ),
    (
        "no annotator",
        lambda r: r["annotations"][0].pop("annotator"),
        "'annotator' must be a non-empty string",
    ),
    ("bad polarity", lambda r: r["annotations"][0]["sentiment"][0].update(polarity="BAD"), "polarity"),
]


@pytest.mark.parametrize("name,mutate,message", BAD, ids=[b[0] for b in BAD])
def test_bad_annotations_reject_that_record_only(project, tmp_path, name, mutate, message):
    bad = native_record()
    mutate(bad)
    good = native_record(text="दूसरी ख़बर: पहलगाम में लश्कर-ए-तैयबा ने 26 लोगों को मार डाला।")
    f = write(tmp_path / "n.jsonl", bad, good)
    report = import_paths(project, [f])
    assert report.documents_added == 1
    (err,) = report.errors
    assert str(err).startswith(f"{f}:1: annotator ") or str(err).startswith(f"{f}:1: annotations[0]"), str(
        err
    )
    assert message in str(err)
    with project.session() as s:
        (doc,) = s.scalars(select(Document)).all()
        assert doc.text.startswith("दूसरी")
        assert s.scalar(select(func.count()).select_from(Entity)) == 3


def test_span_mismatch_after_normalization_is_reported_not_moved(project, tmp_path):
    # न + nukta composes to ऩ (U+0929) under NFC: a span covering only the न cannot be kept
    text = "न\u093cया हमला"
    rec = {
        "text": text,
        "annotations": [
            {
                "annotator": "asha",
                "entities": [{"id": "T1", "start": 0, "end": 1, "label": "LOC", "text": "न"}],
            }
        ],
    }
    report = import_paths(project, [write(tmp_path / "n.jsonl", rec)])
    assert len(report.errors) == 1
    message = str(report.errors[0])
    assert "entity T1" in message and "न" in message
    assert count(project, Entity) == 0 and count(project, Document) == 0


def test_span_splitting_a_cluster_is_rejected(project, tmp_path):
    text = "क्षेत्र में हमला"  # क्ष is one cluster (conjunct)
    rec = {
        "text": text,
        "annotations": [
            {"annotator": "asha", "entities": [{"id": "T1", "start": 0, "end": 2, "label": "LOC"}]}
        ],
    }
    report = import_paths(project, [write(tmp_path / "n.jsonl", rec)])
    assert len(report.errors) == 1 and "splits a character" in str(report.errors[0])


def test_duplicate_spans_are_merged_with_a_warning(project, tmp_path):
    rec = native_record()
    ents = rec["annotations"][0]["entities"]
    ents.append(dict(ents[0], id="T7"))
    rec["annotations"][0]["sentiment"].append({"target": "T7", "polarity": "NEU"})
    report = import_paths(project, [write(tmp_path / "n.jsonl", rec)])
    assert report.errors == [] or "two polarities" in str(report.errors[0])
    rec["annotations"][0]["sentiment"].pop()
    report = import_paths(project, [write(tmp_path / "n2.jsonl", rec)])
    assert report.ok, report.errors
    assert any("T7: duplicate of T1" in w for w in report.warnings)
    assert count(project, Entity) == 3


def test_nested_event_argument(project, tmp_path):
    text = "मंत्री ने कहा कि हमला निंदनीय है।"
    ann = {
        "annotator": "asha",
        "entities": [{"id": "T1", "start": 0, "end": 6, "label": "TITLE"}],
        "events": [
            {
                "id": "E1",
                "type": "STATEMENT",
                "trigger": {"start": 10, "end": 13},
                "arguments": [{"role": "Topic", "entity": "E2"}],
            },
            {"id": "E2", "type": "ATTACK", "trigger": {"start": 17, "end": 21}, "arguments": []},
        ],
    }
    assert text[10:13] == "कहा" and text[17:21] == "हमला"
    report = import_paths(project, [write(tmp_path / "n.jsonl", {"text": text, "annotations": [ann]})])
    assert report.ok, report.errors
    with project.session() as s:
        arg = s.scalars(select(EventArgument)).one()
        e2 = s.scalars(select(Event).where(Event.type == "ATTACK")).one()
        assert arg.filler_event_id == e2.id and arg.entity_id is None
        assert s.scalars(select(WorkItem.status)).one() == "done"


def test_export_is_atomic_on_cancel(project, tmp_path):
    from annotator.progress import CancelFlag, Cancelled

    import_paths(project, [write(tmp_path / "n.jsonl", native_record())])
    out = tmp_path / "out.jsonl"
    out.write_text("old good export\n")
    flag = CancelFlag()
    flag.cancel()
    with pytest.raises(Cancelled):
        export_jsonl(project, out, cancel=flag)
    assert out.read_text() == "old good export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []
