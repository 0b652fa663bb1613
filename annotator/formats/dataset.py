"""Training data from documents and their entity spans: tokens, sentences, checks and the declared rules for
spans that token formats cannot hold, and the records of each export format. Pure: no database, no Qt.

* **Tokens**: a document's own tokenization when it came with one (``meta["tokens"]``, e.g. from CoNLL or
  Prodigy), else the project's tokenizer (:func:`annotator.text.segment.tokenize`).
* **Sentences**: a break after ``।``, ``॥``, ``.``, ``?``, ``!``, Urdu's ``۔`` and ``؟`` or ``෴`` (a run of
  them, and the closing quotes or brackets after it) and wherever a newline lies between two tokens; a
  document with its own tokens breaks at newlines only (its source's sentences).
* **Checks** before anything is written: every span must lie in its text on whole characters (else it is
  left out and reported); in token formats a span whose start or end falls inside a token is *widened to
  the tokens it touches* (rule ``expand``, the default) or left out (rule ``drop``); overlapping spans in
  BIO/spaCy formats keep the *longest* (then the earlier, then the label first in the schema). Every rule
  applied is counted, with examples, in the :class:`Checks` that the dataset card reports.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter, le, lt
from typing import Any

from annotator.text.segment import (
    SENTENCE_CLOSING,
    SENTENCE_TERMINALS,
    grapheme_boundaries,
    token_pieces,
    token_spans,
)

TERMINAL = SENTENCE_TERMINALS  # the text core's: danda, . ? !, Urdu's ۔ and ؟, Sinhala's kundaliya
CLOSING = SENTENCE_CLOSING
_END_MARK = re.compile("[" + re.escape("".join(sorted(TERMINAL | CLOSING))) + "]")
_LINE_BREAK = re.compile("\n")
_match_start = re.Match.start
CROSSING_RULES = ("expand", "drop")
EXAMPLES = 5


@dataclass
class Example:
    """One exported document: its spans (start, end, label) from the chosen annotation set."""

    external_id: str
    title: str
    text: str
    meta: dict[str, Any]
    spans: list[tuple[int, int, str]]
    tone: Any = None
    split: str = ""


@dataclass
class Checks:
    """What the checks and rules did: counts per kind and a few examples each."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: Example, span: tuple[int, int, str], note: str = "") -> None:
        self.counts[kind] += 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < EXAMPLES:
            start, end, label = span
            surface = example.text[max(0, start) : max(0, end)].replace("\n", " ")
            shown.append(f"{example.external_id} [{start}, {end}) {label} “{surface}”{note}")


def tokens_of(text: str, meta: dict[str, Any]) -> tuple[list[tuple[int, int]], bool]:
    """(token spans, whether they are the document's own) of a document."""
    own = meta.get("tokens")
    if isinstance(own, list) and own:
        return [(int(s), int(e)) for s, e in own], True
    return token_spans(text), False


def token_columns(
    text: str, meta: dict[str, Any]
) -> tuple[list[tuple[int, int]], list[int], list[int], list[str] | None, bool]:
    """:func:`tokens_of`, with the tokens' starts and ends as two lists besides, and their texts when they
    are the tokenizer's (None for the document's own): made once for a document and shared by the checks,
    the alignment, the sentences, the tags and the writer."""
    own = meta.get("tokens")
    if isinstance(own, list) and own:
        tokens = [(int(s), int(e)) for s, e in own]
        return tokens, [s for s, _e in tokens], [e for _s, e in tokens], None, True
    starts, ends, words = token_pieces(text)
    return list(zip(starts, ends, strict=True)), starts, ends, words, False


def sentences_of(
    text: str,
    tokens: Sequence[tuple[int, int]],
    own: bool,
    starts: Sequence[int] | None = None,
    words: Sequence[str] | None = None,
) -> list[range]:
    """Token index ranges of the sentences (see the module doc). ``own``: the document's own tokens (from
    a file: looked at one by one); otherwise the tokenizer's, in order and apart.

    A sentence ends only after a line break or at an end mark, and every end mark is one character
    (:data:`TERMINAL`, :data:`CLOSING`): with the tokenizer's tokens only the tokens at line breaks and at
    end-mark characters (found by one search of the text) are looked at, not every token. ``starts``: the
    tokens' starts, when the caller has them; ``words``: the tokenizer's tokens' texts, when it has them."""
    n = len(tokens)
    if not n:
        return []
    size = len(text)
    breaks = list(map(_match_start, _LINE_BREAK.finditer(text))) if "\n" in text else []

    def slice_mark(i: int) -> str:
        """The token's text when it can be an end mark (one character), else "" (a longer token never is);
        offsets outside the text are sliced as they are."""
        s, e = tokens[i]
        return "" if 0 <= s and e <= size and e - s != 1 else text[s:e]

    # only ever asked whether it is in TERMINAL or CLOSING (one character each): the tokenizer's token's
    # own text (inside the text) answers as its mark does
    mark = words.__getitem__ if words is not None and not own else slice_mark

    candidates: Iterable[int]
    if own:
        candidates = range(n)
    else:
        if starts is None:
            starts = [s for s, _e in tokens]
        # the token at or before each line break and end-mark character (its index + 1), and the last
        at = chain(breaks, map(_match_start, _END_MARK.finditer(text)))
        found = set(map(bisect.bisect_right, repeat(starts), at))
        found.add(n)
        found.discard(0)
        candidates = [i - 1 for i in sorted(found)]
    out: list[range] = []
    first = 0
    for i in candidates:
        end_here = False
        word = "" if own else mark(i)
        if i + 1 < n and breaks:
            k = bisect.bisect_left(breaks, tokens[i][1])
            end_here = k < len(breaks) and breaks[k] < tokens[i + 1][0]
        if end_here:
            pass
        elif word in TERMINAL:
            nxt = mark(i + 1) if i + 1 < n else ""
            end_here = nxt not in TERMINAL and nxt not in CLOSING
        elif word in CLOSING and i > first:
            prev = mark(i - 1)
            nxt = mark(i + 1) if i + 1 < n else ""
            end_here = prev in TERMINAL and nxt not in CLOSING
        if end_here or i == n - 1:
            out.append(range(first, i + 1))
            first = i + 1
    return out


def check_spans(
    example: Example,
    checks: Checks,
    tokens: Sequence[tuple[int, int]] = (),
    bounds: tuple[Sequence[int], Sequence[int]] | None = None,
    token_sets: tuple[set[int], set[int]] | None = None,
) -> list[tuple[int, int, str]]:
    """The spans that lie in the text on whole characters; the others are reported and left out. Token
    boundaries are character boundaries, so only a span off them costs a segmentation of the text.
    ``bounds``: the tokens' starts and ends, ``token_sets``: the sets of them, when the caller has them."""
    if token_sets is None:
        starts, ends = bounds if bounds is not None else ([s for s, _e in tokens], [e for _s, e in tokens])
        token_sets = set(starts), set(ends)
    start_set, end_set = token_sets
    clusters = None
    kept = []
    for span in example.spans:
        start, end, _label = span
        if not 0 <= start < end <= len(example.text):
            checks.add("outside the text", example, span)
            continue
        if (start in start_set or start in end_set) and (end in end_set or end in start_set):
            kept.append(span)
            continue
        if clusters is None:
            clusters = set(grapheme_boundaries(example.text))
        if start not in clusters or end not in clusters:
            checks.add("splits a character", example, span)
            continue
        kept.append(span)
    return kept


def align(
    example: Example,
    spans: Iterable[tuple[int, int, str]],
    tokens: Sequence[tuple[int, int]],
    crossing: str,
    checks: Checks,
    bounds: tuple[Sequence[int], Sequence[int]] | None = None,
    token_sets: tuple[set[int], set[int]] | None = None,
) -> list[tuple[int, int, str]]:
    """Spans on token boundaries: a span that cuts a token is widened to the tokens it touches
    (``expand``) or left out (``drop``); a span over no token at all (only spaces) is left out.
    ``bounds``: the tokens' starts and ends, ``token_sets``: the sets of them, when the caller has them."""
    starts, ends = bounds if bounds is not None else ([s for s, _e in tokens], [e for _s, e in tokens])
    start_set, end_set = token_sets if token_sets is not None else (set(starts), set(ends))
    out = []
    for span in spans:
        start, end, label = span
        if start in start_set and end in end_set:
            out.append(span)
            continue
        first = bisect.bisect_right(ends, start)  # the first token ending after start
        last = bisect.bisect_left(starts, end) - 1  # the last token starting before end
        if first > last:
            checks.add("covers no token (left out)", example, span)
            continue
        if crossing == "drop":
            checks.add("crosses a token boundary (left out)", example, span)
            continue
        widened = (min(start, starts[first]), max(end, ends[last]), label)
        checks.add("crosses a token boundary (widened)", example, span, f" → [{widened[0]}, {widened[1]})")
        out.append(widened)
    return out


def resolve_overlaps(
    example: Example, spans: Iterable[tuple[int, int, str]], label_order: dict[str, int], checks: Checks
) -> list[tuple[int, int, str]]:
    """Non-overlapping spans, keeping the longest (then the earlier, then the label first in the schema);
    exact duplicates count once, silently."""
    ordered = sorted(set(spans))
    # usually none overlaps (each is non-empty and ends where or before the next starts): then all are
    # kept, in order
    if all(map(lt, map(itemgetter(0), ordered), map(itemgetter(1), ordered))) and all(
        map(le, map(itemgetter(1), ordered), map(itemgetter(0), ordered[1:]))
    ):
        return ordered
    unique = sorted(ordered, key=lambda s: (-(s[1] - s[0]), s[0], label_order.get(s[2], 1 << 30), s[2]))
    kept: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint
    for span in unique:
        start, end, _label = span
        i = bisect.bisect_right(taken, (start, 1 << 62))
        clash = (i > 0 and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end)
        if clash:
            checks.add("overlaps a longer span (left out)", example, span)
            continue
        taken.insert(i, (start, end))
        kept.append(span)
    return sorted(kept)


# ---------------------------------------------------------------------------------------------- records


def label_list(labels: Sequence[str]) -> list[str]:
    """The IOB2 tag list of a label set, ``O`` first: the ids of Hugging Face ``ner_tags``."""
    return ["O", *(f"{p}-{label}" for label in labels for p in ("B", "I"))]


def token_sentences(
    example: Example, tokens: Sequence[tuple[int, int]], sentences: Sequence[range], tags: Sequence[str]
) -> list[list[tuple[str, str]]]:
    """(token text, tag) per token, per sentence."""
    text = example.text
    return [[(text[tokens[i][0] : tokens[i][1]], tags[i]) for i in sentence] for sentence in sentences]


#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"), and line breaks.
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")
#: A line break inside a cell (CR, LF, CR LF, and the other breaks ``str.splitlines`` knows) followed by a
#: formula character: a reader that splits the file or the cell on line breaks (or a spreadsheet that
#: imports the cell's lines as rows) would see a line starting with a formula.
_FORMULA_AFTER_BREAK = re.compile(r"(\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029])(?=[=+\-@\t])")
#: A plain number (``-2``, ``+3.5``, ``1e-3``): left as it is, a spreadsheet reads it as a number.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def spreadsheet_safe(value: Any) -> str:
    """A CSV cell that no spreadsheet runs, by this rule:

    * a cell starting with ``= + - @``, tab, CR or LF gets a leading apostrophe, unless it is a plain
      number (``-2``, ``+3.5`` stay numbers);
    * every line inside the cell that starts with ``= + - @`` or tab gets one too (after CR, LF, CR LF or
      another line break), so that no line of the file starts with a formula character;
    * line breaks are kept as they are: :func:`csv_line` quotes every cell holding a CR or LF.

    A reader undoes it by removing those apostrophes: the first character of a cell when the next one is
    one of ``= + - @``, tab, CR, LF, and the first character of a line inside it when the next is one of
    ``= + - @``, tab."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = _FORMULA_AFTER_BREAK.sub(r"\1'", str(value))
    if text.startswith(_FORMULA) and _NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def csv_line(values: Sequence[Any]) -> str:
    """One CSV row ending in LF, its cells made :func:`spreadsheet_safe`. A cell holding CR or LF is quoted:
    Python's writer quotes only the characters of its line terminator, so the row is written with CR LF
    (quoting both) and ends in LF."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([spreadsheet_safe(v) for v in values])
    return buf.getvalue()[:-2] + "\n"
