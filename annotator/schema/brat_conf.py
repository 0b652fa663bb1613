"""Convert a brat configuration (``annotation.conf``, with ``visual.conf`` and ``kb_shortcuts.conf``) into a
label schema, and read either kind of schema file.

brat (https://brat.nlplab.org/configuration.html) describes a schema in four sections of
``annotation.conf``:

``[entities]``
    One type per line; a line indented by one more tab than the one above is a subtype of it; a ``!``
    before the name makes a type abstract (it only groups its subtypes and cannot be assigned).
``[relations]``
    ``Name  Arg1:T1|T2, Arg2:T3`` -- a relation from an entity of T1 or T2 to one of T3. A trailing
    ``<REL-TYPE>:symmetric`` makes it undirected, ``<REL-TYPE>:symmetric-transitive`` an equivalence
    (an alias). ``<OVERLAP>`` lines (span overlap rules) are skipped: annotator always allows nesting
    and overlap. The same name on several lines is one relation whose ``from``/``to`` are the union of
    the lines' types (brat would only allow the pairs given on one line); a symmetric relation whose
    sides differ gets their union on both sides.
``[events]``
    ``Type  Role1:T1|T2, Role2?:T3, Role3*:T4, Role4+:T5, Role5{2}:T6, Role6{1-3}:T7`` -- roles with
    cardinalities: none = exactly one, ``?`` optional, ``*`` any number, ``+`` one or more, ``{N}``
    exactly N, ``{N-M}`` N to M. Filler types may be entity or event types. Nesting and ``!`` as for
    entities (a subtype does not inherit its parent's roles).
``[attributes]``
    ``Name  Arg:T1|T2`` -- a flag (present or absent); ``Name  Arg:T1, Value:V1|V2|V3`` -- a choice.
    ``Arg:<ENTITY>`` / ``<EVENT>`` / ``<RELATION>`` make a schema-wide attribute of every entity / event
    / relation type; named types get it as a type-specific attribute (an abstract type's concrete
    subtypes get it).

``<NAME>=T1|T2`` lines (in any section) define macros; ``<ENTITY>``, ``<EVENT>`` and ``<ANY>`` (entity
and event types; entity types only in relations) are built in and stand for every assignable type.
``#`` starts a comment line.

The converted schema uses ``naming = "brat"``, so brat's names (``Transfer-money``, ``Person-Arg``,
``Negation``) are kept as they are. Colours come from ``visual.conf`` (``bgColor`` of entity and event
types, ``color`` of relation arcs) when it sits next to ``annotation.conf``, otherwise -- and for a
colour used twice or written in a form that is not understood -- from a fixed palette, in file order, so
the same file always gets the same colours. Hotkeys come from ``kb_shortcuts.conf`` (``P  Person``):
lower case for entity and event types, upper case (Shift+letter) for relation types; a key given twice
keeps its first type. Descriptions are the display names of ``visual.conf`` ``[labels]``, or the name
with ``_`` and ``-`` read as spaces.

:func:`parse_annotation_conf` returns a :class:`~annotator.schema.model.Schema` whose ``source_text`` is
the equivalent schema TOML (:func:`~annotator.schema.loader.schema_to_toml`), so a project stores and
re-reads it like any other schema. Problems are reported together as ``<source>: line N: <reason>``.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field
from pathlib import Path

from annotator.keymap import reserved_key
from annotator.schema.loader import (
    BRAT_NAME_RE,
    MAX_NAME_LENGTH,
    TOKEN_RE,
    SchemaError,
    _suggest,
    parse_schema,
    read_text,
    schema_to_toml,
)
from annotator.schema.model import (
    BUILTIN_ATTRIBUTES,
    AttributeDef,
    EntityType,
    EventType,
    RelationType,
    Role,
    Schema,
)

__all__ = ["is_annotation_conf", "load_schema_file", "parse_annotation_conf"]

SECTIONS = ("entities", "relations", "events", "attributes")
#: Macros brat defines itself; they cannot be redefined.
BUILTIN_MACROS = ("ENTITY", "EVENT", "ANY", "RELATION", "REL-TYPE", "OVERLAP", "OVL-TYPE", "NONE")

#: Light, distinct colours handed out in file order to types that visual.conf gives no colour; after them,
#: generated light colours. The first ten are the default schema's entity colours (Paul Tol's "light"
#: scheme with its olive and pale grey replaced by magenta and orange: olive was hard to tell from pear,
#: grey from the page); every one keeps black text at a contrast of 7:1 or more.
PALETTE = (
    "#77AADD",
    "#EE8866",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#44BB99",
    "#BBCC33",
    "#EE66BB",
    "#BB88FF",
    "#EE9933",
    "#FFCC99",
    "#CCEEAA",
    "#AADDDD",
    "#DDAACC",
    "#BBBBEE",
    "#EEBB77",
)

_SECTION_RE = re.compile(r"\[\s*(?P<name>[^\]]*?)\s*\]")
#: brat's aliases of section names (projectconfig.py SECTION_ALIAS).
SECTION_ALIASES = {"spans": "entities"}
#: A line of hyphens: a separator in brat's menus (projectconfig.py).
_SEPARATOR_RE = re.compile(r"\s*-+\s*")


def storage_form(term: str) -> str:
    """brat's ``normalize_to_storage_form``: spaces and every character outside ``[A-Za-z0-9_-]`` become
    ``_`` (what brat writes in .ann files for that type or value)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "_", term.replace(" ", "_"))


_MACRO_RE = re.compile(r"<(?P<name>[^<>=\s]+)>\s*=\s*(?P<value>.*)")
_ROLE_RE = re.compile(r"(?P<role>[^?*+{}:\s]+)(?P<card>[?*+]|\{[^}]*\})?:(?P<types>.*)")
_RANGE_RE = re.compile(r"\{(?P<lo>\d+)(?:-(?P<hi>\d+))?\}")
_HEX_RE = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")

# CSS/SVG colour names, as brat's visual.conf may use them.
_CSS_COLORS = dict(
    item.split(":")
    for item in """
    aliceblue:F0F8FF antiquewhite:FAEBD7 aqua:00FFFF aquamarine:7FFFD4 azure:F0FFFF beige:F5F5DC
    bisque:FFE4C4 black:000000 blanchedalmond:FFEBCD blue:0000FF blueviolet:8A2BE2 brown:A52A2A
    burlywood:DEB887 cadetblue:5F9EA0 chartreuse:7FFF00 chocolate:D2691E coral:FF7F50
    cornflowerblue:6495ED cornsilk:FFF8DC crimson:DC143C cyan:00FFFF darkblue:00008B darkcyan:008B8B
    darkgoldenrod:B8860B darkgray:A9A9A9 darkgreen:006400 darkgrey:A9A9A9 darkkhaki:BDB76B
    darkmagenta:8B008B darkolivegreen:556B2F darkorange:FF8C00 darkorchid:9932CC darkred:8B0000
    darksalmon:E9967A darkseagreen:8FBC8F darkslateblue:483D8B darkslategray:2F4F4F
    darkslategrey:2F4F4F darkturquoise:00CED1 darkviolet:9400D3 deeppink:FF1493 deepskyblue:00BFFF
    dimgray:696969 dimgrey:696969 dodgerblue:1E90FF firebrick:B22222 floralwhite:FFFAF0
    forestgreen:228B22 fuchsia:FF00FF gainsboro:DCDCDC ghostwhite:F8F8FF gold:FFD700 goldenrod:DAA520
    gray:808080 green:008000 greenyellow:ADFF2F grey:808080 honeydew:F0FFF0 hotpink:FF69B4
    indianred:CD5C5C indigo:4B0082 ivory:FFFFF0 khaki:F0E68C lavender:E6E6FA lavenderblush:FFF0F5
    lawngreen:7CFC00 lemonchiffon:FFFACD lightblue:ADD8E6 lightcoral:F08080 lightcyan:E0FFFF
    lightgoldenrodyellow:FAFAD2 lightgray:D3D3D3 lightgreen:90EE90 lightgrey:D3D3D3 lightpink:FFB6C1
    lightsalmon:FFA07A lightseagreen:20B2AA lightskyblue:87CEFA lightslategray:778899
    lightslategrey:778899 lightsteelblue:B0C4DE lightyellow:FFFFE0 lime:00FF00 limegreen:32CD32
    linen:FAF0E6 magenta:FF00FF maroon:800000 mediumaquamarine:66CDAA mediumblue:0000CD
    mediumorchid:BA55D3 mediumpurple:9370DB mediumseagreen:3CB371 mediumslateblue:7B68EE
    mediumspringgreen:00FA9A mediumturquoise:48D1CC mediumvioletred:C71585 midnightblue:191970
    mintcream:F5FFFA mistyrose:FFE4E1 moccasin:FFE4B5 navajowhite:FFDEAD navy:000080 oldlace:FDF5E6
    olive:808000 olivedrab:6B8E23 orange:FFA500 orangered:FF4500 orchid:DA70D6 palegoldenrod:EEE8AA
    palegreen:98FB98 paleturquoise:AFEEEE palevioletred:DB7093 papayawhip:FFEFD5 peachpuff:FFDAB9
    peru:CD853F pink:FFC0CB plum:DDA0DD powderblue:B0E0E6 purple:800080 red:FF0000 rosybrown:BC8F8F
    royalblue:4169E1 saddlebrown:8B4513 salmon:FA8072 sandybrown:F4A460 seagreen:2E8B57 seashell:FFF5EE
    sienna:A0522D silver:C0C0C0 skyblue:87CEEB slateblue:6A5ACD slategray:708090 slategrey:708090
    snow:FFFAFA springgreen:00FF7F steelblue:4682B4 tan:D2B48C teal:008080 thistle:D8BFD8 tomato:FF6347
    turquoise:40E0D0 violet:EE82EE wheat:F5DEB3 white:FFFFFF whitesmoke:F5F5F5 yellow:FFFF00
    yellowgreen:9ACD32
    """.split()
)


@dataclass
class _Arg:
    """One ``Role:T1|T2`` of an event line (or ``Arg1:T`` of a relation line), types not yet resolved."""

    name: str
    lo: int
    hi: int | None
    types: list[str]


@dataclass
class _Decl:
    """A declared entity or event type."""

    kind: str  # "entity" | "event"
    name: str
    line: int
    abstract: bool
    parent: str | None
    args: list[_Arg] = field(default_factory=list)


@dataclass
class _RelationDecl:
    name: str
    line: int
    from_types: list[str]
    to_types: list[str]
    flags: str  # "", "symmetric" or "symmetric-transitive"


@dataclass
class _AttributeDecl:
    name: str
    line: int
    targets: list[str]
    values: list[str] | None
    default: str | None = None


class _Conf:
    """Reads annotation.conf line by line, collecting declarations and problems."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._problems: list[tuple[int, str]] = []
        self.notes: list[str] = []  # what was accepted as brat accepts it, but changed or left out
        self.originals: dict[str, str] = {}  # a type name changed on the way -> the term as written
        self.macros: dict[str, tuple[list[str], int]] = {}
        self._text_macros: dict[str, dict[str, str]] = {}  # per section, as brat keeps them
        self.types: list[_Decl] = []
        self.relations: list[_RelationDecl] = []
        self.attributes: list[_AttributeDecl] = []
        self._stacks: dict[str, list[str]] = {"entity": [], "event": []}

    def add(self, line: int, reason: str) -> None:
        self._problems.append((line, f"{self.source}: line {line}: {reason}"))

    @property
    def problems(self) -> list[str]:
        """Every problem so far, by line (in the order found within a line)."""
        return [text for _, text in sorted(self._problems, key=lambda p: p[0])]

    def note(self, line: int, text: str) -> None:
        self.notes.append(f"{self.source}: line {line}: {text}")

    def term(self, raw: str, line: int, what: str) -> str:
        """brat's primary term of ``A|B|C`` (the others are display names), in brat's storage form
        (``normalize_to_storage_form``: characters outside ``[A-Za-z0-9_-]`` become ``_``), said in a note
        when it changes."""
        bang = raw.startswith("!")
        terms = [t.strip() for t in raw.removeprefix("!").split("|") if t.strip()]
        if not terms:
            return raw
        name = storage_form(terms[0])
        if name != terms[0]:
            self.note(line, f"{what} {terms[0]!r} is stored as {name!r} (brat's storage form)")
        if len(terms) > 1:
            self.note(
                line,
                f"{what} {name}: alternative names {', '.join(terms[1:])} (brat shows them) kept only in "
                "its description",
            )
        if name != terms[0] or len(terms) > 1:
            self.originals.setdefault(name, "|".join(terms))
        return ("!" if bang else "") + name

    def name_ok(self, name: str, line: int, what: str) -> bool:
        if not BRAT_NAME_RE.fullmatch(name):
            self.add(line, f"{what} {name!r} is not a brat name (letters, digits, '_' or '-')")
            return False
        if len(name) > MAX_NAME_LENGTH:
            self.add(line, f"{what} {name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters")
            return False
        return True

    # -- reading

    def read(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        section: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.rstrip()
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if m := _SECTION_RE.fullmatch(stripped):
                section = SECTION_ALIASES.get(m["name"], m["name"])
                if section not in SECTIONS:
                    self.note(
                        number,
                        f"section [{section}] is not one of {', '.join(SECTIONS)}: ignored, as brat does",
                    )
                    section = "?"
                continue
            if _SEPARATOR_RE.fullmatch(line):
                continue  # brat draws a separator line in its menus
            if m := _MACRO_RE.fullmatch(stripped):
                if m["name"] in BUILTIN_MACROS:
                    self.add(number, f"<{m['name']}> is built into brat and cannot be redefined")
                else:  # as brat: a macro is replaced by its text wherever it occurs later in its section
                    self._text_macros.setdefault(section or "", {})[f"<{m['name']}>"] = m["value"].strip()
                    self.macro(m["name"], m["value"], number)
                continue
            if section is None:
                self.add(number, "text before the first section ([entities], [relations], [events] …)")
                continue
            if section == "?":
                continue
            for macro, value in sorted(
                self._text_macros.get(section, {}).items(), key=lambda kv: -len(kv[0])
            ):
                line = line.replace(macro, value)
            # as brat: the depth in the hierarchy is the number of whitespace characters before the name
            depth = len(line) - len(line.lstrip())
            body = line[depth:]
            if section == "entities":
                self.entity(body, depth, number)
            elif section == "events":
                self.event(body, depth, number)
            elif section == "relations":
                self.relation(body.strip(), number)
            else:
                self.attribute(body.strip(), number)

    def macro(self, name: str, value: str, line: int) -> None:
        if name in BUILTIN_MACROS:
            self.add(line, f"<{name}> is built into brat and cannot be redefined")
        else:
            items = [v.strip() for v in value.split("|")]
            if value.strip() and not all(items):  # an empty macro is brat's way of saying "nothing"
                self.add(line, f"macro <{name}>: empty alternative in {value!r}")
            self.macros[name] = ([v for v in items if v], line)

    def _type(self, kind: str, body: str, depth: int, line: int) -> _Decl | None:
        name = self.term(body.split(None, 1)[0], line, f"{kind} type")
        abstract = name.startswith("!")
        name = name.removeprefix("!")
        if not self.name_ok(name, line, f"{kind} type"):
            return None
        stack = self._stacks[kind]
        if depth > len(stack):
            self.add(line, f"{name} is indented {depth} tab(s), more than one level below the type above")
            return None
        parent = stack[depth - 1] if depth else None
        del stack[depth:]
        stack.append(name)
        decl = _Decl(kind, name, line, abstract, parent)
        self.types.append(decl)
        return decl

    def entity(self, body: str, depth: int, line: int) -> None:
        parts = body.split()
        if len(parts) > 1:
            self.add(line, f"an entity line holds one type name, not {body.strip()!r}")
            return
        self._type("entity", body, depth, line)

    def event(self, body: str, depth: int, line: int) -> None:
        decl = self._type("event", body, depth, line)
        parts = body.split(None, 1)
        if decl is None or len(parts) == 1:
            return
        seen: set[str] = set()
        for item in self._items(parts[1]):
            m = _ROLE_RE.fullmatch(item)
            if m is None:
                self.add(line, f"{decl.name}: {item!r} is not Role:Type|Type (with ? * + {{N}} or {{N-M}})")
                continue
            role, card = m["role"], m["card"]
            if not self.name_ok(role, line, "role"):
                continue
            if role in seen:
                self.add(line, f"{decl.name}: role {role!r} given twice")
                continue
            seen.add(role)
            bounds = self._cardinality(card, line, f"{decl.name}.{role}")
            types = self._types(m["types"], line, f"{decl.name}.{role}")
            if bounds is not None and types:
                decl.args.append(_Arg(role, bounds[0], bounds[1], types))

    def _items(self, text: str) -> list[str]:
        return [item.strip() for item in text.split(",") if item.strip()]

    def _types(self, text: str, line: int, what: str) -> list[str]:
        types = [t.strip() for t in text.split("|")]
        if not all(types):
            self.add(line, f"{what}: empty type in {text.strip()!r}")
            return []
        return types

    def _cardinality(self, card: str | None, line: int, what: str) -> tuple[int, int | None] | None:
        if card is None:
            return 1, 1
        simple = {"?": (0, 1), "*": (0, None), "+": (1, None)}
        if card in simple:
            return simple[card]
        m = _RANGE_RE.fullmatch(card)
        if m is None:
            self.add(line, f"{what}: cardinality {card!r} is not ? * + {{N}} or {{N-M}}")
            return None
        lo = int(m["lo"])
        hi = int(m["hi"]) if m["hi"] is not None else lo
        if hi < 1 or lo > hi:
            self.add(line, f"{what}: cardinality {card!r} must allow at least one and have N <= M")
            return None
        return lo, hi

    def relation(self, body: str, line: int) -> None:
        parts = body.split(None, 1)
        name = parts[0] if parts[0].startswith("<") else self.term(parts[0], line, "relation type")
        if name == "<OVERLAP>" or name.startswith("!"):
            return  # span overlap rules; abstract relation groups
        if len(parts) == 1:
            self.add(line, f"relation {name}: needs two arguments (Arg1:Type, Arg2:Type)")
            return
        if not self.name_ok(name, line, "relation type"):
            return
        flags = ""
        args: list[list[str]] = []
        for item in self._items(parts[1]):
            key, sep, value = item.partition(":")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                self.add(line, f"relation {name}: {item!r} is not Arg:Type|Type")
            elif key == "<REL-TYPE>":
                if value not in ("symmetric", "symmetric-transitive"):
                    self.add(
                        line,
                        f"relation {name}: <REL-TYPE> {value!r} is not supported "
                        "(only symmetric and symmetric-transitive)",
                    )
                flags = value
            elif key.startswith("<"):
                self.add(line, f"relation {name}: unknown option {key}")
            elif key[-1:] in "?*+}":
                self.add(line, f"relation {name}: argument {key!r}: a relation argument takes no cardinality")
            else:
                args.append(self._types(value, line, f"{name}.{key}"))
        if len(args) != 2:
            self.add(line, f"relation {name}: needs exactly two arguments, has {len(args)}")
            return
        if all(args):
            self.relations.append(_RelationDecl(name, line, args[0], args[1], flags))

    def attribute(self, body: str, line: int) -> None:
        parts = body.split(None, 1)
        name = self.term(parts[0], line, "attribute")
        if not self.name_ok(name, line, "attribute"):
            return
        targets: list[str] | None = None
        values: list[str] | None = None
        default: str | None = None
        for item in self._items(parts[1] if len(parts) > 1 else ""):
            key, sep, value = item.partition(":")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                self.add(line, f"attribute {name}: {item!r} is not Key:Value")
            elif key == "Arg":
                targets = self._types(value, line, f"attribute {name}")
            elif key == "Value":
                values = [v.strip() for v in value.split("|")]
                for i, given in enumerate(values):
                    stored = storage_form(given).lstrip("_-") or given
                    if stored != given and TOKEN_RE.fullmatch(stored):
                        self.note(line, f"attribute {name}: value {given!r} is stored as {stored!r}")
                        values[i] = stored
                bad = [v for v in values if not TOKEN_RE.fullmatch(v)]
                if bad:
                    self.add(
                        line,
                        f"attribute {name}: value {bad[0]!r} is not a token "
                        "(letters, digits, '_' or '-', starting with a letter or digit)",
                    )
                    values = None
                elif len(set(values)) != len(values):
                    self.add(line, f"attribute {name}: a value is given twice in {value!r}")
                    values = None
            elif key == "<DEFAULT>":
                default = storage_form(value)
            else:
                self.add(line, f"attribute {name}: unknown key {key!r} (known: Arg, Value, <DEFAULT>)")
        if targets is None:
            self.add(line, f"attribute {name}: missing Arg:Type (what the attribute attaches to)")
            return
        if targets:
            if default is not None and default not in (values or ()):
                self.note(line, f"attribute {name}: default {default!r} is not one of its values; left out")
                default = None
            self.attributes.append(_AttributeDecl(name, line, targets, values, default))


# ---------------------------------------------------------------------------- resolving


class _Builder:
    """Turns the declarations of a :class:`_Conf` into schema model objects."""

    def __init__(self, conf: _Conf, labels: dict[str, str]) -> None:
        self.conf = conf
        self.labels = labels
        self.entities: list[_Decl] = []
        self.events: list[_Decl] = []
        seen: dict[str, int] = {}
        for decl in conf.types:
            if decl.name in seen:
                conf.add(decl.line, f"type {decl.name!r} declared twice (also line {seen[decl.name]})")
                continue
            seen[decl.name] = decl.line
            (self.entities if decl.kind == "entity" else self.events).append(decl)
        self.type_lines = seen
        self.entity_names = [d.name for d in self.entities]
        self.event_names = [d.name for d in self.events]
        self.concrete_entities = [d.name for d in self.entities if not d.abstract]
        self.concrete_events = [d.name for d in self.events if not d.abstract]
        self.decls = {d.name: d for d in (*self.entities, *self.events)}

    def describe(self, name: str) -> str:
        label = " ".join(self.labels.get(name, "").split())
        described = label or re.sub(r"[_-]+", " ", name).strip() or name
        original = self.conf.originals.get(name)  # what brat shows and the .conf says, kept
        return f"{described} (brat: {original})" if original else described

    def expand(self, tokens: list[str], line: int, what: str, context: str) -> list[str]:
        """Types of ``tokens`` with macros expanded. ``context`` is ``role`` (entity and event types),
        ``relation`` (entity types) or ``attribute`` (``<ENTITY>``, ``<EVENT>``, ``<RELATION>`` kept as
        markers for schema-wide attributes)."""
        out: list[str] = []

        def visit(token: str, trail: tuple[str, ...]) -> None:
            if not (token.startswith("<") and token.endswith(">")):
                out.append(token)
                return
            macro = token[1:-1]
            if context == "attribute" and macro in ("ENTITY", "EVENT", "RELATION"):
                out.append(token)
            elif context == "attribute" and macro == "ANY":
                out.extend(("<ENTITY>", "<EVENT>"))
            elif macro == "ENTITY":
                out.extend(self.concrete_entities)
            elif macro == "EVENT" and context == "role":
                out.extend(self.concrete_events)
            elif macro == "ANY":
                out.extend(self.concrete_entities)
                if context == "role":
                    out.extend(self.concrete_events)
            elif macro in self.conf.macros:
                if macro in trail:
                    self.conf.add(line, f"{what}: macro <{macro}> refers to itself")
                    return
                for item in self.conf.macros[macro][0]:
                    visit(item, (*trail, macro))
            elif macro in BUILTIN_MACROS:
                self.conf.add(line, f"{what}: <{macro}> cannot be used here")
            else:
                known = [f"<{m}>" for m in self.conf.macros]
                self.conf.add(
                    line,
                    f"{what}: unknown macro {token} ({_suggest(token, known)}defined: "
                    f"{', '.join(known) or 'none'})",
                )

        for token in tokens:
            visit(token, ())
        return list(dict.fromkeys(out))

    def _unknown(self, name: str, line: int, what: str, known: list[str]) -> None:
        """A type declared nowhere (brat accepts it and never offers it): left out, with a note."""
        self.conf.note(
            line,
            f"{what}: type {name!r} is declared nowhere ({_suggest(name, known)}left out: brat never "
            "offers it)",
        )

    # -- events

    def role_types(self, arg: _Arg, line: int, what: str) -> list[str]:
        known = self.entity_names + self.event_names
        types = []
        for name in self.expand(arg.types, line, what, "role"):
            if name in self.decls:
                types.append(name)
            else:
                self._unknown(name, line, what, known)
        return types

    # -- relations

    def relation_types(self) -> list[tuple[_RelationDecl, list[str], list[str]]]:
        merged: dict[str, tuple[_RelationDecl, list[str], list[str]]] = {}
        for decl in self.conf.relations:
            if decl.name in self.type_lines:  # brat keeps relations and types apart; a schema cannot
                other = self.type_lines[decl.name]
                renamed = f"{decl.name}-relation"
                self.conf.note(
                    decl.line,
                    f"relation {decl.name!r} is also a type (line {other}): the relation is named "
                    f"{renamed!r}",
                )
                decl = _RelationDecl(renamed, decl.line, decl.from_types, decl.to_types, decl.flags)
            sides = []
            for i, tokens in enumerate((decl.from_types, decl.to_types), start=1):
                what = f"relation {decl.name} argument {i}"
                side = []
                for name in self.expand(tokens, decl.line, what, "relation"):
                    if name in self.entity_names:
                        side.append(name)
                    elif name in self.event_names:
                        self.conf.add(
                            decl.line, f"{what}: {name!r} is an event type; a relation connects entities"
                        )
                    else:
                        self._unknown(name, decl.line, what, self.entity_names)
                sides.append(side)
            first = merged.get(decl.name)
            if first is None:
                merged[decl.name] = (decl, sides[0], sides[1])
                continue
            if first[0].flags != decl.flags:
                self.conf.add(
                    decl.line,
                    f"relation {decl.name}: <REL-TYPE> {decl.flags or 'none'} differs from line "
                    f"{first[0].line} ({first[0].flags or 'none'})",
                )
            first[1].extend(t for t in sides[0] if t not in first[1])
            first[2].extend(t for t in sides[1] if t not in first[2])
        result = []
        for decl, from_types, to_types in merged.values():
            if decl.flags:  # symmetric: one list of types for both sides
                from_types = to_types = list(dict.fromkeys(from_types + to_types))
            if from_types and to_types:
                result.append((decl, from_types, to_types))
            else:
                self.conf.note(
                    decl.line, f"relation {decl.name}: no declared entity type on one side; left out"
                )
        return result

    # -- attributes

    def attributes(
        self, relation_names: list[str]
    ) -> tuple[dict[str, list[AttributeDef]], dict[str, list[AttributeDef]]]:
        """(schema-wide attributes by owner kind, type-specific attributes by type name)."""
        schema_wide: dict[str, list[AttributeDef]] = {"entity": [], "event": [], "relation": []}
        specific: dict[str, list[AttributeDef]] = {}
        builtins = {a.name: a for a in BUILTIN_ATTRIBUTES}
        seen: dict[str, int] = {}
        for decl in self.conf.attributes:
            what = f"attribute {decl.name}"
            if decl.name in seen:
                self.conf.add(decl.line, f"{what}: declared twice (also line {seen[decl.name]})")
                continue
            seen[decl.name] = decl.line
            kind = "choice" if decl.values else "flag"
            builtin = builtins.get(decl.name)
            if builtin is not None and builtin.kind != kind:
                self.conf.add(
                    decl.line,
                    f"{what}: {decl.name!r} is a built-in attribute of kind {builtin.kind!r}; rename it",
                )
                continue
            attr = AttributeDef(
                name=decl.name,
                kind=kind,
                values=tuple(decl.values or ()),
                default=decl.default,
                description=self.describe(decl.name),
            )
            owners: list[str] = []
            for target in self.expand(decl.targets, decl.line, what, "attribute"):
                if target in ("<ENTITY>", "<EVENT>", "<RELATION>"):
                    schema_wide[target[1:-1].lower()].append(attr)
                elif target in self.decls:
                    found = self.decls[target]
                    below = [d.name for d in self.decls.values() if self._below(d, target) and not d.abstract]
                    owners.extend(([] if found.abstract else [target]) + below)
                elif target in relation_names:
                    owners.append(target)
                else:
                    self._unknown(
                        target, decl.line, what, self.entity_names + self.event_names + relation_names
                    )
            for owner in dict.fromkeys(owners):
                kind_of = "relation" if owner in relation_names else self.decls[owner].kind
                if attr not in schema_wide[kind_of]:
                    specific.setdefault(owner, []).append(attr)
        return schema_wide, specific

    def _below(self, decl: _Decl, ancestor: str) -> bool:
        parent = decl.parent
        while parent is not None:
            if parent == ancestor:
                return True
            parent = self.decls[parent].parent if parent in self.decls else None
        return False


def _parse_visual(text: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """visual.conf: (display name by type, drawing options by type). Lines it cannot read are skipped."""
    labels: dict[str, str] = {}
    drawing: dict[str, dict[str, str]] = {}
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if m := _SECTION_RE.fullmatch(line):
            section = m["name"]
        elif section == "labels":
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > 1 and parts[1]:
                labels[parts[0]] = parts[1]
        elif section == "drawing":
            bits = line.split(None, 1)
            if len(bits) == 2:
                options = drawing.setdefault(bits[0], {})
                for item in bits[1].split(","):
                    key, sep, value = item.partition(":")
                    if sep:
                        options[key.strip()] = value.strip()
    return labels, drawing


def _css_color(value: str | None) -> str | None:
    """``#RRGGBB`` for a CSS colour (``#abc``, ``#aabbcc``, ``lightgreen``), else ``None``."""
    if value is None:
        return None
    value = value.strip()
    if _HEX_RE.fullmatch(value):
        digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
        return "#" + digits.upper()
    named = _CSS_COLORS.get(value.lower())
    return "#" + named if named else None


def _palette():
    yield from PALETTE
    i = 0
    while True:  # then light colours around the colour wheel, by the golden angle
        r, g, b = colorsys.hls_to_rgb((i * 0.618033988749895) % 1.0, 0.8, 0.6)
        yield f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"
        i += 1


def _colours(names: list[str], given: dict[str, str | None]) -> dict[str, str]:
    """A colour for each name, unique among ``names``: the given one where usable, else the palette's."""
    used: set[str] = set()
    result: dict[str, str] = {}
    for name in names:
        colour = _css_color(given.get(name))
        if colour is not None and colour.lower() not in used:
            result[name] = colour
            used.add(colour.lower())
    palette = _palette()
    for name in names:
        if name not in result:
            colour = next(c for c in palette if c.lower() not in used)
            result[name] = colour
            used.add(colour.lower())
    return result


def _hotkeys(text: str, kinds: dict[str, str], notes: list[str] | None = None) -> dict[str, str]:
    """kb_shortcuts.conf: hotkey by type name. ``kinds`` maps the assignable type names to their kind;
    a type is found by exact name, else case-insensitively when that is unambiguous. A key the workbench
    uses itself (:mod:`annotator.keymap`) is left out with a line in ``notes``."""
    folded: dict[str, list[str]] = {}
    for name in kinds:
        folded.setdefault(name.lower(), []).append(name)
    result: dict[str, str] = {}
    used: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or len(parts[0]) != 1:
            continue
        key, target = parts[0], parts[1].strip()
        if target not in kinds:
            candidates = folded.get(target.lower(), [])
            if len(candidates) != 1:
                continue  # e.g. a role name, or a type this schema does not have
            target = candidates[0]
        if not key.isascii() or not key.isprintable() or key.isspace() or target in result:
            continue
        if key.isalpha():
            key = key.upper() if kinds[target] == "relation" else key.lower()
        if key in used:
            continue
        used_for = reserved_key(key, kinds[target])
        if used_for is not None:
            if notes is not None:
                notes.append(
                    f"kb_shortcuts.conf: {target} keeps no key: {key!r} is the workbench's key to {used_for}"
                )
            continue
        used.add(key)
        result[target] = key
    return result


def _schema_name(source: str) -> str:
    path = Path(source)
    stem = path.parent.name or (path.stem if path.stem != "annotation" else "")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    return f"brat-{stem}" if stem else "brat"


def parse_annotation_conf(
    text: str,
    source: str = "annotation.conf",
    *,
    visual: str | None = None,
    shortcuts: str | None = None,
    name: str | None = None,
    notes: list[str] | None = None,
) -> Schema:
    """Convert the brat ``annotation.conf`` ``text`` into a schema (see the module documentation).

    ``visual`` and ``shortcuts`` are the texts of ``visual.conf`` and ``kb_shortcuts.conf`` when there are
    any; ``name`` is the schema's name (default: ``brat-<folder of source>``, or ``brat``). ``source``
    names the file in problems. Raises :class:`~annotator.schema.loader.SchemaError` listing every
    problem, each as ``<source>: line N: <reason>``. What brat accepts but a schema cannot hold as written
    (a name outside brat's storage form, alternative names, a type declared nowhere, a relation named like
    a type, an ignored section) is converted as said in a line appended to ``notes``.
    """
    conf = _Conf(source)
    conf.read(text)
    labels, drawing = _parse_visual(visual) if visual else ({}, {})
    builder = _Builder(conf, labels)
    if not builder.entities and not conf.problems:
        conf.add(1, "no entity types: [entities] must list at least one")

    roles: dict[str, list[Role]] = {}
    for decl in builder.events:
        roles[decl.name] = []
        for arg in decl.args:
            types = builder.role_types(arg, decl.line, f"{decl.name}.{arg.name}")
            if types:
                roles[decl.name].append(
                    Role(arg.name, tuple(types), arg.lo, arg.hi, description=builder.describe(arg.name))
                )
            else:
                conf.note(decl.line, f"{decl.name}.{arg.name}: no declared type can fill it; role left out")
    relation_decls = builder.relation_types()
    relation_names = [d.name for d, _, _ in relation_decls]
    schema_wide, specific = builder.attributes(relation_names)
    if conf.problems:
        raise SchemaError(conf.problems, source)
    if notes is not None:
        notes.extend(conf.notes)

    def background(name: str) -> str | None:
        return drawing.get(name, {}).get("bgColor")

    entity_colours = _colours(builder.entity_names, {n: background(n) for n in builder.entity_names})
    event_colours = _colours(builder.event_names, {n: background(n) for n in builder.event_names})
    relation_colours = _colours(relation_names, {n: drawing.get(n, {}).get("color") for n in relation_names})
    kinds = {n: "entity" for n in builder.concrete_entities}
    kinds.update({n: "event" for n in builder.concrete_events})
    kinds.update({n: "relation" for n in relation_names})
    keys = _hotkeys(shortcuts, kinds, notes) if shortcuts else {}

    entities = tuple(
        EntityType(
            d.name,
            entity_colours[d.name],
            builder.describe(d.name),
            keys.get(d.name),
            tuple(specific.get(d.name, ())),
            parent=d.parent,
            abstract=d.abstract,
        )
        for d in builder.entities
    )
    events = tuple(
        EventType(
            d.name,
            event_colours[d.name],
            builder.describe(d.name),
            keys.get(d.name),
            tuple(roles[d.name]),
            tuple(specific.get(d.name, ())),
            parent=d.parent,
            abstract=d.abstract,
        )
        for d in builder.events
    )
    relations = tuple(
        RelationType(
            d.name,
            relation_colours[d.name],
            builder.describe(d.name),
            from_types=tuple(from_types),
            to_types=tuple(to_types),
            hotkey=keys.get(d.name),
            symmetric=bool(d.flags),
            equivalence=d.flags == "symmetric-transitive",
            attributes=tuple(specific.get(d.name, ())),
        )
        for d, from_types, to_types in relation_decls
    )
    files = ", ".join(f for f, given in (("visual.conf", visual), ("kb_shortcuts.conf", shortcuts)) if given)
    schema = Schema(
        name=name or _schema_name(source),
        version="1.0",
        description=f"Converted from the brat configuration {source}"
        + (f" (with {files})." if files else "."),
        entities=entities,
        events=events,
        entity_attributes=tuple(schema_wide["entity"]),
        event_attributes=tuple(schema_wide["event"]),
        relations=relations,
        relation_attributes=tuple(schema_wide["relation"]),
        naming="brat",
    )
    comment = (
        f"Label schema converted by annotator from the brat configuration {source}.\n"
        "Format: resources/schemas/README.md. Descriptions are brat's display names: replace them with\n"
        "one-line annotation guidelines."
    )
    return parse_schema(schema_to_toml(schema, comment=comment), f"{source} (converted)")


# ---------------------------------------------------------------------------- files

_BRAT_SECTION_LINE = re.compile(r"^[ \t]*\[(?:entities|relations|events|attributes)\][ \t]*$", re.MULTILINE)
_TOML_SCHEMA_LINE = re.compile(r"^[ \t]*\[schema\][ \t]*(?:#.*)?$", re.MULTILINE)


def is_annotation_conf(text: str) -> bool:
    """Whether ``text`` looks like a brat annotation.conf: a ``[entities]``-style section header and no
    ``[schema]`` table."""
    return bool(_BRAT_SECTION_LINE.search(text)) and not _TOML_SCHEMA_LINE.search(text)


def load_schema_file(path: str | Path, notes: list[str] | None = None) -> Schema:
    """The schema in the file at ``path``: a brat configuration (a ``.conf`` file, a file whose content has
    ``[entities]``-style section headers, or a folder holding ``annotation.conf``) is converted, with the
    ``visual.conf`` and ``kb_shortcuts.conf`` beside it; anything else is read as schema TOML.

    ``OSError`` (e.g. ``FileNotFoundError``) propagates; an invalid schema raises
    :class:`~annotator.schema.loader.SchemaError`.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "annotation.conf"
    if path.exists() and not path.is_file():  # a FIFO or device would block the read
        raise SchemaError([f"{path}: not a regular file"], str(path))
    text = read_text(path)
    if path.suffix.lower() != ".conf" and not is_annotation_conf(text):
        return parse_schema(text, source=path.name)

    def sibling(file_name: str) -> str | None:
        other = path.with_name(file_name)
        return read_text(other) if other.is_file() and other != path else None

    folder = path.resolve().parent.name
    return parse_annotation_conf(
        text,
        path.name,
        visual=sibling("visual.conf"),
        shortcuts=sibling("kb_shortcuts.conf"),
        name=_schema_name(f"{folder}/{path.name}") if folder else None,
        notes=notes,
    )
