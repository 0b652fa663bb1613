"""The labelled import's fast paths give the answers of the plain ones.

Rows are gathered per batch and written one statement per table; ids are derived from a hash prefix made
once; cluster boundaries are found near each offset instead of over the whole text; label and attribute
checks are asked once per schema, type and plain attribute values; a record's fields are screened for NUL
and lone surrogates through one JSON text. Each is compared here with what it replaces: record-by-record
writing (``batch_size=1``), ``uuid.uuid5``, ``grapheme_boundaries``, the schema checks and the walk.
"""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from annotator.errors import RecordError
from annotator.formats.native import _deriver, _Spans, derive_id, storage_id
from annotator.formats.records import SourceRecord, read_path
from annotator.schema import default_schema
from annotator.schema.checks import entity_problem, event_problem, type_checks, with_defaults
from annotator.services import importing
from annotator.services.importing import check_storable, import_paths, import_records
from annotator.services.project import init_project
from annotator.store.models import (
    Annotator,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    Relation,
    TargetedSentiment,
    WorkItem,
)
from annotator.text.normalization import OffsetMap
from annotator.text.segment import grapheme_boundaries

T1 = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने 26 लोगों को मार डाला।"
T2 = "Security forces arrested two militants of Jaish-e-Mohammed near Srinagar."
T3 = "सड़क पर हमला।"  # no labels


def _at(text: str, surface: str) -> dict:
    start = text.index(surface)
    return {"start": start, "end": start + len(surface)}


def _block(annotator: str, text: str, prefix: str = "T", extra: bool = False, uuids: bool = False) -> dict:
    surfaces = ["पहलगाम", "लश्कर-ए-तैयबा", "26"] if text == T1 else ["Jaish-e-Mohammed", "Srinagar", "two"]
    labels = ["GPE", "ARMED_GROUP", "NUM"] if text == T1 else ["ARMED_GROUP", "GPE", "NUM"]

    def key(n: int) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{annotator}{n}")) if uuids else f"{prefix}{n}"

    entities = [
        {"id": key(n), **_at(text, s), "label": label, "attributes": {"confidence": "high"} if n == 2 else {}}
        for n, (s, label) in enumerate(zip(surfaces, labels, strict=True), 1)
    ]
    if extra:
        entities.append({"id": key(9), **_at(text, "आतंकियों" if text == T1 else "militants"), "label": "PER"})
    trigger = "मार डाला" if text == T1 else "arrested"
    group, place = (key(2), key(1)) if text == T1 else (key(1), key(2))
    return {
        "annotator": annotator,
        "status": "done",
        "entities": entities,
        "events": [
            {
                "id": "E1",
                "type": "ATTACK",
                "trigger": _at(text, trigger),
                "arguments": [{"role": "Attacker", "entity": group}, {"role": "Place", "entity": place}],
                "attributes": {"modality": "actual"},
            },
            {"id": "E2", "type": "DIE", "trigger": _at(text, trigger)},
        ],
        "relations": [{"id": "R1", "type": "LOCATED_IN", "from": group, "to": place}],
        "document": {"tone": -2},
        "sentiment": [{"target": group, "polarity": "NEG"}, {"target": "E1", "polarity": "NEG"}],
    }


def _records() -> list[dict]:
    return [
        {"id": "a", "text": T1, "annotations": [_block("asha", T1)]},
        # the same text again, its labels under other ids (as doccano makes them per line), one more span
        {"id": "a2", "text": T1, "annotations": [_block("asha", T1, prefix="X", extra=True)]},
        {"id": "a3", "text": T1, "annotations": [_block("ravi", T1)]},
        {"id": "b", "text": T2, "annotations": [_block("asha", T2, uuids=True), _block("ravi", T2)]},
        # a span cutting a cluster: this record is refused, the others are kept
        {
            "id": "bad",
            "text": T1,
            "annotations": [
                {"annotator": "asha", "entities": [{"id": "T1", "start": 11, "end": 14, "label": "GPE"}]}
            ],
        },
        {"id": "b", "text": T2, "annotations": [_block("asha", T2, uuids=True)]},  # exactly once more
        {"id": "c", "text": T3},
        {"id": "a", "text": T1, "annotations": [_block("meena", T1, extra=True)]},
    ]


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _snapshot(project) -> dict[str, list[tuple]]:
    """Every stored row with documents named by content hash and annotators by name, without times."""
    with project.engine.connect() as conn:
        docs = dict(conn.execute(select(Document.id, Document.content_hash)).all())
        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        out = {}
        for model in (
            Document,
            WorkItem,
            Entity,
            Event,
            EventArgument,
            Relation,
            DocumentLabel,
            TargetedSentiment,
        ):
            rows = []
            for row in conn.execute(select(model.__table__)).mappings():
                values = {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}
                if model is Document:
                    values.pop("id")
                if "document_id" in values:
                    values["document_id"] = docs[values["document_id"]]
                if "annotator_id" in values:
                    values["annotator_id"] = names[values["annotator_id"]]
                rows.append(
                    tuple(sorted((k, json.dumps(v, sort_keys=True, default=str)) for k, v in values.items()))
                )
            out[model.__tablename__] = sorted(rows)
    return out


def _report_figures(report) -> tuple:
    return (
        report.records,
        report.documents_added,
        report.documents_existing,
        report.annotations_added,
        report.annotations_existing,
        [str(e) for e in report.errors],
        report.warnings,
    )


def test_batched_writing_stores_what_record_by_record_writing_stores(project, tmp_path):
    src = tmp_path / "labelled.jsonl"
    _write(src, _records())
    batched = import_paths(project, [src])
    with init_project(tmp_path / "one-by-one.annotator") as reference:
        one_by_one = import_records(reference, read_path(src), batch_size=1)
        assert _report_figures(batched) == _report_figures(one_by_one)
        assert _snapshot(project) == _snapshot(reference)
        expected = _snapshot(reference)
    assert len(batched.errors) == 1 and "splits a character cluster" in str(batched.errors[0])
    assert str(batched.errors[0]).startswith(f"{src}:5:")
    assert batched.annotations_existing > 0  # the same text again, and the record given twice
    # the same record again: nothing is added, everything is counted as present
    again = import_paths(project, [src])
    assert again.documents_added == 0 and again.annotations_added == 0
    assert _snapshot(project) == expected


def test_a_status_stored_under_another_id_is_kept(project, tmp_path):
    src = tmp_path / "one.jsonl"
    _write(src, [{"id": "c", "text": T3}])
    import_paths(project, [src])
    with project.engine.begin() as conn:
        doc = conn.scalar(select(Document.id))
        aid = conn.execute(
            Annotator.__table__.insert().values(name="asha", created_at=importing.utcnow())
        ).inserted_primary_key[0]
        conn.execute(
            WorkItem.__table__.insert().values(
                id=str(uuid.uuid4()),
                document_id=doc,
                annotator_id=aid,
                status="in_progress",
                created_at=importing.utcnow(),
                updated_at=importing.utcnow(),
            )
        )
    _write(
        src,
        [
            {
                "id": "c",
                "text": T3,
                "annotations": [{"annotator": "asha", "status": "done", "document": {"tone": 0}}],
            }
        ],
    )
    report = import_paths(project, [src])
    assert report.ok and report.annotations_added == 1
    with project.engine.connect() as conn:
        assert conn.execute(select(WorkItem.status)).scalars().all() == ["in_progress"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_derived_ids_are_uuid5(parts):
    try:
        expected = str(uuid.uuid5(uuid.UUID("6f1c6a52-5d57-4c1e-9d5b-6a7e0c7b2f11"), "\x1f".join(parts)))
    except UnicodeEncodeError:
        return  # a lone surrogate: refused before any id is made
    assert derive_id(*parts) == expected
    assert _deriver(*parts[:-1])(parts[-1]) == expected


@pytest.mark.parametrize(
    "given",
    [
        "T1",
        "E12",
        "x" * 40,
        "6f1c6a52-5d57-4c1e-9d5b-6a7e0c7b2f11",
        "{6f1c6a52-5d57-4c1e-9d5b-6a7e0c7b2f11}",
        "urn:uuid:6f1c6a52-5d57-4c1e-9d5b-6a7e0c7b2f11",
        "6F1C6A525D574C1E9D5B6A7E0C7B2F11",
        "6f1c6a52-5d57-4c1e-9d5b-6a7e0c7b2f1",  # 31 digits: not a UUID
    ],
)
def test_storage_ids_keep_uuids_and_derive_the_rest(given):
    try:
        expected = str(uuid.UUID(given))
    except ValueError:
        expected = derive_id("hash", "asha", "entity", given)
    assert storage_id(given, "hash", "asha", "entity") == expected


#: Spaces and the characters the cluster rules treat specially: marks, virama and conjuncts, ZWJ/ZWNJ,
#: prepended marks, regional indicators, emoji and modifiers, Hangul jamo, CR/LF, tab.
CLUSTER_ALPHABET = (
    " \t\n\r\u0915\u094d\u0937\u093f\u093c\u0901\u0902\u0903\u200d\u200c\U0001f1ee\U0001f1f3\U0001f468"
    "\u2764\ufe0f\U0001f3fb\u1100\u1161\u11a8\uac00\u1160\u0600\u0605\u0627\u0301a\u00e9\u0310\u0d4e"
    "\u0d15\u0d4d\u0924\u0930\u0947x\u0e33\u0e40"
)


@settings(max_examples=600, deadline=None)
@given(
    st.text(alphabet=CLUSTER_ALPHABET, max_size=30)
    | st.text(alphabet=CLUSTER_ALPHABET.replace(" ", ""), min_size=60, max_size=150)
)
def test_cluster_boundaries_found_near_an_offset_are_those_of_the_whole_text(text):
    expected = set(grapheme_boundaries(text))
    spans = _Spans(text, text, OffsetMap.identity(len(text)))
    assert {i for i in range(len(text) + 1) if spans._is_boundary(i)} == expected
    # and in another order (the whole text segmented once, after a long stretch without spaces)
    spans = _Spans(text, text, OffsetMap.identity(len(text)))
    assert {i for i in reversed(range(len(text) + 1)) if spans._is_boundary(i)} == expected


def test_long_text_without_spaces_falls_back_to_segmenting_it_once():
    text = "क्ष" * 100 + " " + "ि"
    spans = _Spans(text, text, OffsetMap.identity(len(text)))
    assert spans._is_boundary(150) and not spans._is_boundary(151)
    assert spans._boundaries == set(grapheme_boundaries(text))


def test_memoized_type_checks_answer_as_the_checks_do():
    schema = default_schema()
    checks = type_checks(schema)
    assert type_checks(schema) is checks
    for kind, problem in (("entity", entity_problem), ("event", event_problem)):
        for name in ("PER", "GPE", "ATTACK", "DIE", "NOPE", 5, None):
            for _ in range(2):  # asked, then remembered
                type_problem, attributes, attributes_problem = checks.plain(kind, name)
                assert type_problem == problem(schema, name)
                if not type_problem:
                    assert attributes == with_defaults(schema, kind, name, {})
                    assert attributes_problem == problem(schema, name, attributes)
        name = "PER" if kind == "entity" else "ATTACK"
        for given_attributes in (
            {"confidence": "high"},
            {"confidence": "nope"},
            {"confidence": True},
            {"confidence": 1},
            {"note": "x", "confidence": "low"},
            {"confidence": "low", "note": "x"},
            {"unknown": 1},
            {"note": None},
            {"note": 1.5},
            {"note": ["a"]},
        ):
            for _ in range(2):
                stored, found = checks.with_attributes(kind, name, given_attributes)
                expected = with_defaults(schema, kind, name, given_attributes)
                assert stored == expected and found == problem(schema, name, expected)
                stored["changed"] = 1  # a copy: the memo is not changed through it


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(alphabet=st.sampled_from("ab\x00\ud800\udc00\\u0{[ ")),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet=st.sampled_from("ab\x00\ud800"), max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


def _verdict(record: SourceRecord) -> str | None:
    try:
        check_storable(record)
    except RecordError as exc:
        return str(exc)
    return None


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=5), JSON_VALUES, st.lists(JSON_VALUES, max_size=3))
def test_the_screen_of_storable_records_decides_as_the_walk(text, meta, annotations):
    record = SourceRecord("f.jsonl:1", "id", "title", text, {"m": meta}, annotations)
    fast = _verdict(record)
    original = importing._surely_storable
    importing._surely_storable = lambda record: False  # the walk alone
    try:
        assert fast == _verdict(record)
    finally:
        importing._surely_storable = original


@pytest.mark.parametrize(
    ("meta", "annotations", "message"),
    [
        ({"x": _nested(198)}, [], None),
        ({"x": _nested(201)}, [], "nested too deeply"),
        ({"a": [{"b": "ok\x00"}]}, [], "NUL character (U+0000) in meta.a[0].b at offset 2"),
        ({}, [{"entities": [{"note": "\ud800"}]}], "lone surrogate U+D800"),
        ({"a": ("\x00",)}, [], None),  # not a list: not looked into, as before
        ({"a": {1, 2}}, [], None),  # not JSON: the walk decides
        ({"a": "\\u0000"}, [], None),  # a backslash and 'u0000', not a NUL
    ],
)
def test_storable_records_and_the_reasons_others_are_refused(meta, annotations, message):
    verdict = _verdict(SourceRecord("f.jsonl:1", "id", "title", "text", meta, annotations))
    if message is None:
        assert verdict is None
    else:
        assert verdict is not None and message in verdict and verdict.startswith("f.jsonl:1")
