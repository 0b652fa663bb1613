"""Input records and format dispatch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError, RecordError

#: Columns/fields with a meaning of their own; everything else goes to ``meta``.
DOCUMENT_FIELDS = ("id", "title", "text")
META_FIELDS = ("url", "source", "published", "lang")

_NOT_META = frozenset((*DOCUMENT_FIELDS, "meta", "annotations"))

FORMATS = ("jsonl", "csv", "text", "conll", "doccano", "labelstudio", "prodigy", "webanno", "html")
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
    import importlib

    fmt = fmt or detect_format(path)
    if fmt is None:
        raise AnnotatorError(f"{path}: unknown file type '{path.suffix}' (use --format {', '.join(FORMATS)})")
    if fmt not in FORMATS:
        raise AnnotatorError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    module = importlib.import_module(f"annotator.formats.{_MODULES.get(fmt, fmt)}")
    return module.read(path, name=name, **options)


_MODULES = {"csv": "csvfile", "text": "plaintext"}


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
                if p.is_file()
                and not p.name.startswith(".")
                and (
                    detect_format(p) is not None
                    if fmt is None
                    else (detect_format(p) == fmt or p.suffix.lower() in _FORMAT_FILES.get(fmt, ()))
                )
            ]
            out.extend((p, p.relative_to(path).as_posix()) for p in found)
        else:
            out.append((path, path.name))
    return out
