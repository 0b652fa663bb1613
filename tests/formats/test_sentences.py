"""Sentence splitting of the training exports: the fast split equals the plain one on any tokens."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.dataset import CLOSING, TERMINAL, sentences_of
from annotator.text.segment import tokenize


def reference(text, tokens, own):
    """The split as first written: a slice of the text per token and per gap."""
    out, first, n = [], 0, len(tokens)
    for i in range(n):
        end_here = False
        if i + 1 < n and "\n" in text[tokens[i][1] : tokens[i + 1][0]]:
            end_here = True
        elif not own and text[tokens[i][0] : tokens[i][1]] in TERMINAL:
            nxt = text[tokens[i + 1][0] : tokens[i + 1][1]] if i + 1 < n else ""
            end_here = nxt not in TERMINAL and nxt not in CLOSING
        elif not own and text[tokens[i][0] : tokens[i][1]] in CLOSING and i > first:
            prev = text[tokens[i - 1][0] : tokens[i - 1][1]]
            nxt = text[tokens[i + 1][0] : tokens[i + 1][1]] if i + 1 < n else ""
            end_here = prev in TERMINAL and nxt not in CLOSING
        if end_here or i == n - 1:
            out.append(range(first, i + 1))
            first = i + 1
    return out


PIECES = [
    "हमला",
    "हुआ",
    "।",
    "॥",
    ".",
    "?",
    "!",
    '"',
    "”",
    ")",
    "»",
    "Delhi",
    "26",
    " ",
    "\n",
    "\n\n",
    "..",
    "।”",
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_tokenizer_tokens(pieces):
    """Only the tokens at line breaks and end marks are looked at: the split is the same as looking at
    every token."""
    text = "".join(pieces)
    tokens = [(t.start, t.end) for t in tokenize(text)]
    assert sentences_of(text, tokens, False) == reference(text, tokens, False)


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab।.?”)\n ", max_size=30),
    st.lists(st.tuples(st.integers(0, 35), st.integers(0, 35)), max_size=20),
)
def test_own_tokens_even_unsorted_or_out_of_range(text, tokens):
    """A document's own tokens come from a file: unsorted, overlapping or past the end, the split is the
    same as the plain split's (never negative: the import remaps them into the text or refuses the record)."""
    assert sentences_of(text, tokens, True) == reference(text, tokens, True)
