"""Suggestions: labels proposed to an annotator by gazetteers, rules, their own earlier labels
(propagation) and a model trained on the project's labels; accepted with one key, or rejected.

Suggestions live in their own table (:class:`~annotator.store.models.Suggestion`), per document and
annotator, so no export, statistic or agreement figure sees one until it is accepted: accepting makes an
entity (or, for a trigger suggestion, an event) of the annotator's, and the suggestion row stays as the
record of the label's source. A rejected suggestion is not proposed again to that annotator.

Which sources run, the model's minimum confidence and when the model is retrained are project settings
(:class:`SuggestSettings`). The engines themselves are pure (:mod:`annotator.suggest`).

Blind mode and the model (issue 18): with blind annotation on, an annotator (role ``annotator``) gets model
suggestions only from their own model, trained on gold and on their own labels only — never on another
annotator's labels, and on a document of theirs (assigned, a check among them, or labelled) never on gold
either, which others' labels made (:func:`training_examples` with ``annotator``; :func:`blind_model_for`).
Without one they get no model suggestions, not the shared model's. Propagation only ever uses the
annotator's own labels. With blind mode off (and for leads and adjudicators) the shared model, trained on
everyone's finished labels, suggests as before.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services.annotate import Change, Command, Editor, Span
from annotator.services.documents import annotator_id_in
from annotator.services.kb import alias_key, prefill_links
from annotator.services.project import Project
from annotator.store.models import (
    Annotator,
    Assignment,
    Document,
    Entity,
    Event,
    GoldProvenance,
    KbAlias,
    Setting,
    SuggestionModel,
    WorkItem,
    new_uuid,
    utcnow,
)
from annotator.store.models import Suggestion as SuggestionRow
from annotator.store.writes import bury, insert_new, update_where

SOURCES = ("gazetteer", "rules", "propagation", "model")
_KEYS = {
    "sources": "suggest.sources",
    "min_score": "suggest.min_score",
    "retrain_after": "suggest.retrain_after",
}


# ---------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class SuggestSettings:
    sources: tuple[str, ...] = SOURCES
    min_score: float = 0.5  # the model's suggestions below this confidence are not shown
    retrain_after: int = 200  # new entity labels since the last training that start a retraining

    def enabled(self, source: str) -> bool:
        return source in self.sources


def get_settings(project: Project) -> SuggestSettings:
    with project.engine.connect() as conn:
        stored = dict(
            conn.execute(select(Setting.key, Setting.value).where(Setting.key.in_(_KEYS.values()))).all()
        )
    default = SuggestSettings()
    sources = stored.get(_KEYS["sources"])
    return SuggestSettings(
        tuple(s for s in sources.split(",") if s in SOURCES) if sources is not None else default.sources,
        float(stored.get(_KEYS["min_score"], default.min_score)),
        int(stored.get(_KEYS["retrain_after"], default.retrain_after)),
    )


def set_settings(
    project: Project,
    *,
    sources: list[str] | tuple[str, ...] | None = None,
    min_score: float | None = None,
    retrain_after: int | None = None,
) -> SuggestSettings:
    values: dict[str, str] = {}
    if sources is not None:
        unknown = [s for s in sources if s not in SOURCES]
        if unknown:
            raise AnnotatorError(
                f"unknown suggestion source {', '.join(unknown)} (known: {', '.join(SOURCES)})"
            )
        values[_KEYS["sources"]] = ",".join(s for s in SOURCES if s in sources)
    if min_score is not None:
        if not 0.0 <= min_score <= 1.0:
            raise AnnotatorError("the minimum confidence is a number from 0 to 1")
        values[_KEYS["min_score"]] = repr(float(min_score))
    if retrain_after is not None:
        if retrain_after < 1:
            raise AnnotatorError("retrain after at least 1 new label")
        values[_KEYS["retrain_after"]] = str(int(retrain_after))
    with project.engine.begin() as conn:
        for key, value in values.items():
            if conn.execute(update(Setting).where(Setting.key == key).values(value=value)).rowcount == 0:
                conn.execute(insert(Setting).values(key=key, value=value))
    return get_settings(project)


# ---------------------------------------------------------------------------------------------- engines


def blind_model_for(project: Project, annotator: str | None) -> str | None:
    """Whose own model suggests to ``annotator``: themselves when blind annotation is on and they are an
    annotator (role ``annotator``, or not in the team yet); None when the shared model does (blind mode
    off, a lead or an adjudicator, or no annotator named)."""
    if annotator is None:
        return None
    from annotator.services.team import annotator_role, blind_mode

    if not blind_mode(project):
        return None
    return annotator if (annotator_role(project, annotator) or "annotator") == "annotator" else None


def _engine_suggestions(
    project: Project,
    conn: Connection,
    text: str,
    annotator_id: int | None,
    settings: SuggestSettings,
    *,
    blind: bool = False,
) -> list:
    """What the enabled sources find in ``text``; ``blind``: the model is ``annotator_id``'s own (none
    when they have none), never the shared one."""
    from annotator.services.kb import matcher as kb_matcher
    from annotator.suggest import rules

    schema = project.schema
    entity_labels = frozenset(schema.assignable_entity_type_names)
    event_types = {t for t in schema.event_type_names if not schema.event_type(t).abstract}
    found: list = []
    if settings.enabled("gazetteer"):
        found += kb_matcher(project, entity_labels).find(text)  # the project's knowledge base
    if settings.enabled("rules"):
        found += [
            s
            for s in rules.find(text)
            if (s.kind == "entity" and s.label in entity_labels)
            or (s.kind == "event" and s.label in event_types)
        ]
    if settings.enabled("propagation") and annotator_id is not None:
        earlier = _earlier_labels(conn, annotator_id)
        if earlier is not None:
            found += earlier.find(text)
    if settings.enabled("model") and not (blind and annotator_id is None):
        model = _latest_model(project, annotator_id if blind else None)
        if model is not None:
            found += [
                s for s in model.predict(text, min_score=settings.min_score) if s.label in entity_labels
            ]
    return found


def _earlier_labels(conn: Connection, annotator_id: int):
    """What the annotator labelled earlier, as a gazetteer (each surface with its most frequent label;
    built again only when their labels changed)."""
    count, newest = conn.execute(
        select(func.count(), func.max(Entity.updated_at)).where(Entity.annotator_id == annotator_id)
    ).one()
    if not count:
        return None
    key = (str(conn.engine.url), annotator_id, count, str(newest))
    if key not in _EARLIER:
        _EARLIER.clear()
        _EARLIER[key] = _build_earlier(conn, annotator_id)
    return _EARLIER[key]


_EARLIER: dict[tuple, Any] = {}


def _build_earlier(conn: Connection, annotator_id: int):
    from annotator.suggest.gazetteer import Gazetteer

    surface = func.substr(Document.text, Entity.start + 1, Entity.end - Entity.start)
    counts: Counter = Counter()
    for text, label, n in conn.execute(
        select(surface, Entity.label, func.count())
        .join(Document, Document.id == Entity.document_id)
        .where(Entity.annotator_id == annotator_id)
        .group_by(surface, Entity.label)
    ):
        if text and text.strip():
            counts[(text.strip(), label)] += n
    if not counts:
        return None
    best: dict[str, tuple[int, str]] = {}
    for (text, label), n in counts.items():
        if text not in best or (n, label) > best[text]:
            best[text] = (n, label)
    # written spellings only (the same text recurring), no generated variants: built again after every new
    # label, this keeps it to about 0.1 s for 5,000 labelled surfaces
    return Gazetteer.from_entries(
        [(text, label) for text, (_n, label) in sorted(best.items())],
        source="propagation",
        score=0.7,
        generate=False,
    )


_MODEL_CACHE: dict[tuple[str, int], Any] = {}


def _owned_by(owner: int | None):
    """The condition on suggestion models of ``owner`` (None: the shared model)."""
    column = SuggestionModel.annotator_id
    return column.is_(None) if owner is None else column == owner


def _latest_model(project: Project, owner: int | None = None):
    """The newest model of ``owner`` (an annotator id; None: the shared model), or None."""
    with project.engine.connect() as conn:
        newest = conn.scalar(select(func.max(SuggestionModel.id)).where(_owned_by(owner)))
        if newest is None:
            return None
        key = (str(project.location), newest)
        if key not in _MODEL_CACHE:
            from annotator.suggest.model import Model

            data = conn.scalar(select(SuggestionModel.data).where(SuggestionModel.id == newest))
            _MODEL_CACHE.clear()
            if data is None:  # the newest id was read in this transaction: its row is there
                raise AnnotatorError("the suggestion model's stored data is missing")
            _MODEL_CACHE[key] = Model.from_bytes(data)
    return _MODEL_CACHE[key]


# ---------------------------------------------------------------------------------------------- rows


#: the kinds of suggestions that propose labels (the suggestions table also keeps incident link proposals,
#: services.incidents.store_proposals, which the label suggestions' readers leave out)
LABEL_KINDS = ("entity", "event")


@dataclass(frozen=True)
class StoredSuggestion:
    id: str
    kind: str
    start: int
    end: int
    label: str
    source: str
    score: float
    detail: str
    status: str = "open"
    link_id: str | None = None  # the knowledge-base entry accepting links to (``detail``: its name)


_COLUMNS = (
    SuggestionRow.id,
    SuggestionRow.kind,
    SuggestionRow.start,
    SuggestionRow.end,
    SuggestionRow.label,
    SuggestionRow.source,
    SuggestionRow.score,
    SuggestionRow.detail,
    SuggestionRow.status,
    SuggestionRow.link_id,
)


def open_suggestions(project: Project, document_id: int, annotator: str) -> list[StoredSuggestion]:
    """The annotator's open suggestions on a document, in text order."""
    with project.engine.connect() as conn:
        aid = annotator_id_in(conn, annotator)
        if aid is None:
            return []
        rows = conn.execute(
            select(*_COLUMNS)
            .where(
                SuggestionRow.document_id == document_id,
                SuggestionRow.annotator_id == aid,
                SuggestionRow.status == "open",
                SuggestionRow.kind.in_(LABEL_KINDS),
            )
            .order_by(SuggestionRow.start, SuggestionRow.end, SuggestionRow.label)
        ).all()
    return [StoredSuggestion(**r._mapping) for r in rows]


def settled_by(
    suggestions: list[StoredSuggestion], spans: list[tuple[int, int]], triggers: list[tuple[int, int]]
) -> set[str]:
    """Ids of the suggestions that what the annotator made by hand settles: an entity suggestion that a
    label of theirs overlaps, a trigger suggestion that a trigger of one of their events overlaps (so Enter
    on it can never make a second event where they made one)."""
    out: set[str] = set()
    for kind, covers in (("entity", sorted(spans)), ("event", sorted(triggers))):
        starts = [a for a, _b in covers]
        longest = max((b - a for a, b in covers), default=0)
        for s in suggestions:
            if s.kind != kind:
                continue
            lo = bisect.bisect_left(starts, s.start - longest)
            hi = bisect.bisect_left(starts, s.end)
            if any(covers[i][1] > s.start for i in range(lo, hi)):
                out.add(s.id)
    return out


def has_suggestions(project: Project, document_id: int, annotator: str) -> bool:
    """Whether suggestions were ever made for the annotator on the document (open or decided)."""
    with project.engine.connect() as conn:
        aid = annotator_id_in(conn, annotator)
        return aid is not None and bool(
            conn.scalar(
                select(func.count())
                .select_from(SuggestionRow)
                .where(
                    SuggestionRow.document_id == document_id,
                    SuggestionRow.annotator_id == aid,
                    SuggestionRow.kind.in_(LABEL_KINDS),
                )
            )
        )


def _resolve(found: list, taken: list[tuple[int, int]]) -> list:
    """Suggestions of one kind that keep clear of ``taken`` (the annotator's own entities, or triggers of
    their events): entity suggestions overlapping none of them nor a better suggestion (higher score,
    then longer, then earlier); trigger suggestions on a span without an event, the best type per span."""
    from annotator.suggest import merge

    chosen: list = []
    occupied = sorted(taken)
    for s in sorted(merge(found), key=lambda s: (-s.score, -(s.end - s.start), s.start, s.label)):
        if s.kind == "event":
            if (s.start, s.end) in occupied:
                continue
            occupied.insert(bisect.bisect_left(occupied, (s.start, s.end)), (s.start, s.end))
            chosen.append(s)
            continue
        i = bisect.bisect_right(occupied, (s.start, 1 << 62))
        if (i > 0 and occupied[i - 1][1] > s.start) or (i < len(occupied) and occupied[i][0] < s.end):
            continue
        occupied.insert(i, (s.start, s.end))
        chosen.append(s)
    return sorted(chosen, key=lambda s: (s.start, s.end, s.label))


def _without_others_links(conn: Any, document_id: int, annotator: str, text: str, found: list) -> list:
    """Blind mode: leave out the knowledge base's suggestions that only another annotator's links on this
    document explain. Spellings linked to an entry grow into its aliases (``source`` ``link``,
    :func:`annotator.services.kb.grow_aliases`), so another annotator's linked span on this very document
    would otherwise come back to this annotator as a suggestion with its link. A spelling the base holds
    as written (seeded, imported, typed) stays: that is the team's knowledge, not another's answer."""
    others = {
        alias_key(text[start:end])
        for start, end in conn.execute(
            select(Entity.start, Entity.end)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(
                Entity.document_id == document_id,
                Entity.link_id.is_not(None),
                Annotator.name != annotator,  # gold too: on this document it was made from others' labels
            )
        )
        if 0 <= start < end <= len(text)
    }
    if not others:
        return found
    suspect = {alias_key(text[x.start : x.end]) for x in found if x.source == "gazetteer"} & others
    if not suspect:
        return found
    written = set(
        conn.scalars(
            select(KbAlias.key).where(
                KbAlias.key.in_(suspect), KbAlias.source != "link", KbAlias.deleted_at.is_(None)
            )
        )
    )
    return [
        x
        for x in found
        if x.source != "gazetteer" or alias_key(text[x.start : x.end]) not in suspect - written
    ]


def compute_suggestions(
    project: Project,
    document_id: int,
    annotator: str,
    *,
    settings: SuggestSettings | None = None,
    text: str | None = None,
) -> list[StoredSuggestion]:
    """Run the enabled sources on the document for ``annotator`` and store the result as their open
    suggestions (replacing earlier open ones). Left out: what overlaps a label of theirs, what they rejected
    before, and for triggers, existing events of theirs on the same span."""
    settings = settings or get_settings(project)
    # the sources run on a read connection: no write lock is held while they work (the window runs this
    # in the background while the annotator labels)
    with project.engine.connect() as conn:
        if text is None:
            text = conn.scalar(select(Document.text).where(Document.id == document_id))
            if text is None:
                raise AnnotatorError(f"no document with id {document_id}")
        blind = blind_model_for(project, annotator) is not None
        found = _engine_suggestions(
            project, conn, text, annotator_id_in(conn, annotator), settings, blind=blind
        )
        if blind:
            found = _without_others_links(conn, document_id, annotator, text, found)
    found = prefill_links(project, text, found)  # propagation and the model: the one entry that explains them
    with project.engine.begin() as conn:
        aid = annotator_id_in(conn, annotator, create=True)
        mine = (
            SuggestionRow.document_id == document_id,
            SuggestionRow.annotator_id == aid,
            SuggestionRow.kind.in_(LABEL_KINDS),  # link proposals (services.incidents) are not replaced here
        )
        entities = conn.execute(
            select(Entity.start, Entity.end).where(
                Entity.document_id == document_id, Entity.annotator_id == aid
            )
        ).all()
        triggers = conn.execute(
            select(Event.trigger_start, Event.trigger_end).where(
                Event.document_id == document_id, Event.annotator_id == aid
            )
        ).all()
        rejected = set(
            conn.execute(
                select(SuggestionRow.kind, SuggestionRow.start, SuggestionRow.end, SuggestionRow.label).where(
                    *mine, SuggestionRow.status == "rejected"
                )
            ).all()
        )
        found = [s for s in found if (s.kind, s.start, s.end, s.label) not in rejected]
        chosen = _resolve(
            [s for s in found if s.kind == "entity"], [(r[0], r[1]) for r in entities]
        ) + _resolve([s for s in found if s.kind == "event"], [(r[0], r[1]) for r in triggers])
        conn.execute(delete(SuggestionRow).where(*mine, SuggestionRow.status == "open"))
        now = utcnow()
        rows = [
            {
                "id": new_uuid(),
                "document_id": document_id,
                "annotator_id": aid,
                "kind": s.kind,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "source": s.source,
                "score": float(s.score),
                "detail": s.detail or "",
                "link_id": s.link_id or None,
                "status": "open",
                "created_at": now,
            }
            for s in chosen
        ]
        if rows:
            conn.execute(insert(SuggestionRow), rows)
    return open_suggestions(project, document_id, annotator)


# ---------------------------------------------------------------------------------------------- decisions


class AcceptSuggestions(Command):
    """Accept open suggestions: each becomes an entity of the annotator (a trigger suggestion: an event
    with the schema's default attributes), the suggestion row marked ``accepted`` with the new row's id."""

    def __init__(self, document_id: int, suggestions: list[StoredSuggestion]):
        self.document_id = document_id
        self.suggestions = list(suggestions)
        self.made: dict[str, str] = {}  # suggestion id -> entity/event id
        self.reused: set[str] = set()  # suggestions whose label or event the annotator already had
        n = len(self.suggestions)
        self.text = f"accept {self.suggestions[0].label}" if n == 1 else f"accept {n} suggestions"

    def apply(self, editor: Editor) -> Change:
        schema = editor.project.schema
        # what the annotator already has where a suggestion lies: accepting it records that label or
        # event as its result and never makes a second one (an ATTACK on a trigger already an ATTACK)
        with editor.project.engine.connect() as conn:
            have_spans = {
                (r.start, r.end, r.label): r.id
                for r in conn.execute(
                    select(Entity.id, Entity.start, Entity.end, Entity.label).where(
                        Entity.document_id == self.document_id, Entity.annotator_id == editor.annotator_id
                    )
                )
            }
            have_events = {
                (r.trigger_start, r.trigger_end, r.type): r.id
                for r in conn.execute(
                    select(Event.id, Event.trigger_start, Event.trigger_end, Event.type).where(
                        Event.document_id == self.document_id, Event.annotator_id == editor.annotator_id
                    )
                )
            }
        self.reused = set()
        spans = []
        events = []
        for s in self.suggestions:
            existing = (have_spans if s.kind == "entity" else have_events).get((s.start, s.end, s.label))
            if existing is not None:
                self.made[s.id] = existing
                self.reused.add(s.id)
                continue
            self.made.setdefault(s.id, new_uuid())
            key = (s.start, s.end, s.label)
            if s.kind == "entity":
                attributes = schema.attribute_defaults("entity", s.label)
                spans.append(Span(self.made[s.id], s.start, s.end, s.label, attributes))
                have_spans[key] = self.made[s.id]  # two suggestions of one span: one label
            else:
                events.append(s)
                have_events[key] = self.made[s.id]
        change = editor.insert_spans(self.document_id, spans) if spans else Change(self.document_id)
        now = utcnow()
        rows = [
            {
                "id": self.made[s.id],
                "document_id": self.document_id,
                "annotator_id": editor.annotator_id,
                "type": s.label,
                "trigger_start": s.start,
                "trigger_end": s.end,
                "attributes": schema.attribute_defaults("event", s.label),
                "created_at": now,
                "updated_at": now,
            }
            for s in events
        ]

        def work(conn) -> None:
            insert_new(conn, Event.__table__, rows)
            for s in self.suggestions:
                if s.kind == "entity" and s.link_id and s.id not in self.reused:  # the link pre-filled
                    values = {"link_id": s.link_id, "link_name": s.detail or None}
                    update_where(conn, Entity, values, Entity.id == self.made[s.id])
                conn.execute(
                    update(SuggestionRow)
                    .where(SuggestionRow.id == s.id)
                    .values(status="accepted", annotation_id=self.made[s.id], decided_at=now)
                )

        editor.transact(work)
        return Change(self.document_id, spans=True, frames=bool(events), work=change.work, suggestions=True)

    def revert(self, editor: Editor) -> Change:
        made = [s for s in self.suggestions if s.id not in self.reused]  # what was there stays
        ids = list(dict.fromkeys(self.made[s.id] for s in made if s.kind == "entity"))
        if ids:
            editor.delete_spans(self.document_id, ids)
        events = [self.made[s.id] for s in made if s.kind == "event"]
        table = Event.__table__

        def work(conn) -> None:
            if events:  # with tombstones, so the undone events leave a merged package too
                bury(
                    conn,
                    table,
                    [dict(r._mapping) for r in conn.execute(select(table).where(table.c.id.in_(events)))],
                    self.document_id,
                    utcnow(),
                )
                conn.execute(delete(Event).where(Event.id.in_(events)))
            conn.execute(
                update(SuggestionRow)
                .where(SuggestionRow.id.in_([s.id for s in self.suggestions]))
                .values(status="open", annotation_id=None, decided_at=None)
            )

        editor.transact(work)
        return Change(self.document_id, spans=True, frames=True, suggestions=True)


class RejectSuggestions(Command):
    def __init__(self, document_id: int, suggestions: list[StoredSuggestion]):
        self.document_id = document_id
        self.ids = [s.id for s in suggestions]
        self.text = "reject suggestion" if len(self.ids) == 1 else f"reject {len(self.ids)} suggestions"

    def _set(self, editor: Editor, status: str) -> Change:
        statement = (
            update(SuggestionRow)
            .where(SuggestionRow.id.in_(self.ids))
            .values(status=status, decided_at=utcnow() if status != "open" else None)
        )
        editor.transact(lambda conn: conn.execute(statement))
        return Change(self.document_id, suggestions=True)

    def apply(self, editor: Editor) -> Change:
        return self._set(editor, "rejected")

    def revert(self, editor: Editor) -> Change:
        return self._set(editor, "open")


# ---------------------------------------------------------------------------------------------- whole project


@dataclass
class SuggestReport:
    documents: int = 0
    by_source: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        total = sum(self.by_source.values())
        parts = ", ".join(f"{source} {n}" for source, n in sorted(self.by_source.items()))
        return f"{total} open suggestion(s) on {self.documents} document(s)" + (
            f" ({parts})" if parts else ""
        )


def suggest_documents(
    project: Project,
    annotator: str,
    *,
    sources: list[str] | None = None,
    only_assigned: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> SuggestReport:
    """Pre-compute suggestions for ``annotator`` on every document (or those assigned to them) that they
    have not finished, headlessly (``annotator suggest``)."""
    settings = get_settings(project)
    if sources is not None:
        unknown = [s for s in sources if s not in SOURCES]
        if unknown:
            raise AnnotatorError(
                f"unknown suggestion source {', '.join(unknown)} (known: {', '.join(SOURCES)})"
            )
        settings = SuggestSettings(tuple(sources), settings.min_score, settings.retrain_after)
    with project.engine.connect() as conn:
        aid = annotator_id_in(conn, annotator)
        done = set()
        if aid is not None:
            done = set(
                conn.scalars(
                    select(WorkItem.document_id).where(
                        WorkItem.annotator_id == aid, WorkItem.status == "done"
                    )
                )
            )
        query = select(Document.id).order_by(Document.id)
        if only_assigned:
            query = (
                query.join(Assignment, Assignment.document_id == Document.id)
                .join(Annotator, Annotator.id == Assignment.annotator_id)
                .where(Annotator.name == annotator)
            )
        ids = [d for d in conn.scalars(query) if d not in done]
    report = SuggestReport()
    for n, doc_id in enumerate(ids):
        if cancel is not None:
            cancel.check()
        progress(n, len(ids), "suggesting")
        for s in compute_suggestions(project, doc_id, annotator, settings=settings):
            report.by_source[s.source] += 1
        report.documents += 1
    progress(len(ids), len(ids), "suggested")
    return report


# ---------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class ModelInfo:
    trained_at: Any
    documents: int
    spans: int
    labels_seen: int
    metrics: dict[str, Any]


def model_info(project: Project, annotator: str | None = None) -> ModelInfo | None:
    """The newest model that suggests to ``annotator`` (:func:`blind_model_for`): theirs in blind mode,
    else the shared one."""
    owner_name = blind_model_for(project, annotator)
    with project.engine.connect() as conn:
        owner = annotator_id_in(conn, owner_name) if owner_name is not None else None
        if owner_name is not None and owner is None:
            return None
        row = conn.execute(
            select(
                SuggestionModel.trained_at,
                SuggestionModel.documents,
                SuggestionModel.spans,
                SuggestionModel.labels_seen,
                SuggestionModel.metrics,
            )
            .where(_owned_by(owner))
            .order_by(SuggestionModel.id.desc())
        ).first()
    return ModelInfo(*row) if row is not None else None


def _labels_in_project(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(Entity)) or 0


def needs_retraining(project: Project, annotator: str | None = None) -> bool:
    """Whether enough entity labels arrived since the last training of the model that suggests to
    ``annotator`` (or there is none and enough labelled documents to train one) and the model source is
    on."""
    settings = get_settings(project)
    if not settings.enabled("model"):
        return False
    info = model_info(project, annotator)
    with project.engine.connect() as conn:
        now = _labels_in_project(conn)
    return now - (info.labels_seen if info else 0) >= settings.retrain_after


def training_examples(
    project: Project, cancel: CancelFlag | None = None, annotator: str | None = None
) -> list[tuple[str, Any, list]]:
    """(text, own tokens or None, spans) per document: the gold set where a person or rule decided it,
    else every finished annotator's entities (each a separate example).

    With ``annotator`` (blind mode: their own model), gold and their own labels only: on a document of
    theirs (assigned to them, as a check too, or labelled by them) their own finished set and nothing
    else — not the gold others' labels made there; elsewhere gold only."""
    from annotator.annotations import Layer
    from annotator.store.reading import read_batches

    examples = []
    with project.engine.connect() as conn:
        gold_docs = set(conn.scalars(select(GoldProvenance.document_id).distinct()))
        theirs: set[int] = set()
        if annotator is not None:
            theirs = set(
                conn.scalars(
                    select(Assignment.document_id)
                    .join(Annotator, Annotator.id == Assignment.annotator_id)
                    .where(Annotator.name == annotator)
                )
            )
        for documents in read_batches(
            conn, layers=(Layer.ENTITIES, Layer.STATUS), with_meta=True, cancel=cancel
        ):
            for doc in documents:
                if annotator is not None:
                    mine = doc.sets.get(annotator)
                    if mine is not None or doc.id in theirs:
                        sets = [mine] if mine is not None and mine.status == "done" else []
                    elif doc.gold is not None and (doc.id in gold_docs or doc.gold.entities):
                        sets = [doc.gold]  # adjudicated, or imported as gold
                    else:
                        sets = []
                elif doc.id in gold_docs:
                    sets = [s for s in doc.sets.values() if s.is_gold]
                else:
                    sets = [s for s in doc.sets.values() if not s.is_gold and s.status == "done"]
                if not sets:
                    continue
                tokens = doc.meta.get("tokens")
                for chosen in sets:
                    spans = [(e.start, e.end, e.label) for e in chosen.entities]
                    examples.append((doc.text, [tuple(t) for t in tokens] if tokens else None, spans))
    return examples


def train_model(
    project: Project,
    *,
    annotator: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> ModelInfo:
    """Train the suggestion model on the project's finished labels (:func:`training_examples`). 20 % of the
    examples are held out to measure its precision and recall, and the model kept is the one measured, so
    the figures shown are honest. Stored in the project; the newest model suggests.

    With blind annotation on and ``annotator`` an annotator, their own model (gold and their own labels
    only, see :func:`blind_model_for`); otherwise the shared one."""
    from annotator.suggest import model as crf

    owner_name = blind_model_for(project, annotator)
    progress(0, None, "collecting labels")
    examples = training_examples(project, cancel, owner_name)
    spans = sum(len(s) for _t, _k, s in examples)
    if len(examples) < 10 or spans < 20:
        raise AnnotatorError(
            f"too few finished labels to train a model ({len(examples)} document(s), {spans} span(s); "
            "at least 10 and 20)"
        )
    train, held_out = crf.split_holdout(examples, fraction=0.2, seed=0)
    model = crf.train(train, progress=progress, cancel=cancel)
    metrics = crf.evaluate(model, held_out)
    metrics["baseline"] = crf.baseline(train, held_out)
    metrics["held_out_documents"] = len(held_out)
    with project.engine.begin() as conn:
        labels_seen = _labels_in_project(conn)
        owner = annotator_id_in(conn, owner_name, create=True) if owner_name is not None else None
        conn.execute(
            insert(SuggestionModel).values(
                annotator_id=owner,
                data=model.to_bytes(),
                trained_at=utcnow(),
                documents=len(train),
                spans=spans,
                labels_seen=labels_seen,
                metrics=metrics,
            )
        )
    progress(1, 1, "trained")
    info = model_info(project, annotator)
    assert info is not None
    return info


__all__ = [
    "SOURCES",
    "AcceptSuggestions",
    "RejectSuggestions",
    "StoredSuggestion",
    "SuggestSettings",
    "blind_model_for",
    "compute_suggestions",
    "get_settings",
    "model_info",
    "needs_retraining",
    "open_suggestions",
    "set_settings",
    "suggest_documents",
    "train_model",
]
