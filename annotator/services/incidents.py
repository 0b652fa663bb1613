"""Incidents across articles: one real-world event, many reports. An incident is a cluster of event
mentions (events annotated in documents) of one annotator, with its own fields: type, date range, place
(a canonical link or a name, matched across scripts: पहलगाम and Pahalgam are one place), actors, the
killed/injured/arrested figures each source reports and the rule that picks the incident's figure, notes.

Editing is a set of small undoable commands (:class:`NewIncident`, :class:`LinkEvent`,
:class:`UnlinkEvent`, :class:`MergeIncidents`, :class:`SplitIncident`, :class:`SetIncidentFields`,
:class:`SetSourceFigures`): each records the incident and mention rows it changed, so undo and redo put
exactly those rows back (``store/writes.put_versions``). :func:`candidates` ranks the incidents an event
may belong to, each with a one-line reason; :func:`propose_links` does it for every event not linked yet.
:func:`list_incidents` reads them with their mentions; :func:`export_incidents` writes the incident table
(CSV, JSONL) and a cross-document coreference training file.
"""

from __future__ import annotations

import csv
import functools
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, select

from annotator.errors import AnnotatorError
from annotator.services.annotate import Change, Command, Editor
from annotator.services.kb import canonical_view
from annotator.services.project import Project
from annotator.store.models import (
    Annotator,
    Document,
    Entity,
    Event,
    EventArgument,
    Incident,
    IncidentMention,
    utcnow,
)

FIGURES = ("killed", "injured", "arrested")
RULES = ("latest", "highest", "manual")
#: How many days apart an article and an incident may be for the incident to be proposed by date.
DATE_WINDOW_DAYS = 3
#: Incidents are found by date when they began at most this many days before an article's window (the
#: date index is read as a range, not scanned to the beginning of time); a longer campaign is found by place.
LONGEST_INCIDENT_DAYS = 90
#: Event types that report facets of one incident (an attack, the deaths and injuries in it, an abduction,
#: the operation and arrests that follow): compatible when proposing candidates. Other types are
#: compatible with themselves and with types of the same parent in the schema.
INCIDENT_FAMILY = frozenset({"ATTACK", "DIE", "INJURE", "ABDUCT", "SECURITY_OPERATION", "ARREST"})
#: Roles whose filler is where the event happened.
PLACE_ROLES = frozenset({"place", "location", "destination", "origin"})
#: Entity labels that name a place when no place role says so.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


# ------------------------------------------------------------------------------------------ event facts


@dataclass(frozen=True)
class Place:
    id: str | None  # a canonical link
    name: str
    key: str  # "id:…" for a linked place, else "name:…" (the cross-script key of the name)


def place_key(name: str) -> str:
    """The cross-script key of a place's name (``पहलगाम`` and ``Pahalgam`` → ``name:pahalgam``)."""
    from annotator.suggest.keys import fold_latin, phonetic_key

    words = [w for w in name.replace("-", " ").split() if w]
    keys = []
    for word in words:
        # any letter: a Bengali, Gurmukhi or Tamil word with vowel signs is not ``isalpha`` but has a key
        key = phonetic_key(word) if any(ch.isalpha() for ch in word) else ""
        keys.append(key or fold_latin(word))
    return "name:" + " ".join(keys)


@dataclass(frozen=True)
class EventFacts:
    """What an event says about the incident it reports."""

    event_id: str
    document_id: int
    annotator_id: int
    type: str
    start: int
    end: int
    published: str | None  # the document's date, YYYY-MM-DD
    places: tuple[Place, ...] = ()
    actors: tuple[tuple[str, str], ...] = ()  # (canonical id, name) of linked fillers
    trigger: str = ""
    external_id: str = ""
    title: str = ""


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def event_facts(conn: Connection, event_ids: Iterable[str]) -> dict[str, EventFacts]:
    """The facts of these events: type, trigger, their document's date, places and linked actors."""
    ids = list(dict.fromkeys(event_ids))
    out: dict[str, EventFacts] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = conn.execute(
            select(
                Event.id,
                Event.document_id,
                Event.annotator_id,
                Event.type,
                Event.trigger_start,
                Event.trigger_end,
                Document.meta,
                Document.external_id,
                Document.title,
                func.substr(Document.text, Event.trigger_start + 1, Event.trigger_end - Event.trigger_start),
            )
            .join(Document, Document.id == Event.document_id)
            .where(Event.id.in_(chunk))
        ).all()
        fillers: dict[str, list[tuple[str, str, str | None, str | None, int, int]]] = {}
        for event_id, role, label, link_id, link_name, start, end in conn.execute(
            select(
                EventArgument.event_id,
                EventArgument.role,
                Entity.label,
                Entity.link_id,
                Entity.link_name,
                Entity.start,
                Entity.end,
            )
            .join(Entity, Entity.id == EventArgument.entity_id)
            .where(EventArgument.event_id.in_(chunk))
            .order_by(EventArgument.event_id, EventArgument.position)
        ):
            fillers.setdefault(event_id, []).append((role, label, link_id, link_name, start, end))
        texts: dict[int, str] = {}
        wanted_docs = {r[1] for r in rows if r[0] in fillers}
        if wanted_docs:
            texts = dict(
                conn.execute(select(Document.id, Document.text).where(Document.id.in_(wanted_docs))).all()
            )
        for event_id, doc_id, annotator_id, etype, start, end, meta, ext, title, trigger in rows:
            places: list[Place] = []
            actors: list[tuple[str, str]] = []
            for role, label, link_id, link_name, s, e in fillers.get(event_id, ()):
                surface = texts.get(doc_id, "")[s:e]
                if role.lower() in PLACE_ROLES or label in PLACE_LABELS:
                    name = link_name or surface
                    places.append(Place(link_id, name, f"id:{link_id}" if link_id else place_key(name)))
                elif link_id:
                    actors.append((link_id, link_name or surface))
            meta = meta if isinstance(meta, dict) else {}
            out[event_id] = EventFacts(
                event_id,
                doc_id,
                annotator_id,
                etype,
                start,
                end,
                _date(meta.get("published")),
                tuple(places),
                tuple(dict.fromkeys(actors)),
                trigger or "",
                ext,
                title or "",
            )
    return out


# ------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)  # slots: 60,000 of them are made and freed at once (the incident view)
class Mention:
    id: str
    event_id: str
    document_id: int
    external_id: str
    title: str
    published: str | None
    type: str
    start: int
    end: int
    trigger: str
    figures: dict[str, int]
    updated_at: str


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: str
    annotator: str
    type: str
    date_start: str | None
    date_end: str | None
    place_id: str | None
    place_name: str | None
    actors: tuple[tuple[str, str], ...]
    rule: str
    manual: dict[str, int]
    notes: str
    mentions: tuple[Mention, ...] = field(default=())
    #: the administrative areas of the place where they are known (:func:`admin_areas`): country, state or
    #: province, district
    admin: tuple[str, ...] = ()

    def figure(self, name: str) -> int | None:
        """The incident's figure for ``name`` (killed, injured, arrested) by its rule: the latest report
        (the most recently published source that gives one; ties: the last linked), the highest, or the
        one a person set."""
        if self.rule == "manual":
            value = self.manual.get(name)
            return value if isinstance(value, int) else None
        given = [
            (m.published or "", m.updated_at, m.figures[name]) for m in self.mentions if name in m.figures
        ]
        if not given:
            return None
        if self.rule == "highest":
            return max(v for _p, _u, v in given)
        return max(given)[2]

    def conflicts(self, name: str) -> list[tuple[int, str]]:
        """The different figures the sources give for ``name`` (value, document id), when they differ."""
        values = [(m.figures[name], m.external_id) for m in self.mentions if name in m.figures]
        return values if len({v for v, _ in values}) > 1 else []

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "annotator": self.annotator,
            "type": self.type,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "place": {"id": self.place_id, "name": self.place_name, **_admin_fields(self.admin)}
            if self.place_name or self.place_id
            else None,
            "actors": [{"id": i, "name": n} for i, n in self.actors],
            "figure_rule": self.rule,
            "figures": {name: self.figure(name) for name in FIGURES},
            "conflicts": {name: self.conflicts(name) for name in FIGURES if self.conflicts(name)},
            "notes": self.notes,
            "mentions": [
                {
                    "document": m.external_id,
                    "event": m.event_id,
                    "type": m.type,
                    "start": m.start,
                    "end": m.end,
                    "trigger": m.trigger,
                    "published": m.published,
                    "figures": m.figures,
                }
                for m in self.mentions
            ],
        }


def _annotator_id(conn: Connection, name: str) -> int:
    found = conn.scalar(select(Annotator.id).where(Annotator.name == name))
    if found is None:
        raise AnnotatorError(f"no annotator called {name!r} in this project")
    return found


def list_incidents(
    project: Project, *, annotator: str | None = None, incident_ids: Iterable[str] | None = None
) -> list[IncidentView]:
    """Incidents with their mentions (oldest first), of one annotator or everyone."""
    with project.engine.connect() as conn:
        return _incidents(conn, annotator=annotator, incident_ids=incident_ids)


def _incidents(
    conn: Connection, *, annotator: str | None = None, incident_ids: Iterable[str] | None = None
) -> list[IncidentView]:
    names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
    table = Incident.__table__
    query = select(table)
    if annotator is not None:
        query = query.where(table.c.annotator_id == _annotator_id(conn, annotator))
    if incident_ids is not None:
        query = query.where(table.c.id.in_(list(incident_ids) or [""]))
    incidents = [dict(r._mapping) for r in conn.execute(query)]
    incidents.sort(key=lambda r: (r["date_start"] or "", r["created_at"], r["id"]))
    mentions: dict[str, list[Mention]] = {}
    ids = [r["id"] for r in incidents]
    for i in range(0, len(ids), 500):
        table = IncidentMention.__table__
        found = list(conn.execute(select(table).where(table.c.incident_id.in_(ids[i : i + 500]))))
        facts = event_facts(conn, [m.event_id for m in found])
        for m in found:
            f = facts.get(m.event_id)
            if f is None:
                continue
            mentions.setdefault(m.incident_id, []).append(
                Mention(
                    m.id,
                    m.event_id,
                    m.document_id,
                    f.external_id,
                    f.title,
                    f.published,
                    f.type,
                    f.start,
                    f.end,
                    f.trigger,
                    {k: v for k, v in (m.figures or {}).items() if isinstance(v, int)},
                    m.updated_at.isoformat(),
                )
            )
    out = []
    # places and actors with a knowledge-base entry: its canonical name and (places) admin areas
    base = canonical_view(
        conn, [r["place_id"] for r in incidents] + [a.get("id") for r in incidents for a in r["actors"] or ()]
    )
    for r in incidents:
        ms = sorted(mentions.get(r["id"], []), key=lambda m: (m.published or "", m.external_id, m.start))
        place = base.get(r["place_id"] or "")
        out.append(
            IncidentView(
                r["id"],
                names.get(r["annotator_id"], ""),
                r["type"],
                r["date_start"],
                r["date_end"],
                r["place_id"],
                place[0] if place else r["place_name"],
                tuple(
                    (a.get("id", ""), base.get(a.get("id") or "", (a.get("name", ""),))[0])
                    for a in r["actors"] or ()
                ),
                r["figure_rule"],
                {k: v for k, v in (r["figures"] or {}).items() if isinstance(v, int)},
                r["notes"] or "",
                tuple(ms),
                (place[1] if place else ()) or admin_areas(r["place_id"], r["place_name"]),
            )
        )
    return out


def incident_of(project: Project, event_id: str) -> str | None:
    """The id of the incident an event is linked to, or None."""
    with project.engine.connect() as conn:
        return conn.scalar(select(IncidentMention.incident_id).where(IncidentMention.event_id == event_id))


# ------------------------------------------------------------------------------------------ admin areas

#: The names of the administrative areas, largest first, as the exports write them.
ADMIN_LEVELS = ("country", "admin1", "admin2")


def _admin_fields(areas: tuple[str, ...]) -> dict[str, str]:
    return {level: area for level, area in zip(ADMIN_LEVELS, areas, strict=False)}


def admin_areas(place_id: str | None, place_name: str | None) -> tuple[str, ...]:
    """The administrative areas of an incident's place, largest first (country, state or province,
    district), where the gazetteer knows them: its place id (a canonical name) or its name, as written or
    in the other script (पहलगाम and Pahalgam: ``("India", "Jammu and Kashmir", "Anantnag")``); ``()``
    otherwise. The one look-up of admin areas (the exports, the incident view): a project knowledge
    base's areas are to be preferred here once there is one."""
    index = _admin_index()
    for given in (place_id, place_name):
        if not given or not given.strip():
            continue
        found = index.get("text:" + given.strip().casefold()) or index.get(_folded_place(given.strip()))
        if found:
            return found
    return ()


@functools.lru_cache(maxsize=1)
def _admin_index() -> dict[str, tuple[str, ...]]:
    """Every spelling of the gazetteer's places with known areas, as written (casefolded) and by its
    cross-script key; a key two places with different areas share is left out."""
    from annotator.suggest.gazetteer import default_place_areas

    index: dict[str, tuple[str, ...] | None] = {}
    for spellings, areas in default_place_areas():
        for spelling in spellings:
            for key in ("text:" + spelling.casefold(), place_key(spelling)):
                if index.setdefault(key, areas) != areas:
                    index[key] = None  # two places: not this one's to say
    return {k: v for k, v in index.items() if v}


# ------------------------------------------------------------------------------------------ commands


def _rows(conn: Connection, model: Any, ids: Iterable[str], column: Any = None) -> dict[str, dict[str, Any]]:
    column = model.__table__.c.id if column is None else column
    ids = list(ids)
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        for r in conn.execute(select(model.__table__).where(column.in_(ids[i : i + 500]))):
            out[r.id] = dict(r._mapping)
    return out


class _Recorded(Command):
    """A command that records the incident and mention rows its first run changed, so undo and redo put
    exactly those versions back (and refuse nothing silently: a row changed since is overwritten as the
    user asked). Subclasses write ``_do(conn, editor)`` returning the incident ids and event ids touched."""

    def __init__(self, document_id: int) -> None:
        self.document_id = document_id
        self._before: tuple[dict, dict] | None = None
        self._after: tuple[dict, dict] | None = None

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:  # pragma: no cover
        raise NotImplementedError

    def _snapshot(self, conn: Connection, incidents: set[str]) -> tuple[dict, dict]:
        rows = _rows(conn, Incident, incidents)
        mentions = _rows(conn, IncidentMention, incidents, IncidentMention.__table__.c.incident_id)
        return rows, mentions

    def _put(self, editor: Editor, have: tuple[dict, dict], want: tuple[dict, dict]) -> Change:
        from annotator.store.writes import put_versions

        def pairs(a: dict, b: dict) -> list:
            return [(a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]

        changes = [
            (Incident.__table__, pairs(have[0], want[0])),
            (IncidentMention.__table__, pairs(have[1], want[1])),
        ]

        def work(conn: Connection) -> None:
            from annotator.store.models import Tombstone
            from annotator.store.writes import bury, delete_where

            put_versions(conn, changes, referred=1)
            # what comes back is alive (its tombstone goes); what goes leaves one, as the first run did, so
            # an undone or redone link travels in work packages
            back = [
                want["id"] for _t, ps in changes for have, want in ps if want is not None and have is None
            ]
            for i in range(0, len(back), 500):
                delete_where(conn, Tombstone, Tombstone.id.in_(back[i : i + 500]))
            now = utcnow()
            docs = {m["incident_id"]: m["document_id"] for m in (*have[1].values(), *want[1].values())}
            for have_row, want_row in changes[1][1]:
                if have_row is not None and want_row is None:
                    bury(conn, IncidentMention.__table__, [have_row], have_row["document_id"], now)
            for have_row, want_row in changes[0][1]:
                if have_row is not None and want_row is None and have_row["id"] in docs:
                    bury(conn, Incident.__table__, [have_row], docs[have_row["id"]], now)

        editor.transact(work)
        return Change(self.document_id, frames=True)

    def apply(self, editor: Editor) -> Change:
        if self._before is not None and self._after is not None:  # redo
            return self._put(editor, self._before, self._after)
        touched: set[str] = set()

        def work(conn: Connection) -> None:
            nonlocal touched
            touched = self._do(conn, editor)[0]

        with editor.project.engine.connect() as conn:
            planned = self._planned(conn)
            before = self._snapshot(conn, planned)
        editor.transact(work)
        if touched - planned:  # pragma: no cover - every command names what it touches beforehand
            raise AssertionError(
                f"{type(self).__name__} touched incidents it did not plan: {touched - planned}"
            )
        with editor.project.engine.connect() as conn:
            self._before, self._after = before, self._snapshot(conn, planned)
        return Change(self.document_id, frames=True)

    def _planned(self, conn: Connection) -> set[str]:
        """The incidents the command will touch (known before it runs)."""
        return set()

    def revert(self, editor: Editor) -> Change:
        assert self._before is not None and self._after is not None
        return self._put(editor, self._after, self._before)


def _mine(conn: Connection, editor: Editor, event_id: str) -> EventFacts:
    facts = event_facts(conn, [event_id]).get(event_id)
    if facts is None:
        raise AnnotatorError("the event is not in this project")
    if facts.annotator_id != editor.annotator_id:
        raise AnnotatorError("only your own events can be linked to your incidents")
    return facts


def _incident_row(conn: Connection, editor: Editor, incident_id: str) -> dict[str, Any]:
    row = conn.execute(select(Incident.__table__).where(Incident.id == incident_id)).first()
    if row is None:
        raise AnnotatorError(f"no incident {incident_id}")
    if row.annotator_id != editor.annotator_id:
        raise AnnotatorError("the incident belongs to another annotator")
    return dict(row._mapping)


def _absorb(row: dict[str, Any], facts: EventFacts) -> dict[str, Any]:
    """An incident's fields after an event joins it: empty fields filled, dates widened, actors added."""
    values: dict[str, Any] = {}
    if not row.get("type"):
        values["type"] = facts.type
    if facts.published:
        start, end = row.get("date_start"), row.get("date_end")
        if start is None or facts.published < start:
            values["date_start"] = facts.published
        if end is None or facts.published > end:
            values["date_end"] = facts.published
    if not row.get("place_key") and facts.places:
        place = facts.places[0]
        values.update(place_id=place.id, place_name=place.name, place_key=place.key)
    actors = list(row.get("actors") or [])
    known = {a.get("id") for a in actors}
    for actor_id, name in facts.actors:
        if actor_id not in known:
            actors.append({"id": actor_id, "name": name})
            known.add(actor_id)
    if actors != list(row.get("actors") or []):
        values["actors"] = actors
    return values


def _incident_values(incident_id: str, annotator_id: int, now: Any, **fields: Any) -> dict[str, Any]:
    """A new incident row: empty fields (filled from its events), the latest report's figures, ``fields``
    over them."""
    return {
        "id": incident_id,
        "annotator_id": annotator_id,
        "type": "",
        "actors": [],
        "figure_rule": "latest",
        "figures": {},
        "notes": "",
        "created_at": now,
        "updated_at": now,
        **fields,
    }


def _mention_values(
    mention_id: str,
    incident_id: str,
    event_id: str,
    document_id: int,
    annotator_id: int,
    figures: Any,
    now: Any,
) -> dict[str, Any]:
    """A new incident mention row: ``event_id`` of ``document_id`` in ``incident_id``, with its figures."""
    return {
        "id": mention_id,
        "incident_id": incident_id,
        "event_id": event_id,
        "document_id": document_id,
        "annotator_id": annotator_id,
        "figures": figures,
        "created_at": now,
        "updated_at": now,
    }


def _link(conn: Connection, editor: Editor, facts: EventFacts, incident_id: str, figures: dict) -> None:
    from annotator.store.writes import change, insert_new

    row = _incident_row(conn, editor, incident_id)
    existing = conn.execute(
        select(IncidentMention.id, IncidentMention.incident_id).where(
            IncidentMention.event_id == facts.event_id
        )
    ).first()
    if existing is not None:
        if existing.incident_id == incident_id:
            return
        raise AnnotatorError("the event is linked to another incident already (unlink it first)")
    now = utcnow()
    mention = _mention_values(
        str(uuid.uuid4()), incident_id, facts.event_id, facts.document_id, facts.annotator_id, figures, now
    )
    insert_new(conn, IncidentMention.__table__, [mention])
    values = _absorb(row, facts)
    if values:
        change(conn, Incident, values, Incident.id == incident_id)


class NewIncident(_Recorded):
    """Start an incident from an event (its fields from the event: type, date, place, actors)."""

    def __init__(self, document_id: int, event_id: str, figures: dict[str, int] | None = None):
        super().__init__(document_id)
        self.event_id, self.figures = event_id, dict(figures or {})
        self.incident_id = str(uuid.uuid4())
        self.text = "new incident"

    def _planned(self, conn: Connection) -> set[str]:
        return {self.incident_id}

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import insert_new

        facts = _mine(conn, editor, self.event_id)
        now = utcnow()
        insert_new(conn, Incident.__table__, [_incident_values(self.incident_id, facts.annotator_id, now)])
        _link(conn, editor, facts, self.incident_id, self.figures)
        return {self.incident_id}, {self.event_id}


class LinkEvent(_Recorded):
    """Link an event to an incident (the incident's empty fields are filled from it)."""

    def __init__(
        self, document_id: int, event_id: str, incident_id: str, figures: dict[str, int] | None = None
    ):
        super().__init__(document_id)
        self.event_id, self.incident_id, self.figures = event_id, incident_id, dict(figures or {})
        self.text = "link to incident"

    def _planned(self, conn: Connection) -> set[str]:
        return {self.incident_id}

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        _link(conn, editor, _mine(conn, editor, self.event_id), self.incident_id, self.figures)
        return {self.incident_id}, {self.event_id}


class UnlinkEvent(_Recorded):
    """Take an event out of its incident; an incident left without mentions goes."""

    def __init__(self, document_id: int, event_id: str):
        super().__init__(document_id)
        self.event_id = event_id
        self.text = "unlink from incident"

    def _planned(self, conn: Connection) -> set[str]:
        found = conn.scalar(
            select(IncidentMention.incident_id).where(IncidentMention.event_id == self.event_id)
        )
        return {found} if found else set()

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import bury, delete_where

        facts = _mine(conn, editor, self.event_id)
        mention = conn.execute(
            select(IncidentMention.__table__).where(IncidentMention.event_id == self.event_id)
        ).first()
        if mention is None:
            raise AnnotatorError("the event is in no incident")
        incident_id = mention.incident_id
        now = utcnow()
        # deletions leave tombstones, so they travel in work packages like other labels' deletions
        bury(conn, IncidentMention.__table__, [dict(mention._mapping)], facts.document_id, now)
        delete_where(conn, IncidentMention, IncidentMention.event_id == self.event_id)
        left = conn.scalar(select(func.count()).where(IncidentMention.incident_id == incident_id))
        if not left:
            row = _incident_row(conn, editor, incident_id)
            bury(conn, Incident.__table__, [row], facts.document_id, now)
            delete_where(conn, Incident, Incident.id == incident_id)
        return {incident_id}, {self.event_id}


class MergeIncidents(_Recorded):
    """Fold incident ``other`` into ``keep``: its mentions move, its empty fields fill ``keep``'s."""

    def __init__(self, document_id: int, keep: str, other: str):
        super().__init__(document_id)
        if keep == other:
            raise AnnotatorError("an incident cannot be merged with itself")
        self.keep, self.other = keep, other
        self.text = "merge incidents"

    def _planned(self, conn: Connection) -> set[str]:
        return {self.keep, self.other}

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import bury, change, delete_where

        kept = _incident_row(conn, editor, self.keep)
        gone = _incident_row(conn, editor, self.other)
        change(conn, IncidentMention, {"incident_id": self.keep}, IncidentMention.incident_id == self.other)
        values: dict[str, Any] = {}
        for name in ("type", "place_id", "place_name", "place_key"):
            if not kept.get(name) and gone.get(name):
                values[name] = gone[name]
        starts = [d for d in (kept.get("date_start"), gone.get("date_start")) if d]
        ends = [d for d in (kept.get("date_end"), gone.get("date_end")) if d]
        if starts:
            values["date_start"] = min(starts)
        if ends:
            values["date_end"] = max(ends)
        actors = list(kept.get("actors") or [])
        known = {a.get("id") for a in actors}
        actors += [a for a in gone.get("actors") or [] if a.get("id") not in known]
        values["actors"] = actors
        if gone.get("notes"):
            values["notes"] = "\n".join(n for n in (kept.get("notes"), gone["notes"]) if n)
        change(conn, Incident, values, Incident.id == self.keep)
        where = conn.scalar(
            select(IncidentMention.document_id).where(IncidentMention.incident_id == self.keep)
        )
        if where is not None:  # the merged-away incident's tombstone (a tombstone names a document)
            bury(conn, Incident.__table__, [gone], where, utcnow())
        delete_where(conn, Incident, Incident.id == self.other)
        return {self.keep, self.other}, set()


class SplitIncident(_Recorded):
    """Move some of an incident's events to a new incident (with the same fields, but figures per source
    and dates recomputed from its own mentions)."""

    def __init__(self, document_id: int, incident_id: str, event_ids: Iterable[str]):
        super().__init__(document_id)
        self.incident_id, self.event_ids = incident_id, list(event_ids)
        self.new_id = str(uuid.uuid4())
        self.text = "split incident"

    def _planned(self, conn: Connection) -> set[str]:
        return {self.incident_id, self.new_id}

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import change, insert_new

        row = _incident_row(conn, editor, self.incident_id)
        members = set(
            conn.scalars(
                select(IncidentMention.event_id).where(IncidentMention.incident_id == self.incident_id)
            )
        )
        moving = [e for e in self.event_ids if e in members]
        if not moving or len(moving) == len(members):
            raise AnnotatorError("a split moves some of the incident's events, not none or all")
        now = utcnow()
        facts = event_facts(conn, members)
        dates_new = sorted(f.published for e, f in facts.items() if e in moving and f.published)
        dates_old = sorted(f.published for e, f in facts.items() if e not in moving and f.published)
        insert_new(
            conn,
            Incident.__table__,
            [
                {
                    **{k: row[k] for k in ("annotator_id", "type", "place_id", "place_name", "place_key")},
                    "id": self.new_id,
                    "actors": list(row["actors"] or []),
                    "figure_rule": row["figure_rule"],
                    "figures": {},
                    "notes": "",
                    "date_start": dates_new[0] if dates_new else None,
                    "date_end": dates_new[-1] if dates_new else None,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        change(conn, IncidentMention, {"incident_id": self.new_id}, IncidentMention.event_id.in_(moving))
        change(
            conn,
            Incident,
            {
                "date_start": dates_old[0] if dates_old else None,
                "date_end": dates_old[-1] if dates_old else None,
            },
            Incident.id == self.incident_id,
        )
        return {self.incident_id, self.new_id}, set(moving)


class SetIncidentFields(_Recorded):
    """Set an incident's fields: ``values`` among type, date_start, date_end, place (id, name), actors
    ([(id, name)]), figure_rule, figures (the manual ones), notes."""

    FIELDS = ("type", "date_start", "date_end", "place", "actors", "figure_rule", "figures", "notes")

    def __init__(self, document_id: int, incident_id: str, values: dict[str, Any]):
        super().__init__(document_id)
        unknown = sorted(set(values) - set(self.FIELDS))
        if unknown:
            raise AnnotatorError(f"unknown incident field(s): {', '.join(unknown)}")
        self.incident_id, self.values = incident_id, dict(values)
        self.text = "set " + ", ".join(sorted(values))

    def _planned(self, conn: Connection) -> set[str]:
        return {self.incident_id}

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import change

        _incident_row(conn, editor, self.incident_id)
        values = _checked_fields(editor, self.values)
        change(conn, Incident, values, Incident.id == self.incident_id)
        return {self.incident_id}, set()


def _checked_fields(editor: Editor, given: dict[str, Any]) -> dict[str, Any]:
    """The stored columns for incident fields, each checked (one line naming the field when wrong)."""
    out: dict[str, Any] = {}
    for name, value in given.items():
        if name in ("date_start", "date_end"):
            if value is not None and _date(value) != value:
                raise AnnotatorError(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
            out[name] = value
        elif name == "type":
            if value and editor.project.schema.kind_of(value) != "event":
                raise AnnotatorError(f"type: {value!r} is not an event type of the schema")
            out[name] = value or ""
        elif name == "place":
            if value is None:
                out.update(place_id=None, place_name=None, place_key=None)
            else:
                place_id, place_name = value
                if not place_id and not place_name:
                    raise AnnotatorError("place: give an id or a name")
                key = f"id:{place_id}" if place_id else place_key(place_name)
                out.update(place_id=place_id or None, place_name=place_name or None, place_key=key)
        elif name == "actors":
            out["actors"] = [{"id": str(i), "name": str(n)} for i, n in value]
        elif name == "figure_rule":
            if value not in RULES:
                raise AnnotatorError(f"figure_rule: {value!r} is not one of {', '.join(RULES)}")
            out[name] = value
        elif name == "figures":
            out[name] = _checked_figures(value)
        elif name == "notes":
            out[name] = str(value or "")
    if "date_start" in out and "date_end" in out and out["date_start"] and out["date_end"]:
        if out["date_start"] > out["date_end"]:
            raise AnnotatorError("date_start is after date_end")
    return out


def _checked_figures(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise AnnotatorError("figures: give killed, injured and arrested as whole numbers")
    out = {}
    for name, number in value.items():
        if name not in FIGURES:
            raise AnnotatorError(f"figures: unknown figure {name!r} (known: {', '.join(FIGURES)})")
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise AnnotatorError(f"figures: {name} must be a whole number >= 0, not {number!r}")
        out[name] = number
    return out


class SetSourceFigures(_Recorded):
    """The killed/injured/arrested figures one source (an event's mention) reports."""

    def __init__(self, document_id: int, event_id: str, figures: dict[str, int | None]):
        super().__init__(document_id)
        self.event_id, self.figures = event_id, _checked_figures(figures)
        self.text = "set the source's figures"

    def _planned(self, conn: Connection) -> set[str]:
        found = conn.scalar(
            select(IncidentMention.incident_id).where(IncidentMention.event_id == self.event_id)
        )
        return {found} if found else set()

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import change

        _mine(conn, editor, self.event_id)
        incident_id = conn.scalar(
            select(IncidentMention.incident_id).where(IncidentMention.event_id == self.event_id)
        )
        if incident_id is None:
            raise AnnotatorError("the event is in no incident")
        change(conn, IncidentMention, {"figures": self.figures}, IncidentMention.event_id == self.event_id)
        return {incident_id}, {self.event_id}


def attach_mentions(
    conn: Connection, links: list[tuple[str, str, int, int, dict[str, int], str]]
) -> list[str]:
    """Link imported events to the incidents their file names (``"incident"`` in native JSONL): the
    incident is made when it is new, its empty fields filled from the events. Idempotent (an event linked
    already is left as it is); returns one line per link refused (an incident id of another annotator)."""
    from annotator.formats.native import derive_id
    from annotator.store.writes import change, insert_new

    problems: list[str] = []
    events = [link[0] for link in links]
    linked: set[str] = set()
    for i in range(0, len(events), 500):
        linked.update(
            conn.scalars(
                select(IncidentMention.event_id).where(IncidentMention.event_id.in_(events[i : i + 500]))
            )
        )
    owners = dict(
        conn.execute(
            select(Incident.id, Incident.annotator_id).where(Incident.id.in_(sorted({x[1] for x in links})))
        ).all()
    )
    now = utcnow()
    new_incidents: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    touched: set[str] = set()
    for event_id, incident_id, annotator_id, document_id, figures, where in links:
        if event_id in linked:
            continue
        owner = owners.get(incident_id)
        if owner is not None and owner != annotator_id:
            problems.append(f"{where}: incident {incident_id} belongs to another annotator; event not linked")
            continue
        if owner is None:
            owners[incident_id] = annotator_id
            new_incidents.append(_incident_values(incident_id, annotator_id, now))
        linked.add(event_id)
        touched.add(incident_id)
        mention_id = derive_id(event_id, "incident mention")
        mentions.append(
            _mention_values(mention_id, incident_id, event_id, document_id, annotator_id, figures, now)
        )
    insert_new(conn, Incident.__table__, new_incidents)
    insert_new(conn, IncidentMention.__table__, mentions)
    facts = event_facts(conn, [m["event_id"] for m in mentions])
    by_incident: dict[str, list[EventFacts]] = {}
    for m in mentions:
        if m["event_id"] in facts:
            by_incident.setdefault(m["incident_id"], []).append(facts[m["event_id"]])
    for incident_id in sorted(touched):
        row = dict(conn.execute(select(Incident.__table__).where(Incident.id == incident_id)).one()._mapping)
        values: dict[str, Any] = {}
        for f in sorted(by_incident.get(incident_id, []), key=lambda f: (f.published or "", f.event_id)):
            step = _absorb({**row, **values}, f)
            values.update(step)
        if values:
            change(conn, Incident, values, Incident.id == incident_id)
    return problems


# ------------------------------------------------------------------------------------------ candidates


@dataclass(frozen=True)
class Candidate:
    incident_id: str
    score: float
    reason: str


def _compatible(schema: Any, a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b or (a in INCIDENT_FAMILY and b in INCIDENT_FAMILY):
        return True
    # ancestors() of a type the schema no longer has is (): then only the name itself counts
    return bool({a, *schema.ancestors(a)} & {b, *schema.ancestors(b)})


def _days(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _score(schema: Any, facts: EventFacts, row: Any, window: int) -> Candidate | None:
    score, reasons = 0.0, []
    if row.type and row.type == facts.type:
        score += 0.35
        reasons.append(f"same type {facts.type}")
    elif _compatible(schema, row.type, facts.type):
        score += 0.2
        reasons.append(f"{facts.type} fits {row.type}")
    if facts.published and row.date_start:
        end = row.date_end or row.date_start
        days = (
            0
            if row.date_start <= facts.published <= end
            else min(_days(facts.published, row.date_start), _days(facts.published, end))
        )
        if days <= window:
            score += 0.25 * (1 - days / (window + 1))
            reasons.append("same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart")
    keys = {p.key for p in facts.places} | {place_key(p.name) for p in facts.places if p.id}
    if row.place_key and row.place_key in keys:
        score += 0.3
        reasons.append(f"same place {row.place_name or row.place_id}")
    elif row.place_name and place_key(row.place_name) in keys:
        score += 0.25
        reasons.append(f"same place {row.place_name}")
    shared = [
        name for actor_id, name in facts.actors if any(a.get("id") == actor_id for a in row.actors or ())
    ]
    if shared:
        score += min(0.2, 0.1 * len(shared))
        reasons.append("shared actor" + ("s " if len(shared) > 1 else " ") + ", ".join(shared))
    if score < 0.3 or len(reasons) < 2:
        return None
    return Candidate(row.id, round(score, 3), "; ".join(reasons))


def _candidates(
    conn: Connection, schema: Any, facts: EventFacts, *, limit: int, window: int, exclude: str | None
) -> list[Candidate]:
    table = Incident.__table__
    conditions = []
    if facts.published:
        day = date.fromisoformat(facts.published)
        low, high = (day - timedelta(days=window)).isoformat(), (day + timedelta(days=window)).isoformat()
        earliest = (day - timedelta(days=window + LONGEST_INCIDENT_DAYS)).isoformat()
        # starts before the window ends (and not long before it begins: the index's range), and ends (or
        # starts, when it has no end) after it begins
        conditions.append(
            and_(
                table.c.date_start.between(earliest, high),
                func.coalesce(table.c.date_end, table.c.date_start) >= low,
            )
        )
    keys = {p.key for p in facts.places} | {place_key(p.name) for p in facts.places}
    if keys:
        # by place: an undated incident, or any when the article has no date (a dated incident far from a
        # dated article is another incident at the same place)
        by_place = table.c.place_key.in_(sorted(keys))
        conditions.append(and_(by_place, table.c.date_start.is_(None)) if facts.published else by_place)
    if not conditions:
        return []
    found = []
    seen: set[str] = set()
    # one query per condition: each reads its own index's range (an OR of them reads the annotator's all)
    rows = (
        row
        for condition in conditions
        for row in conn.execute(select(table).where(table.c.annotator_id == facts.annotator_id, condition))
    )
    for row in rows:
        if row.id == exclude or row.id in seen:
            continue
        seen.add(row.id)
        candidate = _score(schema, facts, row, window)
        if candidate is not None:
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, c.incident_id))
    return found[:limit]


def candidates(
    project: Project, event_id: str, *, limit: int = 5, window: int = DATE_WINDOW_DAYS
) -> list[Candidate]:
    """The incidents of the event's annotator it may belong to, best first, each with its reason: same or
    compatible type, a date within ``window`` days of the article's, the same place (by canonical link or
    by name across scripts), shared actors. Incidents are found by date and place (indexed), not scanned."""
    with project.engine.connect() as conn:
        facts = event_facts(conn, [event_id]).get(event_id)
        if facts is None:
            raise AnnotatorError("the event is not in this project")
        current = conn.scalar(select(IncidentMention.incident_id).where(IncidentMention.event_id == event_id))
        return _candidates(conn, project.schema, facts, limit=limit, window=window, exclude=current)


@dataclass(frozen=True)
class Proposal:
    event_id: str
    document: str
    trigger: str
    candidate: Candidate


def propose_links(project: Project, annotator: str, *, window: int = DATE_WINDOW_DAYS) -> list[Proposal]:
    """For every event of ``annotator`` not linked to an incident, the best candidate incident, if any:
    proposals kept apart from labels (nothing is written; :class:`LinkEvent` accepts one)."""
    out = []
    with project.engine.connect() as conn:
        aid = _annotator_id(conn, annotator)
        linked = select(IncidentMention.event_id)
        ids = list(conn.scalars(select(Event.id).where(Event.annotator_id == aid, Event.id.not_in(linked))))
        facts = event_facts(conn, ids)
        for event_id in ids:
            f = facts[event_id]
            found = _candidates(conn, project.schema, f, limit=1, window=window, exclude=None)
            if found:
                out.append(Proposal(event_id, f.external_id, f.trigger, found[0]))
    out.sort(key=lambda p: (-p.candidate.score, p.document, p.event_id))
    return out


# ------------------------------------------------------------------------------------------ stored proposals
# propose_links' proposals kept apart from labels as suggestions are: rows of the suggestions table of kind
# "incident" (the event in annotation_id, the incident in label, the reason in detail, the event's trigger
# as the span), open until the annotator accepts (the event is linked) or rejects one (never proposed again).

PROPOSAL_KIND = "incident"
PROPOSAL_SOURCE = "incidents"


@dataclass(frozen=True)
class StoredProposal:
    id: str  # the suggestion row
    event_id: str
    document_id: int
    incident_id: str
    score: float
    reason: str


def store_proposals(project: Project, annotator: str, *, window: int = DATE_WINDOW_DAYS) -> int:
    """Store :func:`propose_links`' proposals as ``annotator``'s open link proposals, replacing their open
    ones (accepted and rejected ones stay: a rejected proposal is not made again). Returns how many are
    open now."""
    from sqlalchemy import delete, insert

    from annotator.store.models import Suggestion
    from annotator.store.writes import transact

    found = propose_links(project, annotator, window=window)

    def work(conn: Connection) -> int:
        aid = _annotator_id(conn, annotator)
        mine = (Suggestion.annotator_id == aid, Suggestion.kind == PROPOSAL_KIND)
        decided = set(
            conn.execute(
                select(Suggestion.annotation_id, Suggestion.label).where(*mine, Suggestion.status != "open")
            ).all()
        )
        conn.execute(delete(Suggestion).where(*mine, Suggestion.status == "open"))
        wanted = [p for p in found if (p.event_id, p.candidate.incident_id) not in decided]
        where = {
            e.id: (e.document_id, e.trigger_start, e.trigger_end)
            for e in conn.execute(
                select(Event.id, Event.document_id, Event.trigger_start, Event.trigger_end).where(
                    Event.id.in_([p.event_id for p in wanted] or [""])
                )
            )
        }
        now = utcnow()
        rows = [
            {
                "id": str(uuid.uuid4()),
                "document_id": where[p.event_id][0],
                "annotator_id": aid,
                "kind": PROPOSAL_KIND,
                "start": where[p.event_id][1],
                "end": where[p.event_id][2],
                "label": p.candidate.incident_id,
                "source": PROPOSAL_SOURCE,
                "score": p.candidate.score,
                "detail": p.candidate.reason,
                "status": "open",
                "annotation_id": p.event_id,
                "created_at": now,
            }
            for p in wanted
            if p.event_id in where
        ]
        if rows:
            conn.execute(insert(Suggestion), rows)
        return len(rows)

    return transact(project.engine, work)


def event_proposals(project: Project, event_id: str) -> list[StoredProposal]:
    """The event's open link proposals, best first (none once it is linked to an incident)."""
    from annotator.store.models import Suggestion

    with project.engine.connect() as conn:
        if conn.scalar(select(IncidentMention.id).where(IncidentMention.event_id == event_id)):
            return []
        rows = conn.execute(
            select(
                Suggestion.id, Suggestion.document_id, Suggestion.label, Suggestion.score, Suggestion.detail
            )
            .where(
                Suggestion.kind == PROPOSAL_KIND,
                Suggestion.annotation_id == event_id,
                Suggestion.status == "open",
            )
            .order_by(Suggestion.score.desc(), Suggestion.id)
        ).all()
    return [StoredProposal(r[0], event_id, r[1], r[2], r[3], r[4]) for r in rows]


def _mark_proposal(editor: Editor, proposal_id: str, status: str) -> None:
    from sqlalchemy import update

    from annotator.store.models import Suggestion

    statement = (
        update(Suggestion)
        .where(Suggestion.id == proposal_id)
        .values(status=status, decided_at=utcnow() if status != "open" else None)
    )
    editor.transact(lambda conn: conn.execute(statement))


class AcceptProposal(LinkEvent):
    """Accept a stored link proposal: the event is linked to the proposed incident and the proposal marked
    accepted, as one undo step."""

    def __init__(self, document_id: int, proposal: StoredProposal):
        super().__init__(document_id, proposal.event_id, proposal.incident_id)
        self.proposal_id = proposal.id
        self.text = "accept incident proposal"

    def apply(self, editor: Editor) -> Change:
        change = super().apply(editor)
        _mark_proposal(editor, self.proposal_id, "accepted")
        return change

    def revert(self, editor: Editor) -> Change:
        change = super().revert(editor)
        _mark_proposal(editor, self.proposal_id, "open")
        return change


class RejectProposal(Command):
    """Reject a stored link proposal (it is not proposed again); undo makes it open again."""

    def __init__(self, document_id: int, proposal: StoredProposal):
        self.document_id = document_id
        self.proposal_id = proposal.id
        self.text = "reject incident proposal"

    def apply(self, editor: Editor) -> Change:
        _mark_proposal(editor, self.proposal_id, "rejected")
        return Change(self.document_id, frames=True)

    def revert(self, editor: Editor) -> Change:
        _mark_proposal(editor, self.proposal_id, "open")
        return Change(self.document_id, frames=True)


def proposal_outcome(document_id: int | None, proposal: StoredProposal | None, accept: bool) -> Any:
    """The workbench's answer to "accept (reject) the proposal shown for the active event"."""
    from annotator.services.workbench import Outcome

    if proposal is None or document_id is None:
        return Outcome(
            message="No proposal shown for the active event (Incident panel: a accepts, r rejects)."
        )
    if accept:
        return Outcome(
            AcceptProposal(document_id, proposal),
            message=f"Linked to the proposed incident {short_id(proposal.incident_id)} "
            "(Ctrl+Z takes it back).",
        )
    return Outcome(
        RejectProposal(document_id, proposal),
        message=f"Proposal of incident {short_id(proposal.incident_id)} rejected: it is not made again.",
    )


# ------------------------------------------------------------------------------------------ agreement


def has_incidents(project: Project) -> bool:
    with project.engine.connect() as conn:
        return conn.scalar(select(IncidentMention.id).limit(1)) is not None


def incident_agreement(project: Project, annotators: Iterable[str] | None = None) -> dict[str, Any]:
    """Agreement on linking events into incidents, for each pair of annotators over the documents both
    linked events in: their incident mentions, matched by document and trigger span, scored as partitions
    with MUC, B³, CEAF-e and BLANC (recall, precision, F1) and the CoNLL F1 (the reference scorer's
    rules, twinless mentions included: :mod:`annotator.agreement.coreference`). The figures at the top are
    the mean over the pairs; ``pairs`` has each pair's own."""
    from itertools import combinations

    from annotator.agreement.coreference import score

    with project.engine.connect() as conn:
        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        clusters: dict[str, dict[str, set[tuple[int, int, int]]]] = {}
        documents: dict[str, set[int]] = {}
        query = (
            select(
                IncidentMention.annotator_id,
                IncidentMention.incident_id,
                IncidentMention.document_id,
                Event.trigger_start,
                Event.trigger_end,
            )
            .join(Event, Event.id == IncidentMention.event_id)
            .order_by(IncidentMention.annotator_id)
        )
        for aid, incident_id, doc, start, end in conn.execute(query):
            name = names.get(aid, str(aid))
            clusters.setdefault(name, {}).setdefault(incident_id, set()).add((doc, start, end))
            documents.setdefault(name, set()).add(doc)
    wanted = sorted(clusters) if annotators is None else [a for a in annotators]
    missing = [a for a in wanted if a not in clusters]
    if annotators is not None and missing:
        raise AnnotatorError(f"{', '.join(missing)}: linked no events to incidents")
    wanted = [a for a in wanted if a != "gold"] if annotators is None else wanted
    pairs: list[dict[str, Any]] = []
    for a, b in combinations(wanted, 2):
        shared = documents[a] & documents[b]
        if not shared:
            continue

        key, response = (
            [c for c in ({m for m in cluster if m[0] in shared} for cluster in clusters[name].values()) if c]
            for name in (a, b)
        )
        result = score(key, response)
        pairs.append({"a": a, "b": b, "documents": len(shared), **result.to_json()})
    out: dict[str, Any] = {"pairs": pairs}
    metrics = ("muc", "b_cubed", "ceaf_e", "blanc")
    if pairs:
        for metric in metrics:
            out[metric] = {
                part: sum(p[metric][part] for p in pairs) / len(pairs)
                for part in ("recall", "precision", "f1")
            }
        out["conll_f1"] = sum(p["conll_f1"] for p in pairs) / len(pairs)
    else:
        out.update(dict.fromkeys(metrics))
        out["conll_f1"] = None
    return out


# ------------------------------------------------------------------------------------------ export

CSV_COLUMNS = (
    "incident_id",
    "annotator",
    "date_start",
    "date_end",
    "type",
    "place_id",
    "place",
    "country",
    "admin1",
    "admin2",
    "actors",
    "killed",
    "injured",
    "arrested",
    "figure_rule",
    "conflicting_figures",
    "sources",
    "source_ids",
    "source_urls",
    "notes",
)


def export_incidents(
    project: Project, out: str | Path, *, format: str = "csv", annotator: str | None = None
) -> int:
    """Write the incident table (``csv`` or ``jsonl``: one incident a row/line, the figures chosen by each
    incident's rule) or the cross-document coreference training file (``coref``: one mention a line with
    its document id, trigger offsets and text, event type and cluster id). Returns the lines written."""
    from annotator.fileio import atomic_file

    if format not in ("csv", "jsonl", "coref"):
        raise AnnotatorError(f"{format!r}: the incident export writes csv, jsonl or coref")
    out = Path(out)
    if out.exists():
        raise AnnotatorError(f"{out}: already exists")
    incidents = list_incidents(project, annotator=annotator)
    urls: dict[str, str] = {}
    with project.engine.connect() as conn:
        for ext, meta in conn.execute(select(Document.external_id, Document.meta)):
            if isinstance(meta, dict) and isinstance(meta.get("url"), str):
                urls[ext] = meta["url"]
    n = 0
    with atomic_file(out, "w", encoding="utf-8") as fh:
        if format == "csv":
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for inc in incidents:
                sources = list(dict.fromkeys(m.external_id for m in inc.mentions))
                conflicts = {k: inc.conflicts(k) for k in FIGURES if inc.conflicts(k)}
                writer.writerow(
                    [
                        inc.id,
                        inc.annotator,
                        inc.date_start or "",
                        inc.date_end or "",
                        inc.type,
                        inc.place_id or "",
                        inc.place_name or "",
                        *(*inc.admin, "", "", "")[:3],
                        "; ".join(f"{name} ({i})" if i else name for i, name in inc.actors),
                        *("" if inc.figure(k) is None else inc.figure(k) for k in FIGURES),
                        inc.rule,
                        json.dumps(conflicts, ensure_ascii=False) if conflicts else "",
                        len(sources),
                        "; ".join(sources),
                        "; ".join(urls[s] for s in sources if s in urls),
                        inc.notes,
                    ]
                )
                n += 1
        elif format == "jsonl":
            for inc in incidents:
                fh.write(json.dumps(inc.to_json(), ensure_ascii=False) + "\n")
                n += 1
        else:
            for inc in incidents:
                for m in inc.mentions:
                    line = {
                        "document": m.external_id,
                        "start": m.start,
                        "end": m.end,
                        "text": m.trigger,
                        "type": m.type,
                        "cluster": inc.id,
                        "annotator": inc.annotator,
                    }
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                    n += 1
    return n


# ------------------------------------------------------------------------------------------ for the window
# What the workbench's incident panel and the Project → Incidents view show and filter, decided here so the
# window only wires widgets.


def _json(value: Any, empty: Any) -> Any:
    """A JSON column read as text (or as the value, where the driver decodes it): the common empty ones
    without the decoder."""
    if value is None or value in ("{}", "[]", "", "null"):
        return empty
    return json.loads(value) if isinstance(value, str) else value


def incident_summaries(project: Project, *, annotator: str | None = None) -> list[IncidentView]:
    """Every incident (oldest first) with light mentions: document, its date and the figures the source
    gives (no trigger text, offsets or title), enough for :meth:`IncidentView.figure`,
    :meth:`IncidentView.conflicts` and the number of sources. Two queries whatever the number of incidents,
    JSON and times read as text (:func:`list_incidents` reads each event's facts: for the incidents a person
    looks at). 30,000 incidents with 60,000 mentions: about a second on SQLite.

    The cyclic garbage collector is paused while the rows become values (none of them is cyclic): its full
    passes over the growing heap stalled the GUI thread for 200-400 ms while the view read in the
    background. The values are then frozen out of its full passes (``gc.freeze``: they are acyclic, so
    reference counting still frees them): 90,000 more objects to scan made the next full pass, wherever it
    fell (the GUI thread painting the timeline), take 60-130 ms. Reading one incident's sources needs the
    cross-script place keys: their tables are loaded here, off the GUI thread, not on the first selection."""
    import gc

    place_key("पहलगाम")  # loads the transliteration the selected incident's reading needs (20-60 ms once)
    gc.collect(1)  # young garbage goes now, not frozen below with the values (cheap: young objects only)
    paused = gc.isenabled()
    gc.disable()
    try:
        found = _summaries(project, annotator)
        gc.freeze()
        return found
    finally:
        if paused:
            gc.enable()


def _summaries(project: Project, annotator: str | None) -> list[IncidentView]:
    from sqlalchemy import String, type_coerce

    def text(column: Any) -> Any:
        return type_coerce(column, String)

    with project.engine.connect() as conn:
        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        i = Incident.__table__.c
        query = select(
            i.id,
            i.annotator_id,
            i.type,
            i.date_start,
            i.date_end,
            i.place_id,
            i.place_name,
            text(i.actors),
            i.figure_rule,
            text(i.figures),
            i.notes,
            text(i.created_at),
        ).order_by(func.coalesce(i.date_start, ""), i.created_at, i.id)  # sorted by the database: a sort of
        # 30,000 rows in Python held the interpreter lock 50-90 ms at a time, which the GUI thread waited for
        m = IncidentMention.__table__.c
        mention_query = select(
            m.id,
            m.incident_id,
            m.event_id,
            m.document_id,
            text(m.figures),
            text(m.updated_at),
            Document.external_id,
            Document.meta["published"].as_string(),
        ).join(Document, Document.id == m.document_id)
        if annotator is not None:
            aid = _annotator_id(conn, annotator)
            query = query.where(i.annotator_id == aid)
            mention_query = mention_query.where(m.annotator_id == aid)
        incidents = list(conn.execute(query).all())
        mentions: dict[str, list[Mention]] = {}
        dates: dict[Any, str | None] = {}
        for mid, incident_id, event_id, doc_id, figures, updated, ext, published in conn.execute(
            mention_query
        ):
            day = dates[published] if published in dates else dates.setdefault(published, _date(published))
            given = _json(figures, {})
            mentions.setdefault(incident_id, []).append(
                Mention(
                    mid,
                    event_id,
                    doc_id,
                    ext,
                    "",
                    day,
                    "",
                    0,
                    0,
                    "",
                    {k: v for k, v in given.items() if isinstance(v, int)} if given else {},
                    str(updated or ""),
                )
            )
    out = []
    for iid, aid, itype, start, end, place_id, place_name, actors, rule, figures, notes, _made in incidents:
        ms = mentions.get(iid, [])
        if len(ms) > 1:
            ms.sort(key=lambda x: (x.published or "", x.external_id))
        manual = _json(figures, {})
        out.append(
            IncidentView(
                iid,
                names.get(aid, ""),
                itype,
                start,
                end,
                place_id,
                place_name,
                tuple((a.get("id", ""), a.get("name", "")) for a in _json(actors, [])),
                rule,
                {k: v for k, v in manual.items() if isinstance(v, int)} if manual else {},
                notes or "",
                tuple(ms),
                admin_areas(place_id, place_name),
            )
        )
    return out


def disagrees(incident: IncidentView) -> bool:
    """Whether the sources of ``incident`` give different killed, injured or arrested figures."""
    return any(incident.conflicts(name) for name in FIGURES)


def sources(incident: IncidentView) -> int:
    """How many documents tell ``incident``."""
    return len({m.document_id for m in incident.mentions})


def _folded_place(name: str) -> str:
    return _place_keys.get(name) or _place_keys.setdefault(name, place_key(name))


_place_keys: dict[str, str] = {}


@dataclass(frozen=True)
class IncidentFilter:
    """The incident view's filters; an empty one keeps every incident."""

    type: str = ""  # an event type, or "" for any
    place: str = ""  # text in the place's name or id, the same place in another script, or an admin area
    date_from: str = ""  # YYYY-MM-DD: incidents that end on or after it
    date_to: str = ""  # YYYY-MM-DD: incidents that begin on or before it
    disagreement: bool = False  # only incidents whose sources give different figures
    annotator: str = ""  # one annotator's incidents, or "" for everyone's

    def matches(self, incident: IncidentView) -> bool:
        if self.type and incident.type != self.type:
            return False
        if self.annotator and incident.annotator != self.annotator:
            return False
        if self.date_from or self.date_to:
            start = incident.date_start
            if start is None:
                return False
            end = incident.date_end or start
            if self.date_from and end < self.date_from:
                return False
            if self.date_to and start > self.date_to:
                return False
        if self.place:
            wanted = self.place.strip().casefold()
            name = incident.place_name or ""
            if wanted and not (
                wanted in name.casefold()
                or wanted in (incident.place_id or "").casefold()
                or any(wanted == area.casefold() for area in incident.admin)
                or (name and _folded_place(self.place.strip()) == _folded_place(name))
            ):
                return False
        return not (self.disagreement and not disagrees(incident))

    def apply(
        self, incidents: Iterable[IncidentView], disagreeing: set[str] | None = None
    ) -> list[IncidentView]:
        """The incidents this filter keeps; ``disagreeing``, the ids :func:`disagreeing` found, spares
        comparing every incident's figures again on each change of a filter."""
        if disagreeing is None or not self.disagreement:
            return [i for i in incidents if self.matches(i)]
        rest = replace(self, disagreement=False)
        return [i for i in incidents if i.id in disagreeing and rest.matches(i)]


def disagreeing(incidents: Iterable[IncidentView]) -> set[str]:
    """The ids of the incidents whose sources give different figures."""
    return {i.id for i in incidents if disagrees(i)}


def filter_problem(text: str) -> str:
    """Why a date filter's text is not used ("" when it is empty or a date YYYY-MM-DD)."""
    text = text.strip()
    if not text or _date(text) == text:
        return ""
    return f"{text!r} is not a date (YYYY-MM-DD)"


def per_day(incidents: Iterable[IncidentView]) -> dict[str, dict[str, int]]:
    """Incidents per day (their first day) by type: ``{"2025-04-22": {"ATTACK": 2}}``, days in order;
    undated incidents are left out."""
    days: dict[str, dict[str, int]] = {}
    for incident in incidents:
        if incident.date_start:
            counts = days.setdefault(incident.date_start, {})
            counts[incident.type] = counts.get(incident.type, 0) + 1
    return dict(sorted(days.items()))


def snippet(text: str, start: int, end: int, width: int = 48) -> str:
    """One line of ``text`` around ``[start, end)``: about ``width`` characters each side, cut at a space
    where one is near, line ends folded into spaces, an ellipsis where the text goes on."""
    return _line(text, start, end, width, start - width > 0, end + width < len(text))


def _line(
    text: str, start: int, end: int, width: int, more_before: bool, more_after: bool, mark: str = ""
) -> str:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if more_before:
        cut = before.find(" ")
        before = "…" + (before[cut + 1 :] if 0 <= cut < width // 2 else before)
    if more_after:
        cut = after.rfind(" ")
        after = (after[:cut] if cut > width // 2 else after) + "…"
    middle = f"{mark[0]}{text[start:end]}{mark[1]}" if len(mark) == 2 else text[start:end]
    return " ".join((before + middle + after).split())


def mention_snippets(
    project: Project, mentions: Iterable[Mention], width: int = 40, mark: str = "«»"
) -> dict[str, str]:
    """For each mention (by id), a one-line :func:`snippet` of its document around its trigger, the trigger
    between the two characters of ``mark`` (only that stretch of the text is read)."""
    out: dict[str, str] = {}
    with project.engine.connect() as conn:
        for m in mentions:
            low = max(0, m.start - width - 1)  # one more: whether the text goes on before the stretch
            length = (m.end - low) + width + 1  # and after it
            piece = conn.scalar(
                select(func.substr(Document.text, low + 1, length)).where(Document.id == m.document_id)
            )
            piece = piece or ""
            start, end = m.start - low, m.end - low
            out[m.id] = _line(piece, start, end, width, start - width > 0, len(piece) > end + width, mark)
    return out


@dataclass(frozen=True)
class EventIncident:
    """What the incident panel shows for the active event: its incident (with a snippet of each mention's
    document), or the incidents it may belong to, best first, each with its one-line reason."""

    event_id: str
    incident: IncidentView | None
    snippets: dict[str, str]
    candidates: tuple[tuple[Candidate, IncidentView], ...]
    #: the stored link proposals of the event (:func:`store_proposals`), apart from its links and candidates
    proposals: tuple[tuple[StoredProposal, IncidentView], ...] = ()


def event_incident(project: Project, event_id: str, *, limit: int = 5) -> EventIncident:
    """The incident panel's content for ``event_id`` (see :class:`EventIncident`)."""
    current = incident_of(project, event_id)
    if current is not None:
        found = list_incidents(project, incident_ids=[current])
        if found:
            return EventIncident(event_id, found[0], mention_snippets(project, found[0].mentions), ())
    ranked = candidates(project, event_id, limit=limit)
    proposed = event_proposals(project, event_id)
    wanted = [c.incident_id for c in ranked] + [p.incident_id for p in proposed]
    views = {v.id: v for v in list_incidents(project, incident_ids=wanted)}
    pairs = tuple((c, views[c.incident_id]) for c in ranked if c.incident_id in views)
    offered = tuple((p, views[p.incident_id]) for p in proposed if p.incident_id in views)
    return EventIncident(event_id, None, {}, pairs, offered)


def figures_line(incident: IncidentView) -> str:
    """``killed 6 · injured 2`` (by the incident's rule), or "" when no source gives a figure."""
    parts = [f"{name} {incident.figure(name)}" for name in FIGURES if incident.figure(name) is not None]
    return " · ".join(parts)


RULE_NAMES = {"latest": "latest report", "highest": "highest", "manual": "set by hand"}


def conflict_lines(incident: IncidentView) -> list[str]:
    """One line per figure the sources disagree on, the sources' values side by side and the incident's:
    ``killed: 5 (demo-001) | 6 (demo-021) → 6, latest report``."""
    lines = []
    for name in FIGURES:
        found = incident.conflicts(name)
        if found:
            given = " | ".join(f"{value} ({doc})" for value, doc in found)
            lines.append(f"{name}: {given} → {incident.figure(name)}, {RULE_NAMES[incident.rule]}")
    return lines


def date_range(incident: IncidentView) -> str:
    """``2025-04-22 – 2025-04-24``, one day alone, or "" when undated."""
    start, end = incident.date_start, incident.date_end
    if not start:
        return ""
    return start if not end or end == start else f"{start} – {end}"


def short_id(incident_id: str) -> str:
    """The first eight characters of an incident's id, as the panel and the view show it."""
    return incident_id[:8]


_NO_EVENT = "Make an event active first (click its trigger, or Tab to it)."


def link_outcome(document_id: int | None, event_id: str, incident_id: str) -> Any:
    """The workbench's answer to "link the active event to this incident" (a workbench ``Outcome``)."""
    from annotator.services.workbench import Outcome

    if not event_id or document_id is None:
        return Outcome(message=_NO_EVENT)
    return Outcome(
        LinkEvent(document_id, event_id, incident_id),
        message=f"Linked to incident {short_id(incident_id)} (Ctrl+Z takes it back).",
    )


def new_incident_outcome(document_id: int | None, event_id: str, linked_to: str | None) -> Any:
    """…to "start a new incident from the active event" (refused while the event is in one)."""
    from annotator.services.workbench import Outcome

    if not event_id or document_id is None:
        return Outcome(message=_NO_EVENT)
    if linked_to:
        return Outcome(
            message=f"The event is in incident {short_id(linked_to)}: unlink it first (u in the panel)."
        )
    command = NewIncident(document_id, event_id)
    return Outcome(command, message=f"New incident {short_id(command.incident_id)} from this event.")


def unlink_outcome(document_id: int | None, event_id: str, linked_to: str | None) -> Any:
    """…to "take the active event out of its incident"."""
    from annotator.services.workbench import Outcome

    if not event_id or document_id is None:
        return Outcome(message=_NO_EVENT)
    if not linked_to:
        return Outcome(message="The event is in no incident.")
    return Outcome(
        UnlinkEvent(document_id, event_id),
        message=f"Taken out of incident {short_id(linked_to)} (Ctrl+Z puts it back).",
    )


def merge_outcome(document_id: int | None, chosen: list[IncidentView]) -> Any:
    """…to "merge the selected incidents": two of one annotator, folded into the older one."""
    from annotator.services.workbench import Outcome

    if len(chosen) != 2:
        return Outcome(message="Select two incidents to merge (Ctrl+click or Shift+Down the second).")
    if chosen[0].annotator != chosen[1].annotator:
        return Outcome(message="Incidents of two annotators are not merged: each keeps their own.")
    keep, other = sorted(chosen, key=lambda i: (i.date_start or "9999", i.id))
    return Outcome(
        MergeIncidents(document_id or 0, keep.id, other.id),
        message=f"Incident {short_id(other.id)} merged into {short_id(keep.id)}.",
    )


def split_outcome(document_id: int | None, incident: IncidentView | None, event_ids: list[str]) -> Any:
    """…to "move the selected sources of an incident to a new incident"."""
    from annotator.services.workbench import Outcome

    if incident is None or not event_ids:
        return Outcome(message="Select the sources to move to a new incident (in the sources list).")
    if len(set(event_ids)) >= len(incident.mentions):
        return Outcome(message="A split moves some of the incident's sources, not all of them.")
    command = SplitIncident(document_id or 0, incident.id, event_ids)
    n = len(event_ids)
    return Outcome(
        command,
        message=f"{n} source{'s' if n != 1 else ''} moved to a new incident {short_id(command.new_id)}.",
    )


# ------------------------------------------------------------------------------------------ adjudication

#: The notes of a gold incident made by :func:`adjudicate_incidents` (the policy follows). A gold incident
#: with any other notes is a person's and is never changed by the rule.
ADJUDICATED = "adjudicated: "
#: A gold event's position: document, trigger start and end, type (annotators' events match it there).
_Position = tuple[int, int, int, str]
#: The fields of a rule-made gold incident compared between runs.
_ADJUDICATED_FIELDS = (
    "type",
    "date_start",
    "date_end",
    "place_id",
    "place_name",
    "place_key",
    "actors",
    "figure_rule",
    "figures",
    "notes",
)


@dataclass
class IncidentAdjudicationReport:
    policy: str
    incidents: int = 0  # gold incidents the rule holds after the run
    made: int = 0  # of them, made (or made again) by this run
    unchanged: int = 0  # of them, kept as they were
    removed: int = 0  # rule-made gold incidents of an earlier run that went
    events: int = 0  # gold events linked in the rule's incidents
    pairs: int = 0  # pairs of gold events the policy linked
    undecided: int = 0  # pairs some annotator linked, the policy did not, nor the closure joined
    conflicts: int = 0  # per-source figures left out because the annotators give different ones

    def summary(self) -> str:
        return (
            f"incidents adjudicated by {self.policy}: {self.incidents} gold incident(s) ({self.made} made, "
            f"{self.unchanged} unchanged, {self.removed} removed), {self.events} event(s) linked, "
            f"{self.undecided} pair(s) left undecided, {self.conflicts} figure(s) left out for disagreement"
        )


def _is_adjudicated(notes: str | None) -> bool:
    from annotator.agreement.adjudication import check_policy

    if not notes or not notes.startswith(ADJUDICATED):
        return False
    try:
        check_policy(notes[len(ADJUDICATED) :])
    except AnnotatorError:
        return False
    return True


def _made_by_rule(row: dict[str, Any], mentions: Iterable[dict[str, Any]]) -> bool:
    """Whether a gold incident is as :func:`adjudicate_incidents` made it: its notes name a policy and
    neither it nor a mention has changed since (a person's edit, link or figure makes it theirs)."""
    made = row["created_at"]
    return (
        _is_adjudicated(row["notes"])
        and row["updated_at"] == made
        and all(m["created_at"] == made and m["updated_at"] == made for m in mentions)
    )


def adjudicate_incidents(
    project: Project,
    policy: str,
    *,
    annotators: list[str] | None = None,
    include_unfinished: bool = False,
) -> IncidentAdjudicationReport:
    """Link gold events into gold incidents by ``policy``, from the annotators' incidents.

    A gold event stands for the annotators' events at its document, trigger span and type. Two gold events
    (of different documents or one) are linked when the policy holds among the *voters*: the annotators
    whose work counts on both documents (:func:`annotator.annotations.counted`: done, or any label with
    ``include_unfinished``; of ``annotators`` when given) and who have an event at both positions; the
    ``yes`` votes are the voters who linked those two events into one incident. ``majority``: more than
    half of the voters; ``unanimous``: all; ``min:N``: at least N; never with fewer than two voters (as
    :func:`~annotator.services.adjudication.auto_adjudicate` needs two annotators on a document). The
    linked pairs are closed transitively (union-find); each group is one gold incident, its fields filled
    from its gold events as linking does (:func:`_absorb`, oldest report first), its notes
    ``adjudicated: POLICY``. A gold mention's figures are the ones the annotators' mentions at that
    position give when they agree (annotators giving none are not counted); a figure they give
    differently is left out and counted in ``conflicts``.

    Other gold incidents are a person's (:func:`_made_by_rule`: other notes, or a row changed since the
    rule made it): never changed, and their events are not linked again. Rule-made ones from an earlier
    run are kept when the new result has exactly the same incident
    (mentions, fields, figures), else removed (leaving tombstones) and made anew: running again with
    nothing changed changes no row. All of it is one transaction."""
    from annotator.agreement.adjudication import accepts, check_policy
    from annotator.annotations import GOLD, Layer
    from annotator.store.reading import read_batches
    from annotator.store.writes import transact

    policy = check_policy(policy)
    if annotators and GOLD in annotators:
        raise AnnotatorError(f"{GOLD!r} is the gold set, not an annotator to adjudicate")

    def work(conn: Connection) -> IncidentAdjudicationReport:
        report = IncidentAdjudicationReport(policy)
        gold_id = conn.scalar(select(Annotator.id).where(Annotator.name == GOLD))
        if gold_id is None:
            return report
        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        gold_at: dict[_Position, str] = {}
        for event_id, doc, start, end, etype in conn.execute(
            select(Event.id, Event.document_id, Event.trigger_start, Event.trigger_end, Event.type)
            .where(Event.annotator_id == gold_id)
            .order_by(Event.id)
        ):
            gold_at.setdefault((doc, start, end, etype), event_id)
        # gold incidents: the rule's (its notes, and no row changed since it made them) and a person's
        rule_rows = {
            r.id: dict(r._mapping)
            for r in conn.execute(select(Incident.__table__).where(Incident.annotator_id == gold_id))
        }
        rule_mentions: dict[str, dict[str, dict[str, Any]]] = {i: {} for i in rule_rows}
        for m in conn.execute(
            select(IncidentMention.__table__).where(IncidentMention.annotator_id == gold_id)
        ):
            rule_mentions.setdefault(m.incident_id, {})[m.event_id] = dict(m._mapping)
        held: set[str] = set()  # gold events in a person's gold incident
        for incident_id in sorted(rule_mentions):
            stored, linked = rule_rows.get(incident_id), rule_mentions[incident_id]
            if stored is None or not _made_by_rule(stored, linked.values()):
                held.update(linked)
                rule_rows.pop(incident_id, None)
                del rule_mentions[incident_id]
        positions = {k: e for k, e in gold_at.items() if e not in held}
        documents = sorted({k[0] for k in positions})
        # whose work counts on each document
        counted: dict[int, set[str]] = {}
        for batch in read_batches(
            conn,
            documents=documents,
            annotators=annotators,
            layers=[Layer.STATUS],
            with_text=False,
            presence=include_unfinished,
        ):
            for read in batch:
                counted[read.id] = set(read.counted(annotators, include_unfinished=include_unfinished))
        # the counted annotators' events at gold positions and their incidents
        has: dict[str, set[_Position]] = {}
        member: dict[str, dict[_Position, set[str]]] = {}
        figures: dict[_Position, dict[str, set[int]]] = {}
        clusters: dict[str, set[_Position]] = {}  # an annotator's incident → the gold positions in it
        for i in range(0, len(documents), 500):
            query = (
                select(
                    Event.annotator_id,
                    Event.document_id,
                    Event.trigger_start,
                    Event.trigger_end,
                    Event.type,
                    IncidentMention.incident_id,
                    IncidentMention.figures,
                )
                .outerjoin(IncidentMention, IncidentMention.event_id == Event.id)
                .where(Event.document_id.in_(documents[i : i + 500]), Event.annotator_id != gold_id)
            )
            for aid, doc, start, end, etype, incident_id, given in conn.execute(query):
                name = names.get(aid)
                key = (doc, start, end, etype)
                if name is None or name not in counted.get(doc, ()) or key not in positions:
                    continue
                has.setdefault(name, set()).add(key)
                if incident_id is None:
                    continue
                member.setdefault(name, {}).setdefault(key, set()).add(incident_id)
                clusters.setdefault(incident_id, set()).add(key)
                for figure, value in (given or {}).items():
                    if figure in FIGURES and isinstance(value, int) and not isinstance(value, bool):
                        figures.setdefault(key, {}).setdefault(figure, set()).add(value)
        # the pairs some annotator linked, decided by the policy, closed by union-find
        proposed = {(a, b) for keys in clusters.values() for a in keys for b in keys if a < b}
        parent: dict[_Position, _Position] = {}

        def find(k: _Position) -> _Position:
            parent.setdefault(k, k)
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for a, b in sorted(proposed):
            both = counted.get(a[0], set()) & counted.get(b[0], set())
            voters = [n for n in sorted(both) if a in has.get(n, ()) and b in has.get(n, ())]
            yes = [n for n in voters if member.get(n, {}).get(a, set()) & member.get(n, {}).get(b, set())]
            if len(voters) >= 2 and accepts(policy, len(yes), len(voters)):
                report.pairs += 1
                parent[find(a)] = find(b)
        report.undecided = sum(1 for a, b in proposed if find(a) != find(b))
        groups: dict[_Position, list[_Position]] = {}
        for k in list(parent):
            groups.setdefault(find(k), []).append(k)
        # the incidents the rule makes now: their fields and each gold mention's figures
        wanted: list[tuple[dict[str, Any], dict[str, dict[str, int]]]] = []
        members = [sorted(g) for g in groups.values() if len(g) > 1]
        facts = event_facts(conn, [positions[k] for g in members for k in g])
        for group in members:
            row: dict[str, Any] = {
                "type": "",
                "date_start": None,
                "date_end": None,
                "place_id": None,
                "place_name": None,
                "place_key": None,
                "actors": [],
                "figure_rule": "latest",
                "figures": {},
                "notes": ADJUDICATED + policy,
            }
            ordered = sorted(
                (facts[positions[k]] for k in group if positions[k] in facts),
                key=lambda f: (f.published or "", f.event_id),
            )
            for f in ordered:
                row.update(_absorb(row, f))
            sources: dict[str, dict[str, int]] = {}
            for k in group:
                agreed: dict[str, int] = {}
                for figure, values in sorted(figures.get(k, {}).items()):
                    if len(values) == 1:
                        agreed[figure] = next(iter(values))
                    else:
                        report.conflicts += 1
                sources[positions[k]] = agreed
            wanted.append((row, sources))
        # keep what is the same, remove the rest of the rule's earlier incidents, make the new ones
        from annotator.store.writes import bury, delete_where, insert_new

        def same(incident_id: str, row: dict[str, Any], sources: dict[str, dict[str, int]]) -> bool:
            old, mentions = rule_rows[incident_id], rule_mentions[incident_id]
            return (
                set(mentions) == set(sources)
                and all(old[f] == row[f] for f in _ADJUDICATED_FIELDS)
                and all((mentions[e]["figures"] or {}) == sources[e] for e in sources)
            )

        kept: set[str] = set()
        making = []
        for row, sources in wanted:
            found = next((i for i in rule_rows if i not in kept and same(i, row, sources)), None)
            if found is None:
                making.append((row, sources))
            else:
                kept.add(found)
        now = utcnow()
        for incident_id in sorted(set(rule_rows) - kept):
            mentions = list(rule_mentions[incident_id].values())
            if mentions:
                where = mentions[0]["document_id"]
                bury(conn, IncidentMention.__table__, mentions, where, now)
                bury(conn, Incident.__table__, [rule_rows[incident_id]], where, now)
            delete_where(conn, IncidentMention, IncidentMention.incident_id == incident_id)
            delete_where(conn, Incident, Incident.id == incident_id)
            report.removed += 1
        incident_rows, mention_rows = [], []
        document_of = {e: k[0] for k, e in positions.items()}
        for row, sources in making:
            incident_id = str(uuid.uuid4())
            incident_rows.append(_incident_values(incident_id, gold_id, now, **row))
            mention_rows += [
                _mention_values(str(uuid.uuid4()), incident_id, e, document_of[e], gold_id, given, now)
                for e, given in sorted(sources.items())
            ]
        insert_new(conn, Incident.__table__, incident_rows)
        insert_new(conn, IncidentMention.__table__, mention_rows)
        report.made, report.unchanged = len(making), len(kept)
        report.incidents = len(wanted)
        report.events = sum(len(sources) for _row, sources in wanted)
        return report

    return transact(project.engine, work)


# ------------------------------------------------------------------------------- adjudicating in the window
# Project → Incidents shows an adjudicator each annotator's incidents over the same documents beside gold
# (:func:`incident_counterparts`) and puts one into gold (:class:`IncidentIntoGold`) or runs the rule over
# all of them (:class:`AdjudicateIncidents`): each one undo step.

#: The roles that may put incidents into gold.
ADJUDICATING_ROLES = ("adjudicator", "lead")


@dataclass(frozen=True)
class Counterpart:
    """Another annotator's (or gold's) incident that holds events at the document and trigger span of some
    of an incident's mentions: the same real-world incident as they linked it."""

    incident_id: str
    annotator: str
    shared: int  # mentions at the same document and trigger span as the incident's
    missing: tuple[str, ...]  # documents (external ids) of the incident's mentions this one lacks
    extra: tuple[str, ...]  # documents of this one's mentions that the incident lacks

    def line(self) -> str:
        """``gold · 1a2b3c4d · 3 sources the same`` or ``ravi · … · 2 the same; lacks D3; adds D9``."""
        said = [self.annotator, short_id(self.incident_id)]
        if not self.missing and not self.extra:
            said.append(f"{self.shared} source{'s' if self.shared != 1 else ''} the same")
        else:
            parts = [f"{self.shared} the same"]
            if self.missing:
                parts.append("lacks " + ", ".join(self.missing))
            if self.extra:
                parts.append("adds " + ", ".join(self.extra))
            said.append("; ".join(parts))
        return " · ".join(said)


def _positions(conn: Connection, incident_ids: Iterable[str]) -> dict[str, dict[tuple[int, int, int], str]]:
    """Each incident's mentions: (document, trigger start, trigger end) → the document's external id."""
    out: dict[str, dict[tuple[int, int, int], str]] = {}
    ids = list(incident_ids)
    for i in range(0, len(ids), 500):
        query = (
            select(
                IncidentMention.incident_id,
                IncidentMention.document_id,
                Event.trigger_start,
                Event.trigger_end,
                Document.external_id,
            )
            .join(Event, Event.id == IncidentMention.event_id)
            .join(Document, Document.id == IncidentMention.document_id)
            .where(IncidentMention.incident_id.in_(ids[i : i + 500]))
        )
        for incident_id, doc, start, end, ext in conn.execute(query):
            out.setdefault(incident_id, {})[(doc, start, end)] = ext
    return out


def incident_counterparts(project: Project, incident_id: str) -> list[Counterpart]:
    """The incidents of the other annotators and of gold that link events at the positions of
    ``incident_id``'s mentions (gold first, then by annotator), each with what it shares and lacks."""
    from annotator.annotations import GOLD

    with project.engine.connect() as conn:
        mine = _positions(conn, [incident_id]).get(incident_id, {})
        if not mine:
            return []
        docs = sorted({doc for doc, _s, _e in mine})
        owners: dict[str, int] = {}
        for i in range(0, len(docs), 500):
            query = (
                select(IncidentMention.incident_id, Event.document_id, Event.trigger_start, Event.trigger_end)
                .join(Event, Event.id == IncidentMention.event_id)
                .where(Event.document_id.in_(docs[i : i + 500]), IncidentMention.incident_id != incident_id)
            )
            for other, doc, start, end in conn.execute(query):
                if (doc, start, end) in mine:
                    owners[other] = 0
        if not owners:
            return []
        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        whose = dict(
            conn.execute(
                select(Incident.id, Incident.annotator_id).where(Incident.id.in_(list(owners)))
            ).all()
        )
        theirs = _positions(conn, owners)
    out = []
    for other, positions in theirs.items():
        shared = set(positions) & set(mine)
        out.append(
            Counterpart(
                other,
                names.get(whose.get(other, -1), ""),
                len(shared),
                tuple(sorted({mine[p] for p in set(mine) - shared})),
                tuple(sorted({positions[p] for p in set(positions) - set(mine)})),
            )
        )
    out.sort(key=lambda c: (c.annotator != GOLD, c.annotator, -c.shared, c.incident_id))
    return out


def _adjudicator(conn: Connection, editor: Editor) -> int:
    """Gold's annotator id, when the editor may adjudicate (else the one line saying who may)."""
    from annotator.annotations import GOLD

    role = conn.scalar(select(Annotator.role).where(Annotator.id == editor.annotator_id))
    if role not in ADJUDICATING_ROLES:
        raise AnnotatorError("only adjudicators and leads put incidents into gold")
    gold = conn.scalar(select(Annotator.id).where(Annotator.name == GOLD))
    if gold is None:
        raise AnnotatorError("no gold events yet: adjudicate the documents' events first")
    return gold


class IncidentIntoGold(_Recorded):
    """Put an annotator's incident into gold: a gold incident with its fields, linking the gold events at
    its mentions' documents, trigger spans and types, each with the figures that source gives. Refused,
    with the reason, when a mention has no gold event there or that gold event is in a gold incident
    already. A gold incident made so is a person's: the rule (:func:`adjudicate_incidents`) leaves it."""

    def __init__(self, document_id: int, incident_id: str):
        super().__init__(document_id)
        self.incident_id = incident_id
        self.gold_incident = str(uuid.uuid4())
        self.text = "incident into gold"

    def _planned(self, conn: Connection) -> set[str]:
        return {self.gold_incident}

    def _do(self, conn: Connection, editor: Editor) -> tuple[set[str], set[str]]:
        from annotator.store.writes import insert_new

        gold = _adjudicator(conn, editor)
        row = conn.execute(select(Incident.__table__).where(Incident.id == self.incident_id)).first()
        if row is None:
            raise AnnotatorError(f"no incident {short_id(self.incident_id)}")
        if row.annotator_id == gold:
            raise AnnotatorError(f"incident {short_id(self.incident_id)} is gold already")
        mentions = conn.execute(
            select(
                IncidentMention.document_id,
                IncidentMention.figures,
                Event.trigger_start,
                Event.trigger_end,
                Event.type,
                Document.external_id,
                func.substr(Document.text, Event.trigger_start + 1, Event.trigger_end - Event.trigger_start),
            )
            .join(Event, Event.id == IncidentMention.event_id)
            .join(Document, Document.id == IncidentMention.document_id)
            .where(IncidentMention.incident_id == self.incident_id)
            .order_by(Document.external_id, Event.trigger_start)
        ).all()
        docs = sorted({m[0] for m in mentions})
        gold_at = {
            (doc, start, end, etype): event_id
            for event_id, doc, start, end, etype in conn.execute(
                select(Event.id, Event.document_id, Event.trigger_start, Event.trigger_end, Event.type).where(
                    Event.annotator_id == gold, Event.document_id.in_(docs or [-1])
                )
            )
        }
        chosen: list[tuple[str, int, Any]] = []
        for doc, figures, start, end, etype, ext, trigger in mentions:
            event_id = gold_at.get((doc, start, end, etype))
            if event_id is None:
                raise AnnotatorError(
                    f"no gold {etype} event «{trigger}» in {ext}: adjudicate that document's events first"
                )
            chosen.append((event_id, doc, figures))
        linked = dict(
            conn.execute(
                select(IncidentMention.event_id, IncidentMention.incident_id).where(
                    IncidentMention.event_id.in_([e for e, _d, _f in chosen] or [""])
                )
            ).all()
        )
        for (event_id, _doc, _f), (*_x, etype, ext, trigger) in zip(chosen, mentions, strict=True):
            if event_id in linked:
                raise AnnotatorError(
                    f"the gold {etype} event «{trigger}» in {ext} is in gold incident "
                    f"{short_id(linked[event_id])} already: take it out there first"
                )
        now = utcnow()
        fields = {k: row._mapping[k] for k in _ADJUDICATED_FIELDS}  # every field of the incident
        insert_new(conn, Incident.__table__, [_incident_values(self.gold_incident, gold, now, **fields)])
        insert_new(
            conn,
            IncidentMention.__table__,
            [
                _mention_values(
                    str(uuid.uuid4()), self.gold_incident, event_id, doc, gold, figures or {}, now
                )
                for event_id, doc, figures in chosen
            ],
        )
        return {self.gold_incident}, {e for e, _d, _f in chosen}


class AdjudicateIncidents(_Recorded):
    """:func:`adjudicate_incidents` by ``policy`` as one undoable step: every gold incident row and mention
    it changed is recorded, and undo puts gold back as it was."""

    def __init__(self, document_id: int, policy: str, *, include_unfinished: bool = False):
        from annotator.agreement.adjudication import check_policy

        super().__init__(document_id)
        self.policy = check_policy(policy)
        self.include_unfinished = include_unfinished
        self.report: IncidentAdjudicationReport | None = None
        self.text = f"adjudicate incidents ({self.policy})"

    def _gold_incidents(self, conn: Connection, gold: int) -> set[str]:
        return set(conn.scalars(select(Incident.id).where(Incident.annotator_id == gold)))

    def apply(self, editor: Editor) -> Change:
        if self._before is not None and self._after is not None:  # redo
            return self._put(editor, self._before, self._after)
        with editor.project.engine.connect() as conn:
            gold = _adjudicator(conn, editor)
            before_ids = self._gold_incidents(conn, gold)
            before = self._snapshot(conn, before_ids)
        self.report = adjudicate_incidents(
            editor.project, self.policy, include_unfinished=self.include_unfinished
        )
        with editor.project.engine.connect() as conn:
            every = before_ids | self._gold_incidents(conn, gold)
            after = self._snapshot(conn, every)
            before = self._snapshot_of(before, every)
        self._before, self._after = before, after
        return Change(self.document_id, frames=True)

    @staticmethod
    def _snapshot_of(snapshot: tuple[dict, dict], ids: set[str]) -> tuple[dict, dict]:
        rows, mentions = snapshot
        return {k: v for k, v in rows.items() if k in ids}, {
            k: v for k, v in mentions.items() if v["incident_id"] in ids
        }


def gold_outcome(document_id: int | None, chosen: list[IncidentView]) -> Any:
    """The answer to "put the selected incident into gold" (a workbench ``Outcome``)."""
    from annotator.annotations import GOLD
    from annotator.services.workbench import Outcome

    if len(chosen) != 1:
        return Outcome(message="Select one annotator's incident to put into gold (g).")
    incident = chosen[0]
    if incident.annotator == GOLD:
        return Outcome(message=f"Incident {short_id(incident.id)} is gold already.")
    command = IncidentIntoGold(document_id or 0, incident.id)
    return Outcome(
        command,
        message=f"{incident.annotator}'s incident {short_id(incident.id)} is in gold as "
        f"{short_id(command.gold_incident)} (Ctrl+Z takes it back).",
    )


def adjudicate_outcome(document_id: int | None, policy: str) -> Any:
    """The answer to "adjudicate every incident link into gold by ``policy``"."""
    from annotator.services.workbench import Outcome

    try:
        command = AdjudicateIncidents(document_id or 0, policy)
    except AnnotatorError as exc:
        return Outcome(message=str(exc))
    return Outcome(command, message=f"Incidents adjudicated by {command.policy} (Ctrl+Z takes it back).")
