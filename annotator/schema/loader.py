"""Load and validate label schemas written in TOML, and write schemas as TOML.

Schema file format
==================

A schema is a UTF-8 TOML file (a leading byte-order mark is tolerated). Top-level keys:

``[schema]`` (required table)
    ``name``         required string: letters, digits, ``.``, ``_``, ``-``; starts with a letter or digit.
    ``version``      required string (quote it: ``version = "1.0"``, not ``1.0``).
    ``description``  optional string.
    ``naming``       optional: ``"strict"`` (default) or ``"brat"``. ``brat`` accepts brat's names
                     (``[A-Za-z0-9_][A-Za-z0-9_-]*``, e.g. ``Transfer-money``, ``Person-Arg``,
                     ``Negation``) wherever the rules below ask for UPPER_SNAKE, role or lower_snake names;
                     schemas converted from brat (:mod:`annotator.schema.brat_conf`) use it.

``[[entities]]`` (required, at least one) -- entity (span) types, in display order:
    ``name``         required UPPER_SNAKE identifier (``[A-Z][A-Z0-9_]*``), at most 64 characters, unique
                     among entity, event *and* relation types.
    ``color``        required ``#RRGGBB``; unique among entity types (case-insensitive). It is drawn as a
                     light highlight behind black text, so pick light colours.
    ``hotkey``       optional single printable ASCII character other than space; letters must be lower
                     case. Unique across all entity, event and relation types and sentiment levels, and
                     not one of the workbench's own keys (``annotator.keymap``: e m y c k i # [ ] { } - = +,
                     and the digits, which only event types may take).
    ``description``  required non-empty string: the one-line annotation guideline.
    ``parent``       optional name of an entity type declared above: this type is a subtype of it and is
                     accepted wherever the parent (or another ancestor) is.
    ``abstract``     optional boolean, default false: the type only groups its subtypes and cannot be
                     assigned; it takes no hotkey.
    ``[[entities.attributes]]``  optional attribute definitions (see *Attributes*).

``[[entity_attributes]]``, ``[[event_attributes]]``, ``[[relation_attributes]]`` (optional) -- attributes
every entity / event (e.g. ``modality``) / relation type carries. A type's own attributes may not reuse
these names.

``[[events]]`` (optional) -- event types, in display order:
    ``name``, ``color`` (unique among event types), ``hotkey``, ``description``, ``parent`` (an event
    type declared above), ``abstract``: as for entities.
    ``[[events.roles]]``  optional argument roles:
        ``name``         required identifier starting with an upper-case letter (``[A-Z][A-Za-z0-9_]*``),
                         e.g. ``Attacker``; at most 64 characters; unique within the event type.
        ``types``        required non-empty array of entity type names -- or event type names, for roles
                         such as ``Topic`` or ``Crime`` whose argument may be another event. No duplicates.
                         Subtypes of a listed type fill the role too.
        ``cardinality``  optional: ``"optional"`` (0..1), ``"one"`` (exactly 1), ``"one_or_more"``
                         (1..), ``"any"`` (0.., the default) or an integer N >= 1 (exactly N). Not together
                         with ``min``/``max``.
        ``min``          optional integer >= 0, default 0: arguments of this role an event needs.
        ``max``          optional integer >= 1, or ``"many"``; omitted means unbounded. ``min <= max``.
        ``description``  required non-empty string.
    ``[[events.attributes]]``  optional type-specific attributes (e.g. ``killed`` on ``DIE``).

``[[relations]]`` (optional) -- relation types between two entities, in display order:
    ``name``, ``color`` (unique among relation types), ``description``: as for entities.
    ``hotkey``       as for entities, except that upper-case letters (Shift+letter) are allowed too.
    ``from``         required non-empty array of entity type names: the accepted first arguments.
    ``to``           array of entity type names: the accepted second arguments. Required unless the
                     relation is symmetric; for a symmetric one it may be left out and, if given, must
                     hold the same types as ``from``.
    ``symmetric``    optional boolean, default false: A–B is the same relation as B–A.
    ``equivalence``  optional boolean, default false: symmetric and transitive (aliases, brat's
                     ``symmetric-transitive``); implies ``symmetric`` (``symmetric = false`` with it is an
                     error).
    ``[[relations.attributes]]``  optional type-specific attributes.

Attributes (``[[entities.attributes]]``, ``[[entity_attributes]]``, ``[[events.attributes]]``,
``[[event_attributes]]``, ``[[relations.attributes]]``, ``[[relation_attributes]]``):
    ``name``         required lower_snake identifier (``[a-z][a-z0-9_]*``), unique per owner. The built-in
                     attributes every annotation may carry (``note``, text; ``confidence``, choice of
                     high/medium/low: :data:`~annotator.schema.model.BUILTIN_ATTRIBUTES`) may be declared
                     only with their own kind; the declaration then replaces the built-in.
    ``kind``         required: ``choice`` (one of ``values``), ``count`` (integer >= 0), ``flag`` (boolean)
                     or ``text`` (string).
    ``values``       choice only, required there: non-empty array of unique tokens
                     (``[A-Za-z0-9][A-Za-z0-9_-]*``).
    ``default``      optional; must be a valid value of the kind (for a choice: one of ``values``). An
                     editor pre-fills it on new annotations.
    ``required``     optional boolean, default false: a finished annotation must carry a value.
    ``description``  optional string.

``[document_sentiment]`` (optional) -- an ordered scale for the tone of the whole document:
    ``name``         required lower_snake identifier: the key the value is stored under (``tone``).
    ``description``  optional string.
    ``[[document_sentiment.levels]]``  at least two levels, listed in strictly increasing ``value`` order:
        ``value``        required integer, unique.
        ``label``        required non-empty string, unique.
        ``description``  required non-empty string.
        ``hotkey``       optional, as for types (same namespace).

``[targeted_sentiment]`` (optional) -- polarity toward one entity or event:
    ``polarities``   required non-empty array of unique tokens such as ``["NEG", "NEU", "POS"]``.
    ``targets``      required non-empty array, a subset of ``["entity", "event"]``.
    ``description``  optional string.

Any other key, anywhere, is an error (so a typo such as ``colour`` is reported, never silently ignored).

Errors
======

All problems are collected before anything is reported; :class:`SchemaError` carries them in ``problems``,
each of the form ``<source>: <field path>: <reason>``, e.g.
``default.toml: events[2].roles[0].types[1]: unknown type 'ORGG' (known: PER, ORG, ...)``. Indices are
0-based positions in the arrays of tables. A TOML syntax error gives a single problem naming the line and
column.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from annotator.keymap import reserved_key
from annotator.resources import resource_path
from annotator.schema.model import (
    ATTRIBUTE_KINDS,
    BUILTIN_ATTRIBUTES,
    CARDINALITIES,
    NAMINGS,
    SENTIMENT_TARGET_KINDS,
    AttributeDef,
    DocumentSentiment,
    EntityType,
    EventType,
    RelationType,
    Role,
    Schema,
    SentimentLevel,
    TargetedSentiment,
    cardinality_name,
)

__all__ = ["SchemaError", "default_schema", "load_schema", "parse_schema", "schema_to_toml"]

TYPE_NAME_RE = re.compile(r"[A-Z][A-Z0-9_]*")
ROLE_NAME_RE = re.compile(r"[A-Z][A-Za-z0-9_]*")
ATTR_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
#: Type, role and attribute names of ``naming = "brat"`` schemas: brat's label rule.
BRAT_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: Longest type or role name (the database stores them in 64-character columns).
MAX_NAME_LENGTH = 64
TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
SCHEMA_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
UNBOUNDED = "many"

_ROOT_KEYS = (
    "schema",
    "entities",
    "entity_attributes",
    "event_attributes",
    "relation_attributes",
    "events",
    "relations",
    "document_sentiment",
    "targeted_sentiment",
)
_SCHEMA_KEYS = ("name", "version", "description", "naming")
_GUIDE_KEYS = ("guideline", "examples")
_ENTITY_KEYS = ("name", "color", "hotkey", "description", "parent", "abstract", "attributes", *_GUIDE_KEYS)
_EVENT_KEYS = (
    "name",
    "color",
    "hotkey",
    "description",
    "parent",
    "abstract",
    "roles",
    "attributes",
    *_GUIDE_KEYS,
)
_RELATION_KEYS = (
    "name",
    "color",
    "hotkey",
    "description",
    "from",
    "to",
    "symmetric",
    "equivalence",
    "attributes",
    *_GUIDE_KEYS,
)
_ROLE_KEYS = ("name", "types", "cardinality", "min", "max", "description", *_GUIDE_KEYS)
_ATTR_KEYS = ("name", "kind", "values", "default", "required", "description", *_GUIDE_KEYS)
_DOC_SENT_KEYS = ("name", "description", "levels")
_LEVEL_KEYS = ("value", "label", "description", "hotkey")
_TARGETED_KEYS = ("polarities", "targets", "description")

_MISSING = object()


class SchemaError(ValueError):
    """A schema could not be loaded; ``problems`` lists every reason, ``str(e)`` one per line."""

    def __init__(self, problems: list[str], source: str = "<schema>") -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, datetime | date | time):
        return "date/time"
    return type(value).__name__  # pragma: no cover - tomllib produces nothing else


class _Checker:
    """Collects problems while walking the parsed TOML."""

    def __init__(self, source: str, naming: str = "strict", *, workbench_keys: bool = True) -> None:
        self.source = source
        self.naming = naming
        self.workbench_keys = workbench_keys  # refuse keys the workbench reserves (annotator.keymap)
        self.problems: list[str] = []
        # Hotkey -> path of the first owner, across entities, events, relations and sentiment levels.
        self.hotkeys: dict[str, str] = {}

    # -- names, by the schema's naming rules

    def name(self, table: dict[str, Any], path: str, what: str) -> str | None:
        """The ``name`` of a type (``what="type"``), role or attribute, checked by the naming rules."""
        if self.naming == "brat":
            pattern, desc = BRAT_NAME_RE, "a brat name (letters, digits, '_' or '-')"
        elif what == "type":
            pattern, desc = TYPE_NAME_RE, "an UPPER_SNAKE identifier ([A-Z][A-Z0-9_]*)"
        elif what == "role":
            pattern = ROLE_NAME_RE
            desc = "a role name starting with an upper-case letter ([A-Z][A-Za-z0-9_]*)"
        else:
            pattern, desc = ATTR_NAME_RE, "a lower_snake identifier ([a-z][a-z0-9_]*)"
        name = self.string(table, "name", path, required=True, pattern=pattern, pattern_desc=desc)
        if name is not None and what != "attribute" and len(name) > MAX_NAME_LENGTH:
            self.add(_join(path, "name"), f"{name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters")
            return None
        return name

    def add(self, path: str, reason: str) -> None:
        self.problems.append(f"{self.source}: {path}: {reason}")

    # -- structure

    def keys(self, table: dict[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add(_join(path, key), f"unknown key ({hint}allowed: {', '.join(allowed)})")

    def table_array(self, table: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        """``table[key]`` as an array of tables (empty when absent); reports a wrong shape."""
        value = table.get(key, _MISSING)
        full = _join(path, key)
        header = re.sub(r"\[\d+\]", "", full)  # events[0].roles -> events.roles, as written in TOML
        if value is _MISSING:
            return []
        if isinstance(value, dict):
            self.add(full, f"must be an array of tables ([[{header}]]), not a single table ([{header}])")
            return []
        if not isinstance(value, list):
            self.add(full, f"must be an array of tables ([[{header}]]), got {_type_name(value)}")
            return []
        items = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                items.append(item)
            else:
                self.add(f"{full}[{i}]", f"must be a table, got {_type_name(item)}")
                items.append({})
        return items

    # -- scalar fields

    def string(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        nonempty: bool = False,
        pattern: re.Pattern[str] | None = None,
        pattern_desc: str = "",
        quote_hint: bool = False,
    ) -> str | None:
        value = table.get(key, _MISSING)
        full = _join(path, key)
        if value is _MISSING:
            if required:
                self.add(full, "missing required field")
            return None
        if not isinstance(value, str):
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            hint = f' (quote it: "{value}")' if quote_hint and numeric else ""
            self.add(full, f"must be a string, got {_type_name(value)}{hint}")
            return None
        if nonempty and not value.strip():
            self.add(full, "must not be empty")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.add(full, f"{value!r} is not {pattern_desc}")
            return None
        return value

    def integer(self, table: dict[str, Any], key: str, path: str, *, required: bool = False) -> int | None:
        value = table.get(key, _MISSING)
        full = _join(path, key)
        if value is _MISSING:
            if required:
                self.add(full, "missing required field")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(full, f"must be an integer, got {_type_name(value)}")
            return None
        return value

    def boolean(self, table: dict[str, Any], key: str, path: str) -> bool | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.add(_join(path, key), f"must be true or false, got {_type_name(value)}")
            return None
        return value

    def string_list(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        item_check: Callable[[str, str], bool] | None = None,
    ) -> list[str] | None:
        """A non-empty array of unique strings; ``item_check(item, item_path)`` reports and returns False
        for a bad item (which is then left out)."""
        value = table.get(key, _MISSING)
        full = _join(path, key)
        if value is _MISSING:
            if required:
                self.add(full, "missing required field")
            return None
        if not isinstance(value, list):
            self.add(full, f"must be an array of strings, got {_type_name(value)}")
            return None
        if not value:
            self.add(full, "must not be empty")
            return None
        items: list[str] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            item_path = f"{full}[{i}]"
            if not isinstance(item, str):
                self.add(item_path, f"must be a string, got {_type_name(item)}")
                continue
            if item in seen:
                self.add(item_path, f"duplicate {item!r} (also {full}[{seen[item]}])")
                continue
            seen[item] = i
            if item_check is not None and not item_check(item, item_path):
                continue
            items.append(item)
        return items

    def token(self, item: str, path: str) -> bool:
        if not TOKEN_RE.fullmatch(item):
            self.add(
                path,
                f"{item!r} is not a token (letters, digits, '_' or '-', starting with a letter or digit)",
            )
            return False
        return True

    def color(self, table: dict[str, Any], path: str, seen: dict[str, str]) -> str | None:
        color = self.string(table, "color", path, required=True)
        if color is None:
            return None
        full = _join(path, "color")
        if not COLOR_RE.fullmatch(color):
            self.add(full, f"{color!r} is not a colour of the form #RRGGBB")
            return None
        other = seen.get(color.lower())
        if other is not None:
            self.add(full, f"colour {color} already used by {other}")
        else:
            seen[color.lower()] = path
        return color

    def hotkey(
        self, table: dict[str, Any], path: str, owner: str, *, kind: str, upper_ok: bool = False
    ) -> str | None:
        """A hotkey of a ``kind`` ("entity", "event", "relation", "level"); ``upper_ok`` allows upper-case
        letters (Shift+letter, relation types only). A key the workbench uses itself is refused."""
        key = self.string(table, "hotkey", path)
        if key is None:
            return None
        full = _join(path, "hotkey")
        if len(key) != 1 or not key.isascii() or not key.isprintable() or key == " ":
            self.add(full, f"{key!r} is not a single printable ASCII character other than space")
            return None
        if key.isalpha() and not key.islower() and not upper_ok:
            self.add(
                full,
                f"{key!r}: letters must be lower case (write {key.lower()!r}; upper-case letters are for "
                "relation types)",
            )
            return None
        used_for = reserved_key(key, kind) if self.workbench_keys else None
        if used_for is not None:
            self.add(full, f"hotkey {key!r} is the workbench's key to {used_for}; choose another")
            return None
        other = self.hotkeys.get(key)
        if other is not None:
            self.add(full, f"hotkey {key!r} already used by {other}")
            return None
        self.hotkeys[key] = f"{path} ({owner})" if owner else path
        return key


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean '{close[0]}'? " if close else ""


# ---------------------------------------------------------------------------- sections


_BUILTINS = {a.name: a for a in BUILTIN_ATTRIBUTES}


def _guide(ch: _Checker, table: dict[str, Any], path: str) -> dict[str, Any]:
    """The optional ``guideline`` (Markdown text) and ``examples`` (strings) of a type, role or attribute, as
    keyword arguments of its model class."""
    guideline = ch.string(table, "guideline", path) or ""
    examples = ch.string_list(table, "examples", path) if "examples" in table else None
    return {"guideline": guideline, "examples": tuple(examples or ())}


def _attribute(ch: _Checker, table: dict[str, Any], path: str) -> AttributeDef | None:
    ch.keys(table, path, _ATTR_KEYS)
    name = ch.name(table, path, "attribute")
    kind = ch.string(table, "kind", path, required=True)
    if kind is not None and kind not in ATTRIBUTE_KINDS:
        ch.add(_join(path, "kind"), f"{kind!r} is not one of: {', '.join(ATTRIBUTE_KINDS)}")
        kind = None
    builtin = _BUILTINS.get(name or "")
    if builtin is not None and kind is not None and kind != builtin.kind:
        ch.add(
            _join(path, "kind"),
            f"{name!r} is a built-in attribute of kind {builtin.kind!r}; declare it with that kind or "
            "choose another name",
        )
        kind = None
    values: list[str] | None = None
    if kind == "choice":
        values = ch.string_list(table, "values", path, required=True, item_check=ch.token)
    elif "values" in table and kind is not None:
        ch.add(_join(path, "values"), f"only choice attributes take values (this one is {kind!r})")
    required = ch.boolean(table, "required", path)
    description = ch.string(table, "description", path)
    default = table.get("default")
    if default is not None and kind is not None:
        probe = AttributeDef(name=name or "?", kind=kind, values=tuple(values or ()))
        if kind != "choice" or values is not None:
            problem = probe.check_value(default)
            if problem:
                ch.add(_join(path, "default"), problem)
                default = None
    if name is None or kind is None or (kind == "choice" and not values):
        return None
    return AttributeDef(
        name=name,
        kind=kind,
        values=tuple(values or ()),
        default=default,
        required=bool(required),
        description=description or "",
        **_guide(ch, table, path),
    )


def _attributes(
    ch: _Checker, table: dict[str, Any], key: str, path: str, reserved: dict[str, str] | None = None
) -> list[AttributeDef]:
    """The attribute array ``table[key]``; ``reserved`` maps names already taken (global attributes) to
    where they are defined."""
    attrs: list[AttributeDef] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(ch.table_array(table, key, path)):
        item_path = f"{_join(path, key)}[{i}]"
        attr = _attribute(ch, item, item_path)
        if attr is None:
            continue
        if attr.name in seen:
            ch.add(_join(item_path, "name"), f"duplicate attribute {attr.name!r} (also {seen[attr.name]})")
            continue
        if reserved and attr.name in reserved:
            ch.add(
                _join(item_path, "name"),
                f"attribute {attr.name!r} is already defined for every type in {reserved[attr.name]}",
            )
            continue
        seen[attr.name] = item_path
        attrs.append(attr)
    return attrs


@dataclass
class _Header:
    """The fields every entity, event and relation type has, as checked (``None`` = missing or bad)."""

    table: dict[str, Any]
    path: str
    name: str | None
    color: str | None
    hotkey: str | None
    description: str | None
    parent: str | None = None
    abstract: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.name and self.color and self.description)


def _type_header(
    ch: _Checker,
    table: dict[str, Any],
    path: str,
    names: dict[str, str],
    colors: dict[str, str],
    *,
    kind: str,
    upper_ok: bool = False,
) -> _Header:
    """name, color, hotkey, description of an entity, event or relation type (``kind``)."""
    name = ch.name(table, path, "type")
    if name is not None:
        if name in names:
            ch.add(_join(path, "name"), f"duplicate type name {name!r} (also {names[name]})")
        else:
            names[name] = path
    color = ch.color(table, path, colors)
    hotkey = ch.hotkey(table, path, name or "", kind=kind, upper_ok=upper_ok)
    description = ch.string(table, "description", path, required=True, nonempty=True)
    return _Header(table, path, name, color, hotkey, description)


def _hierarchy(ch: _Checker, header: _Header, earlier: dict[str, str], kind: str) -> None:
    """Checks ``parent`` (an earlier type of the same kind) and ``abstract``; fills them into ``header``.
    ``earlier`` maps the names of the types of this kind declared so far to their paths."""
    table, path = header.table, header.path
    parent = ch.string(table, "parent", path)
    if parent is not None:
        if parent == header.name:
            ch.add(_join(path, "parent"), f"a type cannot be its own parent ({parent!r})")
        elif parent not in earlier:
            known = list(earlier)
            ch.add(
                _join(path, "parent"),
                f"{parent!r} is not an {kind} type declared before this one "
                f"({_suggest(parent, known)}known: {', '.join(known) or 'none'})",
            )
        else:
            header.parent = parent
    abstract = ch.boolean(table, "abstract", path)
    if abstract and header.hotkey is not None:
        ch.add(_join(path, "hotkey"), "an abstract type cannot be assigned, so it takes no hotkey")
    header.abstract = bool(abstract)


_CARDINALITY_HELP = ", ".join(f'"{name}"' for name in CARDINALITIES) + " or an integer >= 1 (exactly N)"


def _bounds(ch: _Checker, table: dict[str, Any], path: str) -> tuple[int, int | None] | None:
    """``(min, max)`` of a role from ``cardinality`` or ``min``/``max``; ``None`` after a problem."""
    raw_card = table.get("cardinality", _MISSING)
    if raw_card is not _MISSING:
        full = _join(path, "cardinality")
        if "min" in table or "max" in table:
            ch.add(full, "give either cardinality or min/max, not both")
            return None
        if isinstance(raw_card, str) and raw_card in CARDINALITIES:
            return CARDINALITIES[raw_card]
        if isinstance(raw_card, int) and not isinstance(raw_card, bool) and raw_card >= 1:
            return raw_card, raw_card
        hint = _suggest(raw_card, list(CARDINALITIES)) if isinstance(raw_card, str) else ""
        shown = str(raw_card).lower() if isinstance(raw_card, bool) else repr(raw_card)
        ch.add(full, f"{shown} is not a cardinality ({hint}one of {_CARDINALITY_HELP})")
        return None
    ok = True
    lo = ch.integer(table, "min", path)
    if lo is not None and lo < 0:
        ch.add(_join(path, "min"), f"must be >= 0, got {lo}")
        lo = None
    hi: int | None = None
    raw_max = table.get("max", _MISSING)
    if raw_max is not _MISSING and raw_max != UNBOUNDED:
        if isinstance(raw_max, bool) or not isinstance(raw_max, int):
            ch.add(_join(path, "max"), f'must be an integer or "{UNBOUNDED}", got {raw_max!r}')
            ok = False
        elif raw_max < 1:
            ch.add(_join(path, "max"), f'must be >= 1 (or "{UNBOUNDED}"), got {raw_max}')
            ok = False
        else:
            hi = raw_max
    if lo is not None and hi is not None and lo > hi:
        ch.add(_join(path, "min"), f"min ({lo}) is greater than max ({hi})")
        ok = False
    return (lo or 0, hi) if ok else None


def _role(ch: _Checker, table: dict[str, Any], path: str, known_types: list[str]) -> Role | None:
    ch.keys(table, path, _ROLE_KEYS)
    name = ch.name(table, path, "role")

    def known(item: str, item_path: str) -> bool:
        if item not in known_types:
            ch.add(
                item_path,
                f"unknown type {item!r} ({_suggest(item, known_types)}known: {', '.join(known_types)})",
            )
            return False
        return True

    types = ch.string_list(table, "types", path, required=True, item_check=known)
    bounds = _bounds(ch, table, path)
    description = ch.string(table, "description", path, required=True, nonempty=True)
    if name is None or not types or description is None or bounds is None:
        return None
    guide = _guide(ch, table, path)
    return Role(name=name, types=tuple(types), min=bounds[0], max=bounds[1], description=description, **guide)


def _entities(
    ch: _Checker, root: dict[str, Any], names: dict[str, str], global_attrs: dict[str, str]
) -> list[EntityType]:
    items = ch.table_array(root, "entities", "")
    if "entities" not in root:
        ch.add("entities", "missing required field (at least one [[entities]] table)")
    elif not items and isinstance(root["entities"], list):
        ch.add("entities", "must contain at least one entity type")
    colors: dict[str, str] = {}
    earlier: dict[str, str] = {}
    result: list[EntityType] = []
    for i, table in enumerate(items):
        path = f"entities[{i}]"
        ch.keys(table, path, _ENTITY_KEYS)
        header = _type_header(ch, table, path, names, colors, kind="entity")
        _hierarchy(ch, header, earlier, "entity")
        if header.name is not None:
            earlier.setdefault(header.name, path)
        attrs = _attributes(ch, table, "attributes", path, global_attrs)
        if header.complete:
            assert header.name and header.color and header.description
            result.append(
                EntityType(
                    header.name,
                    header.color,
                    header.description,
                    header.hotkey,
                    tuple(attrs),
                    parent=header.parent,
                    abstract=header.abstract,
                    **_guide(ch, table, path),
                )
            )
    return result


def _event_headers(ch: _Checker, root: dict[str, Any], names: dict[str, str]) -> list[_Header]:
    """First pass over [[events]]: names (so roles may refer to event types), colours, hotkeys, parents."""
    colors: dict[str, str] = {}
    earlier: dict[str, str] = {}
    headers = []
    for i, table in enumerate(ch.table_array(root, "events", "")):
        path = f"events[{i}]"
        ch.keys(table, path, _EVENT_KEYS)
        header = _type_header(ch, table, path, names, colors, kind="event")
        _hierarchy(ch, header, earlier, "event")
        if header.name is not None:
            earlier.setdefault(header.name, path)
        headers.append(header)
    return headers


def _events(
    ch: _Checker, headers: list[_Header], known_types: list[str], global_attrs: dict[str, str]
) -> list[EventType]:
    result: list[EventType] = []
    for header in headers:
        table, path = header.table, header.path
        roles: list[Role] = []
        seen: dict[str, str] = {}
        ok = True
        for j, role_table in enumerate(ch.table_array(table, "roles", path)):
            role_path = f"{path}.roles[{j}]"
            role = _role(ch, role_table, role_path, known_types)
            if role is None:
                ok = False
                continue
            if role.name in seen:
                ch.add(_join(role_path, "name"), f"duplicate role {role.name!r} (also {seen[role.name]})")
                continue
            seen[role.name] = role_path
            roles.append(role)
        attrs = _attributes(ch, table, "attributes", path, global_attrs)
        if header.complete and ok:
            assert header.name and header.color and header.description
            result.append(
                EventType(
                    header.name,
                    header.color,
                    header.description,
                    header.hotkey,
                    tuple(roles),
                    tuple(attrs),
                    parent=header.parent,
                    abstract=header.abstract,
                    **_guide(ch, table, path),
                )
            )
    return result


def _relations(
    ch: _Checker,
    root: dict[str, Any],
    names: dict[str, str],
    entity_names: list[str],
    event_names: list[str],
    global_attrs: dict[str, str],
) -> list[RelationType]:
    def entity_type(item: str, item_path: str) -> bool:
        if item in entity_names:
            return True
        if item in event_names:
            ch.add(item_path, f"{item!r} is an event type; a relation connects entities")
        else:
            ch.add(
                item_path,
                f"unknown entity type {item!r} "
                f"({_suggest(item, entity_names)}known: {', '.join(entity_names)})",
            )
        return False

    colors: dict[str, str] = {}
    result: list[RelationType] = []
    for i, table in enumerate(ch.table_array(root, "relations", "")):
        path = f"relations[{i}]"
        ch.keys(table, path, _RELATION_KEYS)
        header = _type_header(ch, table, path, names, colors, kind="relation", upper_ok=True)
        symmetric = ch.boolean(table, "symmetric", path)
        equivalence = ch.boolean(table, "equivalence", path)
        ok = True
        if equivalence and symmetric is False:
            ch.add(
                _join(path, "symmetric"),
                "an equivalence is symmetric (and transitive): leave out 'symmetric = false'",
            )
            ok = False
        undirected = bool(symmetric or equivalence)
        from_types = ch.string_list(table, "from", path, required=True, item_check=entity_type)
        to_types = ch.string_list(table, "to", path, required=not undirected, item_check=entity_type)
        if undirected:
            if to_types is not None and from_types is not None and set(to_types) != set(from_types):
                ch.add(
                    _join(path, "to"),
                    f"a symmetric relation has one list of types, but 'to' ({', '.join(to_types)}) differs "
                    f"from 'from' ({', '.join(from_types)}): make them equal or leave 'to' out",
                )
                ok = False
            to_types = from_types
        attrs = _attributes(ch, table, "attributes", path, global_attrs)
        if header.complete and from_types and to_types and ok:
            assert header.name and header.color and header.description
            result.append(
                RelationType(
                    header.name,
                    header.color,
                    header.description,
                    from_types=tuple(from_types),
                    to_types=tuple(to_types),
                    hotkey=header.hotkey,
                    symmetric=undirected,
                    equivalence=bool(equivalence),
                    attributes=tuple(attrs),
                    **_guide(ch, table, path),
                )
            )
    return result


def _document_sentiment(ch: _Checker, root: dict[str, Any]) -> DocumentSentiment | None:
    path = "document_sentiment"
    table = root.get(path, _MISSING)
    if table is _MISSING:
        return None
    if not isinstance(table, dict):
        ch.add(path, f"must be a table ([{path}]), got {_type_name(table)}")
        return None
    ch.keys(table, path, _DOC_SENT_KEYS)
    name = ch.string(
        table, "name", path, required=True, pattern=ATTR_NAME_RE, pattern_desc="a lower_snake identifier"
    )
    description = ch.string(table, "description", path)
    items = ch.table_array(table, "levels", path)
    if "levels" not in table:
        ch.add(_join(path, "levels"), "missing required field (at least two [[document_sentiment.levels]])")
    elif isinstance(table["levels"], list) and len(table["levels"]) < 2:
        ch.add(_join(path, "levels"), "a scale needs at least two levels")
    levels: list[SentimentLevel] = []
    values: dict[int, str] = {}
    labels: dict[str, str] = {}
    previous: int | None = None
    ok = True
    for i, level in enumerate(items):
        lpath = f"{path}.levels[{i}]"
        ch.keys(level, lpath, _LEVEL_KEYS)
        value = ch.integer(level, "value", lpath, required=True)
        label = ch.string(level, "label", lpath, required=True, nonempty=True)
        ldesc = ch.string(level, "description", lpath, required=True, nonempty=True)
        hotkey = ch.hotkey(level, lpath, f"level {value}" if value is not None else "", kind="level")
        if value is not None:
            if value in values:
                ch.add(_join(lpath, "value"), f"duplicate value {value} (also {values[value]})")
                value = None
            else:
                values[value] = lpath
                if previous is not None and value < previous:
                    ch.add(
                        _join(lpath, "value"),
                        f"{value} is not greater than the previous level's {previous} "
                        "(list levels in strictly increasing order)",
                    )
                previous = value
        if label is not None:
            if label in labels:
                ch.add(_join(lpath, "label"), f"duplicate label {label!r} (also {labels[label]})")
                label = None
            else:
                labels[label] = lpath
        if value is None or label is None or ldesc is None:
            ok = False
            continue
        levels.append(SentimentLevel(value=value, label=label, description=ldesc, hotkey=hotkey))
    if name is None or not ok or len(levels) < 2:
        return None
    return DocumentSentiment(name=name, levels=tuple(levels), description=description or "")


def _targeted_sentiment(ch: _Checker, root: dict[str, Any]) -> TargetedSentiment | None:
    path = "targeted_sentiment"
    table = root.get(path, _MISSING)
    if table is _MISSING:
        return None
    if not isinstance(table, dict):
        ch.add(path, f"must be a table ([{path}]), got {_type_name(table)}")
        return None
    ch.keys(table, path, _TARGETED_KEYS)
    polarities = ch.string_list(table, "polarities", path, required=True, item_check=ch.token)

    def target_kind(item: str, item_path: str) -> bool:
        if item not in SENTIMENT_TARGET_KINDS:
            ch.add(item_path, f"{item!r} is not one of: {', '.join(SENTIMENT_TARGET_KINDS)}")
            return False
        return True

    targets = ch.string_list(table, "targets", path, required=True, item_check=target_kind)
    description = ch.string(table, "description", path)
    if not polarities or not targets:
        return None
    return TargetedSentiment(
        polarities=tuple(polarities), targets=tuple(targets), description=description or ""
    )


# ---------------------------------------------------------------------------- public API

_TOML_POSITION_RE = re.compile(
    r"^(?P<msg>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


def _syntax_problem(source: str, error: tomllib.TOMLDecodeError, text: str) -> str:
    message = str(error)
    m = _TOML_POSITION_RE.match(message)
    if m is None:  # pragma: no cover - every tomllib error carries a position
        return f"{source}: TOML syntax error: {message}"
    if m.group("line") is None:
        line = text.count("\n") + 1
        return f"{source}: line {line} (end of document): TOML syntax error: {m.group('msg')}"
    return f"{source}: line {m.group('line')}, column {m.group('col')}: TOML syntax error: {m.group('msg')}"


def parse_schema(text: str, source: str = "<schema>", *, workbench_keys: bool = True) -> Schema:
    """Parse and validate schema TOML ``text``; ``source`` names it in problems (e.g. the file name).

    ``workbench_keys``: refuse a hotkey the workbench uses itself (:mod:`annotator.keymap`). A schema
    stored in a project before that rule is read with False; the window leaves such keys out and says so.

    Raises :class:`SchemaError` listing every problem found.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        root = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError([_syntax_problem(source, exc, text)], source) from exc

    header = root.get("schema", _MISSING)
    # The naming rules decide how every name below is checked, so they are read first.
    naming = header.get("naming") if isinstance(header, dict) else None
    naming = naming if naming in NAMINGS else "strict"
    ch = _Checker(source, naming, workbench_keys=workbench_keys)
    ch.keys(root, "", _ROOT_KEYS)

    name = version = description = None
    if header is _MISSING:
        ch.add("schema", "missing required table [schema]")
    elif not isinstance(header, dict):
        ch.add("schema", f"must be a table ([schema]), got {_type_name(header)}")
    else:
        ch.keys(header, "schema", _SCHEMA_KEYS)
        name = ch.string(
            header,
            "name",
            "schema",
            required=True,
            pattern=SCHEMA_NAME_RE,
            pattern_desc="a schema name (letters, digits, '.', '_', '-')",
        )
        version = ch.string(header, "version", "schema", required=True, nonempty=True, quote_hint=True)
        description = ch.string(header, "description", "schema")
        given_naming = ch.string(header, "naming", "schema")
        if given_naming is not None and given_naming not in NAMINGS:
            ch.add("schema.naming", f"{given_naming!r} is not one of: {', '.join(NAMINGS)}")

    # The schema-wide attributes are needed before the types (whose own attributes may not reuse their
    # names); a separate checker keeps their problems after the entities' ones, in file order.
    attrs_ch = _Checker(source, naming)
    entity_attrs = _attributes(attrs_ch, root, "entity_attributes", "")
    event_attrs = _attributes(attrs_ch, root, "event_attributes", "")
    relation_attrs = _attributes(attrs_ch, root, "relation_attributes", "")
    entity_reserved = {a.name: "entity_attributes" for a in entity_attrs}
    event_reserved = {a.name: "event_attributes" for a in event_attrs}
    relation_reserved = {a.name: "relation_attributes" for a in relation_attrs}

    names: dict[str, str] = {}
    entities = _entities(ch, root, names, entity_reserved)
    entity_names = list(names)
    ch.problems.extend(attrs_ch.problems)
    headers = _event_headers(ch, root, names)
    known_types = list(names)
    events = _events(ch, headers, known_types, event_reserved)
    event_names = [n for n in known_types if n not in entity_names]
    relations = _relations(ch, root, names, entity_names, event_names, relation_reserved)
    document_sentiment = _document_sentiment(ch, root)
    targeted_sentiment = _targeted_sentiment(ch, root)

    if ch.problems:
        raise SchemaError(ch.problems, source)
    assert name is not None and version is not None
    return Schema(
        name=name,
        version=version,
        description=description or "",
        entities=tuple(entities),
        events=tuple(events),
        entity_attributes=tuple(entity_attrs),
        event_attributes=tuple(event_attrs),
        document_sentiment=document_sentiment,
        targeted_sentiment=targeted_sentiment,
        relations=tuple(relations),
        relation_attributes=tuple(relation_attrs),
        naming=naming,
        source_text=text,
    )


def load_schema(path: str | Path) -> Schema:
    """Read and validate the TOML schema file at ``path`` (problems are prefixed with its file name).

    ``OSError`` (e.g. ``FileNotFoundError``) propagates; invalid UTF-8 or content raises
    :class:`SchemaError`. :func:`annotator.schema.load_schema_file` also reads brat configurations.
    """
    path = Path(path)
    return parse_schema(read_text(path), source=path.name)


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; :class:`SchemaError` naming the line when it is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SchemaError([f"{path.name}: line {line}: not valid UTF-8 ({exc.reason})"], path.name) from exc


@functools.lru_cache(maxsize=1)
def default_schema() -> Schema:
    """The schema shipped with annotator (``resources/schemas/default.toml``), loaded once and cached."""
    return load_schema(resource_path("schemas", "default.toml"))


# ---------------------------------------------------------------------------- writing TOML

_TOML_WIDTH = 110


def _toml_string(value: str) -> str:
    # JSON's string escapes (\" \\ \n \t \uXXXX ...) are all valid in TOML basic strings; TOML also wants
    # DEL escaped, which JSON leaves alone.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _toml_string(value)


class _TomlWriter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.indent = ""

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def header(self, name: str, *, array: bool = True, indent: str = "") -> None:
        self.blank()
        self.indent = indent
        self.lines.append(f"{indent}[[{name}]]" if array else f"{indent}[{name}]")

    def key(self, key: str, value: str | int | bool | None) -> None:
        if value is not None:
            self.lines.append(f"{self.indent}{key} = {_toml_value(value)}")

    def array(self, key: str, items: Iterable[str]) -> None:
        quoted = [_toml_string(item) for item in items]
        one_line = f"{self.indent}{key} = [{', '.join(quoted)}]"
        if len(one_line) <= _TOML_WIDTH:
            self.lines.append(one_line)
            return
        self.lines.append(f"{self.indent}{key} = [")
        inner = self.indent + "  "
        line = inner
        for item in quoted:
            if line != inner and len(line) + len(item) + 1 > _TOML_WIDTH:
                self.lines.append(line.rstrip())
                line = inner
            line += f"{item}, "
        self.lines.append(line.rstrip())
        self.lines.append(f"{self.indent}]")

    def attributes(self, name: str, attrs: Iterable[AttributeDef], *, indent: str = "") -> None:
        for attr in attrs:
            self.header(name, indent=indent)
            self.key("name", attr.name)
            self.key("kind", attr.kind)
            if attr.kind == "choice":
                self.array("values", attr.values)
            self.key("default", attr.default)
            if attr.required:
                self.key("required", True)
            self.key("description", attr.description or None)
            self.guide(attr)

    def guide(self, item: AttributeDef | Role | EntityType | EventType | RelationType) -> None:
        self.key("guideline", item.guideline or None)
        if item.examples:
            self.array("examples", item.examples)

    def type_header(self, t: EntityType | EventType | RelationType) -> None:
        self.key("name", t.name)
        self.key("color", t.color)
        self.key("hotkey", t.hotkey)
        self.key("description", t.description)
        if isinstance(t, EntityType | EventType):
            self.key("parent", t.parent)
            if t.abstract:
                self.key("abstract", True)
        self.guide(t)


def schema_to_toml(schema: Schema, *, comment: str = "") -> str:
    """``schema`` written as schema TOML that :func:`parse_schema` reads back to an equal schema.

    ``comment`` (any number of lines) is written first, as ``#`` comments. Role bounds are written as a
    ``cardinality`` where one fits; a symmetric relation's ``to`` is left out (it equals ``from``).
    """
    w = _TomlWriter()
    for line in comment.splitlines():
        w.lines.append(f"# {line}".rstrip())
    w.header("schema", array=False)
    w.key("name", schema.name)
    w.key("version", schema.version)
    w.key("description", schema.description or None)
    if schema.naming != "strict":
        w.key("naming", schema.naming)

    for entity in schema.entities:
        w.header("entities")
        w.type_header(entity)
        w.attributes("entities.attributes", entity.attributes, indent="  ")
    w.attributes("entity_attributes", schema.entity_attributes)
    w.attributes("event_attributes", schema.event_attributes)
    w.attributes("relation_attributes", schema.relation_attributes)

    for event in schema.events:
        w.header("events")
        w.type_header(event)
        for role in event.roles:
            w.header("events.roles", indent="  ")
            w.key("name", role.name)
            w.array("types", role.types)
            cardinality = cardinality_name(role.min, role.max)
            if cardinality is not None:
                w.key("cardinality", cardinality)
            else:
                w.key("min", role.min or None)
                w.key("max", role.max)
            w.key("description", role.description)
            w.guide(role)
        w.attributes("events.attributes", event.attributes, indent="  ")

    for relation in schema.relations:
        w.header("relations")
        w.type_header(relation)
        w.array("from", relation.from_types)
        if relation.symmetric:
            w.key("symmetric", True)
        else:
            w.array("to", relation.to_types)
        if relation.equivalence:
            w.key("equivalence", True)
        w.attributes("relations.attributes", relation.attributes, indent="  ")

    scale = schema.document_sentiment
    if scale is not None:
        w.header("document_sentiment", array=False)
        w.key("name", scale.name)
        w.key("description", scale.description or None)
        for level in scale.levels:
            w.header("document_sentiment.levels", indent="  ")
            w.key("value", level.value)
            w.key("label", level.label)
            w.key("description", level.description)
            w.key("hotkey", level.hotkey)

    targeted = schema.targeted_sentiment
    if targeted is not None:
        w.header("targeted_sentiment", array=False)
        w.array("polarities", targeted.polarities)
        w.array("targets", targeted.targets)
        w.key("description", targeted.description or None)
    return "\n".join(w.lines) + "\n"
