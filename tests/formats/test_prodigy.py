"""Prodigy JSONL → documents with spans, relations and Prodigy's own tokens: the prodigy-recipes samples,
a hand-written Hindi task, answers, malformed input, and an import through the service."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import RecordError
from annotator.formats import prodigy
from annotator.formats.records import SourceRecord
from annotator.services.importing import import_paths
from annotator.store.models import Annotator, Document, Entity, Relation

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
NER = "annotated_news_headlines-ORG-PERSON-LOCATION-ner.first150.jsonl"
TEXTCAT = "annotated_github-issues-DOCUMENTATION-textcat.first100.jsonl"

NUKTA_JA = "ज\u093c"
NUKTA_PHA = "फ\u093c"
HINDI = f"😊 लश्कर-ए-तैयबा के सरगना हा{NUKTA_PHA}ि{NUKTA_JA} सईद ने बयान दिया।"
HINDI_TOKENS = [
    (0, 1), (2, 7), (7, 8), (8, 9), (9, 10), (10, 15), (16, 18), (19, 24),
    (25, 32), (33, 36), (37, 39), (40, 44), (45, 49), (49, 50),
]  # fmt: skip
GROUP = {"start": 2, "end": 15, "token_start": 1, "token_end": 5, "label": "ORG"}
LEADER = {"start": 25, "end": 36, "token_start": 8, "token_end": 9, "label": "PERSON"}


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def read(path: Path) -> tuple[list[SourceRecord], list[RecordError]]:
    items = [item for item, _ in prodigy.read(path)]
    return (
        [i for i in items if isinstance(i, SourceRecord)],
        [i for i in items if isinstance(i, RecordError)],
    )


def entities(record: SourceRecord) -> list[tuple[int, int, str, str]]:
    return [
        (e["start"], e["end"], e["label"], record.text[e["start"] : e["end"]])
        for block in record.annotations
        for e in block["entities"]
    ]


def tokens(text: str, pairs=HINDI_TOKENS) -> list[dict]:
    return [{"text": text[s:e], "start": s, "end": e, "id": i} for i, (s, e) in enumerate(pairs)]


def task(text: str = HINDI, spans=(GROUP, LEADER), answer: str | None = "accept", **extra) -> dict:
    obj = {"text": text, "meta": {"source": "hand-written"}, "_input_hash": 1, "_task_hash": 2}
    if text == HINDI:
        obj["tokens"] = tokens(text)
    obj["spans"] = [dict(s) for s in spans]
    if answer is not None:
        obj["answer"] = answer
    return obj | extra


def write_lines(path: Path, lines: list[object]) -> Path:
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    )
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------
# prodigy-recipes samples


def test_ner_manual_headlines_sample():
    path = corpus("prodigy-recipes", NER)
    records, errors = read(path)
    assert errors == []
    assert len(records) == 150
    labels = Counter(label for r in records for _, _, label, _ in entities(r))
    assert labels == {"ORG": 49, "LOCATION": 58, "PERSON": 22}
    source = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record, obj in zip(records, source, strict=True):
        assert record.text == obj["text"]
        assert record.meta["tokens"] == [[t["start"], t["end"]] for t in obj["tokens"]]
        assert [record.text[s:e] for s, e in record.meta["tokens"]] == [t["text"] for t in obj["tokens"]]
        got = [(s, e, label) for s, e, label, _ in entities(record)]
        assert got == [(sp["start"], sp["end"], sp["label"]) for sp in obj.get("spans", [])]
        for span, (*_, surface) in zip(obj.get("spans", []), entities(record), strict=True):
            if "text" in span:
                assert surface == span["text"]
            tokens_ = obj["tokens"]
            assert (
                surface
                == record.text[tokens_[span["token_start"]]["start"] : tokens_[span["token_end"]]["end"]]
            )
        assert record.meta["source"] == "The New York Times"
        assert record.meta["answer"] == "accept"
    # an accepted tokenized task without spans says "nothing to mark": an empty block, not no block
    empty = [r for r, obj in zip(records, source, strict=True) if "spans" not in obj]
    assert len(empty) == 36
    assert all(r.annotations[0]["entities"] == [] for r in empty)


def test_textcat_sample_imports_text_only_and_keeps_answers():
    records, errors = read(corpus("prodigy-recipes", TEXTCAT))
    assert errors == []
    assert len(records) == 100
    assert all(r.annotations == [] and "tokens" not in r.meta for r in records)
    assert Counter(r.meta["answer"] for r in records) == {"accept": 34, "reject": 58, "ignore": 8}
    assert {r.meta["label"] for r in records} == {"DOCUMENTATION"}


# ---------------------------------------------------------------------------------------------------------
# hand-written Hindi: emoji, nukta, hyphenated name split into tokens


def test_hindi_task_spans_tokens_and_relation(tmp_path):
    relation = {
        "head": 8,
        "child": 1,
        "head_span": dict(LEADER),
        "child_span": dict(GROUP),
        "label": "MEMBER_OF",
    }
    path = write_lines(tmp_path / "hi.jsonl", [task(relations=[relation])])
    records, errors = read(path)
    assert errors == []
    [record] = records
    assert entities(record) == [
        (2, 15, "ORG", "लश्कर-ए-तैयबा"),
        (25, 36, "PERSON", f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद"),
    ]
    assert record.annotations[0]["relations"] == [
        {"id": "R1", "type": "MEMBER_OF", "from": "T2", "to": "T1", "attributes": {}}
    ]
    assert record.meta["tokens"] == [list(t) for t in HINDI_TOKENS]
    assert record.text[0:1] == "😊"
    assert record.meta["source"] == "hand-written" and record.meta["_input_hash"] == 1


def test_relation_by_token_when_the_span_is_not_given(tmp_path):
    relation = {"head": 9, "child": 3, "label": "MEMBER_OF"}  # सईद in the leader, ए in the group
    records, errors = read(write_lines(tmp_path / "hi.jsonl", [task(relations=[relation])]))
    assert errors == []
    assert [(r["from"], r["to"]) for r in records[0].annotations[0]["relations"]] == [("T2", "T1")]


@pytest.mark.parametrize("answer", ["reject", "ignore"])
def test_rejected_and_ignored_tasks_import_as_text_without_labels(tmp_path, answer):
    records, errors = read(write_lines(tmp_path / "a.jsonl", [task(answer=answer)]))
    assert errors == []
    assert records[0].text == HINDI
    assert records[0].annotations == []
    assert records[0].meta["answer"] == answer
    assert records[0].meta["tokens"] == [list(t) for t in HINDI_TOKENS]


def test_tokens_are_kept_in_offsets_of_the_text_as_read(tmp_path):
    text = "\u095bिला पुलिस"  # precomposed ज़ (U+095B), which NFC decomposes: one code point more
    obj = {
        "text": text,
        "tokens": tokens(text, [(0, 4), (5, 10)]),
        "spans": [{"start": 5, "end": 10, "token_start": 1, "token_end": 1, "label": "ORG"}],
        "answer": "accept",
    }
    records, errors = read(write_lines(tmp_path / "n.jsonl", [obj]))
    assert errors == []
    [record] = records
    assert record.text == text  # not normalized here: the import service does that, and re-maps
    assert entities(record) == [(5, 10, "ORG", "पुलिस")]
    assert record.meta["tokens"] == [[0, 4], [5, 10]]


# ---------------------------------------------------------------------------------------------------------
# malformed input


def test_malformed_tasks_are_reported_with_their_lines(tmp_path):
    off_token = dict(GROUP, start=3)  # starts inside लश्कर, while its first token starts at 2
    path = write_lines(
        tmp_path / "bad.jsonl",
        [
            task(spans=[GROUP]),
            '{"text": "टूटा", "spans": [',
            task(spans=[GROUP, dict(LEADER, end=99, token_end=None, token_start=None)]),
            {"spans": [], "answer": "accept"},
            task(answer="maybe"),
            task() | {"tokens": [*tokens(HINDI)[:1], {"text": "गलत", "start": 2, "end": 7, "id": 1}]},
            task(spans=[off_token, LEADER]),
            task(spans=[dict(GROUP, text="जैश-ए-मोहम्मद")]),
            task(answer="reject"),
        ],
    )
    records, errors = read(path)
    assert [r.where for r in records] == [f"{path}:{n}" for n in (1, 3, 7, 8, 9)]
    assert entities(records[0]) == [(2, 15, "ORG", "लश्कर-ए-तैयबा")]
    assert entities(records[1]) == [(2, 15, "ORG", "लश्कर-ए-तैयबा")]  # the bad span left out, not the task
    assert [label for *_, label, _ in entities(records[2])] == ["PERSON"]
    assert records[3].annotations == []  # its only span was left out: no block
    messages = [(e.where.rsplit(":", 1)[1], e.reason) for e in errors]
    assert [line for line, _ in messages] == ["2", "3", "4", "5", "6", "7", "8"]
    assert messages[0][1].startswith("invalid JSON")
    assert "span [25, 99) is outside the text (length 50)" in messages[1][1]
    assert messages[2][1] == "missing field 'text'"
    assert "unknown answer 'maybe'" in messages[3][1]
    assert "tokens[1]" in messages[4][1] and "'गलत'" in messages[4][1]
    assert "tokens 1..5 span [2, 15)" in messages[5][1]
    assert "'जैश-ए-मोहम्मद'" in messages[6][1]


def test_relation_to_a_missing_span_is_reported(tmp_path):
    relation = {"head": 8, "child": 13, "label": "MEMBER_OF"}  # token 13 is the danda, in no span
    path = write_lines(tmp_path / "r.jsonl", [task(relations=[relation])])
    records, errors = read(path)
    assert len(entities(records[0])) == 2 and records[0].annotations[0]["relations"] == []
    assert [e.where for e in errors] == [f"{path}:1"]
    assert "its child is not one of the task's spans" in errors[0].reason


# ---------------------------------------------------------------------------------------------------------
# through the import service


def test_import_through_the_service(project, tmp_path):
    relation = {
        "head": 8,
        "child": 1,
        "head_span": dict(LEADER),
        "child_span": dict(GROUP),
        "label": "MEMBER_OF",
    }
    precomposed = {
        "text": "\u095bिला पुलिस",
        "tokens": tokens("\u095bिला पुलिस", [(0, 4), (5, 10)]),
        "spans": [{"start": 5, "end": 10, "token_start": 1, "token_end": 1, "label": "ORGANIZATION"}],
        "answer": "accept",
    }
    path = write_lines(
        tmp_path / "hi.jsonl", [task(relations=[relation]), precomposed, task(answer="reject")]
    )
    report = import_paths(
        project, [path], fmt="prodigy", annotator="someone", label_map={"ORG": "ARMED_GROUP"}
    )
    assert report.errors == []
    assert report.documents_added == 2  # the rejected task has the same text as the first
    with project.session() as s:
        rows = s.execute(
            select(Document.text, Entity.start, Entity.end, Entity.label, Entity.id)
            .join(Entity, Entity.document_id == Document.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "someone")
            .order_by(Document.id, Entity.start)
        ).all()
        assert [(text[a:b], a, b, label) for text, a, b, label, _ in rows] == [
            ("लश्कर-ए-तैयबा", 2, 15, "ARMED_GROUP"),
            (f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद", 25, 36, "PER"),
            ("पुलिस", 6, 11, "ORG"),  # shifted by the decomposed ज़ before it
        ]
        ids = {label: eid for *_, label, eid in rows}
        assert s.execute(select(Relation.type, Relation.from_entity_id, Relation.to_entity_id)).all() == [
            ("MEMBER_OF", ids["PER"], ids["ARMED_GROUP"])
        ]
        stored = s.execute(select(Document.text, Document.meta).order_by(Document.id)).all()
        for text, meta in stored:
            assert all(text[a:b].strip() == text[a:b] != "" for a, b in meta["tokens"])
        assert [stored[1].text[a:b] for a, b in stored[1].meta["tokens"]] == ["ज\u093cिला", "पुलिस"]
