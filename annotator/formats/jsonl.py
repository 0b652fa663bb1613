"""JSON Lines: generic documents (id, title, text, url, source, published, lang, … ) and the native
format (``meta`` and ``annotations``). Streaming: one line at a time, memory flat in file size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import RecordError
from annotator.formats.records import TOO_DEEP, TOO_LONG_NUMBER, ReadItem, record_from_mapping
from annotator.formats.textfile import iter_lines


def read(path: Path, name: str | None = None) -> Iterator[ReadItem]:
    name = str(path)
    loads = json.loads
    for lineno, line, error, pos in iter_lines(path):
        if error is not None:
            yield RecordError(f"{name}:{lineno}", error), pos
            continue
        if not line or line.isspace():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError:
            try:  # again without the line ending, so the column counts on this line
                loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                yield RecordError(f"{name}:{lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})"), pos
            continue
        except RecursionError:
            yield RecordError(f"{name}:{lineno}", TOO_DEEP), pos
            continue
        except ValueError:  # int() past Python's digit limit
            yield RecordError(f"{name}:{lineno}", TOO_LONG_NUMBER), pos
            continue
        where = f"{name}:{lineno}"
        if type(obj) is not dict:
            yield RecordError(where, f"expected a JSON object, found {type(obj).__name__}"), pos
            continue
        try:
            yield record_from_mapping(obj, where), pos
        except RecordError as exc:
            yield exc, pos


def dumps(obj: object) -> str:
    """One line of native JSONL: UTF-8 text, no ASCII escapes, compact, keys in a fixed order."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
