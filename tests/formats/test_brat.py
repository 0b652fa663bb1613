"""brat standoff ⇄ native annotation blocks: round trips over the brat tutorial corpora, and the edges."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from annotator.errors import RecordError
from annotator.formats import brat
from annotator.formats.records import SourceRecord
from annotator.schema import SchemaError, load_schema_file
from tests.conftest import corpus

# ---------------------------------------------------------------------------------------------------------
# canonical form of an .ann, independent of annotator.formats.brat: every id is replaced by a key made of
# what it denotes, so two files are equal "up to ids" when their canonical lines are equal as multisets.


def canonical_lines(ann: str) -> Counter[str]:
    lines = [line for line in ann.splitlines() if line.strip()]
    defs = {line.split("\t", 1)[0]: line for line in lines if not line.startswith("*")}

    @cache
    def key(ident: str) -> str:
        data = defs[ident].split("\t")[1]
        kind = ident[0]
        if kind == "T":
            return f"T<{data}>"
        if kind == "E":
            head, *args = data.split()
            etype, trigger = head.split(":")
            return f"E<{etype}:{key(trigger)} {' '.join(sorted(arg_keys(args)))}>"
        if kind == "R":
            rtype, *args = data.split()
            return f"R<{rtype} {' '.join(arg_keys(args))}>"
        raise AssertionError(f"unexpected reference to {ident}")

    def arg_keys(args: list[str]) -> list[str]:
        return [f"{role}:{key(ref)}" for role, ref in (arg.split(":") for arg in args)]

    out: Counter[str] = Counter()
    for line in lines:
        ident, rest = line.split("\t", 1)
        data, sep, tail = rest.partition("\t")
        kind = ident[0]
        if kind == "T":
            canon = data
        elif kind == "E":
            canon = key(ident)
        elif kind == "R":
            canon = key(ident)
        elif kind == "*":
            etype, *members = data.split()
            canon = f"{etype} {' '.join(sorted(key(m) for m in members))}"
        else:  # A, N, #: NAME TARGET [REST]
            tokens = data.split(" ")
            tokens[1] = key(tokens[1])
            canon = " ".join(tokens)
        out[f"{kind}\t{canon}{sep}{tail}"] += 1
    return out


def test_canonical_lines_ignore_ids_only():
    a = "T1\tX 0 1\ta\nT2\tY 2 3\tb\nR1\tRel Arg1:T1 Arg2:T2\t\nA1\tFlag T2\n"
    b = "T7\tY 2 3\tb\nT3\tX 0 1\ta\nA9\tFlag T7\nR4\tRel Arg1:T3 Arg2:T7\t\n"
    assert canonical_lines(a) == canonical_lines(b)
    assert canonical_lines(a) != canonical_lines(a.replace("Flag T2", "Flag T1"))
    assert canonical_lines(a) != canonical_lines(a.replace("T2\t\n", "T2\n"))  # the trailing tab counts


# ---------------------------------------------------------------------------------------------------------
# the brat tutorial corpora (nlplab/brat example-data/tutorials): read → write → compare


def _round_trip(folder: Path, tmp_path: Path) -> list[str]:
    conf = brat.read_conf(folder / "annotation.conf")
    items = list(brat.read_folder(folder, event_types=conf.event_types, event_roles=conf.event_roles))
    errors = [str(item) for item, _ in items if isinstance(item, RecordError)]
    assert errors == []
    records = [item for item, _ in items]
    assert len(records) == len(list(folder.glob("*.txt"))) == 13
    problems = []
    for record in records:
        assert isinstance(record, SourceRecord)
        assert len(record.annotations) <= 1
        block = record.annotations[0] if record.annotations else None
        brat.write_document(
            tmp_path, record.external_id, record.text, block, equivalence_types=conf.equivalence_types
        )
        original = folder / record.external_id
        if (tmp_path / f"{record.external_id}.txt").read_bytes() != original.with_suffix(".txt").read_bytes():
            problems.append(f"{record.external_id}.txt differs")
        written = (tmp_path / f"{record.external_id}.ann").read_text(encoding="utf-8")
        expected = original.with_suffix(".ann").read_text(encoding="utf-8")
        if canonical_lines(written) != canonical_lines(expected):
            missing = canonical_lines(expected) - canonical_lines(written)
            extra = canonical_lines(written) - canonical_lines(expected)
            problems.append(f"{record.external_id}.ann: missing {dict(missing)}, extra {dict(extra)}")
        if written and not written.endswith("\n"):
            problems.append(f"{record.external_id}.ann: no final newline")
    return problems


@pytest.mark.parametrize("name", ["news", "bio"])
def test_tutorial_corpus_round_trips(name, tmp_path):
    folder = corpus("brat-tutorials", name)
    assert _round_trip(folder, tmp_path) == []


@pytest.mark.parametrize("name", ["news", "bio"])
def test_tutorial_corpus_reads_the_same_without_its_conf(name):
    """Every trigger there is used by an event and every numbered role's base occurs in the file."""
    folder = corpus("brat-tutorials", name)
    conf = brat.read_conf(folder / "annotation.conf")
    with_conf = list(brat.read_folder(folder, event_types=conf.event_types, event_roles=conf.event_roles))
    without = list(brat.read_folder(folder))
    assert [(r.external_id, r.annotations) for r, _ in with_conf] == [
        (r.external_id, r.annotations) for r, _ in without
    ]


def _records(folder: Path) -> dict[str, SourceRecord]:
    conf = brat.read_conf(folder / "annotation.conf")
    out = {}
    for record, _ in brat.read_folder(folder, event_types=conf.event_types, event_roles=conf.event_roles):
        assert isinstance(record, SourceRecord), str(record)
        out[record.external_id] = record
    return out


def test_news_introduction_has_every_line_kind():
    folder = corpus("brat-tutorials", "news")
    record = _records(folder)["000-introduction"]
    assert record.title == ""
    assert record.text == (folder / "000-introduction.txt").read_text(encoding="utf-8")
    assert record.meta == {"file": "000-introduction.txt"}
    assert record.where == str(folder / "000-introduction.txt")
    [block] = record.annotations
    assert block["annotator"] == "brat" and block["status"] == "done"
    entities = {e["id"]: e for e in block["entities"]}
    assert "T3" not in entities  # the trigger of E1 is not an entity
    assert entities["T1"] == {
        "id": "T1",
        "start": 418,
        "end": 426,
        "label": "Organization",
        "text": "Citibank",
        "attributes": {},
    }
    assert entities["T2"]["attributes"] == {"note": "100000000 USD"}
    assert entities["T4"]["attributes"] == {"Mention": "Name", "Individual": True}
    assert entities["T5"]["link"] == {"id": "Wikipedia:64488", "name": "Carlos Salinas de Gortari"}
    assert "link" not in entities["T4"]
    [event] = block["events"]
    assert event == {
        "id": "E1",
        "type": "Transfer-money",
        "trigger": {"start": 443, "end": 449, "text": "moving"},
        "arguments": [
            {"role": "Giver-Arg", "entity": "T1"},
            {"role": "Money-Arg", "entity": "T2"},
            {"role": "Beneficiary-Arg", "entity": "T4"},
            {"role": "Recipient-Arg", "entity": "T6"},
        ],
        "attributes": {"Confidence": "High"},
    }
    assert block["relations"] == [
        {"id": "R2", "type": "Origin", "from": "T6", "to": "T7", "attributes": {}},
        {"id": "R1", "type": "Family", "from": "T4", "to": "T5", "attributes": {}},
    ]
    assert block["document"] == {} and block["sentiment"] == []


def test_news_numbered_roles_nested_events_and_equivalences():
    records = _records(corpus("brat-tutorials", "news"))
    events = {e["id"]: e for e in records["080-event-annotation"].annotations[0]["events"]}
    assert [a["role"] for a in events["E3"]["arguments"]] == ["Org-Arg"] * 4
    assert [a["entity"] for a in events["E3"]["arguments"]] == ["T6", "T7", "T8", "T9"]
    events = {e["id"]: e for e in records["090-event_structures"].annotations[0]["events"]}
    assert events["E3"]["arguments"] == [
        {"role": "Reporter-Arg", "entity": "T6"},
        {"role": "Event-Arg", "entity": "E4"},
    ]
    relations = records["060-relation_annotation"].annotations[0]["relations"]
    assert [r for r in relations if r["type"] == "Alias"] == [
        {"id": "*1-1", "type": "Alias", "from": "T3", "to": "T4", "attributes": {}},
        {"id": "*1-2", "type": "Alias", "from": "T4", "to": "T5", "attributes": {}},
    ]
    notes = records["110-note_annotation"].annotations[0]
    assert notes["relations"][0]["attributes"] == {
        "note": "Should this be marked? It's not explicitly stated."
    }


def test_bio_numbered_roles_keep_trailing_spaces_in_notes():
    records = _records(corpus("brat-tutorials", "bio"))
    block = records["110-note_annotation"].annotations[0]
    e1 = next(e for e in block["events"] if e["id"] == "E1")
    assert [a["role"] for a in e1["arguments"]] == ["Theme", "Theme", "Theme"]
    assert e1["attributes"] == {"note": "Single ternary binding event or two binary ones?  "}


def test_empty_and_missing_ann_give_no_annotations_and_progress_counts_bytes(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Beta text.", encoding="utf-8")
    (tmp_path / "sub" / "b.ann").write_text("T1\tX 0 4\tBeta\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Gamma.", encoding="utf-8")
    (tmp_path / "orphan.ann").write_text("T1\tX 0 1\tq\n", encoding="utf-8")
    items = list(brat.read_folder(tmp_path))
    assert [getattr(r, "external_id", None) for r, _ in items] == ["a", "c", None, "sub/b"]
    a, c, orphan, b = (r for r, _ in items)
    assert a.annotations == [] and c.annotations == []
    assert isinstance(orphan, RecordError) and orphan.where == str(tmp_path / "orphan.ann")
    assert b.meta == {"file": "sub/b.txt"} and b.annotations[0]["entities"][0]["text"] == "Beta"
    consumed = [pos for _, pos in items]
    assert consumed == sorted(consumed)
    assert consumed[-1] == sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------------------
# problems: reported with file:line, the document yields only the error

TEXT = "Alpha met Beta in Gamma.\nDelta left.\n"


def _read_one(tmp_path: Path, ann: str, text: str = TEXT, **options) -> SourceRecord | RecordError:
    (tmp_path / "doc.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "doc.ann").write_bytes(ann.encode("utf-8"))
    [(item, _)] = list(brat.read_folder(tmp_path, **options))
    return item


def _problem(tmp_path: Path, ann: str, text: str = TEXT, **options) -> RecordError:
    item = _read_one(tmp_path, ann, text, **options)
    assert isinstance(item, RecordError), item
    return item


def test_discontinuous_span_is_reported_with_file_and_line(tmp_path):
    error = _problem(tmp_path, "T1\tPER 0 5\tAlpha\nT2\tPER 10 14;18 23\tBeta Gamma\n")
    assert error.where == f"{tmp_path / 'doc.ann'}:2"
    assert "discontinuous" in error.reason and "T2" in error.reason


def test_unknown_id(tmp_path):
    error = _problem(tmp_path, "T1\tPER 0 5\tAlpha\nT2\tMeet 6 9\tmet\nE1\tMeet:T2 Who:T1 Whom:T9\n")
    assert error.where.endswith("doc.ann:3") and "unknown id T9" in error.reason


def test_unknown_trigger_and_wrong_trigger_type(tmp_path):
    assert "unknown id" in _problem(tmp_path, "E1\tMeet:T4 Who:T1\nT1\tPER 0 5\tAlpha\n").reason
    error = _problem(tmp_path, "T1\tPER 0 5\tAlpha\nE1\tMeet:T1\n")
    assert error.where.endswith(":2") and "type PER" in error.reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("T1\tPER 30 99\tx", "outside the text"),
        ("T1\tPER 9 3\tx", "outside the text"),
        ("T1\tPER 4 4\t", "empty span"),
        ("T1\tPER 0 5\tAlpah", "differs from the text"),
        ("T1\tPER zero 5\tAlpha", "malformed offsets"),
        ("T1 PER 0 5 Alpha", "no tab"),
        ("X1\tPER 0 5\tAlpha", "unknown id"),
        ("R1\tRel Arg1:T1\t", "malformed relation"),
        ("E1\tMeet T1", "malformed event"),
        ("#1\tOtherNote T1\tx", "unsupported comment type"),
        ("N1\tReference T1 nocolon\tx", "malformed normalization"),
    ],
)
def test_bad_lines(tmp_path, line, reason):
    error = _problem(tmp_path, f"T9\tPER 10 14\tBeta\n{line}\n")
    assert error.where.endswith("doc.ann:2")
    assert reason in error.reason


def test_first_problem_by_line_and_a_count_of_the_others(tmp_path):
    error = _problem(tmp_path, "A1\tFlag T7\nT1\tPER 0 5\tAlpah\nT2\tPER 0 99\tx\n")
    assert error.where.endswith("doc.ann:1") and "(and 2 more problems in this file)" in error.reason


def test_duplicate_id(tmp_path):
    error = _problem(tmp_path, "T1\tPER 0 5\tAlpha\nT1\tPER 10 14\tBeta\n")
    assert error.where.endswith(":2") and "used twice (first on line 1)" in error.reason


def test_references_to_a_broken_line_are_not_reported_again(tmp_path):
    error = _problem(tmp_path, "E1\tMeet:T2 Who:T1\nT1\tPER 0 5;10 14\tAlpha Beta\nT2\tMeet 6 9\tmet\n")
    assert error.where.endswith(":2") and "discontinuous" in error.reason and "more" not in error.reason


def test_crlf_text_is_reported(tmp_path):
    error = _problem(tmp_path, "T1\tPER 0 5\tAlpha\n", text="Alpha\nBeta\r\nGamma\r\n")
    assert error.where == f"{tmp_path / 'doc.txt'}:2" and "CRLF" in error.reason


def test_invalid_utf8_text_is_reported(tmp_path):
    (tmp_path / "doc.txt").write_bytes(b"Alpha \xff Beta")
    [(error, _)] = list(brat.read_folder(tmp_path))
    assert isinstance(error, RecordError) and "invalid UTF-8 at byte 6" in error.reason


def test_trigger_named_by_a_relation_or_attribute(tmp_path):
    ann = "T1\tPER 0 5\tAlpha\nT2\tMeet 6 9\tmet\nE1\tMeet:T2 Who:T1\n"
    assert "name its event" in _problem(tmp_path, ann + "R1\tRel Arg1:T1 Arg2:T2\t\n").reason
    assert "name its event" in _problem(tmp_path, ann + "A1\tNegation T2\n").reason


def test_unused_trigger_of_an_event_type(tmp_path):
    ann = "T1\tPER 0 5\tAlpha\nT2\tMeet 6 9\tmet\n"
    item = _read_one(tmp_path, ann)  # no conf: an unused T is an entity, as brat shows it
    assert isinstance(item, SourceRecord) and [e["label"] for e in item.annotations[0]["entities"]] == [
        "PER",
        "Meet",
    ]
    error = _problem(tmp_path, ann, event_types={"Meet"})
    assert error.where.endswith(":2") and "no event" in error.reason


def test_second_normalization_note_or_attribute_and_the_reserved_note_name(tmp_path):
    ann = "T1\tPER 0 5\tAlpha\n"
    norm = "N1\tReference T1 Wikidata:Q1\tAlpha\n"
    assert "already has a normalization" in _problem(tmp_path, ann + norm + norm.replace("N1", "N2")).reason
    note = "#1\tAnnotatorNotes T1\tfirst\n"
    assert "already has a note" in _problem(tmp_path, ann + note + note.replace("#1", "#2")).reason
    attr = "A1\tMention T1 Name\n"
    assert "already has attribute" in _problem(tmp_path, ann + attr + attr.replace("A1", "A2")).reason
    assert "reserved" in _problem(tmp_path, ann + "A1\tnote T1 x\n").reason


# ---------------------------------------------------------------------------------------------------------
# reading details


def test_numbered_roles():
    text = "Alpha met Beta and Gamma."
    ann = (
        "T1\tPER 0 5\tAlpha\nT2\tPER 10 14\tBeta\nT3\tPER 19 24\tGamma\nT4\tMeet 6 9\tmet\n"
        "E1\tMeet:T4 Participant2:T2 Participant:T1 Place3:T3\n"
    )
    block = brat.parse_ann(text, ann)
    # Participant is used, so Participant2 is its second filler (put after the first); Place is not
    assert block["events"][0]["arguments"] == [
        {"role": "Participant", "entity": "T1"},
        {"role": "Participant", "entity": "T2"},
        {"role": "Place3", "entity": "T3"},
    ]
    declared = brat.parse_ann(text, ann, event_roles={"Meet": {"Participant", "Place"}})
    assert [a["role"] for a in declared["events"][0]["arguments"]] == ["Participant", "Participant", "Place"]
    # a role declared with its digits stays as it is
    kept = brat.parse_ann(text, ann, event_roles={"Meet": {"Participant", "Participant2", "Place3"}})
    assert [a["role"] for a in kept["events"][0]["arguments"]] == ["Participant2", "Participant", "Place3"]
    # only the same event type counts as "used elsewhere"
    other = ann.replace("Participant:T1", "Who:T1") + "T5\tTalk 15 18\tand\nE2\tTalk:T5 Participant:T1\n"
    roles = [a["role"] for a in brat.parse_ann(text, other)["events"][0]["arguments"]]
    assert roles == ["Participant2", "Who", "Place3"]
    # on export the 2nd, 3rd … filler of a role are numbered again
    written = brat.format_ann(text, declared)
    assert "E1\tMeet:T2 Participant:T1 Participant2:T3 Place:T4\n" in written


def test_binary_and_valued_attributes_on_entities_events_and_relations():
    text = "Alpha met Beta."
    ann = (
        "T1\tPER 0 5\tAlpha\nT2\tPER 10 14\tBeta\nT3\tMeet 6 9\tmet\nE1\tMeet:T3 Who:T1 Whom:T2\n"
        "R1\tKnows Arg1:T1 Arg2:T2\t\nA1\tNegation E1\nA2\tConfidence E1 Rather low\nM1\tSpeculation E1\n"
        "A3\tCertain R1\nA4\tMention T2 Name\n"
    )
    block = brat.parse_ann(text, ann)
    assert block["events"][0]["attributes"] == {
        "Negation": True,
        "Confidence": "Rather low",
        "Speculation": True,
    }
    assert block["relations"][0]["attributes"] == {"Certain": True}
    assert block["entities"][1]["attributes"] == {"Mention": "Name"}
    # entities' attributes first, then events', then relations'; old modifiers (M) come back as A lines
    assert brat.format_ann(text, block).splitlines()[5:] == [
        "A1\tMention T3 Name",
        "A2\tNegation E1",
        "A3\tConfidence E1 Rather low",
        "A4\tSpeculation E1",
        "A5\tCertain R1",
    ]


def test_relation_argument_labels_other_than_arg1_arg2_are_kept():
    text = "Alpha met Beta."
    ann = "T1\tPER 0 5\tAlpha\nT2\tPER 10 14\tBeta\nR1\tCoref Anaphor:T2 Antecedent:T1\t\n"
    block = brat.parse_ann(text, ann)
    assert block["relations"] == [
        {
            "id": "R1",
            "type": "Coref",
            "from": "T2",
            "to": "T1",
            "roles": ["Anaphor", "Antecedent"],
            "attributes": {},
        }
    ]
    assert canonical_lines(brat.format_ann(text, block)) == canonical_lines(ann)


def test_notes_and_normalizations_on_entities_events_and_relations():
    text = "Alpha met Beta."
    ann = (
        "T1\tPER 0 5\tAlpha\nT2\tPER 10 14\tBeta\nT3\tMeet 6 9\tmet\nE1\tMeet:T3 Who:T1 Whom:T2\n"
        "R1\tKnows Arg1:T1 Arg2:T2\t\nN1\tReference T1 Wikidata:Q42\tAlpha (person)\n"
        "N2\tReference E1 Events:meet:1\t\n#1\tAnnotatorNotes T1\tcheck\tthe name \n"
        "#2\tAnnotatorNotes E1\tsure?\n#3\tAnnotatorNotes R1\tfrom the headline\n"
    )
    block = brat.parse_ann(text, ann)
    alpha = block["entities"][0]
    assert alpha["link"] == {"id": "Wikidata:Q42", "name": "Alpha (person)"}
    assert alpha["attributes"] == {"note": "check\tthe name "}
    assert block["events"][0]["link"] == {"id": "Events:meet:1", "name": ""}
    assert block["events"][0]["attributes"] == {"note": "sure?"}
    assert block["relations"][0]["attributes"] == {"note": "from the headline"}
    assert canonical_lines(brat.format_ann(text, block)) == canonical_lines(ann)


def test_bionlp_normalization_spelling_is_read():
    block = brat.parse_ann("Alpha", "T1\tPER 0 5\tAlpha\nN1\tReference Referent:UniProt:P1 Annotation:T1\n")
    assert block["entities"][0]["link"] == {"id": "UniProt:P1", "name": ""}


def test_nested_event_arguments_round_trip():
    text = "Wikinews reported that Google bought YouTube."
    ann = (
        "T1\tORG 0 8\tWikinews\nT2\tReport 9 17\treported\nT3\tORG 23 29\tGoogle\n"
        "T4\tBuy 30 36\tbought\nT5\tORG 37 44\tYouTube\n"
        "E1\tReport:T2 Reporter-Arg:T1 Event-Arg:E2\nE2\tBuy:T4 Buyer:T3 Artifact:T5\n"
    )
    block = brat.parse_ann(text, ann)
    assert block["events"][0]["arguments"][1] == {"role": "Event-Arg", "entity": "E2"}
    written = brat.format_ann(text, block)
    assert canonical_lines(written) == canonical_lines(ann)
    assert brat.parse_ann(text, written)["events"][0]["arguments"][1]["entity"] == "E2"


def test_devanagari_offsets_are_code_points_and_round_trip(tmp_path):
    # matras, a virama conjunct (श्री), nukta both decomposed (क + ◌़) and precomposed (U+095B ज़), danda
    text = "पहलगाम में आतंकी हमला हुआ। क़ुरैशी ने श्रीनगर में \u095bख़्मी लोगों से मुलाक़ात की।\n"
    spans = {"पहलगाम": "GPE", "क़ुरैशी": "PER", "श्रीनगर": "GPE", "\u095bख़्मी": "PER"}
    entities = []
    for i, (surface, label) in enumerate(spans.items(), 1):
        start = text.index(surface)
        entities.append(
            {"id": f"x{i}", "start": start, "end": start + len(surface), "label": label, "attributes": {}}
        )
    trigger = text.index("हमला")
    block = {
        "annotator": "brat",
        "status": "done",
        "entities": entities,
        "events": [
            {
                "id": "ev",
                "type": "ATTACK",
                "trigger": {"start": trigger, "end": trigger + 4},
                "arguments": [{"role": "Place", "entity": "x1"}],
                "attributes": {"modality": "actual", "note": "शीर्षक से"},
            }
        ],
        "relations": [],
    }
    brat.write_document(tmp_path, "hi/kashmir-1", text, block)
    assert (tmp_path / "hi" / "kashmir-1.txt").read_bytes() == text.encode("utf-8")
    ann = (tmp_path / "hi" / "kashmir-1.ann").read_text(encoding="utf-8")
    assert ann.splitlines()[:3] == ["T1\tGPE 0 6\tपहलगाम", "T2\tATTACK 17 21\tहमला", "T3\tPER 27 34\tक़ुरैशी"]
    [(record, _)] = list(brat.read_folder(tmp_path))
    assert record.external_id == "hi/kashmir-1" and record.text == text
    [read] = record.annotations
    assert [(e["start"], e["end"], e["text"]) for e in read["entities"]] == [
        (e["start"], e["end"], text[e["start"] : e["end"]]) for e in entities
    ]
    assert read["events"][0]["attributes"] == {"modality": "actual", "note": "शीर्षक से"}
    assert brat.format_ann(text, read) == ann


# ---------------------------------------------------------------------------------------------------------
# writing details

DOC = "Alpha met Beta and Gamma in Delta."


def _entity(eid: str, word: str, label: str = "PER", **extra) -> dict:
    start = DOC.index(word)
    return {"id": eid, "start": start, "end": start + len(word), "label": label, "attributes": {}, **extra}


def test_line_formats_as_brat_writes_them():
    block = {
        "entities": [_entity("b", "Beta"), _entity("a", "Alpha")],
        "events": [{"id": "m", "type": "Meet", "trigger": {"start": 6, "end": 9}, "arguments": []}],
        "relations": [{"id": "r", "type": "Knows", "from": "a", "to": "b", "attributes": {}}],
    }
    assert brat.format_ann(DOC, block).splitlines(keepends=True) == [
        "T1\tPER 0 5\tAlpha\n",
        "T2\tMeet 6 9\tmet\n",
        "T3\tPER 10 14\tBeta\n",
        "E1\tMeet:T2 \n",  # brat's own spelling of an event without arguments
        "R1\tKnows Arg1:T1 Arg2:T3\t\n",
    ]
    assert brat.format_ann(DOC, None) == "" and brat.format_ann(DOC, {"entities": []}) == ""


def test_events_with_the_same_trigger_share_one_t_line():
    trigger = {"start": 6, "end": 9}
    block = {
        "entities": [_entity("a", "Alpha"), _entity("b", "Beta")],
        "events": [
            {"id": "m1", "type": "Meet", "trigger": trigger, "arguments": [{"role": "Who", "entity": "a"}]},
            {"id": "m2", "type": "Meet", "trigger": trigger, "arguments": [{"role": "Who", "entity": "b"}]},
            {"id": "t", "type": "Talk", "trigger": trigger, "arguments": [{"role": "Topic", "entity": "m1"}]},
        ],
    }
    written = brat.format_ann(DOC, block)
    assert written.count("\tMeet 6 9\tmet\n") == 1 and written.count("\tTalk 6 9\tmet\n") == 1
    assert "E1\tMeet:T2 Who:T1\nE2\tMeet:T2 Who:T4\nE3\tTalk:T3 Topic:E1\n" in written
    read = brat.parse_ann(DOC, written)
    assert [e["trigger"] for e in read["events"]] == [{"start": 6, "end": 9, "text": "met"}] * 3


def test_equivalences_merge_by_component_in_text_order():
    block = {
        "entities": [_entity(w[0].lower(), w) for w in ("Alpha", "Beta", "Gamma", "Delta")],
        "relations": [
            {"id": "1", "type": "Alias", "from": "g", "to": "a", "attributes": {}},
            {"id": "2", "type": "Alias", "from": "b", "to": "d", "attributes": {}},
            {"id": "3", "type": "Alias", "from": "a", "to": "b", "attributes": {}},
            {"id": "4", "type": "Same", "from": "a", "to": "g", "attributes": {}},
            {"id": "5", "type": "Knows", "from": "a", "to": "g", "attributes": {}},
            {"id": "6", "type": "Same", "from": "d", "to": "d", "attributes": {}},
        ],
    }
    written = brat.format_ann(DOC, block, equivalence_types={"Alias", "Same"})
    assert written.endswith("R1\tKnows Arg1:T1 Arg2:T3\t\n*\tAlias T1 T2 T3 T4\n*\tSame T1 T3\n")
    read = brat.parse_ann(DOC, written)
    assert [(r["id"], r["from"], r["to"]) for r in read["relations"] if r["type"] == "Alias"] == [
        ("*1-1", "T1", "T2"),
        ("*1-2", "T2", "T3"),
        ("*1-3", "T3", "T4"),
    ]
    assert "*" not in brat.format_ann(DOC, block)  # not declared an equivalence: R lines


def test_attributes_links_and_notes_order_and_values():
    block = {
        "entities": [
            _entity("b", "Beta", attributes={"note": "two\nlines", "Count": 3, "Off": False, "Empty": ""}),
            _entity("a", "Alpha", link={"id": "Wikidata:Q1", "name": "Alpha\u2028A."}),
        ],
        "events": [
            {
                "id": "m",
                "type": "Meet",
                "trigger": {"start": 6, "end": 9},
                "arguments": [],
                "attributes": {"Negation": True, "modality": "actual"},
            }
        ],
    }
    assert brat.format_ann(DOC, block).splitlines()[4:] == [
        "A1\tCount T3 3",
        "A2\tNegation E1",
        "A3\tmodality E1 actual",
        "N1\tReference T1 Wikidata:Q1\tAlpha A.",
        "#1\tAnnotatorNotes T3\ttwo lines",
    ]


def test_span_across_a_line_break_is_written_as_brat_splits_it():
    text = "Jammu and\nKashmir police said."
    block = {"entities": [{"id": "x", "start": 0, "end": 17, "label": "GPE"}]}
    written = brat.format_ann(text, block)
    assert written == "T1\tGPE 0 9;10 17\tJammu and Kashmir\n"
    with pytest.raises(RecordError, match="discontinuous"):
        brat.parse_ann(text, written, path="x.ann")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"entities": [{"id": "x", "start": 0, "end": 99, "label": "PER"}]}, "outside the text"),
        ({"entities": [{"id": "x", "start": 0, "end": 5, "label": "TWO WORDS"}]}, "whitespace"),
        ({"entities": [_entity("a", "Alpha"), _entity("a", "Beta")]}, "used twice"),
        ({"relations": [{"id": "r", "type": "Knows", "from": "a", "to": "b"}]}, "unknown id"),
        ({"entities": [_entity("a", "Alpha", link={"id": "Q1"})]}, "DB:ID"),
        (
            {
                "events": [
                    {
                        "id": "e",
                        "type": "Meet",
                        "trigger": {"start": 6, "end": 9},
                        "arguments": [{"role": "Who", "entity": "zz"}],
                    }
                ]
            },
            "unknown id 'zz'",
        ),
    ],
)
def test_unwritable_annotations_raise(block, message):
    with pytest.raises(ValueError, match=message):
        brat.format_ann(DOC, block)


@pytest.mark.parametrize("external_id", ["", "../escape", "/abs", "a//b", "a/./b", "a\\b"])
def test_write_document_refuses_ids_that_leave_the_folder(tmp_path, external_id):
    with pytest.raises(ValueError, match="cannot be a file name"):
        brat.write_document(tmp_path / "out", external_id, DOC, None)
    assert not (tmp_path / "out").exists()


def test_write_document_writes_text_byte_for_byte_and_an_empty_ann(tmp_path):
    text = "No newline at the end\r of this\u2028one"
    brat.write_document(tmp_path, "x/y/z", text, None)
    assert (tmp_path / "x" / "y" / "z.txt").read_bytes() == text.encode("utf-8")
    assert (tmp_path / "x" / "y" / "z.ann").read_bytes() == b""


def test_read_conf(tmp_path):
    conf_path = tmp_path / "annotation.conf"
    conf_path.write_text(
        "[entities]\nPER\nORG\nGPE\n[relations]\nAlias\tArg1:PER, Arg2:PER, <REL-TYPE>:symmetric-transitive\n"
        "Knows Arg1:PER, Arg2:PER\n[events]\n<POG>=PER|ORG\n!Conflict\n\tAttack  Attacker*:<POG>, "
        "Target+:PER, Place?:GPE\nMeet Participant{2}:PER\n[attributes]\nNegation Arg:<EVENT>\n",
        encoding="utf-8",
    )
    conf = brat.read_conf(conf_path)
    assert conf.equivalence_types == {"Alias"}
    assert {"Attack", "Meet"} <= conf.event_types
    assert conf.event_roles["Attack"] == {"Attacker", "Target", "Place"}
    assert conf.event_roles["Meet"] == {"Participant"}
    assert conf == brat.BratConf.of(load_schema_file(conf_path))  # the schema's parser, the one there is


def test_read_conf_refuses_what_the_schema_refuses(tmp_path):
    conf_path = tmp_path / "annotation.conf"
    conf_path.write_text("[entities]\nPER\n[events]\nAttack Attacker:PER, Attacker:PER\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="line 4: Attack: role 'Attacker' given twice"):
        brat.read_conf(conf_path)


def test_read_conf_of_the_tutorials():
    news = brat.read_conf(corpus("brat-tutorials", "news", "annotation.conf"))
    assert news.equivalence_types == {"Alias"}
    assert news.event_roles["Merge-org"] == {"Org-Arg"}
    bio = brat.read_conf(corpus("brat-tutorials", "bio", "annotation.conf"))
    assert bio.equivalence_types == {"Equiv"} and bio.event_roles["Binding"] == {"Theme"}


# ---------------------------------------------------------------------------------------------------------
# hostile .ann lines: one reason naming file:line, never an exception of another kind


@pytest.mark.parametrize(
    ("ann", "line", "reason"),
    [
        # int() refuses strings of over 4,300 digits: these raised ValueError and ended the whole import
        ("T1\tPER 0 " + "9" * 5000 + "\tAlpha\n", 1, "T1: offset of 5000 digits, outside the text"),
        ("T1\tPER " + "9" * 4301 + " 5\tAlpha\n", 1, "T1: offset of 4301 digits, outside the text"),
        # a NUL was let through to the store's check, which named the .txt and an offset, not the line
        ("T1\tPER 0 5\tAlpha\nT2\tPE\x00R 10 14\tBeta\n", 2, "NUL character (U+0000) at column 6"),
        ("T1\tPER 0 5\tAlpha\n#1\tAnnotatorNotes T1\tsee\x00here\n", 2, "NUL character (U+0000) at column"),
        ("T\x001\tPER 0 5\tAlpha\n", 1, "NUL character (U+0000) at column 2"),
        # more hostile lines, reported as before (by file:line)
        ("T1\tPER 0 5\tAlpha\nT1\tPER 10 14\tBeta\n", 2, "id T1 used twice (first on line 1)"),
        ("T1\tPER 99999999999999999 5\tAlpha\n", 1, "reversed or outside the text"),
        ("T1\tPER -1 5\tAlpha\n", 1, "malformed offsets"),
        ("T1\tPER 0 5;\tAlpha\n", 1, "malformed offsets"),
        ("T1\tPER 0 5\tAlpha\nA1\tFlag T4\n", 2, "names unknown id T4"),
        ("T1\tPER 0 5\tAlpha\nA1\tFlag T1\nA2\tFlag A1\n", 3, "names unknown id A1"),
        ("\ufeff\ufeffT1\tPER 0 5\tAlpha\n", 1, "unknown id"),
        ("T1\tPER 0 5\tAl\x0bpha\n", 1, "differs from the text"),
    ],
)
def test_hostile_lines_name_file_and_line(tmp_path, ann, line, reason):
    error = _problem(tmp_path, ann)
    assert error.where == f"{tmp_path / 'doc.ann'}:{line}"
    assert reason in error.reason and "\n" not in str(error)


def test_numbered_roles_of_thousands_of_digits_are_ordered_without_int(tmp_path):
    many = "9" * 5000
    item = _read_one(
        tmp_path,
        f"T1\tPER 0 5\tAlpha\nT2\tPER 10 14\tBeta\nT3\tMeet 6 9\tmet\nE1\tMeet:T3 Who{many}:T1 Who:T2\n",
    )
    assert isinstance(item, SourceRecord), item
    [event] = item.annotations[0]["events"]
    assert [(a["role"], a["entity"]) for a in event["arguments"]] == [("Who", "T2"), ("Who", "T1")]


@pytest.mark.parametrize("ann", ["", "\n\n  \n", "\t\n", "\ufeff"])
def test_empty_ann_files_give_no_annotations(tmp_path, ann):
    item = _read_one(tmp_path, ann)
    assert isinstance(item, SourceRecord) and item.annotations == []


def test_crlf_ann_and_a_bom_read_like_lf(tmp_path):
    item = _read_one(tmp_path, "\ufeffT1\tPER 0 5\tAlpha\r\nT2\tPER 10 14\tBeta\r\n")
    assert [e["text"] for e in item.annotations[0]["entities"]] == ["Alpha", "Beta"]


def test_values_and_notes_keep_their_spaces_and_tabs_as_brat_reads_them(tmp_path):
    # brat: A lines match '(.+?) (.+?) (.+?)$' (the value keeps its spaces); # lines keep all after the tab
    ann = "T1\tPER 0 5\tAlpha\nA1\tWhy T1  two  spaces \nA2\tFlag T1 \n#1\tAnnotatorNotes T1\tone\ttwo \n"
    item = _read_one(tmp_path, ann)
    assert item.annotations[0]["entities"][0]["attributes"] == {
        "Why": " two  spaces ",
        "Flag": True,
        "note": "one\ttwo ",
    }
    again = brat.format_ann(TEXT, item.annotations[0])
    assert "A1\tWhy T1  two  spaces \n" in again and "#1\tAnnotatorNotes T1\tone\ttwo \n" in again


def test_equivalences_are_sets_and_what_repeats_is_said(tmp_path):
    ann = (
        "T1\tPER 0 5\tAlpha\nT2\tPER 10 14\tBeta\nT3\tPER 18 23\tGamma\n"
        "*\tAlias T1 T1\n*\tAlias T1 T2 T1\n*\tAlias T2 T1 T3\n*\tOther T1 T2\n"
    )
    warnings: list[str] = []
    item = _read_one(tmp_path, ann, warnings=warnings)
    relations = [(r["type"], r["from"], r["to"]) for r in item.annotations[0]["relations"]]
    assert relations == [("Alias", "T1", "T2"), ("Alias", "T1", "T3"), ("Other", "T1", "T2")]
    where = tmp_path / "doc.ann"
    assert warnings == [
        f"{where}:4: equivalence Alias of an entity with itself (T1), left out",
        f"{where}:5: equivalence Alias names T1 more than once; once kept",
        f"{where}:6: equivalence Alias: T2 and T1 are already equivalent by an earlier * line; not repeated",
    ]


def test_what_reads_differently_from_the_files_is_said(tmp_path):
    (tmp_path / "bare.txt").write_text("No annotations here.\n", encoding="utf-8")
    (tmp_path / "mac.txt").write_bytes(b"Alpha\rBeta\n")
    (tmp_path / "mac.ann").write_bytes(b"T1\tPER 6 10\tBeta\n")
    (tmp_path / "nfc.txt").write_bytes("\u0958 Alpha\n".encode())  # composition exclusion: NFC decomposes it
    (tmp_path / "nfc.ann").write_bytes(b"")
    warnings: list[str] = []
    items = [item for item, _ in brat.read_folder(tmp_path, warnings=warnings)]
    assert all(isinstance(item, SourceRecord) for item in items)
    assert warnings == [
        f"{tmp_path / 'bare.txt'}: no bare.ann beside it: imported as a document without annotations",
        f"{tmp_path / 'mac.txt'}:1: a line ending in a lone CR is stored as LF (offsets unchanged; an export "
        "writes LF)",
        f"{tmp_path / 'nfc.txt'}: not in Unicode NFC: the project stores the text in NFC (offsets moved with "
        "it), so an export writes NFC text and offsets that differ from these files",
    ]


def test_file_names_with_line_breaks_or_bad_bytes_give_one_line_messages(tmp_path):
    import os

    (tmp_path / "a\nb.txt").write_text("Alpha.\n", encoding="utf-8")
    (tmp_path / "a\nb.ann").write_text("T1\tPER 0 9\tAlpha\n", encoding="utf-8")
    (tmp_path / "c\u2028d.txt").write_text("Beta.\n", encoding="utf-8")
    (tmp_path / os.fsdecode(b"e\xff.ann")).write_text("T1\tPER 0 1\tx\n", encoding="utf-8")
    warnings: list[str] = []
    items = [item for item, _ in brat.read_folder(tmp_path, warnings=warnings)]
    messages = [str(item) for item in items if isinstance(item, RecordError)] + warnings
    assert messages == [
        f"{tmp_path}/a\\nb.ann:1: T1: offsets [0, 9) reversed or outside the text (length 7)",
        f"{tmp_path}/e\\xff.ann: annotations without a text file (.txt) next to them",
        f"{tmp_path}/c\\u2028d.txt: no c\\u2028d.ann beside it: imported as a document without annotations",
    ]
    assert all(len(message.splitlines()) == 1 and message.isprintable() for message in messages)


@pytest.mark.parametrize(
    ("ann", "reason"),
    [
        ("T1\tPER 0 5\t" + "A" * 2_000_000 + "\n", "T1: surface text 'AAAA"),
        ("T1 " + "x" * 1_000_000 + "\n", "malformed line 'T1 xxx"),
        ("T1\tPER " + "7 " * 500_000 + "\tAlpha\n", "malformed offsets '7 7 7"),
        ("T1\t" + "P" * 1_000_000 + " 0 5\tAlpha\nE1\tX:T1\n", "event E1 of type X: trigger T1 has type PPP"),
    ],
)
def test_megabyte_lines_give_short_messages(tmp_path, ann, reason):
    error = _problem(tmp_path, ann)
    assert error.where.endswith("doc.ann:1") or error.where.endswith("doc.ann:2")
    assert error.reason.startswith(reason) and len(error.reason) < 500, error.reason[:600]
