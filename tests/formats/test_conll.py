"""CoNLL/BIO reading: schemes detected or declared, malformed tags reported by line, text rebuilt from
tokens; and the real HiNER and IL-NER files."""

from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _sentences(draw, n):
    """Consecutive sentences over n tokens, or (now and then) ranges that are not: gaps, repeats, empty."""
    if draw(st.booleans()):
        cuts = sorted(draw(st.sets(st.integers(1, max(1, n - 1)), max_size=5))) if n > 1 else []
        edges = [0, *cuts, n] if n else []
        return [range(a, b) for a, b in pairwise(edges)]
    return draw(st.lists(st.builds(range, st.integers(0, n), st.integers(0, n)), max_size=4))


@st.composite
def documents(draw):
    text = draw(st.text(alphabet="ab कि\t\n।😊", max_size=30))
    bounds = sorted(draw(st.lists(st.integers(-2, len(text) + 2), max_size=20)))
    tokens = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds) - 1, 2)]
    if draw(st.booleans()):  # a file's own tokens may come in any order
        tokens = draw(st.permutations(tokens))
    tags = [draw(st.sampled_from(["O", "B-PER", "I-PER", "B-ORG"])) for _ in tokens]
    return text, tokens, tags, _sentences(draw, len(tokens))


@settings(max_examples=400, deadline=None)
@given(documents())
def test_write_document_writes_what_write_sentences_writes(document):
    """The export's one-piece writer gives the bytes of the block writer over token_sentences' rows."""
    import io

    from annotator.formats.dataset import Example, token_sentences

    text, tokens, tags, sentences = document
    expected = io.StringIO()
    rows = token_sentences(Example("d", "", text, {}, []), tokens, sentences, tags)
    conll.write_sentences(expected, rows, docstart=True)
    got = io.StringIO()
    starts, ends = [s for s, _e in tokens], [e for _s, e in tokens]
    conll.write_document(got, text, starts, ends, tags, sentences)
    assert got.getvalue() == expected.getvalue()
    given_words = io.StringIO()  # with the token texts given instead of sliced
    words = [text[s:e] for s, e in tokens]
    conll.write_document(given_words, text, starts, ends, tags, sentences, words)
    assert given_words.getvalue() == expected.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5)), max_size=15).map(
        lambda pairs: sorted({(s, s + n) for s, n in pairs})
    ),
    st.lists(st.tuples(st.integers(0, 45), st.integers(0, 6), st.sampled_from("AB")), max_size=6),
    st.booleans(),
)
def test_bio_tags_with_starts_are_the_tags_without(tokens, raw_spans, shuffle):
    """Passing the tokens' starts (bisected without a key) changes nothing, in order or not."""
    if shuffle:
        tokens = list(reversed(tokens))
    starts = {s for s, _e in tokens}
    ends = {e for _s, e in tokens}
    spans = [(s, s + n, label) for s, n, label in raw_spans if s in starts and s + n in ends and n > 0]
    taken: list[tuple[int, int, str]] = []
    for span in spans:  # non-overlapping
        if all(span[1] <= t[0] or t[1] <= span[0] for t in taken):
            taken.append(span)
    assert conll.bio_tags(tokens, taken, [s for s, _e in tokens]) == conll.bio_tags(tokens, taken)


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
        (("il-ner", "Hindi-dev.txt"), 1378, 16, {"NEN": 520, "NEL": 357, "NETI": 219, "NEO": 184}),
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
    if errors:  # IL-NER's 16 malformed tags (in 11 sentences) are each reported with their line
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


def _cli_import(tmp_path, capsys, source, *options):
    """Import ``source`` into a new project through the CLI: (exit status, error lines, rows)."""
    import sqlite3

    from annotator.cli import main

    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    capsys.readouterr()
    status = main(["import", str(project), str(source), "--format", "conll", "--quiet", *options])
    err = capsys.readouterr().err
    with sqlite3.connect(project) as db:
        rows = db.execute(
            "SELECT d.text, e.start, e.end, e.label FROM documents d LEFT JOIN entities e "
            "ON e.document_id = d.id ORDER BY d.id, e.start"
        ).fetchall()
    assert "Traceback" not in err
    return status, [line for line in err.splitlines() if line.startswith("error: ")], rows


def test_stray_iob1_start_and_bioes_sentence_in_an_iob2_file_through_the_cli(tmp_path, capsys):
    def good(n):
        return f"Asha{n}\tB-PER\nmet\tO\nRavi\tB-PER\nKumar\tI-PER\nin\tO\nDelhi\tB-LOC\n\n"

    iob1_start = "Modi\tI-PER\nvisited\tO\nSrinagar\tI-LOC\n\n"  # IOB1-style: I- starts chunks
    bioes = "Lashkar\tB-ORG\ne\tI-ORG\nTaiba\tE-ORG\nstruck\tO\nPahalgam\tS-LOC\n\n"
    broken = "Bad\tB-PER\nx\tE-LOC\n\n"  # consistent in no scheme
    goods = [good(n) for n in range(46)]
    source = tmp_path / "mixed.conll"
    content = "".join(goods[:30]) + iob1_start + "".join(goods[30:40]) + bioes + "".join(goods[40:45])
    source.write_text(content + broken + goods[45], encoding="utf-8")
    status, errors, rows = _cli_import(tmp_path, capsys, source)
    assert status == 3
    broken_line = 7 * 45 + 4 + 6 + 2  # after 45 good sentences, the IOB1 and the BIOES one
    assert errors == [f"error: {source}:{broken_line}: tag 'E-LOC': E- is not an IOB2 tag"]
    by_text: dict[str, list] = {}
    for text, start, end, label in rows:
        by_text.setdefault(text, []).append((text[start:end], label))
    assert len(by_text) == 48  # every good sentence, the IOB1 and the BIOES one
    for n in range(46):
        assert by_text[f"Asha{n} met Ravi Kumar in Delhi"] == [
            (f"Asha{n}", "PER"),
            ("Ravi Kumar", "PER"),
            ("Delhi", "LOC"),
        ]
    assert by_text["Modi visited Srinagar"] == [("Modi", "PER"), ("Srinagar", "LOC")]
    assert by_text["Lashkar e Taiba struck Pahalgam"] == [("Lashkar e Taiba", "ORG"), ("Pahalgam", "LOC")]


def test_il_ner_only_sentences_with_malformed_tags_are_reported_each_tag_by_line(tmp_path, capsys):
    path = corpus("il-ner", "Hindi-dev.txt")
    lines = path.read_text(encoding="utf-8").split("\n")
    sentences, start, bad_lines, bad_sentences = 0, None, [], set()
    for number, line in enumerate(lines, 1):  # independent of the reader: blocks and their last column
        if not line.strip():
            start = None
            continue
        if start is None:
            start, sentences = number, sentences + 1
        if not conll._TAG.match(line.split("\t")[-1]):
            bad_lines.append(number)
            bad_sentences.add(start)
    assert (len(bad_lines), len(bad_sentences)) == (16, 11)
    items = [item for item, _pos in conll.read(path)]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [e.where for e in errors] == [f"{path}:{n}" for n in bad_lines]
    assert all(e.reason.startswith("malformed tag ") for e in errors)
    assert sum(not isinstance(i, RecordError) for i in items) == sentences - 11
    status, err_lines, rows = _cli_import(tmp_path, capsys, path, "--label-map", "NEAR=-,NED=-,NEU=-")
    assert status == 3 and len(err_lines) == 16
    assert len({text for text, *_ in rows}) > 1300 and sum(label == "LOC" for *_, label in rows) > 300
    assert err_lines[0] == f"error: {path}:5278: malformed tag '-' (token 'अगस्त')"


@pytest.mark.parametrize(
    ("content", "texts", "errors"),
    [
        ("", [], []),
        ("# sent_id = 1\n# text = a b\n\n# a comment\n", [], []),  # only comments
        ("-DOCSTART- -X- O O\n\n", [], []),
        ("# text = Asha met\n#\tO\nAsha\tB-PER\n", ["# Asha"], []),  # '#<TAB>O' is a token
        ("Asha\tB-PER\t\nmet\tO\t\n\nRavi\tB-PER\n", ["Asha met", "Ravi"], []),  # trailing tabs
        ("Asha\tB-PER\n  \nRavi\tB-PER\n", ["Asha", "Ravi"], []),  # a line of spaces ends a sentence
        ("Asha\tB-PER\n\t\t\n\nRavi\tB-PER\n", ["Ravi"], [(2, "expected a token and a tag, found ''")]),
        ("Asha B-PER\nmet O\n\nRavi\tB-PER\n", ["Asha met", "Ravi"], []),  # no tabs: whitespace columns
        ("Asha\tB-PER\r\nmet\tO\r\n\r\nRavi\tB-PER\r\n", ["Asha met", "Ravi"], []),  # CRLF
        ("Asha\tB-PER\rmet\tO\r\rRavi\tB-PER\rx\n", ["Asha met"], [(5, "expected a token and a tag")]),  # CR
        ("\ufeffAsha\tB-PER\n\nRavi\tB-PER\n", ["Asha", "Ravi"], []),  # BOM
        ("Asha\tB-PER\n\tB-PER\n\nRavi\tB-PER\n", ["Ravi"], [(2, "an empty token (tag 'B-PER')")]),
        ("Asha\tB-PER\nR\x00vi\tO\n\nRavi\tB-PER\n", ["Ravi"], [(2, "a NUL character in the line")]),
        ("Asha\tB-PER\nmet\tO\n\nRa", ["Asha met"], [(4, "expected a token and a tag, found 'Ra'")]),  # cut
        (
            "Asha\tB-PER\n\n" + "x" * 10_000_000 + "\n\nRavi\tB-PER\n",
            ["Asha", "Ravi"],
            [
                (
                    3,
                    "expected a token and a tag, found '" + "x" * 60 + "'… (10,000,000 characters)",
                )
            ],
        ),
    ],
)
def test_hostile_files_give_one_line_per_problem_and_keep_good_sentences(tmp_path, content, texts, errors):
    items = read(tmp_path, content)
    assert [i.text for i in items if not isinstance(i, RecordError)] == texts
    found = [e for e in items if isinstance(e, RecordError)]
    assert len(found) == len(errors)
    for error, (line, reason) in zip(found, errors, strict=True):
        assert error.where == f"{tmp_path / 'x.conll'}:{line}" and error.reason.startswith(reason)


def test_invalid_utf8_in_one_line_costs_only_its_sentence(tmp_path):
    path = tmp_path / "x.conll"
    good = b"Asha\tB-PER\nmet\tO\n\n"
    path.write_bytes(good + b"Ra\xffvi\tB-PER\nwent\tO\n\n" + good * 2)
    items = [item for item, _pos in conll.read(path)]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [(e.where, e.reason.split(";")[0]) for e in errors] == [
        (f"{path}:4", "invalid UTF-8 at byte 20 (0xFF)")
    ]
    # the sentence of the bad line is reported, not imported without its token ("went" alone)
    assert [i.text for i in items if not isinstance(i, RecordError)] == ["Asha met", "Asha met", "Asha met"]
