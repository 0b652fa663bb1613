"""The native annotation block (``annotations`` of a native JSONL record, and what every other annotation
format is converted to): validated against a label schema, its offsets re-mapped to the stored text.

Pure: no database. The import service calls :func:`validate_annotations` for each record that carries
annotations; any problem raises :class:`annotator.errors.RecordError`-ready messages (``ValueError``
subclass :class:`AnnotationProblem`), so the whole record is reported and nothing of it is stored.

Ids: an id that is a UUID is kept (so exporting and re-importing, or merging the same work twice, never
duplicates rows); any other id (``T1``, ``E2`` …) becomes a UUID derived from the document's content hash,
the annotator and the given id, so importing the same file twice is idempotent too.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from unicodedata import is_normalized

import regex

from annotator.schema import Schema
from annotator.schema.checks import (
    argument_problem,
    entity_problem,
    relation_problem,
    sentiment_problem,
    type_checks,
    with_defaults,
)
from annotator.schema.model import WORK_STATUSES
from annotator.text.normalization import OffsetMap, SpanMismatch, remap_span
from annotator.text.segment import grapheme_boundaries

NAMESPACE = uuid.UUID("6f1c6a52-5d57-4c1e-9d5b-6a7e0c7b2f11")
DEFAULT_STATUS = "done"


class AnnotationProblem(ValueError):
    """What is wrong with one annotation block; the message names the annotator and item."""


@dataclass
class EntityIn:
    id: str
    start: int
    end: int
    label: str
    attributes: dict[str, Any]
    link_id: str | None = None
    link_name: str | None = None


@dataclass
class RelationIn:
    id: str
    type: str
    from_id: str
    to_id: str
    attributes: dict[str, Any]


@dataclass
class ArgumentIn:
    id: str
    role: str
    entity_id: str | None
    event_id: str | None


@dataclass
class EventIn:
    id: str
    type: str
    start: int
    end: int
    attributes: dict[str, Any]
    arguments: list[ArgumentIn] = field(default_factory=list)
    #: the stored id of the incident this event is a mention of (``"incident"`` in the file), and the
    #: figures this source reports for it
    incident: str | None = None
    incident_figures: dict[str, int] = field(default_factory=dict)


@dataclass
class SentimentIn:
    id: str
    entity_id: str | None
    event_id: str | None
    polarity: str


@dataclass
class LabelIn:
    id: str
    name: str
    value: int


@dataclass
class SessionIn:
    """One work session of the block's annotator on the document (``"time"``'s ``sessions``)."""

    id: str
    started: datetime
    ended: datetime
    active_seconds: float
    labels: int


@dataclass
class AnnotationIn:
    annotator: str
    status: str
    status_id: str
    entities: list[EntityIn]
    events: list[EventIn]
    labels: list[LabelIn]
    sentiments: list[SentimentIn]
    warnings: list[str] = field(default_factory=list)
    relations: list[RelationIn] = field(default_factory=list)
    sessions: list[SessionIn] = field(default_factory=list)  # time spent (issue 18)


_NAMESPACE_BYTES = NAMESPACE.bytes
_sha1 = hashlib.sha1


def _uuid5_text(sha1_digest: bytes) -> str:
    """The text of the version-5 UUID made from a SHA-1 digest (as ``uuid.uuid5`` makes it)."""
    digest = bytearray(sha1_digest[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def derive_id(*parts: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, "\\x1f".join(parts)))``, written out (an import derives one per row):
    the first 16 bytes of SHA-1(namespace + name), version 5, RFC 4122 variant."""
    return _uuid5_text(_sha1(_NAMESPACE_BYTES + "\x1f".join(parts).encode()).digest())


def _deriver(*prefix: str) -> Callable[[str], str]:
    """``derive_id(*prefix, last)`` for many ``last``: the hash of the common start is computed once."""
    base = _sha1(_NAMESPACE_BYTES + "\x1f".join((*prefix, "")).encode())

    def derive(last: str) -> str:
        h = base.copy()
        h.update(last.encode())
        return _uuid5_text(h.digest())

    return derive


def storage_id(given: str, content_hash: str, annotator: str, kind: str) -> str:
    # uuid.UUID takes 32 hex digits, with hyphens, braces or a "urn:uuid:" prefix around them: a shorter
    # id ("T1") is none, and needs no failed parse
    if len(given) >= 32:
        try:
            return str(uuid.UUID(given))
        except ValueError:
            pass
    return derive_id(content_hash, annotator, kind, given)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnnotationProblem(f"{what} must be an integer, not {value!r}")
    return value


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AnnotationProblem(f"{what} must be an object, not {type(value).__name__}")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnnotationProblem(f"{what} must be a list, not {type(value).__name__}")
    return value


def _given_id(item: dict[str, Any], what: str) -> str:
    given = item.get("id")
    if isinstance(given, int) and not isinstance(given, bool):
        given = str(given)
    if not isinstance(given, str) or not given.strip():
        raise AnnotationProblem(f"{what} needs an 'id' (a string)")
    return given


_CLUSTER = regex.compile(r"\X")
#: Characters that never start a grapheme cluster of their own (they join the one before, GB9/GB9a).
_JOINS_PREVIOUS = regex.compile(r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}]")
#: A cluster boundary follows one of these unless the next character joins it (see _JOINS_PREVIOUS), and
#: the clusters after that boundary do not depend on anything before it: no rule that looks further back
#: (Indic conjuncts, emoji ZWJ sequences, regional-indicator pairs) passes over a space, tab or newline.
_RESTARTS = " \t\n"
_PREPEND = regex.compile(r"\p{GCB=Prepend}")
#: How far back to look for such a place before segmenting the whole text instead.
_LOCAL_REACH = 64


class _Spans:
    """Maps offsets given in the original text to the stored, normalized text."""

    def __init__(self, original: str, normalized: str, offset_map: OffsetMap):
        self.original = original
        self.normalized = normalized
        self.offset_map = offset_map
        self._boundaries: set[int] | None = None
        self._unchanged = normalized is original and offset_map.is_identity
        # ASCII text without CR (stored text has none): every offset is a cluster boundary
        self._all_boundaries = normalized.isascii() and "\r" not in normalized

    def _is_boundary(self, offset: int) -> bool:
        """Whether ``offset`` is a grapheme cluster boundary of the normalized text, the same answer as
        :func:`~annotator.text.segment.grapheme_boundaries`: the clusters from the nearest earlier place
        where a cluster surely starts afresh (else those of the whole text, segmented once)."""
        text = self.normalized
        if self._all_boundaries or offset == 0 or offset == len(text):
            return True
        if self._boundaries is None:
            after = text[offset]
            if after in _RESTARTS and not (after == "\n" and text[offset - 1] == "\r"):
                # a cluster ends before a tab or newline (GB5) and before a space unless what precedes
                # is a prepended mark (GB9b)
                return after != " " or _PREPEND.match(text, offset - 1) is None
            restart = offset
            stop = max(0, offset - _LOCAL_REACH)
            while restart > stop and not (
                text[restart - 1] in _RESTARTS and _JOINS_PREVIOUS.match(text, restart) is None
            ):
                restart -= 1
            if restart > 0 and restart == stop:  # no such place nearby: segment the whole text, once
                self._boundaries = set(grapheme_boundaries(text))
            else:
                match = _CLUSTER.match
                while restart < offset:
                    found = match(text, restart)
                    restart = found.end() if found is not None else offset + 1
                return restart == offset
        return offset in self._boundaries

    def _check_clusters(self, start: int, end: int, what: str) -> None:
        is_boundary = self._is_boundary
        if is_boundary(start) and is_boundary(end):
            return
        offset = end if is_boundary(start) else start
        raise AnnotationProblem(
            f"{what}: span [{start}, {end}) splits a character cluster at offset {offset} "
            f"(…{self.normalized[max(0, offset - 3) : offset + 3]!r}…)"
        )

    def map(self, start: Any, end: Any, surface: Any, what: str) -> tuple[int, int]:
        if type(start) is not int:  # the message is made only when needed
            start = _int(start, f"{what}: 'start'")
        if type(end) is not int:
            end = _int(end, f"{what}: 'end'")
        if surface is not None and not isinstance(surface, str):
            raise AnnotationProblem(f"{what}: 'text' must be a string")
        if start >= end:
            raise AnnotationProblem(f"{what}: empty or reversed span [{start}, {end})")
        if self._unchanged and surface is None and 0 <= start and end <= len(self.original):
            # the stored text is the given one (NFC, no CR): remap_span's check is that the span's text is
            # normalized, which CPython's quick check answers
            if is_normalized("NFC", self.original[start:end]):
                self._check_clusters(start, end, what)
                return start, end
        try:
            mapped = remap_span(self.original, start, end, self.offset_map, self.normalized, surface)
        except SpanMismatch as exc:
            raise AnnotationProblem(f"{what}: {exc}") from None
        self._check_clusters(*mapped, what)
        return mapped


def _link(value: Any, what: str) -> tuple[str | None, str | None]:
    """A canonical link ``{"id": "Q1234", "name": "Lashkar-e-Taiba"}`` (name optional), or none. An export
    also writes the knowledge-base entry's ``type`` (its label), which is read as a string and not kept."""
    if value is None:
        return None, None
    link = _obj(value, f"{what}: 'link'")
    unknown = sorted(set(link) - {"id", "name", "type"})
    if unknown:
        raise AnnotationProblem(
            f"{what}: 'link' has unknown field(s) {', '.join(unknown)} (known: id, name, type)"
        )
    if not isinstance(link.get("type", ""), str):
        raise AnnotationProblem(f"{what}: link 'type' must be a string")
    link_id, name = link.get("id"), link.get("name")
    if not isinstance(link_id, str) or not link_id.strip():
        raise AnnotationProblem(f"{what}: 'link' needs an 'id' (a non-empty string)")
    if name is not None and not isinstance(name, str):
        raise AnnotationProblem(f"{what}: link 'name' must be a string")
    return link_id.strip(), name


def validate_annotations(
    blocks: list[Any],
    *,
    schema: Schema,
    original: str,
    normalized: str,
    offset_map: OffsetMap,
    content_hash: str,
) -> list[AnnotationIn]:
    spans = _Spans(original, normalized, offset_map)
    seen_annotators: set[str] = set()
    out = []
    for index, block in enumerate(blocks):
        block = _obj(block, f"annotations[{index}]")
        name = block.get("annotator")
        if not isinstance(name, str) or not name.strip():
            raise AnnotationProblem(f"annotations[{index}]: 'annotator' must be a non-empty string")
        name = name.strip()
        if name in seen_annotators:
            raise AnnotationProblem(f"annotations[{index}]: annotator '{name}' appears twice")
        seen_annotators.add(name)
        try:
            out.append(_validate_block(block, name, schema, spans, content_hash))
        except AnnotationProblem as exc:
            raise AnnotationProblem(f"annotator '{name}': {exc}") from None
    return out


INCIDENT_FIGURES = ("killed", "injured", "arrested")


def incident_storage_id(given: str, annotator: str) -> str:
    """The stored id of an incident named ``given`` in a file: a UUID is kept; any other id becomes a stable
    UUID of the annotator and that id (events of any documents naming it are one incident)."""
    try:
        return str(uuid.UUID(given)) if len(given) == 36 else derive_id(annotator, "incident", given)
    except ValueError:
        return derive_id(annotator, "incident", given)


def _incident(value: Any, annotator: str, what: str) -> tuple[str, dict[str, int]]:
    """An event's ``"incident"``: an id, or ``{"id": …, "figures": {"killed": 3, …}}``."""
    figures: dict[str, int] = {}
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"id", "figures"})
        if unknown:
            raise AnnotationProblem(
                f"{what}: 'incident' has unknown field(s) {', '.join(unknown)} (known: figures, id)"
            )
        raw = value.get("figures") or {}
        if not isinstance(raw, dict):
            raise AnnotationProblem(f"{what}: 'incident.figures' must be an object")
        for name, number in raw.items():
            if name not in INCIDENT_FIGURES:
                raise AnnotationProblem(
                    f"{what}: unknown incident figure {name!r} (known: {', '.join(INCIDENT_FIGURES)})"
                )
            if number is None:
                continue
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise AnnotationProblem(f"{what}: incident figure {name} must be a whole number >= 0")
            figures[name] = number
        value = value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise AnnotationProblem(f"{what}: 'incident' must be a non-empty id")
    return incident_storage_id(value.strip(), annotator), figures


def _moment(value: Any, what: str) -> datetime:
    """An ISO 8601 time with its UTC offset."""
    if not isinstance(value, str):
        raise AnnotationProblem(f"{what} must be an ISO 8601 time, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise AnnotationProblem(f"{what} must be an ISO 8601 time, not {value!r}") from None
    if moment.tzinfo is None:
        raise AnnotationProblem(f"{what} needs its UTC offset ({value!r})")
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        raise AnnotationProblem(f"{what} is out of range in UTC ({value!r})") from None


def _time(value: Any, annotator: str, content_hash: str, warnings: list[str]) -> list[SessionIn]:
    """A block's ``"time"``: ``{"active_seconds": total, "sessions": [{"id", "started", "ended",
    "active_seconds", "labels"}]}``; the sessions are what is stored (the total is their sum)."""
    time = _obj(value, "'time'")
    unknown = sorted(set(time) - {"active_seconds", "sessions"})
    if unknown:
        raise AnnotationProblem(
            f"'time' has unknown field(s) {', '.join(unknown)} (known: active_seconds, sessions)"
        )
    if "sessions" not in time:
        if time.get("active_seconds"):
            warnings.append("'time' gives active_seconds without its sessions: not stored")
        return []
    out: list[SessionIn] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(time.get("sessions"), "'time.sessions'")):
        what = f"time.sessions[{i}]"
        item = _obj(item, what)
        unknown = sorted(set(item) - {"id", "started", "ended", "active_seconds", "labels"})
        if unknown:
            raise AnnotationProblem(f"{what}: unknown field(s) {', '.join(unknown)}")
        given = _given_id(item, what)
        sid = storage_id(given, content_hash, annotator, "session")
        if sid in seen:
            raise AnnotationProblem(f"{what}: session {given} appears twice")
        seen.add(sid)
        started, ended = (
            _moment(item.get("started"), f"{what}: 'started'"),
            _moment(item.get("ended"), f"{what}: 'ended'"),
        )
        if ended < started:
            raise AnnotationProblem(f"{what}: ends before it starts")
        active = item.get("active_seconds", 0)
        if (
            isinstance(active, bool)
            or not isinstance(active, int | float)
            or not math.isfinite(active)
            or active < 0
        ):
            raise AnnotationProblem(
                f"{what}: 'active_seconds' must be a number of seconds >= 0, not {active!r}"
            )
        if active > (ended - started).total_seconds() + 1:
            raise AnnotationProblem(
                f"{what}: {active} active seconds in a session of {(ended - started).total_seconds():g}"
            )
        labels = item.get("labels", 0)
        if isinstance(labels, bool) or not isinstance(labels, int) or labels < 0:
            raise AnnotationProblem(f"{what}: 'labels' must be a whole number >= 0, not {labels!r}")
        out.append(SessionIn(sid, started, ended, float(active), labels))
    return out


def _validate_block(
    block: dict[str, Any], annotator: str, schema: Schema, spans: _Spans, content_hash: str
) -> AnnotationIn:
    known = {"annotator", "status", "entities", "events", "relations", "document", "sentiment", "time"}
    unknown = sorted(set(block) - known)
    if unknown:
        raise AnnotationProblem(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    status = block.get("status", DEFAULT_STATUS)
    if status not in WORK_STATUSES:
        raise AnnotationProblem(f"status {status!r} is not one of {', '.join(WORK_STATUSES)}")
    warnings: list[str] = []
    checks = type_checks(schema)
    derivers: dict[str, Callable[[str], str]] = {}

    def sid(given: str, kind: str) -> str:
        """:func:`storage_id`, with the hash of the parts every derived id of ``kind`` shares made once."""
        if len(given) >= 32:
            return storage_id(given, content_hash, annotator, kind)
        derive = derivers.get(kind)
        if derive is None:
            derive = derivers[kind] = _deriver(content_hash, annotator, kind)
        return derive(given)

    ids: dict[str, tuple[str, str, str]] = {}  # given id -> (kind, storage id, type name)
    entities: list[EntityIn] = []
    seen_spans: dict[tuple[int, int, str], str] = {}
    for i, item in enumerate(_list(block.get("entities"), "'entities'")):
        item = _obj(item, f"entities[{i}]")
        given = _given_id(item, f"entities[{i}]")
        what = f"entity {given}"
        if given in ids:
            raise AnnotationProblem(f"{what}: id used twice")
        label: Any = item.get("label")  # JSON; entity_problem refuses all but a known label, a str
        own = item.get("attributes")
        attributes: dict[str, Any] | None
        attributes_problem: str | None
        # the checks the workbench's commands use too (asked once per label when the item has no attributes)
        if own:
            problem, attributes, attributes_problem = entity_problem(schema, label), None, None
        else:
            problem, attributes, attributes_problem = checks.plain("entity", label)
        if problem:
            raise AnnotationProblem(f"{what}: {problem}")
        start, end = spans.map(item.get("start"), item.get("end"), item.get("text"), what)
        if attributes is None:
            attributes, attributes_problem = checks.with_attributes(
                "entity", label, _obj(own, f"{what}: 'attributes'")
            )
        if attributes_problem:
            raise AnnotationProblem(f"{what}: {attributes_problem}")
        key = (start, end, label)
        if key in seen_spans:
            # Same span and label twice (seen in doccano exports): keep one, say so.
            warnings.append(
                f"entity {given}: duplicate of {seen_spans[key]} ({label} [{start}, {end})), dropped"
            )
            ids[given] = ("entity", sid(seen_spans[key], "entity"), label)
            continue
        seen_spans[key] = given
        entity_id = sid(given, "entity")
        ids[given] = ("entity", entity_id, label)
        link_id, link_name = _link(item.get("link"), what)
        entities.append(EntityIn(entity_id, start, end, label, attributes, link_id, link_name))

    raw_events = [_obj(item, f"events[{i}]") for i, item in enumerate(_list(block.get("events"), "'events'"))]
    for i, item in enumerate(raw_events):  # first pass: ids, so arguments may name later events
        given = _given_id(item, f"events[{i}]")
        if given in ids:
            raise AnnotationProblem(f"event {given}: id used twice")
        etype: Any = item.get("type")  # JSON; event_problem refuses all but a known type, a str
        problem = checks.plain("event", etype)[0]
        if problem:
            raise AnnotationProblem(f"event {given}: {problem}")
        ids[given] = ("event", sid(given, "event"), etype)

    events: list[EventIn] = []
    for item in raw_events:
        given = str(item["id"])
        what = f"event {given}"
        etype = item["type"]
        if "link" in item:
            raise AnnotationProblem(f"{what}: canonical links are kept on entities only, not on events")
        trigger = _obj(item.get("trigger"), f"{what}: 'trigger'")
        start, end = spans.map(
            trigger.get("start"), trigger.get("end"), trigger.get("text"), f"{what} trigger"
        )
        own = item.get("attributes")
        if own:
            attributes, problem = checks.with_attributes("event", etype, _obj(own, f"{what}: 'attributes'"))
        else:
            _, attributes, problem = checks.plain("event", etype)
        if problem:
            raise AnnotationProblem(f"{what}: {problem}")
        event = EventIn(ids[given][1], etype, start, end, attributes)
        if item.get("incident") is not None:
            event.incident, event.incident_figures = _incident(item["incident"], annotator, what)
        counts: dict[str, int] = {}
        for j, arg in enumerate(_list(item.get("arguments"), f"{what}: 'arguments'")):
            arg = _obj(arg, f"{what}: arguments[{j}]")
            role = arg.get("role")
            filler = arg.get("entity")
            if isinstance(filler, int) and not isinstance(filler, bool):
                filler = str(filler)
            role_names = schema.event_type(etype).role_names
            if not isinstance(role, str) or role not in role_names:
                roles = ", ".join(role_names)
                raise AnnotationProblem(f"{what}: unknown role {role!r} for {etype} (known: {roles})")
            if not isinstance(filler, str) or filler not in ids:
                raise AnnotationProblem(f"{what}: argument {role} names unknown id {filler!r}")
            kind, filler_sid, filler_type = ids[filler]
            if filler_sid == event.id:
                raise AnnotationProblem(f"{what}: argument {role} names the event itself")
            problem = argument_problem(schema, etype, role, filler_type, counts.get(role, 0))
            if problem:
                raise AnnotationProblem(f"{what}: argument {role} ({filler}): {problem}")
            counts[role] = counts.get(role, 0) + 1
            event.arguments.append(
                ArgumentIn(
                    derive_id(event.id, "argument", str(j)),
                    role,
                    filler_sid if kind == "entity" else None,
                    filler_sid if kind == "event" else None,
                )
            )
        events.append(event)

    labels: list[LabelIn] = []
    document = _obj(block.get("document") or {}, "'document'")
    problems = schema.check_document_sentiment(document)
    if problems:
        raise AnnotationProblem("; ".join(problems))
    for name, value in document.items():
        if value is not None:
            labels.append(LabelIn(derive_id(content_hash, annotator, "label", name), name, int(value)))

    relations: list[RelationIn] = []
    for i, item in enumerate(_list(block.get("relations"), "'relations'")):
        item = _obj(item, f"relations[{i}]")
        given = _given_id(item, f"relations[{i}]")
        what = f"relation {given}"
        if given in ids:
            raise AnnotationProblem(f"{what}: id used twice")
        if "roles" in item:
            raise AnnotationProblem(f"{what}: custom argument names {item['roles']!r} are not supported")
        rtype = item.get("type")
        if not isinstance(rtype, str) or schema.kind_of(rtype) != "relation":
            known_types = ", ".join(getattr(schema, "relation_type_names", ())) or "none in this schema"
            raise AnnotationProblem(f"{what}: unknown type {rtype!r} (known: {known_types})")
        ends = []
        for side in ("from", "to"):
            ref = item.get(side)
            if isinstance(ref, int) and not isinstance(ref, bool):
                ref = str(ref)
            if not isinstance(ref, str) or ref not in ids or ids[ref][0] != "entity":
                raise AnnotationProblem(
                    f"{what}: '{side}' must name an entity of this annotation, not {ref!r}"
                )
            ends.append(ids[ref])
        if ends[0][1] == ends[1][1]:
            # brat's "*\tAlias T1 T1", or two ends that are one entity (a duplicate span): says nothing
            warnings.append(f"{what}: {rtype} of an entity with itself ({item['from']}), left out")
            continue
        problem = relation_problem(schema, rtype, ends[0][2], ends[1][2])
        if problem:
            raise AnnotationProblem(f"{what}: {problem}")
        attributes = with_defaults(
            schema, "relation", rtype, _obj(item.get("attributes") or {}, f"{what}: 'attributes'")
        )
        problem = relation_problem(schema, rtype, ends[0][2], ends[1][2], attributes)
        if problem:
            raise AnnotationProblem(f"{what}: {problem}")
        ids[given] = ("relation", sid(given, "relation"), rtype)
        relations.append(
            RelationIn(ids[given][1], rtype, ends[0][1], ends[1][1], dict(sorted(attributes.items())))
        )

    sentiments: list[SentimentIn] = []
    seen_targets: set[str] = set()
    for i, item in enumerate(_list(block.get("sentiment"), "'sentiment'")):
        item = _obj(item, f"sentiment[{i}]")
        target = item.get("target")
        if isinstance(target, int) and not isinstance(target, bool):
            target = str(target)
        if not isinstance(target, str) or target not in ids:
            raise AnnotationProblem(f"sentiment[{i}]: target names unknown id {target!r}")
        polarity: Any = item.get("polarity")  # JSON; sentiment_problem refuses all but a schema polarity
        kind, target_sid, _ = ids[target]
        problem = sentiment_problem(schema, kind, polarity)
        if problem:
            raise AnnotationProblem(f"sentiment[{i}]: {problem}")
        if target_sid in seen_targets:
            raise AnnotationProblem(f"sentiment[{i}]: target {target} has two polarities")
        seen_targets.add(target_sid)
        sentiments.append(
            SentimentIn(
                derive_id(target_sid, "sentiment"),
                target_sid if kind == "entity" else None,
                target_sid if kind == "event" else None,
                polarity,
            )
        )

    sessions = (
        _time(block["time"], annotator, content_hash, warnings) if block.get("time") is not None else []
    )
    return AnnotationIn(
        annotator,
        status,
        derive_id(content_hash, annotator, "status"),
        entities,
        events,
        labels,
        sentiments,
        warnings,
        relations,
        sessions,
    )
