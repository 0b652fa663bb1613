"""Reading text files line by line with exact error positions.

UTF-8 (with or without BOM) is decoded one line at a time, so a bad byte spoils one record, not the file,
and memory stays flat. UTF-16 needs a BOM and is decoded whole (such files are small in practice).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from annotator.text.normalization import TextDecodeError, decode

#: (line number, decoded line with its ending, error or None, bytes consumed after this line)
Line = tuple[int, str, str | None, int]


def _utf8_error(exc: UnicodeDecodeError, line_start: int) -> str:
    bad = exc.object[exc.start : exc.start + 1]
    return (
        f"invalid UTF-8 at byte {line_start + exc.start} (0x{bad.hex().upper()}); "
        "files must be UTF-8, or UTF-16 with a BOM"
    )


def iter_lines(path: Path) -> Iterator[Line]:
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(
            codecs.BOM_UTF32_LE
        ):
            data = head + fh.read()
            try:
                text = decode(data, str(path))
            except TextDecodeError as exc:
                yield 1, "", f"{exc.reason} at byte {exc.byte_offset}", len(data)
                return
            # split on LF only: str.splitlines would also break at U+2028, U+0085… inside JSON strings
            pieces = text.split("\n")
            lines = [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
            total = len(data)
            for i, line in enumerate(lines, 1):
                yield i, line, None, total * i // max(len(lines), 1)
            return
    # Fast path: the C text reader decodes big blocks at once. If it meets a bad byte, start again in
    # binary after the last line it delivered, decoding line by line so the error names its own line.
    lineno = 0
    try:
        with path.open(encoding="utf-8-sig", newline="\n") as text_fh:
            # a BufferedReader under Path.open's text wrapper; typeshed's .buffer protocol has no tell()
            buffer = cast(io.BufferedReader, text_fh.buffer)
            for lineno, line in enumerate(text_fh, 1):
                yield lineno, line, None, buffer.tell()
            return
    except UnicodeDecodeError:
        pass
    yield from _utf8_lines_from(path, lineno)


def _utf8_lines_from(path: Path, done: int) -> Iterator[Line]:
    """Lines after the first ``done``, decoded one by one; bad ones come with their error."""
    with path.open("rb") as fh:
        pos = 0
        for lineno, raw in enumerate(fh, 1):
            start = pos
            pos += len(raw)
            if lineno <= done:
                continue
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
                start += len(codecs.BOM_UTF8)
            try:
                yield lineno, raw.decode("utf-8"), None, pos
            except UnicodeDecodeError as exc:
                yield lineno, raw.decode("utf-8", "replace"), _utf8_error(exc, start), pos


def read_text(path: Path) -> str:
    """A whole file, decoded (UTF-8, UTF-8 BOM, UTF-16 BOM); raises TextDecodeError naming file and byte."""
    return decode(path.read_bytes(), str(path))
