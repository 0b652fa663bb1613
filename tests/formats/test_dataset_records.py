"""The records of the dataset exports, read back by their consumers over many generated inputs: CSV rows by
the csv module (and the file split at every line break), spaCy Docs by spaCy's DocBin."""

import csv
import io
import random
import re

import pytest

from annotator.formats.dataset import csv_line, spreadsheet_safe
from annotator.services.datasets import docbin_words
from annotator.text.segment import tokenize

FORMULA = ("=", "+", "-", "@", "\t")
BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def unescape(cell: str) -> str:
    """The rule of spreadsheet_safe undone: one apostrophe at the start of the cell before = + - @ tab CR LF,
    and at the start of a line inside it before = + - @ tab."""
    cell = re.sub(r"\A'(?=[=+\-@\t\r\n])", "", cell)
    return re.sub(f"(?<=[{BREAKS}])'(?=[=+\\-@\\t])", "", cell)


def generated(rng: random.Random, pieces: list[str], n: int) -> str:
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, n)))


CELL_PIECES = ["a", "पु", "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", " ", '"', ",", "1", "."]
CELL_PIECES += ["\u2028", "\x85", "\v"]


def test_csv_cells_round_trip_and_no_line_starts_with_a_formula():
    rng = random.Random(7)
    cells = [generated(rng, CELL_PIECES, 8) for _ in range(3000)]
    cells += ['ok\r=HYPERLINK("http://x")', "\r", "\r\n", "=\r=", "-2", "+3.5", "-inf", "1e5", "-"]
    for cell in cells:
        line = csv_line(["id", cell, 3])
        assert line.endswith("\n") and not line.endswith("\r\n")
        [row] = list(csv.reader(io.StringIO(line, newline="")))
        assert len(row) == 3 and row[0] == "id" and row[2] == "3", repr(cell)
        assert unescape(row[1]) == cell, repr(cell)
        for piece in re.split(f"[{BREAKS}]", line):  # CR, LF and every break str.splitlines knows
            assert not piece.startswith(FORMULA), (cell, line)
        if "\r" in cell or "\n" in cell:
            assert line.startswith('id,"'), repr(line)  # quoted: the breaks are inside the cell


def test_numbers_stay_numbers_and_text_gets_the_apostrophe():
    assert [spreadsheet_safe(v) for v in ("-2", "+3.5", "-.5", "1e-3", -2, 2.5, None, True)] == [
        "-2",
        "+3.5",
        "-.5",
        "1e-3",
        "-2",
        "2.5",
        "",
        "true",
    ]
    # float() would take these: a spreadsheet does not read them as plain numbers, so they are escaped
    assert [spreadsheet_safe(v) for v in ("-inf", "+nan", "\t-2", "\n-2", "-1_000", "-2 ")] == [
        "'-inf",
        "'+nan",
        "'\t-2",
        "'\n'-2",
        "'-1_000",
        "'-2 ",
    ]
    assert spreadsheet_safe("it's fine") == "it's fine"


TEXT_PIECES = ["पुलिस", "Delhi", "।", ".", ",", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2028", "LeT", "26"]


def test_docbin_docs_hold_the_exact_text_and_every_token():
    spacy = pytest.importorskip("spacy", reason="spaCy is optional: the .spacy DocBin needs it")
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("hi").vocab
    rng = random.Random(11)
    texts = [generated(rng, TEXT_PIECES, 12) for _ in range(400)]
    texts += ["", " ", "\n\n", "।\n\nपुलिस", " \tDelhi \n", "Delhi\n\n\n", "a  b"]
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"])
    expected = []
    for text in texts:
        tokens = [(t.start, t.end) for t in tokenize(text)]
        words, spaces = docbin_words(text, tokens)
        doc = Doc(vocab, words=words, spaces=spaces)
        assert doc.text == text
        # every token is a spaCy token (so every span on tokens is an entity), the whitespace between them
        # is in whitespace tokens or a token's trailing space
        spans = [doc.char_span(s, e) for s, e in tokens]
        assert all(span is not None and len(span) == 1 for span in spans), text
        assert all(not t.text.strip() for t in doc if (t.idx, t.idx + len(t)) not in set(tokens)), text
        ents = [doc.char_span(s, e, label="X") for s, e in tokens[::2]]
        doc.ents = ents
        docbin.add(doc)
        expected.append((text, [(s, e) for s, e in tokens[::2]]))
    loaded = list(DocBin().from_bytes(docbin.to_bytes()).get_docs(spacy.blank("xx").vocab))
    assert [(d.text, [(e.start_char, e.end_char) for e in d.ents]) for d in loaded] == expected
