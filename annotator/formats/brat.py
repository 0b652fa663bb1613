"""brat standoff (``NAME.txt`` + ``NAME.ann``) ⇄ native annotation blocks. Pure: no database, no Qt.

Reading (:func:`read_folder`, :func:`parse_ann`)
------------------------------------------------
One record per ``NAME.txt`` (recursively, sorted by path); its annotations come from ``NAME.ann`` next
to it. The text is the ``.txt`` decoded as UTF-8 and nothing else (brat offsets count its code points,
so no newline or Unicode normalization happens here); a ``.txt`` with CRLF line endings is reported,
because the project stores LF only and brat's offsets, which count every CR, would not survive. brat has
no titles: the title is ``""`` and the first line stays part of the text. A missing ``.ann`` and an empty
one both give no annotation block (brat creates an empty ``.ann`` for every document it opens, so an empty
one says nothing was annotated; writing no block gives an empty ``.ann`` again); a missing one is said in a
warning line, and so are a lone CR in the text (stored as LF) and a text not in NFC (the project stores it
in NFC, moving the offsets with it).

Each ``.ann`` line becomes part of one native block (``annotator`` ``"brat"``, status ``"done"``):

- ``T`` lines are entities, except event triggers (``T`` lines named as the trigger of an ``E`` line),
  which exist natively only as their events' ``trigger``. A ``T`` of an event type (``event_types``)
  that no ``E`` uses is reported: an event-type span without an event has no native form.
- ``E`` lines are events; an argument names an entity or another event (nested events). brat numbers
  repeated roles (``Theme``, ``Theme2``, ``Theme3``); the digits are stripped back to the base role when
  the annotation.conf declares the base role for that event type (``event_roles``) or when the digit-less
  name is used by an event of the same type in the same file, and the fillers of one role are put in the
  order of their numbers. On export the 2nd, 3rd … filler of a role are numbered again.
- ``R`` lines are relations ``{"id", "type", "from", "to", "attributes"}``; argument labels other than
  ``Arg1``/``Arg2`` are kept as ``"roles": [label1, label2]``.
- ``*`` (equivalence) lines become relations of their type chaining the members in the order given
  (``T3→T4``, ``T4→T5``) with ids ``*K-1``, ``*K-2`` … for the K-th ``*`` line. Equivalences are sets:
  what a line repeats (an entity with itself, a member named twice, two members an earlier ``*`` line
  already made equivalent) is left out and said in a ``file.ann:line`` warning. On export, relations of a
  type in ``equivalence_types`` (``<REL-TYPE>:symmetric-transitive`` in the annotation.conf) are merged by
  connected components into one ``*`` line each, members in text order.
- ``A`` (and old-style ``M``) lines are attributes of their entity, event or relation: ``true`` when
  binary, else the value string: the rest of the line after ``NAME TARGET `` with its spaces, as brat reads
  it (``(.+?) (.+?) (.+?)$``). ``#`` ``AnnotatorNotes`` lines become the attribute ``"note"`` (so a brat
  attribute named ``note`` is reported). ``N`` ``Reference`` lines become the target's
  ``"link": {"id": "DB:ID", "name": "..."}`` (entities, and events, which brat can normalize too).
  A second attribute of one name, a second note or a second normalization on one target is reported.

Problems are reported, never repaired: a malformed line, a duplicate or unknown id, offsets outside the
text (or of more than 18 digits), an empty span, a surface text that differs from the text at its offsets,
a NUL character (which the project does not store), an event whose trigger is
not a ``T`` of the event's type, an argument/relation/attribute naming a trigger instead of its event.
**Discontinuous spans** (``T1\\tType 0 5;10 15``) are reported too: the project stores one contiguous
span per entity, and joining the fragments would silently annotate the text between them. Every problem
is a :class:`RecordError` naming ``file.ann:line``; a document with any problem yields only the error
(the first, counting the others).

Writing (:func:`write_document`, :func:`format_ann`)
----------------------------------------------------
``NAME.txt`` gets the text byte for byte (UTF-8, nothing added); ``NAME.ann`` gets fresh ids in a fixed
order: ``T`` lines for entities and triggers by offset (events with the same trigger type and offsets
share one ``T``, as brat does), then ``E`` lines by trigger, ``R`` lines, ``*`` lines, ``A``, ``N`` and
``#`` lines. Lines are formatted as brat's ``annotation.py`` writes them: a tab before the surface text,
a trailing tab on ``R`` lines, a space after ``TYPE:TRIGGER`` on an ``E`` line without arguments, a final
newline. brat cannot hold a line break inside an ``.ann`` line, so a span crossing line breaks is written
as brat itself does when one selects across lines: as discontinuous fragments (which read back as a
problem), and line breaks inside notes, link names and attribute values become spaces. Attributes that
are ``false``, ``None`` or ``""`` are not written; attributes of equivalence relations (``*`` lines have
no id) are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import Any

from annotator.errors import RecordError
from annotator.formats.records import ReadItem, SourceRecord, display_name
from annotator.schema import Schema, load_schema_file

__all__ = [
    "ANNOTATOR",
    "BratConf",
    "format_ann",
    "parse_ann",
    "read_conf",
    "read_folder",
    "write_document",
]

#: Annotator name of the blocks read from brat files.
ANNOTATOR = "brat"
#: brat joins the fragments of a discontinuous span with this in the surface text.
DISCONT_SEP = " "
#: Characters at which ``str.splitlines`` (and so brat reading an ``.ann``) breaks a line.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK_RE = re.compile(f"[{re.escape(LINE_BREAKS)}]")
_LINE_BREAK_OR_TAB_RE = re.compile(f"[{re.escape(LINE_BREAKS)}\t]")
_OFFSETS_RE = re.compile(r"([0-9]+) ([0-9]+)\s*")
#: An offset of more digits is outside any text (and Python's int() refuses over 4,300 digits).
_MAX_OFFSET_DIGITS = 18
_NORM_RE = re.compile(r"(\S+) (\S+) (\S+?):(\S+)\s*")
# BioNLP Shared Task 2013 spellings of a normalization, which brat reads too
_BIONLP_NORM = (
    (re.compile(r"^(Reference) Annotation:(\S+) Referent:(\S+)"), r"\1 \2 \3"),
    (re.compile(r"^(Reference) Referent:(\S+) Annotation:(\S+)"), r"\1 \3 \2"),
)
_NUMBERED_ROLE_RE = re.compile(r"(.*[^0-9])([0-9]+)")
#: How much of a line, offsets or surface text a message quotes, and how long a reason may grow.
_MAX_QUOTE = 80
_MAX_REASON = 400


def _q(value: str) -> str:
    """``value`` quoted (``repr``) for a message, cut to its first characters when long."""
    if len(value) <= _MAX_QUOTE:
        return repr(value)
    return f"{value[:_MAX_QUOTE]!r}… ({len(value):,} characters)"


_DEFAULT_REL_LABELS = ("Arg1", "Arg2")


# ---------------------------------------------------------------------------------------------------------
# annotation.conf: what conversion needs, from the label schema (annotator.schema.brat_conf is the one
# annotation.conf parser)


@dataclass(frozen=True)
class BratConf:
    """The facts of a brat configuration that conversion needs: the event types, their argument roles and
    the equivalence (``symmetric-transitive``) relation types."""

    event_types: frozenset[str] = frozenset()
    equivalence_types: frozenset[str] = frozenset()
    #: event type -> its declared argument roles (without ``?``, ``*``, ``+``, ``{n}``)
    event_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: Schema) -> BratConf:
        """The facts of ``schema`` (a project's, or an ``annotation.conf`` converted by
        :func:`annotator.schema.parse_annotation_conf`)."""
        return cls(
            frozenset(schema.event_type_names),
            frozenset(r.name for r in schema.relations if r.equivalence),
            {name: frozenset(schema.event_type(name).role_names) for name in schema.event_type_names},
        )


def read_conf(path: Path) -> BratConf:
    """Event types, their roles and the equivalence relation types of a brat ``annotation.conf``, as
    converted to a label schema (:func:`annotator.schema.load_schema_file`; an invalid configuration raises
    its :class:`~annotator.schema.SchemaError`)."""
    return BratConf.of(load_schema_file(path))


# ---------------------------------------------------------------------------------------------------------
# reading


@dataclass
class _Line:
    no: int


@dataclass
class _T(_Line):
    id: str
    type: str
    start: int
    end: int


@dataclass
class _E(_Line):
    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]]


@dataclass
class _R(_Line):
    id: str
    type: str
    labels: tuple[str, str]
    args: tuple[str, str]


@dataclass
class _Equiv(_Line):
    type: str
    members: list[str]


@dataclass
class _A(_Line):
    id: str
    name: str
    target: str
    value: str | bool


@dataclass
class _N(_Line):
    id: str
    target: str
    ref: str
    name: str


@dataclass
class _Note(_Line):
    id: str
    target: str
    text: str


class _Problems:
    def __init__(self, path: str):
        self.path = path
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, reason: str) -> None:
        if len(reason) > _MAX_REASON:  # a hostile line's id or type can be megabytes long
            reason = f"{reason[: _MAX_REASON - 80]} … {reason[-60:]}"
        self.items.append((line, reason))

    def raise_first(self) -> None:
        if self.items:
            line, reason = min(self.items, key=lambda item: item[0])
            more = len(self.items) - 1
            if more:
                reason += f" (and {more} more problem{'s' if more > 1 else ''} in this file)"
            raise RecordError(f"{self.path}:{line}", reason)


def parse_ann(
    text: str,
    ann: str,
    *,
    path: str = "<ann>",
    event_types: Collection[str] | None = None,
    event_roles: Mapping[str, Collection[str]] | None = None,
    annotator: str = ANNOTATOR,
    warnings: list[str] | None = None,
) -> dict[str, Any] | None:
    """The native annotation block of one ``.ann`` (its content ``ann``) over ``text``, or ``None`` when
    it holds no annotations. Raises :class:`RecordError` (``path:line``) for the first problem. What is
    read but left out (an equivalence of an entity with itself, a member or pair already equivalent) is
    said in a ``path:line: …`` line appended to ``warnings`` (when the file has no problem)."""
    problems = _Problems(path)
    ts: dict[str, _T] = {}
    es: dict[str, _E] = {}
    rs: dict[str, _R] = {}
    equivs: list[_Equiv] = []
    attrs: list[_A] = []
    norms: list[_N] = []
    notes: list[_Note] = []
    seen: dict[str, int] = {}
    broken: set[str] = set()  # ids of lines already reported: references to them are not reported again
    any_line = False

    for no, line in enumerate(ann.splitlines(), 1):
        if not line.strip():
            continue
        any_line = True
        ident, sep, rest = line.partition("\t")
        if "\x00" in line:  # the project stores no NUL: say where it is rather than what it breaks later
            problems.add(no, f"NUL character (U+0000) at column {line.index(chr(0)) + 1}")
            broken.add(ident)
            continue
        if not sep:
            problems.add(no, f"malformed line {_q(line)}: no tab after the id")
            continue
        data, has_tail, tail = rest.partition("\t")
        kind = ident[:1]
        if kind == "*":
            if ident != "*":
                problems.add(no, f"malformed id {_q(ident)}")
                continue
        elif kind not in "TERAMN#" or len(ident) < 2 or any(c.isspace() for c in ident):
            problems.add(no, f"malformed line {_q(line)}: unknown id {_q(ident)}")
            continue
        elif ident in seen:
            problems.add(no, f"id {ident} used twice (first on line {seen[ident]})")
            continue
        else:
            seen[ident] = no

        if kind == "T":
            t = _parse_t(no, ident, data, bool(has_tail), tail, text, problems)
            if t is not None:
                ts[ident] = t
            else:
                broken.add(ident)
        elif kind == "E":
            e = _parse_e(no, ident, data, problems)
            if e is not None:
                es[ident] = e
            else:
                broken.add(ident)
        elif kind == "R":
            r = _parse_r(no, ident, data, problems)
            if r is not None:
                rs[ident] = r
            else:
                broken.add(ident)
        elif kind == "*":
            tokens = data.split()
            if len(tokens) < 3:
                problems.add(no, f"malformed equivalence {_q(line)}: expected TYPE ID ID …")
            else:
                equivs.append(_Equiv(no, tokens[0], tokens[1:]))
        elif kind in "AM":
            # as brat reads it ('(.+?) (.+?) (.+?)$'): the value is the rest of the line, spaces and all
            parts = data.split(" ", 2)
            if len(parts) == 3 and parts[2] == "":  # a trailing space after a binary attribute
                parts.pop()
            if len(parts) < 2 or not all(parts[:2]) or (kind == "M" and len(parts) > 2):
                problems.add(no, f"malformed attribute {_q(line)}: expected NAME TARGET [VALUE]")
            else:
                value: str | bool = parts[2] if len(parts) == 3 else True
                attrs.append(_A(no, ident, parts[0], parts[1], value))
        elif kind == "N":
            for pattern, replacement in _BIONLP_NORM:
                data = pattern.sub(replacement, data, count=1)
            m = _NORM_RE.fullmatch(data)
            if m is None:
                problems.add(no, f"malformed normalization {_q(line)}: expected Reference TARGET DB:ID")
            elif m.group(1) != "Reference":
                problems.add(no, f"unknown normalization type {_q(m.group(1))} (brat writes 'Reference')")
            else:
                norms.append(_N(no, ident, m.group(2), f"{m.group(3)}:{m.group(4)}", tail))
        else:  # '#'
            parts = data.split()
            if len(parts) != 2:
                problems.add(no, f"malformed note {_q(line)}: expected AnnotatorNotes TARGET")
            elif parts[0] != "AnnotatorNotes":
                problems.add(no, f"unsupported comment type {_q(parts[0])} (only AnnotatorNotes)")
            else:
                notes.append(_Note(no, ident, parts[1], tail))

    if not any_line:
        problems.raise_first()
        return None

    # triggers: T lines named by an E line; everything else text-bound is an entity
    triggers: set[str] = set()
    for e in es.values():
        t = ts.get(e.trigger)
        if t is None and e.trigger in broken:
            continue
        if t is None:
            what = "an event or relation" if e.trigger in es or e.trigger in rs else "unknown id"
            problems.add(e.no, f"event {e.id}: trigger {e.trigger} is {what}, not a T line")
        elif t.type != e.type:
            problems.add(e.no, f"event {e.id} of type {e.type}: trigger {t.id} has type {t.type}")
        else:
            triggers.add(t.id)
    event_type_set = set(event_types) if event_types is not None else set()
    entities = {tid: t for tid, t in ts.items() if tid not in triggers}
    for t in entities.values():
        if t.type in event_type_set:
            problems.add(t.no, f"{t.id}: span of event type {t.type} that no event (E line) uses as trigger")

    def check_ref(no: int, what: str, ref: str, *, relations: bool = False) -> bool:
        if ref in entities or ref in es or (relations and ref in rs):
            return True
        if ref in broken:
            pass
        elif ref in triggers:
            problems.add(no, f"{what} names {ref}, an event trigger: name its event (E line) instead")
        elif ref in es or ref in rs:
            problems.add(no, f"{what} names {ref}, which it cannot refer to")
        else:
            problems.add(no, f"{what} names unknown id {ref}")
        return False

    native_entities: dict[str, dict[str, Any]] = {}
    for t in entities.values():
        native_entities[t.id] = {
            "id": t.id,
            "start": t.start,
            "end": t.end,
            "label": t.type,
            "text": text[t.start : t.end],
            "attributes": {},
        }

    used_roles: dict[str, set[str]] = defaultdict(set)
    for e in es.values():
        used_roles[e.type].update(role for role, _ in e.args)
    native_events: dict[str, dict[str, Any]] = {}
    for e in es.values():
        for role, ref in e.args:
            check_ref(e.no, f"event {e.id}: argument {role}", ref)
        t = ts.get(e.trigger)
        if t is None:
            continue
        native_events[e.id] = {
            "id": e.id,
            "type": e.type,
            "trigger": {"start": t.start, "end": t.end, "text": text[t.start : t.end]},
            "arguments": _native_arguments(e, event_roles, used_roles[e.type]),
            "attributes": {},
        }

    native_relations: dict[str, dict[str, Any]] = {}
    for r in rs.values():
        ok = [
            check_ref(r.no, f"relation {r.id}: argument {label}", ref)
            for label, ref in zip(r.labels, r.args, strict=True)
        ]
        if all(ok):
            rel: dict[str, Any] = {"id": r.id, "type": r.type, "from": r.args[0], "to": r.args[1]}
            if r.labels != _DEFAULT_REL_LABELS:
                rel["roles"] = list(r.labels)
            rel["attributes"] = {}
            native_relations[r.id] = rel
    equiv_relations: list[dict[str, Any]] = []
    said: list[str] = []
    # brat's equivalences are sets: each * line chains its members, and what it repeats (an entity with
    # itself, a member named twice, members an earlier * line already made equivalent) is left out, said
    equivalent: dict[tuple[str, str], tuple[str, str]] = {}  # union-find over (type, member)

    def root(node: tuple[str, str]) -> tuple[str, str]:
        equivalent.setdefault(node, node)
        while equivalent[node] != node:
            equivalent[node] = equivalent[equivalent[node]]
            node = equivalent[node]
        return node

    for k, eq in enumerate(equivs, 1):
        if not all([check_ref(eq.no, f"equivalence {eq.type}", ref) for ref in eq.members]):
            continue
        members = list(dict.fromkeys(eq.members))
        if len(members) == 1:
            said.append(
                f"{path}:{eq.no}: equivalence {eq.type} of an entity with itself ({members[0]}), left out"
            )
            continue
        if len(members) < len(eq.members):
            twice = ", ".join(m for m in members if eq.members.count(m) > 1)
            said.append(f"{path}:{eq.no}: equivalence {eq.type} names {twice} more than once; once kept")
        j = 0
        for a, b in pairwise(members):
            ra, rb = root((eq.type, a)), root((eq.type, b))
            if ra == rb:
                said.append(
                    f"{path}:{eq.no}: equivalence {eq.type}: {a} and {b} are already equivalent by an "
                    "earlier * line; not repeated"
                )
                continue
            equivalent[ra] = rb
            j += 1
            equiv_relations.append({"id": f"*{k}-{j}", "type": eq.type, "from": a, "to": b, "attributes": {}})

    targets: dict[str, dict[str, Any]] = {**native_entities, **native_events, **native_relations}
    attr_lines: dict[tuple[str, str], int] = {}
    for attr in attrs:
        what = f"attribute {attr.name} ({attr.id})"
        if attr.name == "note":
            problems.add(attr.no, f"{what}: the name 'note' is reserved for AnnotatorNotes")
        elif check_ref(attr.no, what, attr.target, relations=True) and attr.target in targets:
            if (attr.target, attr.name) in attr_lines:
                first = attr_lines[(attr.target, attr.name)]
                problems.add(
                    attr.no, f"{what}: {attr.target} already has attribute {attr.name} (line {first})"
                )
            else:
                attr_lines[(attr.target, attr.name)] = attr.no
                targets[attr.target]["attributes"][attr.name] = attr.value
    note_lines: dict[str, int] = {}
    for n in notes:
        what = f"note {n.id}"
        if check_ref(n.no, what, n.target, relations=True) and n.target in targets:
            if n.target in note_lines:
                problems.add(n.no, f"{what}: {n.target} already has a note (line {note_lines[n.target]})")
            else:
                note_lines[n.target] = n.no
                targets[n.target]["attributes"]["note"] = n.text
    norm_lines: dict[str, int] = {}
    for nm in norms:
        what = f"normalization {nm.id}"
        if check_ref(nm.no, what, nm.target) and nm.target in targets:
            if nm.target in norm_lines:
                first = norm_lines[nm.target]
                problems.add(nm.no, f"{what}: {nm.target} already has a normalization (line {first})")
            else:
                norm_lines[nm.target] = nm.no
                targets[nm.target]["link"] = {"id": nm.ref, "name": nm.name}

    problems.raise_first()
    if warnings is not None:
        warnings.extend(said)
    return {
        "annotator": annotator,
        "status": "done",
        "entities": list(native_entities.values()),
        "events": list(native_events.values()),
        "relations": [*native_relations.values(), *equiv_relations],
        "document": {},
        "sentiment": [],
    }


def _parse_t(
    no: int, ident: str, data: str, has_tail: bool, surface: str, text: str, problems: _Problems
) -> _T | None:
    label, sep, offsets = data.partition(" ")
    if not sep or not label:
        problems.add(no, f"malformed text-bound annotation {ident}: expected TYPE START END")
        return None
    spans = []
    for fragment in offsets.split(";"):
        m = _OFFSETS_RE.fullmatch(fragment)
        if m is None:
            problems.add(no, f"malformed offsets {_q(offsets)} of {ident}: expected START END")
            return None
        if max(len(m.group(1)), len(m.group(2))) > _MAX_OFFSET_DIGITS:  # int() refuses 4,300 digits
            problems.add(
                no,
                f"{ident}: offset of {max(len(m.group(1)), len(m.group(2)))} digits, outside the text "
                f"(length {len(text)})",
            )
            return None
        spans.append((int(m.group(1)), int(m.group(2))))
    if len(spans) > 1:
        problems.add(
            no,
            f"{ident}: discontinuous span {_q(offsets.strip())} ({len(spans)} fragments); the project stores "
            "one contiguous span per entity",
        )
        return None
    start, end = spans[0]
    if end > len(text) or start > end:
        problems.add(
            no, f"{ident}: offsets [{start}, {end}) reversed or outside the text (length {len(text)})"
        )
        return None
    if start == end:
        problems.add(no, f"{ident}: empty span [{start}, {end})")
        return None
    if has_tail and surface != text[start:end]:
        problems.add(
            no,
            f"{ident}: surface text {_q(surface)} differs from the text at [{start}, {end}): "
            f"{_q(text[start:end])}",
        )
        return None
    return _T(no, ident, label, start, end)


def _pair(token: str) -> tuple[str, str] | None:
    left, sep, right = token.partition(":")
    if not sep or not left or not right or ":" in right:
        return None
    return left, right


def _parse_e(no: int, ident: str, data: str, problems: _Problems) -> _E | None:
    tokens = data.split()
    head = _pair(tokens[0]) if tokens else None
    if head is None:
        problems.add(no, f"malformed event {ident}: expected TYPE:TRIGGER [ROLE:ID …]")
        return None
    args = []
    for token in tokens[1:]:
        arg = _pair(token)
        if arg is None:
            problems.add(no, f"malformed argument {_q(token)} of event {ident}: expected ROLE:ID")
            return None
        args.append(arg)
    return _E(no, ident, head[0], head[1], args)


def _parse_r(no: int, ident: str, data: str, problems: _Problems) -> _R | None:
    tokens = data.split()
    first, second = (_pair(token) for token in tokens[1:]) if len(tokens) == 3 else (None, None)
    if first is None or second is None:
        problems.add(no, f"malformed relation {ident}: expected TYPE Arg1:ID Arg2:ID")
        return None
    (l1, a1), (l2, a2) = first, second
    if l1 == l2:
        problems.add(no, f"malformed relation {ident}: both arguments are labelled {l1}")
        return None
    return _R(no, ident, tokens[0], (l1, l2), (a1, a2))


def _native_arguments(
    e: _E, event_roles: Mapping[str, Collection[str]] | None, used: set[str]
) -> list[dict[str, str]]:
    declared = event_roles.get(e.type) if event_roles is not None else None
    bases: list[tuple[str, tuple[int, str]]] = []  # (role, its number as a sort key: digits, value)
    for role, _ in e.args:
        base, number = role, (1, "1")
        m = _NUMBERED_ROLE_RE.fullmatch(role)
        if m is not None and not (declared is not None and role in declared):
            if (declared is not None and m.group(1) in declared) or m.group(1) in used:
                digits = m.group(2).lstrip("0")  # compared as digit strings: int() refuses 4,300 digits
                base, number = m.group(1), (len(digits), digits)
        bases.append((base, number))
    # the fillers of one role keep the slots that role takes, in the order of their numbers
    slots: dict[str, list[int]] = defaultdict(list)
    for i, (base, _) in enumerate(bases):
        slots[base].append(i)
    order = list(range(len(e.args)))
    for indexes in slots.values():
        for slot, i in zip(indexes, sorted(indexes, key=lambda i: bases[i][1]), strict=True):
            order[slot] = i
    return [{"role": bases[i][0], "entity": e.args[i][1]} for i in order]


def read_folder(
    folder: Path,
    *,
    event_types: Collection[str] | None = None,
    event_roles: Mapping[str, Collection[str]] | None = None,
    annotator: str = ANNOTATOR,
    warnings: list[str] | None = None,
) -> Iterator[ReadItem]:
    """One record (or error) per ``NAME.txt`` under ``folder`` (recursively, sorted by path), with the
    bytes read so far. ``event_types``/``event_roles`` come from the annotation.conf (see
    :func:`read_conf`); without them a ``T`` is a trigger iff an ``E`` line uses it, and only repeated
    roles whose base name occurs in the file are un-numbered. What is imported differently from the files
    (a ``.txt`` without its ``.ann``, a lone CR stored as LF, what :func:`parse_ann` leaves out) is said in
    a line appended to ``warnings``."""
    said: list[str] = [] if warnings is None else warnings
    folder = Path(folder)
    files = {
        p.relative_to(folder).as_posix(): p
        for p in folder.rglob("*")
        if p.suffix in (".txt", ".ann") and not p.name.startswith(".")
    }
    consumed = 0
    for name in sorted(files):
        path = files[name]
        if path.suffix == ".ann":
            if name[: -len(".ann")] + ".txt" not in files:
                consumed += _size(path)
                yield (
                    RecordError(_shown(path), "annotations without a text file (.txt) next to them"),
                    consumed,
                )
            continue
        ann_path = path.with_suffix(".ann")
        external_id = display_name(name[: -len(".txt")])
        has_ann = name[: -len(".txt")] + ".ann" in files
        consumed += _size(path) + (_size(ann_path) if has_ann else 0)
        notes: list[str] = []
        try:
            text = _read_text(path)
            ann = _read_ann(ann_path) if has_ann else ""
            block = parse_ann(
                text,
                ann,
                path=_shown(ann_path),
                event_types=event_types,
                event_roles=event_roles,
                annotator=annotator,
                warnings=notes,
            )
        except RecordError as exc:
            yield exc, consumed
            continue
        shown = _shown(path)
        if not has_ann:
            said.append(
                f"{shown}: no {_shown(ann_path.name)} beside it: imported as a document without annotations"
            )
        if "\r" in text:  # lone CRs (CRLF is refused): the project stores LF, of the same length
            said.append(
                f"{shown}:{text.count(chr(10), 0, text.index(chr(13))) + 1}: a line ending in a lone CR is "
                "stored as LF (offsets unchanged; an export writes LF)"
            )
        if not unicodedata.is_normalized("NFC", text):
            said.append(
                f"{shown}: not in Unicode NFC: the project stores the text in NFC (offsets moved with it), "
                "so an export writes NFC text and offsets that differ from these files"
            )
        said.extend(notes)
        record = SourceRecord(
            _shown(path), external_id, "", text, {"file": display_name(name)}, [block] if block else []
        )
        yield record, consumed


_CONTROL_RE = re.compile(f"[\\x00-\\x1f\\x7f{re.escape(LINE_BREAKS)}]")


def _shown(path: Path | str) -> str:
    """A file name for messages, on one line: control characters and line breaks (which a file name may
    hold) written as escapes (``\\n``), bytes that are not UTF-8 as ``\\xFF``."""
    return _CONTROL_RE.sub(
        lambda m: m.group().encode("unicode_escape").decode("ascii"), display_name(str(path))
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_bytes(path: Path) -> bytes:
    """A file's bytes; a path that is not a regular file (a folder, a FIFO, a dangling or looping link) or
    cannot be read is a :class:`RecordError` naming it, so the other documents of the folder import."""
    import stat

    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise RecordError(_shown(path), f"cannot be read: {kind}")
        return path.read_bytes()
    except OSError as exc:
        raise RecordError(_shown(path), f"cannot be read: {exc.strerror or exc}") from None


def _decode(data: bytes, path: Path, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        line = data.count(b"\n", 0, exc.start) + 1
        raise RecordError(
            f"{_shown(path)}:{line}", f"invalid UTF-8 at byte {exc.start} (0x{bad}); brat files must be UTF-8"
        ) from None


def _read_text(path: Path) -> str:
    text = _decode(_read_bytes(path), path, "utf-8")
    crlf = text.find("\r\n")
    if crlf >= 0:
        raise RecordError(
            f"{_shown(path)}:{text.count(chr(10), 0, crlf) + 1}",
            "CRLF line endings: brat offsets count every CR, which the project does not store, so the "
            "offsets would not survive; convert the text to LF line endings and its .ann offsets with it",
        )
    if not text or text.isspace():
        raise RecordError(_shown(path), "empty text")
    return text


def _read_ann(path: Path) -> str:
    return _decode(_read_bytes(path), path, "utf-8-sig")


# ---------------------------------------------------------------------------------------------------------
# writing


def write_document(
    folder: Path,
    external_id: str,
    text: str,
    annotation: Mapping[str, Any] | None,
    *,
    equivalence_types: Collection[str] = frozenset(),
) -> None:
    """Write ``folder/EXTERNAL_ID.txt`` (the text, byte for byte) and ``.ann`` (``annotation``, a native
    block, or nothing); an id with slashes makes subfolders. Raises ``ValueError`` for an unusable id
    or an annotation that cannot be written (nothing is written then)."""
    relative = PurePosixPath(external_id)
    if (
        not external_id
        or relative.is_absolute()
        or "\\" in external_id
        or any(part in ("", ".", "..") for part in external_id.split("/"))
    ):
        raise ValueError(f"document id {external_id!r} cannot be a file name under the export folder")
    ann = format_ann(text, annotation, equivalence_types=equivalence_types)
    base = Path(folder).joinpath(*relative.parts)
    base.parent.mkdir(parents=True, exist_ok=True)
    base.with_name(base.name + ".txt").write_bytes(text.encode("utf-8"))
    base.with_name(base.name + ".ann").write_bytes(ann.encode("utf-8"))


@dataclass
class _Bound:
    start: int
    end: int
    type: str
    kind: int  # 0 entity, 1 trigger
    index: int
    fragments: list[tuple[int, int]]
    id: str = ""


def _span(item: Mapping[str, Any], text: str, what: str) -> tuple[int, int]:
    start, end = item.get("start"), item.get("end")
    if (
        not (isinstance(start, int) and isinstance(end, int))
        or isinstance(start, bool)
        or isinstance(end, bool)
    ):
        raise ValueError(f"{what}: offsets must be integers, not {start!r}, {end!r}")
    if not 0 <= start < end <= len(text):
        raise ValueError(f"{what}: span [{start}, {end}) is empty or outside the text (length {len(text)})")
    return start, end


def _fragments(text: str, start: int, end: int, what: str) -> list[tuple[int, int]]:
    """The span split at line breaks (an ``.ann`` line cannot hold one), as brat splits a selection."""
    out = []
    pos = start
    for m in _LINE_BREAK_RE.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if end > pos:
        out.append((pos, end))
    if not out:
        raise ValueError(f"{what}: span [{start}, {end}) holds only line breaks")
    return out


def _token(value: Any, what: str, *, colon: bool = False) -> str:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value) or (colon and ":" in value):
        forbidden = "whitespace or ':'" if colon else "whitespace"
        raise ValueError(
            f"{what} {value!r} cannot be written to brat (must be non-empty, without {forbidden})"
        )
    return value


def _free_text(value: Any) -> str:
    return _LINE_BREAK_RE.sub(" ", str(value))


def format_ann(
    text: str, annotation: Mapping[str, Any] | None, *, equivalence_types: Collection[str] = frozenset()
) -> str:
    """The ``.ann`` content for one native annotation block over ``text`` (``""`` for none)."""
    if not annotation:
        return ""
    entities = list(annotation.get("entities") or [])
    events = list(annotation.get("events") or [])
    relations = list(annotation.get("relations") or [])
    equivalence_types = frozenset(equivalence_types)

    bounds: list[_Bound] = []
    entity_bounds: list[_Bound] = []
    for i, ent in enumerate(entities):
        what = f"entity {ent.get('id')!r}"
        start, end = _span(ent, text, what)
        label = _token(ent.get("label"), f"{what}: label")
        entity_bounds.append(_Bound(start, end, label, 0, i, _fragments(text, start, end, what)))
    bounds += entity_bounds
    trigger_bound: dict[tuple[str, int, int], _Bound] = {}
    event_trigger: list[_Bound] = []
    for i, ev in enumerate(events):
        what = f"event {ev.get('id')!r}"
        etype = _token(ev.get("type"), f"{what}: type", colon=True)
        trigger = ev.get("trigger")
        if not isinstance(trigger, Mapping):
            raise ValueError(f"{what}: no trigger")
        start, end = _span(trigger, text, f"{what} trigger")
        key = (etype, start, end)
        if key not in trigger_bound:
            trigger_bound[key] = _Bound(start, end, etype, 1, i, _fragments(text, start, end, what))
            bounds.append(trigger_bound[key])
        event_trigger.append(trigger_bound[key])
    bounds.sort(key=lambda b: (b.start, b.end, b.type, b.kind, b.index))
    lines = []
    position: dict[str, tuple[int, int, int]] = {}  # brat id -> where it is in the text, for ordering
    for n, bound in enumerate(bounds, 1):
        bound.id = f"T{n}"
        position[bound.id] = (bound.start, bound.end, n)
        offsets = ";".join(f"{s} {e}" for s, e in bound.fragments)
        surface = DISCONT_SEP.join(text[s:e] for s, e in bound.fragments)
        lines.append(f"{bound.id}\t{bound.type} {offsets}\t{surface}")

    ids: dict[str, str] = {}  # native id -> brat id, of what arguments and relations may name

    def register(native: str, brat_id: str) -> None:
        if native in ids:
            raise ValueError(f"id {native!r} used twice")
        ids[native] = brat_id

    targets: list[tuple[str, Mapping[str, Any]]] = []  # what attributes, links and notes attach to
    for i in sorted(range(len(entities)), key=lambda i: position[entity_bounds[i].id]):
        register(_native_id(entities[i], "entity"), entity_bounds[i].id)
        targets.append((entity_bounds[i].id, entities[i]))
    event_order = sorted(range(len(events)), key=lambda i: (position[event_trigger[i].id], i))
    for n, i in enumerate(event_order, 1):
        register(_native_id(events[i], "event"), f"E{n}")
        position[f"E{n}"] = position[event_trigger[i].id]
        targets.append((f"E{n}", events[i]))
    for n, i in enumerate(event_order, 1):
        ev = events[i]
        what = f"event {ev.get('id')!r}"
        counts: dict[str, int] = defaultdict(int)
        args = []
        for arg in ev.get("arguments") or []:
            role = _token(arg.get("role"), f"{what}: role", colon=True)
            counts[role] += 1
            numbered = role if counts[role] == 1 else f"{role}{counts[role]}"
            args.append(f"{numbered}:{_ref(ids, arg.get('entity'), f'{what}: argument {role}')}")
        # brat writes "TYPE:TRIGGER " and then the arguments joined by spaces
        lines.append(f"E{n}\t{ev['type']}:{event_trigger[i].id} {' '.join(args)}")

    parent: dict[tuple[str, str], tuple[str, str]] = {}  # union-find over (type, member)

    def find(node: tuple[str, str]) -> tuple[str, str]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    relation_ids: set[str] = set()
    n_rel = 0
    for rel in relations:
        what = f"relation {rel.get('id')!r}"
        native = _native_id(rel, what)
        if native in ids or native in relation_ids:
            raise ValueError(f"id {native!r} used twice")
        relation_ids.add(native)
        rtype = _token(rel.get("type"), f"{what}: type")
        a = _ref(ids, rel.get("from"), f"{what}: 'from'")
        b = _ref(ids, rel.get("to"), f"{what}: 'to'")
        if rtype in equivalence_types:
            for node in ((rtype, a), (rtype, b)):
                parent.setdefault(node, node)
            ra, rb = find((rtype, a)), find((rtype, b))
            if ra != rb:
                parent[ra] = rb
            continue
        n_rel += 1
        labels = rel.get("roles") or _DEFAULT_REL_LABELS
        if len(labels) != 2 or labels[0] == labels[1]:
            raise ValueError(f"{what}: 'roles' must be two different labels")
        l1, l2 = (_token(label, f"{what}: role", colon=True) for label in labels)
        lines.append(f"R{n_rel}\t{rtype} {l1}:{a} {l2}:{b}\t")
        targets.append((f"R{n_rel}", rel))

    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in parent:
        groups[find(node)].append(node[1])
    components = [  # a relation from a member to itself alone makes no equivalence
        (rtype, sorted(members, key=position.__getitem__))
        for (rtype, _), members in groups.items()
        if len(members) > 1
    ]
    components.sort(key=lambda c: (position[c[1][0]], c[0]))
    lines += [f"*\t{rtype} {' '.join(members)}" for rtype, members in components]

    n_attr = 0
    for brat_id, item in targets:
        for name, value in (item.get("attributes") or {}).items():
            if name == "note" or value is None or value is False or value == "":
                continue
            n_attr += 1
            name = _token(name, f"attribute name of {brat_id}")
            if value is True:
                lines.append(f"A{n_attr}\t{name} {brat_id}")
            else:
                lines.append(f"A{n_attr}\t{name} {brat_id} {_LINE_BREAK_OR_TAB_RE.sub(' ', str(value))}")
    n_norm = 0
    for brat_id, item in targets:
        link = item.get("link")
        if not link:
            continue
        ref = link.get("id") if isinstance(link, Mapping) else None
        if not isinstance(ref, str) or _NORM_RE.fullmatch(f"Reference {brat_id} {ref}") is None:
            raise ValueError(f"link of {brat_id}: id {ref!r} is not of the form DB:ID")
        n_norm += 1
        lines.append(f"N{n_norm}\tReference {brat_id} {ref}\t{_free_text(link.get('name') or '')}")
    n_note = 0
    for brat_id, item in targets:
        note = (item.get("attributes") or {}).get("note")
        if note is None or note == "":
            continue
        n_note += 1
        lines.append(f"#{n_note}\tAnnotatorNotes {brat_id}\t{_free_text(note)}")
    return "".join(line + "\n" for line in lines)


def _native_id(item: Mapping[str, Any], what: str) -> str:
    given = item.get("id")
    if isinstance(given, int) and not isinstance(given, bool):
        given = str(given)
    if not isinstance(given, str) or not given:
        raise ValueError(f"{what}: needs an 'id'")
    return given


def _ref(ids: Mapping[str, str], ref: Any, what: str) -> str:
    if isinstance(ref, int) and not isinstance(ref, bool):
        ref = str(ref)
    if not isinstance(ref, str) or ref not in ids:
        raise ValueError(f"{what} names unknown id {ref!r}")
    return ids[ref]
