"""Plain-text articles: one file per document, the first non-empty line is the title.

With ``clean``, the body goes through :func:`annotator.text.cleanup.clean_news` (read-also lists cut with
the ``read_also`` markers, the default list when None; embedded posts marked as ``> `` quotes), and the
record's ``meta["cleanup"]`` says what was done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import RecordError
from annotator.formats.records import ReadItem, SourceRecord
from annotator.formats.textfile import read_text
from annotator.text.cleanup import clean_news, parse_read_also
from annotator.text.normalization import TextDecodeError


def read(
    path: Path,
    name: str | None = None,
    clean: bool = False,
    read_also: tuple[str, ...] | str | None = None,
) -> Iterator[ReadItem]:
    size = path.stat().st_size
    try:
        content = read_text(path)
    except TextDecodeError as exc:
        yield RecordError(str(path), f"{exc.reason} (byte {exc.byte_offset})"), size
        return
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    lines = content.split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        yield RecordError(str(path), "empty file"), size
        return
    title = lines[index].strip()
    body = "\n".join(lines[index + 1 :]).lstrip("\n").rstrip()
    if not body.strip():
        yield RecordError(f"{path}:{index + 1}", "no text after the title line"), size
        return
    name = name or path.name
    meta: dict[str, Any] = {"file": name}
    if clean:
        result = clean_news(body, parse_read_also(read_also))
        body = result.text.strip("\n")
        meta["cleanup"] = result.meta()
        if not body.strip():
            reason = f"no article text left after clean-up ({result.removed_lines} read-also line(s) cut)"
            yield RecordError(str(path), reason), size
            return
    yield SourceRecord(str(path), name, title, body, meta), size
