"""WebAnno / INCEpTION TSV 3.3 → one document with spans and relations: INCEpTION's TSV test suite (UTF-16
offsets, multi-token, stacked and sub-token spans, relations, zero-length spans, chains), a hand-written Hindi
file, malformed input, and an import through the service."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import RecordError, RecordWarning
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
    # only zero-length spans are bad records; the rest are warnings of what the project has no place for
    assert all("zero-length" in e.reason or isinstance(e, RecordWarning) for e in errors), errors
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
    path = corpus("inception-webanno-tsv", "tsv3", "example2.tsv")
    record, errors = read_one(path)
    assert all(isinstance(e, RecordWarning) for e in errors)  # what is left out is said, as a warning
    assert [(e.where, e.reason) for e in errors] == [
        (
            f"{path}:8",
            "layer de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS (span, declared on line 2): 86 "
            "annotation(s) not imported: only named entities and custom span layers (webanno.custom.*) are "
            "imported",
        ),
        (
            f"{path}:8",
            "layer de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency (relation, declared "
            "on line 4): 86 annotation(s) not imported: its ends (de.tudarmstadt.ukp.dkpro.core.api.lexmorph."
            "type.pos.POS) are not an imported span layer",
        ),
    ]
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
    # the feature called value is the type; boolValue and integerValue are reported as not imported
    assert relations(record) == [("nsubj", "T1", "T2"), ("obj", "T1", "T2")]


def test_chains_and_token_relations_are_ignored():
    record, errors = read_one(corpus(*SUITE, "testSimpleChain.reference.tsv"))
    assert record.annotations == []
    assert [e.reason for e in errors] == [
        "layer webanno.custom.SimpleLink (chain, declared on line 2): 3 annotation(s) not imported: chains "
        "are not imported"
    ]
    assert record.meta["webanno_ignored_layers"] == ["webanno.custom.SimpleLink"]
    record, errors = read_one(corpus(*SUITE, "testSingleTokenRelationWithFeatureValue.reference.tsv"))
    assert record.annotations == []
    assert [(e.where.rsplit(":", 1)[1], e.reason) for e in errors] == [
        (
            "10",
            "layer webanno.custom.Relation (relation, declared on line 2): 1 annotation(s) not imported: its "
            "ends (de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token) are not an imported span layer",
        )
    ]
    assert record.meta["webanno_ignored_layers"] == ["webanno.custom.Relation"]


# ---------------------------------------------------------------------------------------------------------
# hand-written Hindi: emoji, nukta, hyphenated name over five tokens, two sentences


def test_hindi_file(tmp_path):
    path = write_tsv(tmp_path / "hi.tsv", HEADER + SENTENCE_1 + SENTENCE_2)
    record, errors = read_one(path)
    # Q7, the identifier of the PERSON annotation [2], is not imported: one warning, on its first line
    assert [(type(e), e.where, e.reason) for e in errors] == [
        (
            RecordWarning,
            f"{path}:16",
            "feature 'identifier' of NamedEntity: the values of 1 annotation(s) not imported (the label is "
            "'value')",
        )
    ]
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
        (["#FORMAT=WebAnno TSV 2", *HEADER[1:], *SENTENCE_1], 1, "WebAnno TSV 2 is not supported"),
        (["#FORMAT=WebAnno TSV 3.4", *HEADER[1:], *SENTENCE_1], 1, "WebAnno TSV 3.4 is not supported"),
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
    assert [(e.where, e.reason) for e in errors if not isinstance(e, RecordWarning)] == [
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
    assert report.errors == [] and report.records == 1
    assert f"{path}:16: feature 'identifier' of NamedEntity" in report.warnings[0]
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


# ---------------------------------------------------------------------------------------------------------
# nothing vanishes without a line: every annotation in the file is imported or reported


def _split(raw: str, sep: str) -> list[str]:
    """Independent of the reader: split at separators not preceded by an odd number of backslashes."""
    parts, current, escaped = [], "", False
    for char in raw:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char == sep:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def annotations_in_file(path: Path) -> dict[str, dict]:
    """Per layer: its kind and the annotations the file holds (multi-token ``[n]`` ones once, stacked ones
    each, chain links each); slot link sets per layer as ``links``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    layers, columns = {}, []
    for line in lines[1:]:
        if not line.startswith("#T_"):
            break
        kind, _, decl = line.partition("=")
        name, *features = [f for f in decl.split("|")]
        layers[name] = {"kind": kind[3:], "keys": set(), "links": 0}
        for feature in features or [""]:
            columns.append((name, feature))
    first_feature = {}
    for layer, feature in columns:
        first_feature.setdefault(layer, feature)
    for line in lines:
        if not line[:1].isdigit():
            continue
        fields = line.split("\t")
        found: dict[tuple[str, int], list] = {}  # (layer, stack) -> the [n] ids its plain columns carry
        for (layer, feature), raw in zip(columns, fields[3:], strict=False):
            if raw == "_":
                continue
            info = layers[layer]
            if feature.startswith("ROLE_"):
                info["links"] += len(_split(raw, "|"))  # one set of links per stacked annotation
                continue
            for stack, value in enumerate(_split(raw, "|")):
                ident = (
                    value.rsplit("[", 1)[1][:-1]
                    if value.endswith("]") and not value.endswith("\\]")
                    else None
                )
                if info["kind"] == "CH":
                    if feature == first_feature[layer]:
                        info["keys"].add(value)  # a chain link: *->chain-link
                    continue
                ids = found.setdefault((layer, stack), [])
                if ident and "." not in feature and info["kind"] == "SP":  # not a slot filler's reference
                    ids.append(ident)
        for (layer, stack), ids in found.items():
            layers[layer]["keys"].add(ids[0] if ids else (fields[0], stack))
    return layers


@pytest.mark.parametrize(
    "name",
    [
        "tsv3/example2.tsv",
        "tsv3/coref.tsv",
        "tsv3-suite/testSubMultiTokenSpanWithFeatureValue.reference.tsv",
        "tsv3-suite/testSimpleSlotFeature.reference.tsv",
        "tsv3-suite/testStackedComplexSlotFeatureWithoutValues.reference.tsv",
        "tsv3-suite/testTokenAttachedAnnotationsWithValues.reference.tsv",
        "tsv3-suite/testStackedChain.reference.tsv",
        "tsv3-suite/testSingleStackedNonTokenOverlappingRelationWithoutFeatureValue.reference.tsv",
        "tsv3-suite/testStackedNonMultiTokenRelationWithMultipleFeatureValues.reference.tsv",
        "tsv3-suite/testZeroLengthStackedSpansWithoutFeatures.reference.tsv",
        "tsv3-suite/testSingleTokenRelationWithMultipleFeatureValues.reference.tsv",
    ],
)
def test_every_annotation_in_the_file_is_imported_or_reported(name):
    import re

    path = corpus("inception-webanno-tsv", *name.split("/"))
    layers = annotations_in_file(path)
    record, reports = read_one(path)
    ents = [e for block in record.annotations for e in block["entities"]]
    rels = [r for block in record.annotations for r in block["relations"]]
    left_out = [r.reason for r in reports if r.reason.endswith("left out")]
    imported_span = [n for n, i in layers.items() if i["kind"] == "SP" and n in record.meta["webanno_layers"]]
    imported_rel = [n for n, i in layers.items() if i["kind"] == "RL" and n in record.meta["webanno_layers"]]
    spans_left = [r for r in left_out if "relation" not in r]
    rels_left = [r for r in left_out if "relation" in r]
    assert len(ents) + len(spans_left) == sum(len(layers[n]["keys"]) for n in imported_span)
    assert len(rels) + len(rels_left) == sum(len(layers[n]["keys"]) for n in imported_rel)
    for layer, info in layers.items():
        said = [r for r in reports if r.reason.startswith(f"layer {layer} (")]
        if layer in record.meta["webanno_layers"] or not info["keys"]:
            assert said == []
        else:
            [reason] = [r.reason for r in said]
            assert int(re.search(r": (\d+) annotation\(s\) not imported", reason).group(1)) == len(
                info["keys"]
            )
        short = layer.rsplit(".", 1)[-1]
        links = [r for r in reports if r.reason.startswith(short) and "slot link(s)" in r.reason]
        assert len(links) == info["links"]
    assert all(re.fullmatch(rf"{re.escape(str(path))}:\d+", r.where) for r in reports)


def test_the_whole_suite_imports_through_the_service_with_one_line_per_problem(project):
    root = corpus(*SUITE).parent
    files = sorted(root.rglob("*.tsv"))
    labels: dict[str, str] = {}
    for path in files:  # every label an entity, every relation type left out: the documents all import
        records, _ = read(path)
        for block in records[0].annotations:
            labels.update({e["label"]: "PER" for e in block["entities"]})
            labels.update({r["type"]: "-" for r in block["relations"]})
    report = import_paths(project, [root], fmt="webanno", annotator="inception", label_map=labels)
    assert report.files == len(files) == 77
    assert report.documents_added + report.documents_existing == 77  # some texts are the same: stored once
    # the label mapping's summary (the service's) is left out: it shows labels as they are, line breaks too
    for item in [*report.errors, *(w for w in report.warnings if not w.startswith("labels of "))]:
        text = str(item)
        assert "\n" not in text and "Traceback" not in text
        assert re.match(rf"{re.escape(str(root))}/[\w./-]+\.tsv(:\d+)?: ", text), text
    assert report.errors and all("zero-length" in e.reason for e in report.errors)
    assert any("slot link(s)" in w for w in report.warnings) and any(
        "chains are" in w for w in report.warnings
    )


def test_through_the_cli_warnings_do_not_fail_the_import_and_bad_spans_do(tmp_path, capsys):
    from annotator.cli import main

    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    slot = corpus(*SUITE, "testSimpleSlotFeature.reference.tsv")
    capsys.readouterr()
    status = main(
        [
            "import",
            str(project),
            str(slot),
            "--format",
            "webanno",
            "--quiet",
            "--label-map",
            "SimpleLinkHost=ORG,SimpleSpan=PER",
        ]
    )
    err = capsys.readouterr().err
    assert status == 0
    assert [line for line in err.splitlines() if "labels of" not in line] == [
        f"warning: {slot}:7: SimpleLinkHost annotation at 0-4: 2 slot link(s) (p1, p2) not imported (the "
        "project has no slot features)"
    ]
    zero = corpus(*SUITE, "testZeroLengthSpansWithFeatureValues.reference.tsv")
    status = main(
        ["import", str(project), str(zero), "--format", "webanno", "--quiet", "--label-map", "*=ORG"]
    )
    err = capsys.readouterr().err
    assert status == 3 and "Traceback" not in err
    assert all(line.startswith(("error: ", "warning: ")) for line in err.splitlines())
    assert any("zero-length" in line for line in err.splitlines())


# ---------------------------------------------------------------------------------------------------------
# escapes (INCEpTION's Escaping.unescapeValue: \\ \[ \] \| \_ \-> \; \t \n \*; nothing else is an escape)


def test_values_with_equals_signs_and_every_escape_are_unescaped(tmp_path):
    header = ["#FORMAT=WebAnno TSV 3.3", "#T_SP=webanno.custom.Span|value", "", ""]
    values = {
        "a=b": "a=b",  # = is no special character anywhere in a value
        "k\\=v\\,w\\>x\\-y": "k\\=v\\,w\\>x\\-y",  # backslash + anything else stays as it is
        "\\[x\\]\\_\\|\\;\\->\\*": "[x]_|;->*",
        "tab\\there\\nnl": "tab\there\nnl",
        "back\\\\slash": "back\\slash",
        "\\\\t": "\\t",  # an escaped backslash, then a plain t
        "end\\\\": "end\\",  # a value ending in an escaped backslash, before the next stacked value
    }
    raws = list(values)
    rows = ["#Text=" + " ".join("w" for _ in raws)]
    for i, raw in enumerate(raws):
        stacked = f"{raw}|second" if raw.endswith("\\\\") else raw
        rows.append(f"1-{i + 1}\t{2 * i}-{2 * i + 1}\tw\t{stacked}\t")
    record, errors = read_one(write_tsv(tmp_path / "esc.tsv", header + rows))
    assert errors == []
    labels = [label for *_, label, _surface in entities(record)]
    assert labels == [*values.values(), "second"]
    # and in slot roles: an escaped ; is part of the role, an escaped backslash before ; is not
    assert webanno.split_unescaped("a\\;b;c\\\\;d", ";") == ["a\\;b", "c\\\\", "d"]
    assert webanno.unescape_value("a\\;b") == "a;b"


def test_text_lines_are_unescaped_as_inception_does():
    assert webanno.unescape_text("a\\tb\\nc\\\\d\\re\\ff\\bg") == "a\tb\nc\\d\re\ff\bg"
    assert webanno.unescape_text("x\\\x01y") == "x\x01y"  # control characters are escaped as themselves
    assert (
        webanno.unescape_text("keep \\_ \\[ \\, \\=") == "keep \\_ \\[ \\, \\="
    )  # value escapes are not text's


# ---------------------------------------------------------------------------------------------------------
# hostile files: one line each, never a traceback

GOOD = HEADER + SENTENCE_1 + SENTENCE_2


def _damaged(lines: list[str], old: str, new: str) -> list[str]:
    out, done = [], False
    for line in lines:
        if not done and old in line:
            line, done = line.replace(old, new, 1), True
        out.append(line)
    assert done
    return out


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        ([], 1, "an empty file"),
        (["#FORMAT=WebAnno TSV 3.3"], 1, "no blank line after the layer declarations"),
        (HEADER, 1, "no text"),
        ([*GOOD[:-1], "2-4\t68-69\t।\t_"], 27, "expected 8 tab-separated fields, found 4"),  # cut short
        (
            _damaged(GOOD, "2-2\t59-62\tमें\t_\t_\t_\t_\t_\t", "2-2\t59-62\tमें\t_\t_\t_\t_\t_\tX\tY"),
            25,
            "10 tab-separated fields where the layer declarations give 8",
        ),
        (
            _damaged(GOOD, "1-1\t0-2\t😊\t_\t_\tvery\\_positive\t_\t_\t", "1-1 0-2 😊"),
            8,
            "expected 8 tab-separated fields, found 1",
        ),
        (
            _damaged(GOOD, "2-1\t52-58", "2-1\t999999999999-999999999999"),
            24,
            "the sentence begins at 999,999,999,999",
        ),
        (_damaged(GOOD, "2-1\t52-58", "2-1\t52-" + "9" * 5000), 24, "offsets '52-9999"),
        (_damaged(GOOD, "1-14\t50-51", "1-14\t50-99999"), 21, "ends after the text"),
        (_damaged(GOOD, "2-2\t59-62", "2-2\t62-59"), 25, "offsets 62-59 reversed"),
        (_damaged(GOOD, "2-2\t59-62", "2-1\t59-62"), 25, "the id is used twice (first on line 24)"),
        (
            _damaged(GOOD, "#Text=कश्मीर में हमला ।", "#Sentence.id=2"),
            23,
            "a sentence header without a #Text= line",
        ),
        (_damaged(GOOD, "#Text=कश्मीर", "#Text=\x00कश्मीर"), 23, "a NUL character in the text"),
        (_damaged(GOOD, "PERSON[2]", "PERSON[" + "9" * 5000 + "]"), 16, "malformed annotation id [99999"),
        (["#FORMAT=WebAnno TSV 9.0", *GOOD[1:]], 1, "WebAnno TSV 9.0 is not supported"),
        (["#FORMAT=WebAnno TSV x", *GOOD[1:]], 1, "WebAnno TSV x is not supported"),
        (["#FORMAT=WebAnno TSV", *GOOD[1:]], 1, "not a WebAnno TSV file"),
        ([*HEADER, "#Text=a"], 7, "a sentence without tokens at the end of the file"),
    ],
)
def test_hostile_files_are_one_line_each(tmp_path, lines, line, reason):
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    records, errors = read(path)
    assert records == []
    [error] = errors
    assert error.where == f"{path}:{line}"
    assert reason in error.reason and len(error.reason) < 400


def test_label_with_nul_is_left_out_and_the_rest_kept(tmp_path):
    path = write_tsv(tmp_path / "nul.tsv", _damaged(GOOD, "\tLOC\t", "\tL\x00C\t"))
    record, errors = read_one(path)
    assert [label for *_, label, _ in entities(record)] == ["very_positive", "ARMED_GROUP", "PERSON"]
    assert [(e.where, e.reason) for e in errors if not isinstance(e, RecordWarning)] == [
        (
            f"{path}:24",
            "NamedEntity annotation at 52-58: its label holds a NUL character, which the project "
            "cannot store; left out",
        )
    ]


@pytest.mark.parametrize("variant", ["crlf", "bom", "utf16", "long line"])
def test_line_endings_bom_utf16_and_a_10mb_line_read_the_same(tmp_path, variant):
    lines = list(GOOD)
    if variant == "long line":  # a 10 MB sentence: the text is long, the spans the same
        lines = _damaged(lines, "#Text=कश्मीर में हमला ।", "#Text=कश्मीर में हमला ।" + "x" * 10_000_000)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if variant == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif variant == "bom":
        data = b"\xef\xbb\xbf" + data
    elif variant == "utf16":
        data = b"\xff\xfe" + ("\n".join(lines) + "\n").encode("utf-16-le")
    path = tmp_path / "v.tsv"
    path.write_bytes(data)
    record, _ = read_one(path)
    assert [label for *_, label, _ in entities(record)] == ["very_positive", "ARMED_GROUP", "PERSON", "LOC"]


def test_named_entity_layer_without_a_value_feature_is_reported_not_a_crash(tmp_path):
    """A NamedEntity layer declared with other features but no ``value`` (its label): the import went on
    and reported its annotations as not imported, instead of failing with AttributeError."""
    path = write_tsv(
        tmp_path / "no-value.tsv",
        [
            "#FORMAT=WebAnno TSV 3.3",
            "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier",
            "",
            "",
            "#Text=कश्मीर में हमला ।",
            "1-1\t0-6\tकश्मीर\tQ1180\t",
            "1-2\t7-10\tमें\t_\t",
            "1-3\t11-15\tहमला\t_\t",
            "1-4\t16-17\t।\t_\t",
        ],
    )
    record, errors = read_one(path)
    assert record.text == "कश्मीर में हमला ।\n"
    assert [e.reason for e in errors] == [
        "feature 'identifier' of NamedEntity: the values of 1 annotation(s) not imported (the layer has no "
        "label)"
    ]
