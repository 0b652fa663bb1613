"""Knowledge-base files: entries of a project's knowledge base (``annotator kb import|export``).

Formats (``FORMATS``):

``tsv`` / ``csv``
    The gazetteer format (``resources/gazetteers/README.md``): a header naming ``name`` and ``label``
    (required) and optionally ``canonical`` (the canonical name; then ``name`` is one more spelling),
    ``aliases`` (``|``-separated), ``id`` (the canonical id, e.g. ``Q485436``), ``description``,
    ``parent`` (another entry's id or name), ``latitude``, ``longitude``, ``admin_areas``
    (``|``-separated, nearest first); ``note``, ``notes`` and ``source`` are ignored. ``#`` lines and
    blank lines are skipped. A shipped gazetteer file is a valid import.
``jsonl``
    One JSON object per line with the same fields (``aliases`` and ``admin_areas`` lists).
``wikidata``
    A slice of a Wikidata JSON dump: one entity per line, the dump's ``[``, ``]`` and trailing commas
    allowed (``.json.gz`` / ``.json.bz2`` read compressed). ``id``; the name from ``labels`` (English,
    else Hindi, Urdu, Bengali, else the first); every other label and every alias as aliases (``hi``,
    ``en``, ``ur``…); the description; the label from ``claims.P31`` (instance of) through the label
    map (``Q5=PER,Q4830453=ORG``); coordinates from ``P625``; the parent from ``P131`` (located in), else
    ``P361`` (part of), else ``P749`` (parent organization). Offline: only the file is read.

Reading yields :class:`KbRecord`s; a bad line is a record with a ``problem``, ``FILE:LINE: reason``, and
the lines around it are read on. Writing (:func:`write`) gives text that :func:`read` reads back to the
same records (``wikidata`` writes a dump slice with P31 from the reverse label map when given).

Pure: values in, values out; no database.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "KbRecord", "detect_format", "read", "write"]

FORMATS = ("tsv", "csv", "jsonl", "wikidata")
COLUMNS = ("id", "name", "label", "canonical", "aliases", "description", "parent", "latitude", "longitude")
LIST_COLUMNS = ("aliases", "admin_areas")
IGNORED = frozenset({"note", "notes", "source"})
KNOWN = frozenset(COLUMNS) | {"admin_areas"} | IGNORED
NAME_LANGUAGES = ("en", "hi", "ur", "bn")
PARENT_PROPERTIES = ("P131", "P361", "P749")
#: No value may hold NUL or a lone surrogate (a JSON escape such as "\ud800": not a character, UTF-8 and
#: PostgreSQL cannot store it); a name, alias, id or area holds no control character (line breaks, tabs).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _shown(value: str) -> str:
    """``value`` printable in a message (lone surrogates escaped)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_chars(value: str, key: str) -> None:
    found = (_NOT_TEXT if key == "description" else _CONTROL).search(value)
    if found:
        char = found.group()
        what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
        raise ValueError(f"{key} has {what} (U+{ord(char):04X}) at offset {found.start()}")


@dataclass(frozen=True)
class KbRecord:
    id: str = ""
    name: str = ""
    label: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""
    parent: str = ""
    latitude: float | None = None
    longitude: float | None = None
    admin_areas: tuple[str, ...] = ()
    origin: str = field(default="", compare=False)  # FILE:LINE
    problem: str = field(default="", compare=False)  # FILE:LINE: reason, for a bad line


def detect_format(path: str | Path) -> str:
    """The format a file's name suggests: ``.tsv``/``.tab``, ``.csv``, ``.jsonl``; ``.json`` (and
    compressed ``.json.gz``/``.json.bz2``) is a Wikidata dump slice."""
    name = str(path).lower()
    for suffix in (".gz", ".bz2"):
        name = name.removesuffix(suffix)
    if name.endswith((".tsv", ".tab")):
        return "tsv"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "wikidata"
    return "tsv"


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    elif path.suffix == ".bz2":
        raw = bz2.decompress(raw)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        return raw.decode("utf-16").removeprefix("\ufeff")
    text = raw.decode("utf-8")
    return text.removeprefix("\ufeff")


def read(
    path: str | Path, fmt: str | None = None, label_map: Mapping[str, str] | None = None
) -> Iterator[KbRecord]:
    """The records of a file (format given or :func:`detect_format`). ``label_map``: labels renamed
    (``OLD=NEW``; ``-`` leaves a record out); for ``wikidata`` the instance-of ids to labels. A file that
    cannot be read at all is one bad record."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        yield KbRecord(problem=f"{path}: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        return
    try:
        text = _text(path)
    except OSError as e:
        yield KbRecord(problem=f"{path}: cannot read: {e.strerror or e}")
        return
    except (UnicodeDecodeError, EOFError, ValueError) as e:
        yield KbRecord(problem=f"{path}: not UTF-8 text ({e})")
        return
    mapping = dict(label_map or {})
    if fmt == "wikidata":
        yield from _read_wikidata(text, str(path), mapping)
        return
    reader = _read_table(text, str(path), fmt) if fmt in ("tsv", "csv") else _read_jsonl(text, str(path))
    for record in reader:
        if record.problem or not mapping:
            yield record
            continue
        label = mapping.get(record.label, record.label)
        if label == "-":
            continue
        yield replace(record, label=label)


def _number(value: Any, what: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{what} {value!r} is not between {low:g} and {high:g}")
    return number


def _record(fields: Mapping[str, Any], where: str) -> KbRecord:
    """A record from a row's fields, or one with the line's problem."""

    def text(key: str) -> str:
        value = fields.get(key)
        if value is None:
            return ""
        if not isinstance(value, str | int | float):
            raise ValueError(f"{key} should be text")
        _check_chars(str(value), key)
        return str(value).strip()

    def listed(key: str) -> tuple[str, ...]:
        value = fields.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return ()
        if isinstance(value, str):
            items = value.split("|")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items = value
        else:
            raise ValueError(f"{key} should be a list of texts")
        for item in items:
            _check_chars(item, key)
        items = [i.strip() for i in items]
        if any(not i for i in items):
            raise ValueError(f"empty item in {key} (two '|' in a row, or one at an end)")
        for item in items:
            if not any(ch.isalnum() for ch in item):
                raise ValueError(f"{item!r} in {key} has no letters or digits")
        return tuple(items)

    try:
        name, label, canonical = text("name"), text("label"), text("canonical")
        aliases = listed("aliases")
        if canonical and canonical != name:
            name, aliases = canonical, (name, *aliases) if name else aliases
        if not name:
            raise ValueError("no name")
        if not any(ch.isalnum() for ch in name):
            raise ValueError(f"name {name!r} has no letters or digits")
        if not label:
            raise ValueError("no label")
        if any(ch.isspace() for ch in label):
            raise ValueError(f"label {label!r} has spaces")
        latitude = _number(fields.get("latitude"), "latitude", -90, 90)
        longitude = _number(fields.get("longitude"), "longitude", -180, 180)
        if (latitude is None) != (longitude is None):
            raise ValueError("latitude and longitude go together")
        return KbRecord(
            text("id"),
            name,
            label,
            tuple(a for a in dict.fromkeys(aliases) if a != name),
            text("description"),
            text("parent"),
            latitude,
            longitude,
            listed("admin_areas"),
            origin=where,
        )
    except ValueError as e:
        return KbRecord(origin=where, problem=f"{where}: {e}")


def _read_table(text: str, path: str, fmt: str) -> Iterator[KbRecord]:
    lines = text.split("\n")
    columns: list[str] | None = None
    if fmt == "tsv":
        rows: Iterable[tuple[int, list[str]]] = (
            (n, line.rstrip("\r").split("\t"))
            for n, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#")
        )
    else:
        blanked = ["" if line.lstrip().startswith("#") else line for line in lines]
        reader = csv.reader(io.StringIO("\n".join(blanked)))

        def csv_rows() -> Iterator[tuple[int, list[str]]]:
            try:
                for row in reader:
                    if any(cell.strip() for cell in row):
                        yield reader.line_num, row
            except csv.Error as e:
                yield reader.line_num, [f"\0{e}"]

        rows = csv_rows()
    for number, cells in rows:
        where = f"{path}:{number}"
        if len(cells) == 1 and cells[0].startswith("\0"):
            yield KbRecord(origin=where, problem=f"{where}: {cells[0][1:]} (reading stopped here)")
            return
        if columns is None:
            columns = [c.strip().lower() for c in cells]
            unknown = [c for c in columns if c not in KNOWN]
            missing = [c for c in ("name", "label") if c not in columns]
            if unknown or missing or len(set(columns)) != len(columns):
                why = [f"no {m!r} column" for m in missing]
                if unknown:
                    why.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
                if len(set(columns)) != len(columns):
                    why.append("a column named twice")
                yield KbRecord(
                    origin=where,
                    problem=f"{where}: bad header ({'; '.join(why)}); columns: {', '.join(sorted(KNOWN))}",
                )
                return
            continue
        if len(cells) > len(columns):
            sep = "tabs" if fmt == "tsv" else "commas"
            yield KbRecord(
                origin=where,
                problem=f"{where}: {len(cells)} fields but the header has {len(columns)} ({sep} in a field?)",
            )
            continue
        yield _record(dict(zip(columns, cells, strict=False)), where)
    if columns is None:
        yield KbRecord(problem=f"{path}: no header line (name, label, …)")


def _json_lines(text: str, path: str, *, dump: bool) -> Iterator[tuple[str, Any]]:
    """(FILE:LINE, the line's JSON value or an error string prefixed ``\\0``) of the non-blank lines."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if dump:
            stripped = stripped.rstrip(",").strip()
            if stripped in ("[", "]", ""):
                continue
        if not stripped:
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(stripped)
        except json.JSONDecodeError as e:
            yield where, f"\0invalid JSON: {e.msg} (column {e.colno})"
        except (RecursionError, ValueError):
            yield where, "\0invalid JSON (too deep or a number too long)"


def _read_jsonl(text: str, path: str) -> Iterator[KbRecord]:
    for where, value in _json_lines(text, path, dump=False):
        if isinstance(value, str) and value.startswith("\0"):
            yield KbRecord(origin=where, problem=f"{where}: {value[1:]}")
        elif not isinstance(value, dict):
            yield KbRecord(origin=where, problem=f"{where}: expected a JSON object")
        else:
            unknown = sorted(set(value) - KNOWN)
            if unknown:
                shown = ", ".join(map(_shown, unknown))
                yield KbRecord(origin=where, problem=f"{where}: unknown field(s) {shown}")
            else:
                yield _record(value, where)


def _claim_ids(claims: Mapping[str, Any], prop: str) -> list[str]:
    out = []
    for claim in claims.get(prop) or ():
        try:
            value = claim["mainsnak"]["datavalue"]["value"]
        except (KeyError, TypeError):
            continue
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            out.append(value["id"])
        elif isinstance(value, dict) and "numeric-id" in value:
            out.append(f"Q{value['numeric-id']}")
    return out


def _read_wikidata(text: str, path: str, label_map: Mapping[str, str]) -> Iterator[KbRecord]:
    for where, item in _json_lines(text, path, dump=True):
        if isinstance(item, str) and item.startswith("\0"):
            yield KbRecord(origin=where, problem=f"{where}: {item[1:]}")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            yield KbRecord(
                origin=where, problem=f"{where}: expected a Wikidata entity (an object with an id)"
            )
            continue
        qid = item["id"]
        if _CONTROL.search(qid):
            yield KbRecord(
                origin=where, problem=f"{where}: id {_shown(qid)} holds a control character or lone surrogate"
            )
            continue
        try:
            labels = {
                lang: v["value"].strip()
                for lang, v in (item.get("labels") or {}).items()
                if isinstance(v, dict) and isinstance(v.get("value"), str) and v["value"].strip()
            }
            aliases = [
                a["value"].strip()
                for values in (item.get("aliases") or {}).values()
                for a in values
                if isinstance(a, dict) and isinstance(a.get("value"), str) and a["value"].strip()
            ]
            descriptions = {
                lang: v["value"]
                for lang, v in (item.get("descriptions") or {}).items()
                if isinstance(v, dict) and isinstance(v.get("value"), str)
            }
            claims = item.get("claims") or {}
            if not isinstance(claims, dict):
                raise TypeError
        except (AttributeError, TypeError):
            yield KbRecord(origin=where, problem=f"{where}: {qid}: labels, aliases or claims are malformed")
            continue
        if not labels:
            yield KbRecord(origin=where, problem=f"{where}: {qid}: no label in any language")
            continue
        name = next((labels[lang] for lang in NAME_LANGUAGES if lang in labels), next(iter(labels.values())))
        kinds = _claim_ids(claims, "P31")
        mapped = [label_map[k] for k in kinds if k in label_map]
        if not mapped:
            known = f" ({', '.join(kinds[:5])})" if kinds else ""
            yield KbRecord(
                origin=where,
                problem=f"{where}: {qid}: no instance-of (P31){known} in --label-map "
                "(e.g. --label-map Q5=PER,Q4830453=ORG)",
            )
            continue
        if mapped[0] == "-":
            continue
        latitude = longitude = None
        for claim in claims.get("P625") or ():
            try:
                value = claim["mainsnak"]["datavalue"]["value"]
                latitude, longitude = float(value["latitude"]), float(value["longitude"])
                break
            except (KeyError, TypeError, ValueError):
                continue
        parent = next((ids[0] for prop in PARENT_PROPERTIES if (ids := _claim_ids(claims, prop))), "")
        description = next(
            (descriptions[lang] for lang in NAME_LANGUAGES if lang in descriptions),
            next(iter(descriptions.values()), ""),
        )
        spellings = [v for v in labels.values() if v != name] + aliases
        fields = {
            "id": qid,
            "name": name,
            "label": mapped[0],
            "aliases": list(dict.fromkeys(spellings)),
            "description": description,
            "parent": parent,
            "latitude": latitude,
            "longitude": longitude,
        }
        yield _record(fields, where)


# ---------------------------------------------------------------------------------------------- writing


def _clean(value: str) -> str:
    return " ".join(value.replace("|", "/").split())


def write(records: Iterable[KbRecord], fmt: str, label_map: Mapping[str, str] | None = None) -> str:
    """The text of a file of ``records`` in ``fmt`` (:func:`read` gives them back). For ``wikidata``,
    ``label_map`` maps instance-of ids to labels, as on import; its reverse gives each record's P31."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    records = list(records)
    if fmt in ("tsv", "csv"):
        header = [
            "id",
            "name",
            "label",
            "aliases",
            "description",
            "parent",
            "latitude",
            "longitude",
            "admin_areas",
        ]
        rows = [
            [
                r.id,
                _clean(r.name),
                r.label,
                "|".join(_clean(a) for a in r.aliases),
                _clean(r.description),
                r.parent,
                "" if r.latitude is None else repr(r.latitude),
                "" if r.longitude is None else repr(r.longitude),
                "|".join(_clean(a) for a in r.admin_areas),
            ]
            for r in records
        ]
        if fmt == "tsv":
            return "".join("\t".join(row) + "\n" for row in [header, *rows])
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *rows])
        return out.getvalue()
    if fmt == "jsonl":
        lines = []
        for r in records:
            obj: dict[str, Any] = {"id": r.id, "name": r.name, "label": r.label, "aliases": list(r.aliases)}
            if r.description:
                obj["description"] = r.description
            if r.parent:
                obj["parent"] = r.parent
            if r.latitude is not None:
                obj["latitude"], obj["longitude"] = r.latitude, r.longitude
            if r.admin_areas:
                obj["admin_areas"] = list(r.admin_areas)
            lines.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        return "".join(line + "\n" for line in lines)
    reverse = {label: qid for qid, label in (label_map or {}).items() if label != "-"}
    lines = []
    for r in records:
        labels = {"en": {"language": "en", "value": r.name}}
        aliases: dict[str, list[dict[str, str]]] = {}
        for a in r.aliases:
            lang = _language(a)
            aliases.setdefault(lang, []).append({"language": lang, "value": a})
        claims: dict[str, Any] = {
            "P31": [_item_claim("P31", reverse.get(r.label, r.label))],
        }
        if r.parent:
            claims["P131"] = [_item_claim("P131", r.parent)]
        if r.latitude is not None:
            claims["P625"] = [
                {
                    "mainsnak": {
                        "property": "P625",
                        "datavalue": {"value": {"latitude": r.latitude, "longitude": r.longitude}},
                    }
                }
            ]
        item = {"type": "item", "id": r.id, "labels": labels, "aliases": aliases, "claims": claims}
        if r.description:
            item["descriptions"] = {"en": {"language": "en", "value": r.description}}
        lines.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    return "[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n"


def _item_claim(prop: str, target: str) -> dict[str, Any]:
    return {
        "mainsnak": {"property": prop, "datavalue": {"value": {"id": target}, "type": "wikibase-entityid"}}
    }


def _language(text: str) -> str:
    for ch in text:
        if "\u0900" <= ch <= "\u097f":
            return "hi"
        if "\u0600" <= ch <= "\u06ff":
            return "ur"
        if "\u0980" <= ch <= "\u09ff":
            return "bn"
    return "en"
