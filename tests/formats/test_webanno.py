"""WebAnno / INCEpTION TSV 3.3 → one document with spans and relations: INCEpTION's TSV test suite (UTF-16
offsets, multi-token, stacked and sub-token spans, relations, zero-length spans, chains), a hand-written Hindi
file, malformed input, and an import through the service."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import RecordError
from annotator.formats import webanno
from annotator.formats.records import SourceRecord
from annotator.services.importing import import_paths
from annotator.store.models import Annotator, Document, Entity, Relation

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
SUITE = ("inception-webanno-tsv", "tsv3-suite")

NUKTA_JA = "ज\u093c"
NUKTA_PHA = "फ\u093c"
HINDI = f"😊 लश्कर-ए-तैयबा के सरगना हा{NUKTA_PHA}ि{NUKTA_JA} सईद ने बयान दिया।"
HEADER = [
    "#FORMAT=WebAnno TSV 3.3",
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value",
    "#T_SP=webanno.custom.Emotion|polarity",
    "#T_RL=webanno.custom.Affiliation|kind|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity",
    "",
    "",
]
# column 2 counts UTF-16 units: the emoji is two, so every offset after it is one more than in Python
SENTENCE_1 = [
    f"#Text={HINDI}",
    "1-1\t0-2\t😊\t_\t_\tvery\\_positive\t_\t_\t",
    "1-2\t3-8\tलश्कर\t*[1]\tARMED_GROUP[1]\t_\tMEMBER_OF\t1-9[2_1]\t",
    "1-3\t8-9\t-\t*[1]\tARMED_GROUP[1]\t_\t_\t_\t",
    "1-4\t9-10\tए\t*[1]\tARMED_GROUP[1]\t_\t_\t_\t",
    "1-5\t10-11\t-\t*[1]\tARMED_GROUP[1]\t_\t_\t_\t",
    "1-6\t11-16\tतैयबा\t*[1]\tARMED_GROUP[1]\t_\t_\t_\t",
    "1-7\t17-19\tके\t_\t_\t_\t_\t_\t",
    "1-8\t20-25\tसरगना\t_\t_\t_\t_\t_\t",
    f"1-9\t26-33\tहा{NUKTA_PHA}ि{NUKTA_JA}\tQ7[2]\tPERSON[2]\t_\t_\t_\t",
    "1-10\t34-37\tसईद\tQ7[2]\tPERSON[2]\t_\t_\t_\t",
    "1-11\t38-40\tने\t_\t_\t_\t_\t_\t",
    "1-12\t41-45\tबयान\t_\t_\t_\t_\t_\t",
    "1-13\t46-50\tदिया\t_\t_\t_\t_\t_\t",
    "1-14\t50-51\t।\t_\t_\t_\t_\t_\t",
    "",
]
SENTENCE_2 = [
    "#Text=कश्मीर में हमला ।",
    "2-1\t52-58\tकश्मीर\t*\tLOC\t_\t_\t_\t",
    "2-2\t59-62\tमें\t_\t_\t_\t_\t_\t",
    "2-3\t63-67\tहमला\t_\t_\t_\t_\t_\t",
    "2-4\t68-69\t।\t_\t_\t_\t_\t_\t",
]


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def read(path: Path) -> tuple[list[SourceRecord], list[RecordError]]:
    items = [item for item, _ in webanno.read(path, name=path.name)]
    return (
        [i for i in items if isinstance(i, SourceRecord)],
        [i for i in items if isinstance(i, RecordError)],
    )


def read_one(path: Path) -> tuple[SourceRecord, list[RecordError]]:
    records, errors = read(path)
    assert len(records) == 1, errors
    return records[0], errors


def entities(record: SourceRecord) -> list[tuple[int, int, str, str]]:
    return [
        (e["start"], e["end"], e["label"], record.text[e["start"] : e["end"]])
        for block in record.annotations
        for e in block["entities"]
    ]


def relations(record: SourceRecord) -> list[tuple[str, str, str]]:
    return [(r["type"], r["from"], r["to"]) for block in record.annotations for r in block["relations"]]


def write_tsv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def code_point(text: str, utf16: int) -> int:
    """Independent of the reader: the code-point offset of a UTF-16 offset."""
    units = 0
    for i, char in enumerate(text):
        if units == utf16:
            return i
        units += 2 if ord(char) > 0xFFFF else 1
    assert units == utf16
    return len(text)


# ---------------------------------------------------------------------------------------------------------
# INCEpTION's TSV 3.3 test suite


def test_sentence_with_emoji_maps_utf16_offsets_to_code_points():
    record, errors = read_one(corpus(*SUITE, "testSentenceWithEmoji.reference.tsv"))
    assert errors == []
    assert record.text == "I like it 😊 .\n"
    assert entities(record) == [(10, 11, "Span", "😊")]  # the file says 10-12: UTF-16 units


def suite_files() -> list[Path]:
    root = CORPORA.joinpath(*SUITE)
    if not root.exists():
        return []
    return sorted(root.glob("*.tsv")) + sorted(root.parent.joinpath("tsv3").glob("*.tsv"))


@pytest.mark.parametrize("path", suite_files(), ids=lambda p: p.stem)
def test_every_suite_file_imports_and_spans_sit_on_its_tokens(path):
    record, errors = read_one(path)
    assert all("zero-length" in e.reason or "slot link(s)" in e.reason for e in errors), errors
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line[:1].isdigit()]
    starts = {code_point(record.text, int(row[1].split("-")[0])) for row in rows}
    ends = {code_point(record.text, int(row[1].split("-")[1])) for row in rows}
    for row in rows:  # the token forms are the text at their offsets
        begin, end = (code_point(record.text, int(x)) for x in row[1].split("-"))
        assert record.text[begin:end] == row[2]
    for start, end, _label, _surface in entities(record):
        assert start in starts and end in ends and start < end
    ids = {e["id"] for block in record.annotations for e in block["entities"]}
    assert all(r[1] in ids and r[2] in ids for r in relations(record))


def test_suite_is_present():
    if not suite_files():
        pytest.skip("shared corpus folder inception-webanno-tsv not present (see shared/corpora/SOURCES.md)")
    assert len(suite_files()) == 77


def test_named_entities_multi_token_and_other_layers_ignored():
    record, errors = read_one(corpus("inception-webanno-tsv", "tsv3", "example2.tsv"))
    assert errors == []
    assert entities(record)[:4] == [
        (0, 8, "PER", "Ms. Haag"),
        (15, 22, "OTH", "Elianti"),
        (25, 42, "ORG", "Rolls-Royce Motor"),
        (73, 77, "LOC", "U.S."),
    ]
    assert relations(record) == []  # dependencies attach to POS, which is not imported
    assert record.meta["webanno_layers"] == ["de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"]
    assert record.meta["webanno_ignored_layers"] == [
        "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS",
        "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency",
    ]
    assert record.external_id == "example2.tsv"


def test_stacked_multi_token_spans():
    record, _ = read_one(corpus(*SUITE, "testMultiTokenStackedSpanWithFeatureValue.reference.tsv"))
    assert entities(record) == [
        (0, 16, "PERSON", "This is a test ."),
        (0, 16, "LOCATION", "This is a test ."),
    ]


def test_sub_token_spans_and_their_zero_length_ones():
    path = corpus(*SUITE, "testSubMultiTokenSpanWithFeatureValue.reference.tsv")
    record, errors = read_one(path)
    assert entities(record) == [
        (0, 13, "2", "aaaaaa bbbbbb"),
        (0, 10, "7", "aaaaaa bbb"),
        (0, 6, "1", "aaaaaa"),
        (3, 17, "9", "aaa bbbbbb ccc"),
        (3, 13, "6", "aaa bbbbbb"),
        (3, 10, "8", "aaa bbb"),
        (7, 11, "4", "bbbb"),
        (9, 13, "5", "bbbb"),
        (9, 11, "3", "bb"),
    ]
    assert [(e.where, e.reason) for e in errors] == [
        (
            f"{path}:11",
            "Span '11' annotation at 7-7 is zero-length, which the project cannot store; left out",
        ),
        (
            f"{path}:14",
            "Span '10' annotation at 10-10 is zero-length, which the project cannot store; left out",
        ),
        (
            f"{path}:15",
            "Span '12' annotation at 13-13 is zero-length, which the project cannot store; left out",
        ),
    ]


def test_zero_length_named_entity_is_reported_with_its_line():
    path = corpus(*SUITE, "testZeroWidthAnnotationBeforeFirstTokenIsMovedToBeginOfFirstToken.reference.tsv")
    record, errors = read_one(path)
    assert record.text == "  one two\n" and record.annotations == []
    assert [e.where for e in errors] == [f"{path}:7"]


def test_text_is_rebuilt_as_inception_does():
    cases = {
        "testSentenceWithLineBreak": "This is\na test .\n",
        "testSentenceWithTab": "This is\ta test .\n",
        "testTwoSentencesWithNoSpaceInBetween": "onetwo\n",
        "testCrossSentenceSpanWithFeatureValue": "He loves her .\nShe loves him not .\n",
        "testAnnotationWithLeadingWhitespaceAtStart": " one two\n",
    }
    for name, text in cases.items():
        record, _ = read_one(corpus(*SUITE, f"{name}.reference.tsv"))
        assert record.text == text, name
    record, _ = read_one(corpus(*SUITE, "testCrossSentenceSpanWithFeatureValue.reference.tsv"))
    assert entities(record) == [(0, 34, "PERSON", "He loves her .\nShe loves him not .")]


def test_labels_are_unescaped_and_named_entity_takes_its_value_feature():
    record, _ = read_one(corpus(*SUITE, "testTokenBoundedSpanWithSpecialSymbolsValue.reference.tsv"))
    assert {label for _, _, label, _ in entities(record)} == {"#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"}
    record, _ = read_one(corpus(*SUITE, "testTokenBoundedSpanWithUnderscoreFeatureValue.reference.tsv"))
    assert {label for _, _, label, _ in entities(record)} == {"_"}  # an escaped "_" is a value
    record, _ = read_one(corpus(*SUITE, "testTokenBoundedSpanWithoutFeatureValue.reference.tsv"))
    assert {label for _, _, label, _ in entities(record)} == {"Span"}  # "*": the layer's name
    record, _ = read_one(corpus(*SUITE, "testAnnotationWithTrailingWhitespace.reference.tsv"))
    assert entities(record) == [(0, 3, "NamedEntity", "one")]  # identifier|value, both "*"


def test_relations_between_imported_spans():
    record, _ = read_one(corpus(*SUITE, "testSubTokenRelation.reference.tsv"))
    assert entities(record) == [(3, 4, "OTH", "t"), (0, 1, "OTH", "T")]
    assert relations(record) == [("Relation", "T2", "T1")]  # from the referenced 1-1.2 to its own row
    record, _ = read_one(
        corpus(*SUITE, "testSingleStackedNonTokenOverlappingRelationWithoutFeatureValue.reference.tsv")
    )
    assert [(s, e) for s, e, _, _ in entities(record)] == [(0, 16), (0, 16), (15, 16), (15, 16)]
    assert relations(record) == [("Relation", "T1", "T3")]  # 1-1[1_3]: annotation ids 1 and 3
    record, _ = read_one(
        corpus(*SUITE, "testStackedNonMultiTokenRelationWithMultipleFeatureValues.reference.tsv")
    )
    assert relations(record) == [("true", "T1", "T2"), ("false", "T1", "T2")]


def test_chains_and_token_relations_are_ignored():
    record, errors = read_one(corpus(*SUITE, "testSimpleChain.reference.tsv"))
    assert errors == [] and record.annotations == []
    assert record.meta["webanno_ignored_layers"] == ["webanno.custom.SimpleLink"]
    record, errors = read_one(corpus(*SUITE, "testSingleTokenRelationWithFeatureValue.reference.tsv"))
    assert errors == [] and record.annotations == []
    assert record.meta["webanno_ignored_layers"] == ["webanno.custom.Relation"]


# ---------------------------------------------------------------------------------------------------------
# hand-written Hindi: emoji, nukta, hyphenated name over five tokens, two sentences


def test_hindi_file(tmp_path):
    record, errors = read_one(write_tsv(tmp_path / "hi.tsv", HEADER + SENTENCE_1 + SENTENCE_2))
    assert errors == []
    assert record.text == f"{HINDI}\nकश्मीर में हमला ।\n"
    assert entities(record) == [
        (0, 1, "very_positive", "😊"),
        (2, 15, "ARMED_GROUP", "लश्कर-ए-तैयबा"),
        (25, 36, "PERSON", f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद"),
        (51, 57, "LOC", "कश्मीर"),
    ]
    assert relations(record) == [("MEMBER_OF", "T3", "T2")]
    block = record.annotations[0]
    assert block["annotator"] == "webanno" and block["status"] == "done"
    assert record.meta == {
        "file": "hi.tsv",
        "webanno_layers": [
            "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity",
            "webanno.custom.Emotion",
            "webanno.custom.Affiliation",
        ],
    }


# ---------------------------------------------------------------------------------------------------------
# malformed input


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        (["#FORMAT=WebAnno TSV 3.1", *HEADER[1:], *SENTENCE_1], 1, "WebAnno TSV 3.1 is not supported"),
        (["#FORMAT=brat", *HEADER[1:], *SENTENCE_1], 1, "not a WebAnno TSV file"),
        (
            [*HEADER, *SENTENCE_1[:3], "1-3\t8-9\t-\t_\t", *SENTENCE_1[4:]],
            10,
            "expected 8 tab-separated fields, found 5",
        ),
        ([*HEADER, *SENTENCE_1[:1], "1-1\t0-1\t😊\t_\t_\t_\t_\t_\t"], 8, "the offsets do not fit the text"),
        ([*HEADER, *SENTENCE_1[:3], "1-3\t8-9\t-\tX[a]\t_\t_\t_\t_\t"], 10, "malformed annotation id [a]"),
        ([*HEADER, "1-1\t0-2\t😊\t_\t_\t_\t_\t_\t"], 7, "outside a sentence"),
    ],
)
def test_malformed_files(tmp_path, lines, line, reason):
    path = write_tsv(tmp_path / "bad.tsv", lines)
    records, errors = read(path)
    assert records == []
    [error] = errors
    assert error.where == f"{path}:{line}"
    assert reason in error.reason


def test_bad_utf8_names_the_line(tmp_path):
    path = write_tsv(tmp_path / "bad.tsv", HEADER + SENTENCE_1)
    data = path.read_bytes().replace("\tसरगना".encode(), b"\t\xff\xfe", 1)  # in the row of token 1-8
    path.write_bytes(data)
    records, errors = read(path)
    assert records == []
    assert [e.where for e in errors] == [f"{path}:15"]
    assert "invalid UTF-8" in errors[0].reason


def test_zero_length_span_and_its_relation_are_reported_but_the_document_kept(tmp_path):
    zero = "1-9.1\t26-26\t\tQ8\tPERSON\t_\t_\t_\t"
    relation_to_it = "1-2\t3-8\tलश्कर\t*[1]\tARMED_GROUP[1]\t_\tMEMBER_OF\t1-9.1\t"
    lines = [*HEADER, *SENTENCE_1[:2], relation_to_it, *SENTENCE_1[3:10], zero, *SENTENCE_1[10:]]
    path = write_tsv(tmp_path / "z.tsv", lines)
    record, errors = read_one(path)
    assert [label for *_, label, _ in entities(record)] == ["very_positive", "ARMED_GROUP", "PERSON"]
    assert relations(record) == []
    assert [(e.where, e.reason) for e in errors] == [
        (
            f"{path}:17",
            "NamedEntity 'PERSON' annotation at 26-26 is zero-length, which the project cannot store; "
            "left out",
        ),
        (
            f"{path}:9",
            "Affiliation 'MEMBER_OF' relation on 1-2 connects an annotation that was left out; left out",
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# through the import service


def test_import_through_the_service(project, tmp_path):
    path = write_tsv(tmp_path / "hi.tsv", HEADER + SENTENCE_1 + SENTENCE_2)
    report = import_paths(
        project, [path], fmt="webanno", annotator="someone", label_map={"very_positive": "-", "PERSON": "PER"}
    )
    assert report.errors == []
    assert report.documents_added == 1
    with project.session() as s:
        rows = s.execute(
            select(Document.text, Document.external_id, Entity.start, Entity.end, Entity.label, Entity.id)
            .join(Entity, Entity.document_id == Document.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "someone")
            .order_by(Entity.start)
        ).all()
        assert [(text[a:b], ext, a, b, label) for text, ext, a, b, label, _ in rows] == [
            ("लश्कर-ए-तैयबा", "hi.tsv", 2, 15, "ARMED_GROUP"),
            (f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद", "hi.tsv", 25, 36, "PER"),
            ("कश्मीर", "hi.tsv", 51, 57, "LOC"),
        ]
        ids = {label: eid for *_, label, eid in rows}
        assert s.execute(select(Relation.type, Relation.from_entity_id, Relation.to_entity_id)).all() == [
            ("MEMBER_OF", ids["PER"], ids["ARMED_GROUP"])
        ]


def test_unset_slot_features_keep_their_span_and_links_are_reported():
    record, errors = read_one(corpus(*SUITE, "testUnsetSlotFeature.reference.tsv"))
    assert errors == []
    assert [e[2] for e in entities(record)] == ["FlexLinkHost", "SimpleSpan", "SimpleSpan"]
    record, errors = read_one(corpus(*SUITE, "testSimpleSlotFeature.reference.tsv"))
    assert [e[2] for e in entities(record)] == ["SimpleLinkHost", "SimpleSpan", "SimpleSpan"]
    [error] = errors
    assert error.where.endswith("testSimpleSlotFeature.reference.tsv:7")
    assert error.reason == (
        "SimpleLinkHost annotation at 0-4: 2 slot link(s) (p1, p2) not imported (the project has no slot "
        "features)"
    )
