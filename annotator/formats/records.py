"""Input records and format dispatch: :data:`READERS` is the table of file formats and their readers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError, RecordError

#: Why a JSON record nested deeper than Python's parser goes (about 1,000 levels) is not read.
TOO_DEEP = "JSON nested too deeply (more than about 1,000 levels): not a record this tool can read"

#: Why a JSON record holding a number of more than 4,300 digits (Python's limit) is not read.
TOO_LONG_NUMBER = "a number of more than 4,300 digits: not a record this tool can read"

#: Columns/fields with a meaning of their own; everything else goes to ``meta``.
DOCUMENT_FIELDS = ("id", "title", "text")
META_FIELDS = ("url", "source", "published", "lang")

_NOT_META = frozenset((*DOCUMENT_FIELDS, "meta", "annotations"))

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".txt": "text",
    ".conll": "conll",
    ".bio": "conll",
    ".iob": "conll",
    ".html": "html",
    ".htm": "html",
}
#: Formats whose files carry labels made in another tool; their annotation blocks name the annotator
#: by the format until the import renames them (``--annotator``).
FOREIGN = ("conll", "doccano", "labelstudio", "prodigy", "webanno")
#: Files a folder is searched for when the format is named (``--format``), by extension.
_FORMAT_FILES = {
    "conll": (".conll", ".bio", ".iob", ".txt", ".tsv"),
    "doccano": (".jsonl", ".ndjson", ".json"),
    "labelstudio": (".json",),
    "prodigy": (".jsonl", ".ndjson"),
    "webanno": (".tsv",),
}


@dataclass(slots=True)
class SourceRecord:
    """A document as read from a file, before normalization.

    ``annotations`` holds the native-JSONL annotation blocks as given (offsets count code points of
    ``text`` as given); the import service validates and re-maps them.
    """

    where: str
    external_id: str | None
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    annotations: list[Any] = field(default_factory=list)


#: What readers yield: a record or an error, with the number of bytes of the file consumed so far.
ReadItem = tuple[SourceRecord | RecordError, int]


def known_extensions() -> list[str]:
    return sorted(_EXTENSIONS)


def detect_format(path: Path) -> str | None:
    return _EXTENSIONS.get(path.suffix.lower())


def record_from_mapping(obj: dict[str, Any], where: str) -> SourceRecord:
    """Build a record from a JSON object or CSV row: id, title, text, meta, annotations + meta fields."""
    text = obj.get("text")
    if text is None:
        raise RecordError(where, "missing field 'text'")
    if not isinstance(text, str):
        raise RecordError(where, f"field 'text' must be a string, not {type(text).__name__}")
    if not text or text.isspace():
        raise RecordError(where, "field 'text' is empty")
    ext_id = obj.get("id")
    if (ext_id is not None and not isinstance(ext_id, str | int)) or isinstance(ext_id, bool):
        raise RecordError(where, f"field 'id' must be a string or integer, not {type(ext_id).__name__}")
    if ext_id is not None:
        ext_id = str(ext_id).strip() or None
    title = obj.get("title")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise RecordError(where, f"field 'title' must be a string, not {type(title).__name__}")
    meta_in = obj.get("meta")
    if meta_in is None:
        meta_in = {}
    if not isinstance(meta_in, dict):
        raise RecordError(where, f"field 'meta' must be an object, not {type(meta_in).__name__}")
    meta: dict[str, Any] = dict(meta_in)
    for key, value in obj.items():
        if key in _NOT_META or (value == "" and key in META_FIELDS):
            continue
        meta.setdefault(key, value)
    annotations = obj.get("annotations")
    if annotations is None:
        annotations = []
    if not isinstance(annotations, list):
        raise RecordError(where, f"field 'annotations' must be a list, not {type(annotations).__name__}")
    return SourceRecord(where, ext_id, title, text, meta, annotations)


def read_path(
    path: Path, fmt: str | None = None, name: str | None = None, **options: Any
) -> Iterator[ReadItem]:
    """Read one file in the given (or detected) format; ``name`` is its path relative to the imported
    folder (plain-text and HTML documents take it as their id). ``options`` go to the format's reader
    (``conll``: ``scheme``, ``group``; ``text``/``html``: ``clean``)."""
    fmt = fmt or detect_format(path)
    if fmt is None:
        raise AnnotatorError(f"{path}: unknown file type '{path.suffix}' (use --format {', '.join(FORMATS)})")
    if fmt not in READERS:
        raise AnnotatorError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    read = READERS[fmt]()
    return _guarded(path, lambda: read(path, name=name, **options))


def _guarded(path: Path, read: Any) -> Iterator[ReadItem]:
    """The same rules for every format before and while reading: a path that is not a regular file (a
    FIFO, which would block, a device, a looping link) and an empty file are one line each, and a file
    that fails while read (permissions, I/O) is one line, keeping what was read before."""
    import stat

    try:
        info = path.stat()
    except OSError as exc:
        yield RecordError(str(path), f"cannot be read: {exc.strerror or exc}"), 0
        return
    if not stat.S_ISREG(info.st_mode):
        yield RecordError(str(path), "not a regular file (a FIFO, device or socket): nothing read"), 0
        return
    if info.st_size <= _SMALL:
        try:
            head = path.read_bytes()
        except OSError as exc:
            yield RecordError(str(path), f"cannot be read: {exc.strerror or exc}"), 0
            return
        if (
            not head.replace(b"\xef\xbb\xbf", b"")
            .replace(b"\xff\xfe", b"")
            .replace(b"\xfe\xff", b"")
            .strip(b" \t\r\n\x00")
        ):
            yield RecordError(str(path), "empty file: nothing to import"), info.st_size
            return
    try:
        yield from read()
    except OSError as exc:
        yield RecordError(str(path), f"cannot be read: {exc.strerror or exc}"), info.st_size


#: Files up to this size are looked at whole to tell an empty one (blank, a BOM alone).
_SMALL = 4096


#: A format's reader: ``read(path, name=…, **options)`` yielding :data:`ReadItem`.
Reader = Callable[..., Iterator[ReadItem]]

# Each loader imports its reader's module when the format is first read (plain imports a static checker
# follows; the CLI starts without loading every format).


def _jsonl() -> Reader:
    from annotator.formats import jsonl

    return jsonl.read


def _csv() -> Reader:
    from annotator.formats import csvfile

    return csvfile.read


def _text() -> Reader:
    from annotator.formats import plaintext

    return plaintext.read


def _conll() -> Reader:
    from annotator.formats import conll

    return conll.read


def _doccano() -> Reader:
    from annotator.formats import doccano

    return doccano.read


def _labelstudio() -> Reader:
    from annotator.formats import labelstudio

    return labelstudio.read


def _prodigy() -> Reader:
    from annotator.formats import prodigy

    return prodigy.read


def _webanno() -> Reader:
    from annotator.formats import webanno

    return webanno.read


def _html() -> Reader:
    from annotator.formats import html

    return html.read


#: The file formats one can import, each with the loader of its reader. brat is not a file format (a
#: folder of ``.txt`` and ``.ann`` pairs, :func:`annotator.formats.brat.read_folder`).
READERS: dict[str, Callable[[], Reader]] = {
    "jsonl": _jsonl,
    "csv": _csv,
    "text": _text,
    "conll": _conll,
    "doccano": _doccano,
    "labelstudio": _labelstudio,
    "prodigy": _prodigy,
    "webanno": _webanno,
    "html": _html,
}
FORMATS = tuple(READERS)


def safe_text(value: object, limit: int = 80) -> str:
    """A value quoted in a message: one line, at most ``limit`` characters, lone surrogates escaped (a
    message must print on any stream and be stored)."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by the OS as surrogate escapes) are written
    ``\\xFF``, so the name can be stored and shown; the file itself is still opened by its real name."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def expand_paths(paths: list[Path], fmt: str | None = None) -> list[tuple[Path, str]]:
    """Files to import with their names: files as given, folders searched recursively for files of known
    types (names relative to the folder, with forward slashes)."""
    out: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise AnnotatorError(f"{path}: no such file or folder")
        if path.is_dir():
            found = [
                p
                for p in sorted(path.rglob("*"))
                if not p.is_dir()  # a FIFO or a broken link is named by the reader, not skipped unseen
                and not p.name.startswith(".")
                and (
                    detect_format(p) is not None
                    if fmt is None
                    else (detect_format(p) == fmt or p.suffix.lower() in _FORMAT_FILES.get(fmt, ()))
                )
            ]
            out.extend((p, display_name(p.relative_to(path).as_posix())) for p in found)
        else:
            out.append((path, display_name(path.name)))
    return out
