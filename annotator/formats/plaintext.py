"""Plain-text articles: one file per document. The first non-empty line is also the title, and it stays in
the text: in news files it is often the lead sentence, and nothing a person may want to label is ever taken
out of the text to make a title.

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
    head = lines[index]  # the title line stays in the text; clean-up reads the body below it
    rest = "\n".join(lines[index + 1 :])
    body = rest.lstrip("\n").rstrip()
    gap = rest[: len(rest) - len(rest.lstrip("\n"))]
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
    text = f"{head}\n{gap}{body}" if body else head.rstrip()
    yield SourceRecord(str(path), name, title, text, meta), size
