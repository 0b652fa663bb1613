"""Label Studio JSON exports → documents with entity spans and relations. Pure: no database, no Qt.

A file holds an array of tasks or one task (also JSON Lines of tasks; see
:func:`annotator.formats.doccano.read_json_values`). A task is ``{"id", "data": {"text": …},
"annotations": [{"id", "completed_by", "result": [...]}], "predictions": [{"model_version",
"result": [...]}]}``.

Text: ``data.text``, or, when ``data`` has no string ``text``, its first string field (the upstream
``rich_text_plain`` example keeps its text in ``data.ner``). ``data.id``, else the task's ``id``, is the
external id; ``data.title`` the title; the other fields of ``data`` and the task's ``meta`` go to the
document's meta, as the JSONL reader does.

Results: the task's ``annotations`` are read, or, when it has none (cancelled ones do not count), its
``predictions``. Each annotation (or prediction) becomes **its own native block**, so different people's
labels are never merged: the first is named ``labelstudio`` and later ones ``labelstudio#2``,
``labelstudio#3`` … in file order. A block is written when its result holds at least one span that could be
read, or is empty (the annotator submitted the task with nothing to mark); one whose every span was left
out gives none. Result types:

- ``labels`` (``value: {start, end, labels: [...], text}``): one entity per label, its id the result's
  ``id`` (``id#2`` … for a second label on one region);
- ``relation`` (``from_id``, ``to_id``, ``direction``, ``labels``): one relation per label between the
  regions' (first) entities, ``from``→``to`` for ``right`` and ``bi``, reversed for ``left``; a relation
  without a label has no type and is reported;
- ``choices`` (document classification): kept in the meta;
- any other type is counted in the meta and otherwise ignored.

Offsets: Label Studio versions differ in what ``start``/``end`` count when the text has characters outside
the Basic Multilingual Plane (emoji): code points or JavaScript's UTF-16 units. Per span, ``value.text`` is
compared with the text sliced both ways and whichever matches is used (both agree when no such character
comes before the span's end). When neither matches, or ``value.text`` is missing and the two readings
differ, or they match in two different places, the span is reported and left out, never guessed.

What was done is recorded in ``meta["labelstudio"]``: ``task_id``, ``text_field``, ``results``
(``"annotations"`` or ``"predictions"``), ``blocks`` (per block: its name, the annotation or prediction
``id``, ``completed_by`` (email, else id) or ``model_version``, and its ``choices``), ``utf16_spans`` (how
many spans were read as UTF-16 offsets, when any), ``cancelled`` and ``ignored_results`` (by type), when
any.

Problems are :class:`RecordError` naming ``file:line (task N, id X)``: a task that is not an object, has no
``data`` or no text costs the task; a span or relation that cannot be read is left out and reported on its
own, and the rest of the task is imported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotator.errors import RecordError
from annotator.formats.doccano import JsonValue, block, entity, read_records, relation, span_problem
from annotator.formats.records import ReadItem, SourceRecord, record_from_mapping, safe_text

ANNOTATOR = "labelstudio"


def read(path: Path, name: str | None = None, **options: Any) -> Iterator[ReadItem]:
    """Records (and problems) of a Label Studio JSON export, with the bytes read so far."""
    return read_records(path, convert, _where)


def _where(path: Path, item: JsonValue) -> str:
    task_id = item.value.get("id") if isinstance(item.value, dict) else None
    shown = (
        f", id {safe_text(task_id)}"
        if isinstance(task_id, str | int) and not isinstance(task_id, bool)
        else ""
    )
    return f"{path}:{item.line} (task {item.index + 1}{shown})"


def convert(task: Any, where: str) -> list[SourceRecord | RecordError]:
    """One task as a document (last in the list) after the problems of its spans, or as an error alone."""
    try:
        record, text_field = _document(task, where)
        source, entries, cancelled = _entries(task, where)
    except RecordError as exc:
        return [exc]
    info: dict[str, Any] = {"task_id": task.get("id"), "text_field": text_field, "results": source}
    if info["task_id"] is None:
        del info["task_id"]
    readers = [
        _Results(record.text, where, f"{source[:-1]} {e.get('id') or f'#{n}'}")
        for n, e in enumerate(entries, 1)
    ]
    described = []
    for reader, entry in zip(readers, entries, strict=True):
        reader.read(entry.get("result") or [])
        name = None
        if reader.entities or not entry.get("result"):
            name = ANNOTATOR if not record.annotations else f"{ANNOTATOR}#{len(record.annotations) + 1}"
            record.annotations.append(block(name, reader.entities, reader.relations))
        described.append({"block": name, **_describe(entry), **reader.choices_info()})
    info["blocks"] = described
    utf16 = sum(reader.utf16 for reader in readers)
    info.update({k: v for k, v in (("utf16_spans", utf16), ("cancelled", cancelled)) if v})
    ignored = sum((reader.ignored for reader in readers), Counter())
    if ignored:
        info["ignored_results"] = dict(sorted(ignored.items()))
    record.meta["labelstudio"] = info
    return [*(problem for reader in readers for problem in reader.problems), record]


#: Keys of a task itself (Label Studio's export), not of its data.
_TASK_KEYS = frozenset(
    (
        "id",
        "annotations",
        "predictions",
        "meta",
        "created_at",
        "updated_at",
        "inner_id",
        "total_annotations",
        "cancelled_annotations",
        "total_predictions",
        "comment_count",
        "unresolved_comment_count",
        "last_comment_updated_at",
        "project",
        "updated_by",
        "file_upload",
        "comment_authors",
        "drafts",
        "is_labeled",
        "overlap",
    )
)


def _document(task: Any, where: str) -> tuple[SourceRecord, str]:
    if not isinstance(task, dict):
        raise RecordError(where, f"expected a task object, found {type(task).__name__}")
    data = task.get("data")
    if data is None:
        # Label Studio's importer takes a task without "data" as its data ({"text": …}, as its own test
        # files write them), less the task's own keys
        data = {k: v for k, v in task.items() if k not in _TASK_KEYS}
    if not isinstance(data, dict):
        raise RecordError(where, f"the task's 'data' must be an object, not {type(data).__name__}")
    field: str | None
    if isinstance(data.get("text"), str):
        field = "text"
    else:
        field = next((key for key, value in data.items() if isinstance(value, str)), None)
        if field is None:
            if "data" not in task:
                raise RecordError(where, "the task has neither a 'data' object nor a text (no string field)")
            raise RecordError(where, "the task's 'data' has no text (no string field)")
    fields = {k: v for k, v in data.items() if k not in (field, "annotations")}
    fields["text"] = data[field]
    if fields.get("id") is None:
        fields["id"] = task.get("id")
    if isinstance(task.get("meta"), dict) and task["meta"] and "meta" not in fields:
        fields["meta"] = task["meta"]
    return record_from_mapping(fields, where), field


def _entries(task: dict[str, Any], where: str) -> tuple[str, list[dict[str, Any]], int]:
    """("annotations" | "predictions", the entries to read, how many annotations were cancelled)."""
    for key in ("annotations", "predictions"):
        if not isinstance(task.get(key) or [], list):
            raise RecordError(where, f"the task's '{key}' is not a list")
        for i, entry in enumerate(task.get(key) or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("result") or [], list):
                raise RecordError(where, f"{key}[{i}] is not an object with a 'result' list")
    annotations = task.get("annotations") or []
    kept = [a for a in annotations if not a.get("was_cancelled")]
    if kept:
        return "annotations", kept, len(annotations) - len(kept)
    predictions = task.get("predictions") or []
    return ("predictions" if predictions else "annotations"), predictions, len(annotations)


def _describe(entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.get("id")}
    person = entry.get("completed_by")
    if isinstance(person, dict):
        person = person.get("email") or person.get("id")
    if person is not None:
        out["completed_by"] = person
    if entry.get("model_version") is not None:
        out["model_version"] = entry["model_version"]
    return out


class _Results:
    """The entities, relations and choices of one annotation's (or prediction's) result list."""

    def __init__(self, text: str, where: str, prefix: str):
        self.text = text
        self.where = where
        self.prefix = prefix  # names the annotation (or prediction) in messages
        self.to_code_points = utf16_to_code_point(text)
        self.entities: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.choices: dict[str, list[Any]] = {}
        self.problems: list[RecordError] = []
        self.ignored: Counter[str] = Counter()
        self.utf16 = 0
        self.regions: dict[str, str] = {}  # result id -> id of its first entity
        self.ids: set[str] = set()

    def choices_info(self) -> dict[str, Any]:
        return {"choices": self.choices} if self.choices else {}

    def problem(self, reason: str) -> None:
        self.problems.append(RecordError(self.where, reason))

    def read(self, results: list[Any]) -> None:
        relations = []
        for i, result in enumerate(results):
            if not isinstance(result, dict):
                self.problem(f"{self.prefix} result[{i}] is not an object; left out")
                continue
            kind = result.get("type")
            if kind == "labels":
                self.add_labels(result, i)
            elif kind == "relation":
                relations.append((result, i))
            elif kind == "choices" and isinstance(result.get("value"), dict):
                chosen = result["value"].get("choices")
                target = self.choices.setdefault(str(result.get("from_name")), [])
                target.extend(chosen if isinstance(chosen, list) else [chosen])
            else:
                self.ignored[str(kind)] += 1
        for result, i in relations:  # after the regions, which they may precede in the list
            self.add_relation(result, i)

    def add_labels(self, result: dict[str, Any], i: int) -> None:
        raw_value = result.get("value")
        value: dict[str, Any] = raw_value if isinstance(raw_value, dict) else {}
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        rid = str(result.get("id") or f"result{i + 1}")
        what = f"{self.prefix} result {rid} [{start!r}, {end!r}) {labels!r}"
        if not isinstance(labels, list) or not labels:
            self.problem(f"{what}: no labels; left out")
            return
        offsets = self.offsets(start, end, value.get("text"))
        if isinstance(offsets, str):
            self.problem(f"{what}: {offsets}; left out")
            return
        for k, label in enumerate(labels):
            reason = span_problem(self.text, *offsets, label)
            if reason is not None:
                self.problem(f"{what}: {reason}; left out")
                continue
            native = rid if k == 0 else f"{rid}#{k + 1}"
            while native in self.ids:  # a region id used by two results (e.g. two <Labels> tags)
                native += "'"
            self.ids.add(native)
            self.entities.append(entity(native, *offsets, label))
            self.regions.setdefault(rid, native)

    def offsets(self, start: Any, end: Any, surface: Any) -> tuple[int, int] | str:
        """The span in code points, or why it cannot be read (see the module doc)."""
        reason = span_problem(self.text, start, end, "span")
        u_start, u_end = self.to_code_points(start), self.to_code_points(end)
        # the offsets read as UTF-16 units, when that gives a non-empty span of code points
        as_utf16 = (u_start, u_end) if u_start is not None and u_end is not None and u_start < u_end else None
        if reason is not None and as_utf16 is None:
            return reason
        if (u_start, u_end) == (start, end):
            if surface is None or self.text[start:end] == surface:
                return start, end
            return f"the file says it covers {surface!r} but the text there is {self.text[start:end]!r}"
        if not isinstance(surface, str):
            return "no 'text' tells whether offsets count code points or UTF-16 units (they differ here)"
        by_code_points = reason is None and self.text[start:end] == surface
        by_utf16 = as_utf16 is not None and self.text[as_utf16[0] : as_utf16[1]] == surface
        if by_code_points and by_utf16:
            return f"{surface!r} is found both at code points and at UTF-16 units [{start}, {end})"
        if by_code_points:
            return start, end
        if by_utf16 and as_utf16 is not None:  # (by_utf16 implies it)
            self.utf16 += 1
            return as_utf16
        at_code_points = self.text[start:end] if reason is None else "(outside the text)"
        at_utf16 = self.text[as_utf16[0] : as_utf16[1]] if as_utf16 is not None else "(not a UTF-16 boundary)"
        return (
            f"the file says it covers {surface!r} but the text has {at_code_points!r} there counting "
            f"code points and {at_utf16!r} counting UTF-16 units"
        )

    def add_relation(self, result: dict[str, Any], i: int) -> None:
        rid = str(result.get("id") or f"result{i + 1}")
        labels = result.get("labels") or []
        what = f"{self.prefix} relation {result.get('from_id')!r} → {result.get('to_id')!r}"
        from_end = self.regions.get(str(result.get("from_id")))
        to_end = self.regions.get(str(result.get("to_id")))
        if from_end is None or to_end is None:
            self.problem(f"{what}: it names a region that is not a span of this annotation; left out")
            return
        if result.get("direction") == "left":
            from_end, to_end = to_end, from_end
        if not labels:
            self.problem(f"{what}: no label, so no relation type; left out")
            return
        for k, label in enumerate(labels):
            if not isinstance(label, str) or not label.strip():
                self.problem(f"{what}: label {label!r} is not a non-empty string; left out")
                continue
            native = f"{rid}:relation" if k == 0 else f"{rid}:relation#{k + 1}"
            self.relations.append(relation(native, label, from_end, to_end))


def utf16_to_code_point(text: str) -> Callable[[Any], int | None]:
    """A function giving the code-point offset in ``text`` of a UTF-16 code-unit offset (None when the
    offset is not an integer, lies outside the text or between the two halves of a surrogate pair)."""
    if not text or max(text) <= "\uffff":
        n = len(text)
        return lambda u: u if isinstance(u, int) and not isinstance(u, bool) and 0 <= u <= n else None
    table: list[int | None] = []
    for i, char in enumerate(text):
        table.append(i)
        if char > "\uffff":
            table.append(None)
    table.append(len(text))

    def convert(u: Any) -> int | None:
        if isinstance(u, bool) or not isinstance(u, int) or not 0 <= u < len(table):
            return None
        return table[u]

    return convert
