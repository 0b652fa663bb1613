"""Prodigy JSONL (``db-out`` of ``ner.manual`` and similar recipes) → documents with entity spans, their
relations and Prodigy's tokenization. Pure: no database, no Qt.

A record is ``{"text", "tokens": [{"text", "start", "end", "id"}], "spans": [{"start", "end",
"token_start", "token_end", "label"}], "answer", "meta", "_input_hash", "_task_hash", …}``; offsets count
code points of ``text``, ``token_start``/``token_end`` are inclusive token indexes. ``rel.manual`` output
adds ``"relations": [{"head", "child", "head_span", "child_span", "label"}]``.

Answers: an **accepted** span task (``"answer": "accept"``, or no answer at all, as in input files that
carry spans; a span task is one with ``spans`` or ``tokens``) gives one native block (annotator
``prodigy``, status ``done``; spans ``T1``, ``T2`` … and relations ``R1`` … in file order) — also when it
has no spans, since accepting a tokenized task without marking anything says the text has none. A
**rejected or ignored** record is imported as text only, without labels (its spans were judged wrong, or
not judged at all), and its ``answer`` stays in the document's meta so it can be found; it is not counted
as an error. Records with neither ``spans`` nor ``tokens`` (text classification, raw input) are documents
without labels; their ``label``, ``accept`` … stay in the meta.

Meta: Prodigy's ``meta`` object is merged into the document's meta, and every other field (``answer``,
``_input_hash``, ``_task_hash``, ``_session_id``, ``label`` …) is kept there too, as the JSONL reader does;
``id``, when present, is the external id. The tokenization is kept as ``meta["tokens"]``: Prodigy's
``[start, end]`` code-point pairs into the text as read (the import service maps them to the normalized
text, as it does the spans), for exports that use a document's own tokens (CoNLL).

Problems are :class:`RecordError` naming ``file:line``. The record is not imported when its line is not
JSON, not an object, has no text, or its ``tokens`` are not ordered ``[start, end)`` ranges of the text
(with ``text`` equal to the text there). A span that is not ``[start, end)`` inside the text, whose
``text`` differs from the text at its offsets, or whose ``start``/``end`` are not the boundaries of its
tokens ``token_start``/``token_end``, is left out and reported; so is a relation whose head or child is not
one of the record's (kept) spans. The rest of the record is imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import RecordError
from annotator.formats.doccano import block, entity, read_records, relation, span_problem
from annotator.formats.records import ReadItem, SourceRecord, record_from_mapping

ANNOTATOR = "prodigy"
ACCEPT, REJECT, IGNORE = "accept", "reject", "ignore"
_LABEL_FIELDS = ("spans", "tokens", "relations")


def read(path: Path, name: str | None = None, **options: Any) -> Iterator[ReadItem]:
    """Records (and problems) of a Prodigy JSONL file, with the bytes read so far."""
    return read_records(path, convert)


def convert(obj: Any, where: str) -> list[SourceRecord | RecordError]:
    """One Prodigy task as a document (last in the list) after the problems of its spans, or as an error
    alone when the document itself is unusable."""
    if not isinstance(obj, dict):
        return [RecordError(where, f"expected a JSON object, found {type(obj).__name__}")]
    try:
        record = record_from_mapping({k: v for k, v in obj.items() if k not in _LABEL_FIELDS}, where)
        answer = obj.get("answer")
        if answer not in (None, ACCEPT, REJECT, IGNORE):
            raise RecordError(where, f"unknown answer {answer!r} (known: accept, reject, ignore)")
        tokens = _tokens(record.text, obj.get("tokens"), where)
        if tokens is not None:
            record.meta["tokens"] = [[start, end] for start, end in tokens]
        spans = obj.get("spans")
        if answer in (REJECT, IGNORE) or (spans is None and tokens is None):
            return [record]
        spans = [] if spans is None else spans
        if not isinstance(spans, list):
            raise RecordError(where, f"field 'spans' must be a list, not {type(spans).__name__}")
        relations = obj.get("relations") or []
        if not isinstance(relations, list):
            raise RecordError(where, f"field 'relations' must be a list, not {type(relations).__name__}")
    except RecordError as exc:
        return [exc]
    builder = _Block(record.text, tokens, where)
    for i, span in enumerate(spans):
        builder.add_span(span, i)
    for i, rel in enumerate(relations):
        builder.add_relation(rel, i)
    if builder.entities or not spans:
        record.annotations = [block(ANNOTATOR, builder.entities, builder.relations)]
    return [*builder.problems, record]


def _tokens(text: str, tokens: Any, where: str) -> list[tuple[int, int]] | None:
    """Prodigy's tokens as (start, end) pairs; raises RecordError when they do not fit the text."""
    if tokens is None:
        return None
    if not isinstance(tokens, list):
        raise RecordError(where, f"field 'tokens' must be a list, not {type(tokens).__name__}")
    out: list[tuple[int, int]] = []
    previous_end = 0
    for i, token in enumerate(tokens):
        if not isinstance(token, dict):
            raise RecordError(where, f"tokens[{i}] is not a token object")
        # JSON values; span_problem refuses all but int offsets of a non-empty span inside the text
        start: Any = token.get("start")
        end: Any = token.get("end")
        reason = span_problem(text, start, end, "token")
        if reason is None and start < previous_end:
            reason = f"starts at {start}, before the end of the token before it ({previous_end})"
        surface = token.get("text")
        if reason is None and surface is not None and text[start:end] != surface:
            reason = f"is {surface!r} in the file but {text[start:end]!r} in the text"
        if reason is not None:
            raise RecordError(where, f"tokens[{i}] {start!r}..{end!r}: {reason}; the tokens do not fit")
        out.append((start, end))
        previous_end = end
    return out


class _Block:
    """Entities and relations of one accepted task, and the problems met while reading them."""

    def __init__(self, text: str, tokens: list[tuple[int, int]] | None, where: str):
        self.text = text
        self.tokens = tokens
        self.where = where
        self.entities: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.problems: list[RecordError] = []
        self.kept: dict[tuple[int, int], list[dict[str, Any]]] = {}  # (start, end) -> entities there

    def problem(self, reason: str) -> None:
        self.problems.append(RecordError(self.where, reason))

    def add_span(self, span: Any, i: int) -> None:
        if not isinstance(span, dict):
            self.problem(f"spans[{i}] is not a span object; left out")
            return
        # JSON values; span_problem refuses all but int offsets and a non-empty str label
        start: Any = span.get("start")
        end: Any = span.get("end")
        label: Any = span.get("label")
        what = f"spans[{i}] [{start!r}, {end!r}) {label!r}"
        reason = span_problem(self.text, start, end, label) or self._surface_problem(span)
        if reason is None:
            reason = self._token_problem(span)
        if reason is not None:
            self.problem(f"{what}: {reason}; left out")
            return
        ent = entity(f"T{len(self.entities) + 1}", start, end, label)
        self.entities.append(ent)
        self.kept.setdefault((start, end), []).append(ent)

    def _surface_problem(self, span: dict[str, Any]) -> str | None:
        surface = span.get("text")
        found = self.text[span["start"] : span["end"]]
        if surface is not None and surface != found:
            return f"the file says it covers {surface!r} but the text there is {found!r}"
        return None

    def _token_problem(self, span: dict[str, Any]) -> str | None:
        """Why the span's start/end are not the boundaries of its tokens, or None."""
        # JSON values, checked below to be token indexes
        first: Any = span.get("token_start")
        last: Any = span.get("token_end")
        if first is None and last is None:
            return None
        if self.tokens is None:
            return "it names tokens but the task has none"
        n = len(self.tokens)
        if not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < n for x in (first, last)):
            return f"token_start/token_end {first!r}, {last!r} are not token indexes (0..{n - 1})"
        want = (self.tokens[first][0], self.tokens[last][1])
        if (span["start"], span["end"]) != want:
            return (
                f"its tokens {first}..{last} span [{want[0]}, {want[1]}) "
                f"({self.text[want[0] : want[1]]!r}), not the span's own offsets "
                f"({self.text[span['start'] : span['end']]!r})"
            )
        return None

    def add_relation(self, rel: Any, i: int) -> None:
        if not isinstance(rel, dict):
            self.problem(f"relations[{i}] is not a relation object; left out")
            return
        label = rel.get("label")
        if not isinstance(label, str) or not label.strip():
            self.problem(f"relations[{i}]: label {label!r} is not a non-empty string; left out")
            return
        ends = []
        for side in ("head", "child"):
            found = self._find(rel.get(f"{side}_span"), rel.get(side))
            if found is None:
                self.problem(f"relations[{i}] {label}: its {side} is not one of the task's spans; left out")
                return
            ends.append(found)
        self.relations.append(relation(f"R{len(self.relations) + 1}", label, ends[0], ends[1]))

    def _find(self, span: Any, token: Any) -> str | None:
        """The id of the kept entity a relation end names (by its span, else by a token inside it)."""
        if isinstance(span, dict):
            offsets: tuple[Any, Any] = (span.get("start"), span.get("end"))  # JSON values: a miss if not ints
            candidates = self.kept.get(offsets, [])
            label = span.get("label")
            matching = [e for e in candidates if label is None or e["label"] == label]
            return matching[0]["id"] if len(matching) == 1 else None
        if self.tokens is None or not isinstance(token, int) or not 0 <= token < len(self.tokens):
            return None
        start, end = self.tokens[token]
        inside = [e for e in self.entities if e["start"] <= start and end <= e["end"]]
        return inside[0]["id"] if len(inside) == 1 else None
