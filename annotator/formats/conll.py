"""CoNLL / BIO token files: one token per line, the tag in the last column, sentences separated by blank
lines, ``-DOCSTART-`` lines between documents.

Reading: two or more columns (tab-separated, or whitespace when a line has no tab; empty columns after
the last tab are ignored; a line of tabs only is an empty token, reported), the token first and the
tag last (``tag_column`` picks another). A line that
starts with ``#`` and has no tab is a comment unless its last column is a tag (``# text = …`` of CoNLL-U
is a comment, ``#<TAB>O`` a token). Lines end at LF, CRLF or a lone CR. Tagging schemes ``iob2`` (B-
starts every chunk), ``iob1`` (I- starts a chunk, B- only between two adjacent chunks of one type) and
``bioes`` (also BILOU: S-/U- single, E-/L- end) are detected or declared. Detected: the file's scheme is
the one most of its tagged documents are written in, and a document whose tags are consistent only in
another scheme is read in that one (so one stray ``S-LOC`` sentence in an IOB2 file costs nothing else).
A tag that no scheme explains (``-NETI``, an I- after another type in IOB2, an E- without its start), a
line that is not token + tag, an empty token, a NUL character or a line that is not UTF-8 is reported
with its line number (every malformed tag of a document, each on its own line) and its document is not
imported: tags are never guessed and tokens never dropped. The other documents are imported.

The text is rebuilt from the tokens: each token NFC-normalized, tokens joined by one space, sentences by a
newline. Without ``-DOCSTART-`` every ``group`` sentences (default 1) make a document. The source's own
tokenization is kept in ``meta["tokens"]`` (code-point ``[start, end]`` pairs), so exporting to CoNLL gives
the same tokens and sentences back.

Writing (pure): :func:`bio_tags` turns spans into tags over tokens, :func:`write_sentences` writes blocks,
:func:`write_document` one document's blocks in one piece.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.errors import AnnotatorError, RecordError
from annotator.formats.records import ReadItem, SourceRecord
from annotator.formats.textfile import iter_lines
from annotator.text.normalization import normalize

SCHEMES = ("iob2", "iob1", "bioes")
DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"^(?:(O)|([BIESLU])-(\S+))$")
_SHOWN = 60  # characters of a token or line quoted in a message


def _show(text: str) -> str:
    """``repr`` of a token, tag or line for a message, cut to a readable length."""
    return repr(text) if len(text) <= _SHOWN else repr(text[:_SHOWN]) + f"… ({len(text):,} characters)"


@dataclass
class _Line:
    lineno: int
    token: str
    tag: str
    problem: str | None = None  # a line that is not token + tag: its document is reported, not imported


@dataclass
class _Doc:
    first_line: int
    sentences: list[list[_Line]] = field(default_factory=list)


def _columns(line: str) -> list[str]:
    """The columns of a line; ``[]`` for a blank one (spaces only: a line of tabs is an empty token)."""
    line = line.rstrip("\r\n")
    if "\t" not in line:
        return line.split()
    cols = line.split("\t")
    while len(cols) > 1 and not cols[-1].strip():
        cols.pop()  # a trailing tab (or several) is no column
    return cols


def _physical_lines(path: Path) -> Iterator[tuple[int, str, str | None, int]]:
    """:func:`iter_lines`, with lone CRs (old Mac line endings) ending lines too; numbered as an editor that
    breaks lines at CR numbers them."""
    extra = 0
    for lineno, line, error, pos in iter_lines(path):
        body = line.rstrip("\n")
        if body.endswith("\r"):
            body = body[:-1]
        if "\r" not in body or error is not None:
            yield lineno + extra, line, error, pos
            continue
        pieces = body.split("\r")
        for i, piece in enumerate(pieces):
            yield lineno + extra + i, piece, None, pos
        extra += len(pieces) - 1


def _parse(tag: str) -> tuple[str, str | None] | None:
    """(prefix, type) of a tag, ``("O", None)`` for O; None when it is not a tag at all."""
    m = _TAG.match(tag)
    if m is None:
        return None
    return ("O", None) if m.group(1) else (m.group(2), m.group(3))


def detect_scheme(tags: Iterable[tuple[str, str | None]]) -> str:
    """The scheme a sequence of parsed tags (with ``("", None)`` at sentence ends) is written in: BIOES
    when any E-/S-/L-/U- appears; IOB1 when chunks start with I- and never with B- (in IOB1, B- only
    separates two adjacent chunks of one type); else IOB2 (whose stray I- tags are then errors)."""
    previous: tuple[str, str | None] = ("O", None)
    starts_with_i = starts_with_b = False
    for prefix, kind in tags:
        if prefix in ("E", "S", "L", "U"):
            return "bioes"
        continues = previous[0] in ("B", "I") and previous[1] == kind
        if prefix == "I" and not continues:
            starts_with_i = True
        elif prefix == "B" and not continues:
            starts_with_b = True
        previous = (prefix or "O", kind)
    return "iob1" if starts_with_i and not starts_with_b else "iob2"


def _chunks(lines: list[_Line], scheme: str, where: str) -> list[tuple[int, int, str]]:
    """(first token, end token, type) per chunk of one sentence; RecordError on a tag the scheme forbids."""
    out: list[tuple[int, int, str]] = []
    open_: tuple[int, str] | None = None

    def close(at: int) -> None:
        nonlocal open_
        if open_ is not None:
            out.append((open_[0], at, open_[1]))
            open_ = None

    for i, line in enumerate(lines):
        parsed = _parse(line.tag)
        if parsed is None:
            raise RecordError(f"{where}:{line.lineno}", _malformed(line))
        prefix, parsed_kind = parsed
        kind = "" if parsed_kind is None else parsed_kind  # None for O only, whose branch does not use it
        bad = None
        if prefix == "O":
            close(i)
        elif scheme == "iob2":
            if prefix == "B":
                close(i)
                open_ = (i, kind)
            elif prefix == "I":
                if open_ is None or open_[1] != kind:
                    bad = f"I-{kind} does not continue a {kind} chunk (IOB2 starts chunks with B-)"
            else:
                bad = f"{prefix}- is not an IOB2 tag"
        elif scheme == "iob1":
            if prefix == "I":
                if open_ is None or open_[1] != kind:
                    close(i)
                    open_ = (i, kind)
            elif prefix == "B":
                if open_ is None or open_[1] != kind:
                    bad = f"B-{kind} must follow a {kind} chunk in IOB1"
                close(i)
                open_ = (i, kind)
            else:
                bad = f"{prefix}- is not an IOB1 tag"
        else:  # bioes / bilou
            if prefix in ("S", "U"):
                close(i)
                out.append((i, i + 1, kind))
            elif prefix == "B":
                if open_ is not None:
                    bad = f"B-{kind} before the {open_[1]} chunk ended (E-/L-)"
                open_ = (i, kind)
            elif prefix in ("I", "E", "L"):
                if open_ is None or open_[1] != kind:
                    bad = f"{prefix}-{kind} outside a {kind} chunk"
                elif prefix in ("E", "L"):
                    out.append((open_[0], i + 1, kind))
                    open_ = None
        if bad:
            raise RecordError(f"{where}:{line.lineno}", f"tag {_show(line.tag)}: {bad}")
    if open_ is not None:
        if scheme == "bioes":
            line = lines[-1]
            raise RecordError(f"{where}:{line.lineno}", f"the {open_[1]} chunk is not ended (E-/L-)")
        close(len(lines))
    return out


def _documents(path: Path, tag_column: int | None, group: int) -> Iterator[tuple[_Doc | RecordError, int]]:
    doc: _Doc | None = None
    sentence: list[_Line] = []
    last_pos = 0

    def flush_sentence():
        nonlocal sentence, doc
        if sentence:
            if doc is None:
                doc = _Doc(sentence[0].lineno)
            doc.sentences.append(sentence)
            sentence = []

    for lineno, line, error, pos in _physical_lines(path):
        last_pos = pos
        if error is not None:  # the line's sentence is reported, not imported without it
            sentence.append(_Line(lineno, "", "", error))
            continue
        cols = _columns(line)
        if not cols:
            flush_sentence()
            if doc is not None and len(doc.sentences) >= group and group > 0:
                yield doc, pos
                doc = None
            continue
        if cols[0] == DOCSTART:
            flush_sentence()
            if doc is not None:
                yield doc, pos
            doc = None
            group = 0  # documents are delimited: no grouping
            continue
        index = tag_column if tag_column is not None else len(cols) - 1
        if line.startswith("#") and "\t" not in line and (len(cols) < 2 or _parse(cols[index]) is None):
            continue  # a comment line (# sent_id = …, # text = …)
        if "\x00" in line:
            sentence.append(_Line(lineno, "", "", "a NUL character in the line"))
            continue
        if len(cols) < 2:
            sentence.append(
                _Line(lineno, cols[0], "", f"expected a token and a tag, found {_show(line.strip())}")
            )
            continue
        if not -len(cols) <= index < len(cols):
            sentence.append(_Line(lineno, cols[0], "", f"no column {index + 1} (the line has {len(cols)})"))
            continue
        if not cols[0].strip():
            sentence.append(_Line(lineno, "", "", f"an empty token (tag {_show(cols[index].strip())})"))
            continue
        sentence.append(_Line(lineno, cols[0], cols[index].strip()))
    flush_sentence()
    if doc is not None:
        yield doc, last_pos


def _malformed(line: _Line) -> str:
    return f"malformed tag {_show(line.tag)} (token {_show(line.token)})"


class _DocumentErrors(Exception):
    """Every line that keeps a document from being imported, each a RecordError."""

    def __init__(self, errors: list[RecordError]):
        super().__init__(errors[0])
        self.errors = errors


def _line_problems(doc: _Doc, name: str) -> list[RecordError]:
    """Lines that are not token + tag and tags no scheme reads, in file order."""
    out = []
    for sentence in doc.sentences:
        for line in sentence:
            if line.problem:
                out.append(RecordError(f"{name}:{line.lineno}", line.problem))
            elif _parse(line.tag) is None:
                out.append(RecordError(f"{name}:{line.lineno}", _malformed(line)))
    return out


def _record(doc: _Doc, scheme: str, name: str, index: int, file_id: str) -> SourceRecord:
    problems = _line_problems(doc, name)
    if problems:
        raise _DocumentErrors(problems)
    parts: list[str] = []
    tokens: list[list[int]] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    for s_index, sentence in enumerate(doc.sentences):
        chunks = _chunks(sentence, scheme, name)
        starts = []
        for t_index, line in enumerate(sentence):
            token = normalize(line.token)
            if t_index:
                parts.append(" ")
                pos += 1
            starts.append(pos)
            tokens.append([pos, pos + len(token)])
            parts.append(token)
            pos += len(token)
        for first, end, kind in chunks:
            start, stop = starts[first], starts[end - 1] + len(normalize(sentence[end - 1].token))
            # named by the line of its first token: unique in the file, the same on a second import
            eid = f"L{sentence[first].lineno}"
            entities.append({"id": eid, "start": start, "end": stop, "label": kind, "attributes": {}})
        if s_index < len(doc.sentences) - 1:
            parts.append("\n")
            pos += 1
    text = "".join(parts)
    block = {
        "annotator": "conll",
        "status": "done",
        "entities": entities,
        "events": [],
        "document": {},
        "sentiment": [],
        "relations": [],
    }
    meta = {"tokens": tokens, "source_file": file_id, "source_line": doc.first_line}
    return SourceRecord(f"{name}:{doc.first_line}", f"{file_id}#{index}", "", text, meta, [block])


def read(
    path: Path,
    name: str | None = None,
    scheme: str | None = None,
    group: int = 1,
    tag_column: int | None = None,
    **_options: Any,
) -> Iterator[ReadItem]:
    """Documents of a CoNLL/BIO file (see the module doc); ``scheme`` one of :data:`SCHEMES` or None to
    detect it from the whole file; ``group`` sentences per document when the file has no ``-DOCSTART-``."""
    if scheme is not None and scheme.lower() not in (*SCHEMES, "bilou", "iob"):
        raise AnnotatorError(f"unknown tagging scheme {scheme!r} (one of: {', '.join(SCHEMES)})")
    scheme = {"bilou": "bioes", "iob": "iob2"}.get((scheme or "").lower(), (scheme or "").lower()) or None
    if group < 1:
        raise AnnotatorError("--group must be at least 1 sentence per document")
    file_id = name or path.name
    declared = scheme
    if scheme is None:
        # the file's scheme is the one most of its tagged documents are written in (weighted by their
        # tags), so one stray tag of another scheme decides nothing for the rest of the file
        votes: Counter[str] = Counter()
        for doc, _pos in _documents(path, tag_column, group):
            if isinstance(doc, _Doc):
                tags = _doc_tags(doc)
                chunked = sum(1 for prefix, _kind in tags if prefix not in ("O", ""))
                if chunked:
                    votes[detect_scheme(tags)] += chunked
        scheme = votes.most_common(1)[0][0] if votes else "iob2"
    index = 0
    for doc, pos in _documents(path, tag_column, group):
        if isinstance(doc, RecordError):
            yield doc, pos
            continue
        index += 1
        try:
            yield _record(doc, scheme, str(path), index, file_id), pos
        except _DocumentErrors as exc:  # lines no scheme reads: every one reported
            for error in exc.errors:
                yield error, pos
            continue
        except RecordError as exc:
            # a document written in another scheme than the file's is read in its own, when its tags are
            # consistent in it; else the problem is reported under the file's scheme
            own = detect_scheme(_doc_tags(doc)) if declared is None else scheme
            if own == scheme:
                yield exc, pos
                continue
            try:
                record = _record(doc, own, str(path), index, file_id)
            except RecordError:
                yield exc, pos
                continue
            record.meta["tag_scheme"] = own
            yield record, pos


def _doc_tags(doc: _Doc) -> list[tuple[str, str | None]]:
    tags: list[tuple[str, str | None]] = []
    for sentence in doc.sentences:
        tags.extend(p for p in (_parse(line.tag) for line in sentence) if p is not None)
        tags.append(("", None))
    return tags


# ---------------------------------------------------------------------------------------------- writing


def _start(token: tuple[int, int]) -> int:
    return token[0]


def bio_tags(
    tokens: Sequence[tuple[int, int]],
    spans: Iterable[tuple[int, int, str]],
    starts: Sequence[int] | None = None,
) -> list[str]:
    """IOB2 tags of ``tokens`` for non-overlapping ``spans`` that start and end on token boundaries.
    ``starts``: the tokens' starts, when the caller has them (bisected without a key function)."""
    tags = ["O"] * len(tokens)
    index: dict[int, int] | None = None  # made only for tokens out of order (a file's own)
    for start, end, label in spans:
        # tokens in order: no index of them all
        if starts is not None:
            i = bisect.bisect_left(starts, start)
        else:
            i = bisect.bisect_left(tokens, start, key=_start)
        if i == len(tokens) or tokens[i][0] != start:
            if index is None:
                index = {s: n for n, (s, _e) in enumerate(tokens)}
            i = index[start]
        tags[i] = f"B-{label}"
        i += 1
        while i < len(tokens) and tokens[i][1] <= end:
            tags[i] = f"I-{label}"
            i += 1
    return tags


def write_sentences(out: IO[str], sentences: Iterable[Sequence[tuple[str, str]]], docstart: bool) -> None:
    """One ``-DOCSTART-`` block (when ``docstart``), then a ``token<TAB>tag`` block per sentence."""
    if docstart:
        out.write(f"{DOCSTART}\tO\n\n")
    for sentence in sentences:
        out.write("".join(f"{token}\t{tag}\n" for token, tag in sentence))
        out.write("\n")


def write_document(
    out: IO[str],
    text: str,
    starts: Sequence[int],
    ends: Sequence[int],
    tags: Sequence[str],
    sentences: Sequence[range],
    words: Sequence[str] | None = None,
) -> None:
    """What :func:`write_sentences` writes (with ``docstart``) for one document's tokens (``text[start:end]``)
    with their ``tags`` in ``sentences`` (token index ranges), made in one piece: a ``token<TAB>tag`` line
    per token, built by ``map`` without a Python call per token, a blank line after each sentence.
    ``words``: the tokens' texts, when the caller has them (else sliced from ``text``)."""
    if not _consecutive(sentences, len(tags)):
        write_sentences(
            out,
            ([(text[starts[i] : ends[i]], tags[i]) for i in sentence] for sentence in sentences),
            docstart=True,
        )
        return
    cells = {tag: f"\t{tag}\n" for tag in set(tags)}
    ends_of_lines = list(map(cells.__getitem__, tags))
    for sentence in sentences:
        ends_of_lines[sentence.stop - 1] += "\n"
    pieces = [f"{DOCSTART}\tO\n\n"] * (2 * len(tags) + 1)  # each token's text, then the end of its line
    pieces[1::2] = map(text.__getitem__, map(slice, starts, ends)) if words is None else words
    pieces[2::2] = ends_of_lines
    out.write("".join(pieces))


def _consecutive(sentences: Sequence[range], n: int) -> bool:
    """Whether ``sentences`` are non-empty ranges of step 1, one after the other, from 0 to ``n``."""
    at = 0
    for sentence in sentences:
        if sentence.start != at or sentence.step != 1 or sentence.stop <= at:
            return False
        at = sentence.stop
    return at == n
