"""doccano exports → documents with entity spans, relations and classification labels. Pure: no database,
no Qt.

Shapes read (offsets are ``[start, end)`` code-point indices into ``text``, as doccano writes them):

- sequence labelling: ``{"text", "label": [[start, end, "LABEL"], …]}``;
- relation extraction: ``{"text", "entities": [{"id", "start_offset", "end_offset", "label"}],
  "relations": [{"id", "from_id", "to_id", "type"}]}``;
- intent detection: ``{"text", "entities": [[start, end, "LABEL"], …], "cats": ["intent"]}``;
- text classification (and sequence-to-sequence, which looks the same): ``{"text", "label": ["x", …]}``.

Spans become the entities of one native block (annotator ``doccano``, status ``done``), with ids ``T1``,
``T2`` … in the order of the file; relations name their entities through doccano's entity ids and get ids
``R1``, ``R2`` …. A record without spans gets no block (doccano writes ``"label": []`` both for "nothing
to mark" and for "not annotated yet", so an empty list says nothing). Classification labels are kept in
``meta["doccano_labels"]`` (the strings of ``label``, then those of ``cats``); ``cats`` given as an object
(category → score) is kept as ``meta["cats"]``. ``id`` becomes the document's external id, ``meta`` is
merged into the document's meta and every other field is kept there too, as the JSONL reader does.

Files: one JSON object per line (doccano's JSONL), or one JSON value for the whole file — an array of
objects or objects one after another, possibly pretty-printed (doccano's JSON export, and its upstream
relation-extraction example, which is pretty-printed although named ``.jsonl``); see
:func:`read_json_values`, which the Prodigy and Label Studio readers use too.

Problems are reported as :class:`RecordError` naming ``file:line``: a line that is not JSON or not an
object and a record without text cost that record; a span that is not ``[start, end)`` inside the text
with a label, or a relation naming an entity that is not there, is left out and reported on its own, and
the rest of the record is imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import RecordError
from annotator.formats.records import TOO_DEEP, TOO_LONG_NUMBER, ReadItem, SourceRecord, record_from_mapping
from annotator.formats.textfile import iter_lines, read_text
from annotator.text.normalization import TextDecodeError

ANNOTATOR = "doccano"
#: Fields holding labels; everything else is the document (text, id, title, meta fields).
_LABEL_FIELDS = ("label", "entities", "relations", "cats", "annotations")
_JSON_SPACE = " \t\r\n"


# ---------------------------------------------------------------------------------------------------------
# JSON files: one value per line, or one value (array or objects in a row) for the whole file


@dataclass(slots=True)
class JsonValue:
    """One record of a JSON file: where it starts (line, 1-based) and its position among the records."""

    line: int
    index: int
    value: Any
    end: int = 0  # where it ends in the file's text (whole-file JSON only)


def read_json_values(path: Path) -> Iterator[tuple[JsonValue | RecordError, int]]:
    """The records of a JSON Lines file, or of a file holding one JSON value, with bytes consumed so far.

    A file whose first non-blank line is a JSON value on its own is read line by line (memory stays
    flat); a line holding an array gives each element as a record. Otherwise the whole file is parsed as
    a JSON array of records or as records one after another (pretty-printed objects). If that fails before
    the first record and the first line is more than an opening bracket, the file is read line by line
    after all, so that each bad line is reported with its number.
    """
    if _first_line_is_json(path):
        yield from _json_lines(path)
        return
    size = path.stat().st_size
    try:
        text = read_text(path)
    except TextDecodeError as exc:
        if _a_later_line_is_json(path):  # JSON lines whose first is bad: each line stands alone
            yield from _json_lines(path)
            return
        # one JSON value over many lines (a pretty-printed export): one error for the file, not one per
        # line that is not JSON on its own
        with path.open("rb") as fh:
            line = fh.read(exc.byte_offset).count(b"\n") + 1
        yield RecordError(f"{path}:{line}", f"{exc.reason} (byte {exc.byte_offset}); nothing read"), size
        return
    first_line = text.lstrip(_JSON_SPACE).split("\n", 1)[0].strip()
    for n, item in enumerate(_parse_whole(text)):
        if isinstance(item, tuple):  # (line, reason): the first problem, which ends the file
            if n == 0 and len(first_line) > 1:  # not JSON as a whole either: a JSONL file with a bad line
                yield from _json_lines(path)
                return
            yield RecordError(f"{path}:{item[0]}", item[1]), size
            return
        yield item, size * item.end // max(len(text), 1)


def skip_json_value(text: str, i: int) -> int | None:
    """The end of the JSON array or object starting at ``text[i]`` (brackets counted outside strings),
    or None when it does not end; used to step over a record too deep for the parser."""
    depth = 0
    n = len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _a_later_line_is_json(path: Path, lines: int = 50) -> bool:
    """Whether one of the first ``lines`` non-empty lines after the first is a JSON object on its own
    (a JSON Lines file whose first line is damaged, rather than one pretty-printed value)."""
    seen = 0
    for _lineno, line, error, _pos in iter_lines(path):
        if error is not None or not line.strip():
            continue
        seen += 1
        if seen == 1:
            continue
        if seen > lines:
            return False
        stripped = line.strip().rstrip(",")
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                return isinstance(json.loads(stripped), dict)
            except (json.JSONDecodeError, RecursionError, ValueError):
                continue
    return False


def _first_line_is_json(path: Path) -> bool:
    for _lineno, line, error, _pos in iter_lines(path):
        if error is not None:
            return True
        if line.strip():
            try:
                json.loads(line)
            except json.JSONDecodeError:
                return False
            except (RecursionError, ValueError):  # a JSON value, too deep or too long: reported by line
                return True
            return True
    return True


def _json_lines(path: Path) -> Iterator[tuple[JsonValue | RecordError, int]]:
    index = 0
    for lineno, line, error, pos in iter_lines(path):
        where = f"{path}:{lineno}"
        if error is not None:
            yield RecordError(where, error), pos
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            try:  # again without the line ending, so the column counts on this line
                json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                yield RecordError(where, f"invalid JSON: {exc.msg} (column {exc.colno})"), pos
            continue
        except RecursionError:
            yield RecordError(where, TOO_DEEP), pos
            continue
        except ValueError:  # int() past Python's digit limit
            yield RecordError(where, TOO_LONG_NUMBER), pos
            continue
        for item in value if isinstance(value, list) else [value]:
            yield JsonValue(lineno, index, item), pos
            index += 1


def _parse_whole(text: str) -> Iterator[JsonValue | tuple[int, str]]:
    """The records of a whole-file JSON text, then (line, reason) of the first problem if there is one."""
    decoder = json.JSONDecoder()
    lines = _LineCounter(text)
    index = 0
    i = _skip_space(text, 0)
    in_array = text.startswith("[", i)
    if in_array:
        i = _skip_space(text, i + 1)
        if text.startswith("]", i):
            i = _skip_space(text, i + 1)
            in_array = False
    while i < len(text):
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:  # named by the line where the bad record starts
            yield lines.at(i), f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            return
        except (RecursionError, ValueError) as exc:  # this record alone: skip to its end, go on
            reason = TOO_DEEP if isinstance(exc, RecursionError) else TOO_LONG_NUMBER
            skipped_to = skip_json_value(text, i)
            if skipped_to is None:
                yield lines.at(i), reason
                return
            yield JsonValue(lines.at(i), index, RecordError(f"line {lines.at(i)}", reason), skipped_to)
            index += 1
            i = _skip_space(text, skipped_to)
            if in_array and text.startswith(",", i):
                i = _skip_space(text, i + 1)
            elif in_array and text.startswith("]", i):
                i = _skip_space(text, i + 1)
                in_array = False
            continue
        yield JsonValue(lines.at(i), index, value, end)
        index += 1
        i = _skip_space(text, end)
        if in_array:
            if text.startswith(",", i):
                i = _skip_space(text, i + 1)
            elif text.startswith("]", i):
                i = _skip_space(text, i + 1)
                in_array = False
                if i < len(text):
                    yield lines.at(i), "unexpected text after the closing ']'"
                    return
            else:
                yield lines.at(i), "expected ',' or ']' after a record"
                return
    if in_array:
        yield lines.at(len(text)), "the array is not closed (missing ']')"


class _LineCounter:
    """Line numbers of increasing offsets, counting newlines once."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset >= self.pos:
            self.line += self.text.count("\n", self.pos, offset)
        else:
            self.line -= self.text.count("\n", offset, self.pos)
        self.pos = offset
        return self.line


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _JSON_SPACE:
        i += 1
    return i


# ---------------------------------------------------------------------------------------------------------
# doccano records


def read(path: Path, name: str | None = None, **options: Any) -> Iterator[ReadItem]:
    """Records (and problems) of a doccano export, with the bytes read so far."""
    return read_records(path, convert)


def read_records(
    path: Path,
    convert: Callable[[Any, str], list[SourceRecord | RecordError]],
    where: Callable[[Path, JsonValue], str] | None = None,
) -> Iterator[ReadItem]:
    """Each JSON value of the file (:func:`read_json_values`) through ``convert`` (value, where it is:
    ``file:line`` unless ``where`` says otherwise), with the bytes read so far; a value that cannot be
    read is reported as it is."""
    for item, pos in read_json_values(path):
        if isinstance(item, RecordError):
            yield item, pos
            continue
        if isinstance(item.value, RecordError):  # a record that could not be parsed (nested too deeply)
            yield RecordError(where(path, item) if where else f"{path}:{item.line}", item.value.reason), pos
            continue
        for out in convert(item.value, where(path, item) if where else f"{path}:{item.line}"):
            yield out, pos


def convert(obj: Any, where: str) -> list[SourceRecord | RecordError]:
    """One doccano record as a document (last in the list) after the problems of its spans, or as an
    error alone when the document itself is unusable."""
    if not isinstance(obj, dict):
        return [RecordError(where, f"expected a JSON object, found {type(obj).__name__}")]
    try:
        record = record_from_mapping({k: v for k, v in obj.items() if k not in _LABEL_FIELDS}, where)
        builder = _Block(record.text, where)
        classes = builder.read_labels(obj)
    except RecordError as exc:
        return [exc]
    if classes:
        record.meta["doccano_labels"] = classes
    if isinstance(obj.get("cats"), dict):
        record.meta["cats"] = obj["cats"]
    if obj.get("annotations") is not None:
        record.meta["annotations"] = obj["annotations"]
    if builder.entities:
        record.annotations = [builder.block()]
    return [*builder.problems, record]


class _Block:
    """Entities and relations of one record, and the problems met while reading them."""

    def __init__(self, text: str, where: str):
        self.text = text
        self.where = where
        self.entities: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.problems: list[RecordError] = []
        self.by_source_id: dict[str, str | None] = {}  # doccano entity id -> native id (None: left out)

    def read_labels(self, obj: dict[str, Any]) -> list[str]:
        """Reads spans and relations; returns the classification labels."""
        classes: list[str] = []
        for key in ("label", "entities", "cats"):
            items = obj.get(key)
            if items is None or (key == "cats" and isinstance(items, dict)):
                continue
            if not isinstance(items, list):
                raise RecordError(self.where, f"field '{key}' must be a list, not {type(items).__name__}")
            for i, item in enumerate(items):
                if isinstance(item, str) and key != "entities":
                    classes.append(item)
                elif key == "cats":
                    self.problem(f"cats[{i}] {item!r} is not a category name")
                else:
                    self.add_entity(item, f"{key}[{i}]")
        relations = obj.get("relations")
        if relations is not None and not isinstance(relations, list):
            raise RecordError(self.where, f"field 'relations' must be a list, not {type(relations).__name__}")
        for i, item in enumerate(relations or []):
            self.add_relation(item, f"relations[{i}]")
        return classes

    def problem(self, reason: str) -> None:
        self.problems.append(RecordError(self.where, reason))

    def add_entity(self, item: Any, what: str) -> None:
        source_id = None
        if isinstance(item, list | tuple) and len(item) == 3:
            start, end, label = item
        elif isinstance(item, dict):
            start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
            source_id = _key(item.get("id"))
        else:
            self.problem(f"{what} {item!r} is neither [start, end, label] nor an entity object; left out")
            return
        reason = span_problem(self.text, start, end, label)
        if reason is not None:
            self.problem(f"{what} {_show(item)}: {reason}; left out")
            if source_id is not None:
                self.by_source_id[source_id] = None
            return
        native = f"T{len(self.entities) + 1}"
        if source_id is not None:
            if source_id in self.by_source_id:
                self.problem(f"{what}: entity id {source_id} used twice; left out")
                return
            self.by_source_id[source_id] = native
        self.entities.append(entity(native, start, end, label))

    def add_relation(self, item: Any, what: str) -> None:
        if not isinstance(item, dict):
            self.problem(f"{what} {item!r} is not a relation object; left out")
            return
        rtype = item.get("type")
        if not isinstance(rtype, str) or not rtype.strip():
            self.problem(f"{what} {_show(item)}: no relation type; left out")
            return
        ends: list[str] = []
        for side in ("from_id", "to_id"):
            ref = _key(item.get(side))
            if ref not in self.by_source_id:
                self.problem(f"{what} {_show(item)}: '{side}' names no entity of this record; left out")
                return
            native = self.by_source_id[ref]
            if native is None:
                self.problem(f"{what} {_show(item)}: entity {ref} was left out, so is the relation")
                return
            ends.append(native)
        self.relations.append(relation(f"R{len(self.relations) + 1}", rtype, ends[0], ends[1]))

    def block(self) -> dict[str, Any]:
        return block(ANNOTATOR, self.entities, self.relations)


# ---------------------------------------------------------------------------------------------------------
# shared by the readers of other tools' formats


def span_problem(text: str, start: Any, end: Any, label: Any) -> str | None:
    """Why ``[start, end)`` with ``label`` is not a span of ``text`` (code points), or None."""
    if not isinstance(label, str) or not label.strip():
        return f"label {label!r} is not a non-empty string"
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        return f"offsets {start!r}, {end!r} are not integers"
    if start >= end:
        return f"span [{start}, {end}) is empty or reversed"
    if start < 0 or end > len(text):
        return f"span [{start}, {end}) is outside the text (length {len(text)})"
    return None


def entity(native_id: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {"id": native_id, "start": start, "end": end, "label": label, "attributes": {}}


def relation(native_id: str, rtype: str, from_id: str, to_id: str) -> dict[str, Any]:
    return {"id": native_id, "type": rtype, "from": from_id, "to": to_id, "attributes": {}}


def block(annotator: str, entities: list[dict[str, Any]], relations: list[dict[str, Any]]) -> dict[str, Any]:
    """A native annotation block of another tool's labels."""
    return {
        "annotator": annotator,
        "status": "done",
        "entities": entities,
        "relations": relations,
        "events": [],
        "document": {},
        "sentiment": [],
    }


def _key(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _show(item: Any, limit: int = 120) -> str:
    shown = json.dumps(item, ensure_ascii=False)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
