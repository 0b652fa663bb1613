"""CoNLL/BIO reading: schemes detected or declared, malformed tags reported by line, text rebuilt from
tokens; and the real HiNER and IL-NER files."""

from collections import Counter

import pytest

from annotator.errors import AnnotatorError, RecordError
from annotator.formats import conll
from tests.conftest import corpus


def read(tmp_path, content, **options):
    path = tmp_path / "x.conll"
    path.write_text(content, encoding="utf-8")
    return [item for item, _pos in conll.read(path, **options)]


def spans(record):
    return [(record.text[e["start"] : e["end"]], e["label"]) for e in record.annotations[0]["entities"]]


IOB2 = "लश्कर-ए-तैयबा\tB-ORG\nने\tO\nफ़ौज\tO\nपर\tO\n😊\tO\nनई\tB-LOC\nदिल्ली\tI-LOC\n।\tO\n\nदूसरा\tO\nवाक्य\tO\n"


def test_iob2_sentences_are_documents_text_rebuilt_from_nfc_tokens(tmp_path):
    first, second = read(tmp_path, IOB2)
    # फ़ (precomposed U+095E) is NFC-normalized to फ + nukta; tokens joined by single spaces
    assert first.text == "लश्कर-ए-तैयबा ने फ\u093cौज पर 😊 नई दिल्ली ।"
    assert spans(first) == [("लश्कर-ए-तैयबा", "ORG"), ("नई दिल्ली", "LOC")]
    assert first.meta["tokens"][:3] == [[0, 13], [14, 16], [17, 21]]
    assert first.external_id == "x.conll#1" and first.where.endswith("x.conll:1")
    assert second.text == "दूसरा वाक्य" and spans(second) == [] and second.where.endswith(":10")
    assert first.annotations[0]["annotator"] == "conll"


def test_group_and_docstart(tmp_path):
    [doc] = read(tmp_path, IOB2, group=2)
    assert doc.text.endswith("।\nदूसरा वाक्य")
    docs = read(tmp_path, "-DOCSTART- -X- O O\n\nA\tB-PER\n\nB\tO\n\n-DOCSTART- -X- O O\n\nC\tB-ORG\n")
    assert [d.text for d in docs] == ["A\nB", "C"]


def test_iob1_and_bioes_detected_or_declared(tmp_path):
    iob1 = "Amit\tI-PER\nShah\tI-PER\nRaj\tB-PER\nand\tO\nDelhi\tI-LOC\n"
    [doc] = read(tmp_path, iob1)
    assert spans(doc) == [("Amit Shah", "PER"), ("Raj", "PER"), ("Delhi", "LOC")]
    bioes = "Amit\tB-PER\nShah\tE-PER\nin\tO\nDelhi\tS-LOC\n"
    [doc] = read(tmp_path, bioes)
    assert spans(doc) == [("Amit Shah", "PER"), ("Delhi", "LOC")]
    [doc] = read(tmp_path, "Amit\tB-PER\nShah\tL-PER\nDelhi\tU-LOC\n", scheme="bilou")
    assert spans(doc) == [("Amit Shah", "PER"), ("Delhi", "LOC")]
    # declared IOB2: the IOB1 file's leading I- is malformed there, reported by line
    [error] = read(tmp_path, iob1, scheme="iob2")
    assert isinstance(error, RecordError) and error.where.endswith("x.conll:1") and "I-PER" in str(error)
    with pytest.raises(AnnotatorError, match="unknown tagging scheme"):
        read(tmp_path, iob1, scheme="bio3")


def test_malformed_tags_are_reported_and_good_sentences_kept(tmp_path):
    content = "A\tB-PER\n\nB\t-NETI\nC\tO\n\nD\tB-LOC\nE\tI-ORG\n\nF\n\nG\tO\n"
    items = read(tmp_path, content)
    errors = [str(i) for i in items if isinstance(i, RecordError)]
    assert errors == [
        f"{tmp_path / 'x.conll'}:3: malformed tag '-NETI' (token 'B')",
        f"{tmp_path / 'x.conll'}:7: tag 'I-ORG': I-ORG does not continue a ORG chunk "
        "(IOB2 starts chunks with B-)",
        f"{tmp_path / 'x.conll'}:9: expected a token and a tag, found 'F'",
    ]
    assert [i.text for i in items if not isinstance(i, RecordError)] == ["A", "G"]


def test_more_columns_and_tag_column(tmp_path):
    [doc] = read(tmp_path, "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n")
    assert spans(doc) == [("EU", "ORG")]
    [doc] = read(tmp_path, "EU\tB-ORG\tNNP\nrejects\tO\tVBZ\n", tag_column=1)
    assert spans(doc) == [("EU", "ORG")]


def test_bio_tags_and_writing():
    tokens = [(0, 5), (6, 9), (10, 14)]
    assert conll.bio_tags(tokens, [(0, 9, "PER")]) == ["B-PER", "I-PER", "O"]
    import io

    out = io.StringIO()
    conll.write_sentences(out, [[("a", "B-PER"), ("b", "O")]], docstart=True)
    assert out.getvalue() == "-DOCSTART-\tO\n\na\tB-PER\nb\tO\n\n"


@pytest.mark.parametrize(
    ("parts", "documents", "errors", "labels"),
    [
        (
            ("hiner", "validation.original.first2000.conll"),
            2000,
            0,
            {"LOCATION": 3793, "PERSON": 703, "ORGANIZATION": 480, "NUMEX": 460, "TIMEX": 323},
        ),
        (("hiner", "validation.collapsed.first500.conll"), 500, 0, {"LOCATION": 966, "PERSON": 156}),
        (("il-ner", "Hindi-dev.txt"), 1378, 11, {"NEN": 520, "NEL": 357, "NETI": 219, "NEO": 184}),
        (("il-ner", "Urdu-dev.first300.txt"), 300, 0, {"NEN": 270, "NEL": 152}),
    ],
)
def test_real_corpora(parts, documents, errors, labels):
    path = corpus(*parts)
    items = [item for item, _pos in conll.read(path)]
    good = [i for i in items if not isinstance(i, RecordError)]
    bad = [i for i in items if isinstance(i, RecordError)]
    assert (len(good), len(bad)) == (documents, errors)
    counts = Counter(e["label"] for r in good for e in r.annotations[0]["entities"])
    assert {k: counts[k] for k in labels} == labels
    for record in good:  # every token is where meta says, and spans lie on tokens
        starts = {s for s, _e in record.meta["tokens"]}
        ends = {e for _s, e in record.meta["tokens"]}
        assert all(e["start"] in starts and e["end"] in ends for e in record.annotations[0]["entities"])
    if errors:  # IL-NER's 16 malformed tags (in 11 sentences) are reported with their lines
        assert "Hindi-dev.txt:5278: malformed tag '-'" in str(bad[0])
        assert any(":33320: malformed tag '-NETI'" in str(e) for e in bad)


def test_one_stray_sentence_of_another_scheme_costs_nothing_else(tmp_path):
    good = "Asha\tB-PER\nmet\tO\nRavi\tB-PER\nKumar\tI-PER\nin\tO\nDelhi\tB-LOC\n\n" * 20
    stray = "Lashkar\tB-ORG\ne\tI-ORG\nTaiba\tE-ORG\nstruck\tO\nPahalgam\tS-LOC\n\n"
    broken = "Bad\tI-PER\nx\tE-LOC\n\n"
    items = read(tmp_path, good + stray + broken)
    records = [i for i in items if not isinstance(i, RecordError)]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert len(records) == 21 and len(errors) == 1
    assert all(spans(r) == [("Asha", "PER"), ("Ravi Kumar", "PER"), ("Delhi", "LOC")] for r in records[:20])
    assert spans(records[20]) == [("Lashkar e Taiba", "ORG"), ("Pahalgam", "LOC")]
    assert records[20].meta["tag_scheme"] == "bioes"
    assert errors[0].where.endswith(":147")
    # declared, the scheme is the scheme: the stray sentence is an error
    declared = read(tmp_path, good + stray, scheme="iob2")
    assert sum(isinstance(i, RecordError) for i in declared) == 1
    # and with DOCSTART documents, only the document written in another scheme is read in its own
    docs = read(tmp_path, "-DOCSTART- O\n\n" + good + "-DOCSTART- O\n\n" + stray)
    assert [len(spans(d)) for d in docs] == [60, 2]
