"""CSV documents: a header row naming columns id, title, text, url, source, published, lang; any other
column is kept as metadata. Records may span several lines (quoted newlines); errors name the first line."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import RecordError
from annotator.formats.records import ReadItem, record_from_mapping
from annotator.formats.textfile import iter_lines

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read(path: Path, name: str | None = None) -> Iterator[ReadItem]:
    bad_lines: dict[int, str] = {}
    state = {"line": 0, "pos": 0}

    def lines() -> Iterator[str]:
        for lineno, line, error, pos in iter_lines(path):
            if error is not None:
                bad_lines[lineno] = error
            state["line"], state["pos"] = lineno, pos
            yield line

    reader = csv.reader(lines(), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        yield RecordError(f"{path}:1", "empty CSV file (expected a header row)"), 0
        return
    except csv.Error as exc:
        yield RecordError(f"{path}:1", f"malformed CSV header: {exc}"), state["pos"]
        return
    header = [h.strip() for h in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if "text" not in header:
        yield RecordError(f"{path}:1", f"no 'text' column in the header (found: {', '.join(header)})"), 0
        return
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        yield RecordError(f"{path}:1", f"duplicate columns in the header: {', '.join(sorted(dupes))}"), 0
        return
    first = state["line"] + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RecordError(f"{path}:{first}", f"malformed CSV: {exc}"), state["pos"]
            first = state["line"] + 1
            continue
        last = state["line"]
        where = f"{path}:{first}"
        span = range(first, last + 1)
        first = last + 1
        if not row or all(not cell.strip() for cell in row):
            continue
        errors = [bad_lines[n] for n in span if n in bad_lines]
        if errors:
            yield RecordError(where, errors[0]), state["pos"]
            continue
        if len(row) != len(header):
            yield RecordError(where, f"expected {len(header)} columns, found {len(row)}"), state["pos"]
            continue
        try:
            yield record_from_mapping(dict(zip(header, row, strict=True)), where), state["pos"]
        except RecordError as exc:
            yield exc, state["pos"]
