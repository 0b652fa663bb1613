"""The typed annotation model (annotator.annotations) and the store's readers (annotator.store.reading):
what they read equals what the export writes; filters read only what is asked; which sets count is decided
once; a per-document read does not grow with the project."""

import json

import pytest
from sqlalchemy import event

from annotator.annotations import (
    GOLD,
    AnnotationSet,
    Argument,
    Entity,
    Event,
    Layer,
    Link,
    Relation,
    Sentiment,
    counted,
)
from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.store.reading import read_batches, read_document, read_documents

TEXT = "लश्कर-ए-तैयबा का मुखौटा संगठन टीआरएफ़ पहलगाम में सक्रिय है। हमले में 26 लोग मारे गए।"


def at(surface):
    start = TEXT.index(surface)
    return start, start + len(surface)


def full_block(name, status="done"):
    let, trf, place, die = at("लश्कर-ए-तैयबा"), at("टीआरएफ़"), at("पहलगाम"), at("मारे गए")
    return {
        "annotator": name,
        "status": status,
        "entities": [
            {
                "id": f"{name}-T1",
                "start": let[0],
                "end": let[1],
                "label": "ARMED_GROUP",
                "link": {"id": "Q485436", "name": "Lashkar-e-Taiba"},
            },
            {"id": f"{name}-T2", "start": trf[0], "end": trf[1], "label": "ARMED_GROUP"},
            {"id": f"{name}-T3", "start": place[0], "end": place[1], "label": "GPE"},
        ],
        "events": [
            {
                "id": f"{name}-E1",
                "type": "DIE",
                "trigger": {"start": die[0], "end": die[1]},
                "arguments": [{"role": "Place", "entity": f"{name}-T3"}],
                "attributes": {"modality": "actual"},
            }
        ],
        "relations": [
            {"id": f"{name}-R1", "type": "FRONT_OF", "from": f"{name}-T2", "to": f"{name}-T1"},
            {
                "id": f"{name}-R2",
                "type": "LOCATED_IN",
                "from": f"{name}-T2",
                "to": f"{name}-T3",
                "attributes": {"note": "active area"},
            },
        ],
        "document": {"tone": -1},
        "sentiment": [{"target": f"{name}-T1", "polarity": "NEG"}],
    }


def tone_only(name, status="done"):
    return {"annotator": name, "status": status, "document": {"tone": 1}}


def records(n=6):
    out = []
    for i in range(n):
        anns = [full_block("asha"), tone_only("ravi", "in_progress" if i % 2 else "done")]
        if i == 0:
            anns.append({"annotator": "meera", "status": "skipped"})
        out.append(
            {
                "id": f"doc-{i}",
                "title": f"T{i}",
                "text": f"{TEXT} ({i})",
                "meta": {"n": i},
                "annotations": anns,
            }
        )
    return out


@pytest.fixture
def filled(project, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records()) + "\n", encoding="utf-8")
    report = import_paths(project, [src])
    assert report.ok, report.errors
    return project


def test_what_the_reader_reads_is_what_the_export_writes(filled, tmp_path):
    export_jsonl(filled, tmp_path / "out.jsonl")
    exported = [
        json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    with filled.engine.connect() as conn:
        documents = list(read_documents(conn, with_meta=True))
    assert [d.external_id for d in documents] == [r["id"] for r in exported]
    for doc, rec in zip(documents, exported, strict=True):
        assert doc.blocks() == rec["annotations"]
        assert dict(doc.meta) == rec["meta"]
        # native JSONL -> values -> native JSONL is the identity
        for block in rec["annotations"]:
            assert AnnotationSet.from_native(block).to_native(doc.text) == block
    first = documents[0].sets["asha"]
    assert first.entities[0] == Entity(
        first.entities[0].id, *at("लश्कर-ए-तैयबा"), "ARMED_GROUP", {}, Link("Q485436", "Lashkar-e-Taiba")
    )
    place = next(e for e in first.entities if e.label == "GPE")
    assert first.events[0].arguments == (Argument("Place", place.id),)
    assert dict(first.events[0].attributes) == {"modality": "actual"}
    assert {r.type for r in first.relations} == {"FRONT_OF", "LOCATED_IN"}
    assert all(isinstance(r, Relation) for r in first.relations)
    assert first.sentiment == (Sentiment(first.entities[0].id, "NEG"),)
    assert dict(first.tone) == {"tone": -1}
    assert isinstance(first.events[0], Event)


def test_values_are_read_only(filled):
    with filled.engine.connect() as conn:
        doc = read_document(conn, 1)
    assert doc is not None
    with pytest.raises(AttributeError):
        doc.sets["asha"].entities[0].label = "PER"  # type: ignore[misc]
    with pytest.raises(TypeError):
        doc.sets["asha"].events[0].attributes["modality"] = "other"  # type: ignore[index]


def test_a_layer_filter_reads_that_layer_only(filled):
    with filled.engine.connect() as conn:
        doc = read_document(conn, 1, layers=[Layer.TONE], with_text=False)
    assert doc is not None and doc.text == ""
    asha = doc.sets["asha"]
    assert asha.entities == () and asha.events == () and asha.relations == () and asha.sentiment == ()
    assert set(asha.tone) == {"tone"}
    assert "meera" not in doc.sets  # no labels and no status read: nothing of hers in a tone-only read


def test_presence_makes_has_labels_answer_for_layers_not_read(filled):
    """``meera`` has no label at all; ``asha`` has entities; read tone only: without presence a set with
    entities but no tone would look empty to the include-unfinished rule."""
    with filled.engine.connect() as conn:
        plain = read_document(conn, 1, layers=[Layer.SENTIMENT, Layer.STATUS])
        noted = read_document(conn, 1, layers=[Layer.SENTIMENT, Layer.STATUS], presence=True)
    assert plain is not None and noted is not None
    assert noted.sets["ravi"].has_labels  # tone, not read
    assert not plain.sets["ravi"].has_labels
    assert not noted.sets["meera"].has_labels  # skipped, nothing labelled
    assert noted.sets["meera"].status == "skipped"


def test_annotator_status_and_document_filters(filled):
    with filled.engine.connect() as conn:
        only_ravi = list(read_documents(conn, annotators=["ravi"]))
        nobody = list(read_documents(conn, annotators=["nobody"]))
        done = list(read_documents(conn, statuses=["done"]))
        some = list(read_documents(conn, documents=[5, 2, 2, 999]))
    assert all(set(d.sets) == {"ravi"} for d in only_ravi) and len(only_ravi) == 6
    assert all(d.sets == {} for d in nobody) and len(nobody) == 6
    assert [sorted(d.sets) for d in done] == [["asha", "ravi"], ["asha"]] * 3
    assert [d.id for d in some] == [2, 5]  # sorted, once each; an unknown id reads nothing


def test_batches_cover_every_document_once(filled):
    with filled.engine.connect() as conn:
        batches = list(read_batches(conn, batch_size=4))
    assert [len(b) for b in batches] == [4, 2]
    assert [d.external_id for b in batches for d in b] == [f"doc-{i}" for i in range(6)]


def test_counted_decides_once_which_sets_take_part():
    done = AnnotationSet("asha", "done")
    labelled = AnnotationSet("ravi", "in_progress", tone={"tone": 1})
    empty = AnnotationSet("meera", "in_progress")
    gold = AnnotationSet(GOLD, "done", tone={"tone": 1})
    sets = [done, labelled, empty, gold]
    assert [s.annotator for s in counted(sets)] == ["asha"]
    assert [s.annotator for s in counted(sets, include_unfinished=True)] == ["asha", "ravi"]
    assert [s.annotator for s in counted(sets, ["ravi"], include_unfinished=True)] == ["ravi"]
    noted = AnnotationSet("meera", "in_progress", labelled=True)  # labels in a layer not read
    assert [s.annotator for s in counted([noted], include_unfinished=True)] == ["meera"]


def test_a_document_read_does_not_depend_on_the_project_size(filled):
    """Reading one document runs the same statements for document 1 and for the last one, each restricted
    to that document (no scan in id order up to it)."""
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with filled.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", seen)
        read_document(conn, 1)
        first = list(statements)
        statements.clear()
        read_document(conn, 6)
        last = list(statements)
        event.remove(conn, "before_cursor_execute", seen)
    assert first == last
    data = [s for s in first if "annotators" not in s.split("FROM", 1)[1].split()[0]]
    assert data and all(" IN " in s.upper() for s in data), data
