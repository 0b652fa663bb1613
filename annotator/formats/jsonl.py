"""JSON Lines: generic documents (id, title, text, url, source, published, lang, … ) and the native
format (``meta`` and ``annotations``). Streaming: one line at a time, memory flat in file size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import RecordError
from annotator.formats.records import ReadItem, record_from_mapping
from annotator.formats.textfile import iter_lines


def read(path: Path) -> Iterator[ReadItem]:
    for lineno, line, error, pos in iter_lines(path):
        where = f"{path}:{lineno}"
        if error is not None:
            yield RecordError(where, error), pos
            continue
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RecordError(where, f"invalid JSON: {exc.msg} (column {exc.colno})"), pos
            continue
        if not isinstance(obj, dict):
            yield RecordError(where, f"expected a JSON object, found {type(obj).__name__}"), pos
            continue
        try:
            yield record_from_mapping(obj, where), pos
        except RecordError as exc:
            yield exc, pos


def dumps(obj: object) -> str:
    """One line of native JSONL: UTF-8 text, no ASCII escapes, compact, keys in a fixed order."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
