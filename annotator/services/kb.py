"""The project's knowledge base: the people, groups, forces and places the team links mentions to.

An entry (:class:`~annotator.store.models.KbEntry`) has a canonical id (``Q485436``, or ``kb:…`` made
from its name), a name, a type (an entity label of the schema), aliases in any script, an optional
description and parent (a front of a group, a district of a state) and, for places, coordinates and admin
areas. An entity's canonical link (``link_id``) names an entry by its canonical id.

What the window and the command line call:

* :func:`search` — type-ahead over names and aliases in any script (``pahalgam``, ``पहलगाम`` and ``LeT``
  find their entries), by prefix ranges on the base's key table (``kb_keys``, kept by :func:`sync_keys`);
* :func:`get_entry`, :func:`list_entries`; :func:`add_entry`, :func:`update_entry`, :func:`add_alias`,
  :func:`remove_alias`, :func:`delete_entry`, :func:`merge_entries` (links follow), all checked by
  :func:`can_edit` (leads always; annotators when the lead allows: :func:`set_annotators_may_edit`);
* :func:`linked_mentions` — the entities across the project linked to an entry, with document and snippet;
* :func:`grow_aliases` — surface forms annotators linked to an entry become its aliases (with a count and
  who first linked them); run before the base is read for suggestions, lists and exports;
* :func:`matcher` — the suggestion gazetteer of the base (cached until the base changes) and
  :func:`explain` — the one entry a surface form names, for links pre-filled on suggestions;
* :func:`place_admin_areas`, :func:`actor_name` — for the incident export;
* :func:`import_records` / :func:`export_records` — the rows of ``annotator kb import|export``
  (:mod:`annotator.formats.kb` reads and writes the files).

The built-in gazetteer (``resources/gazetteers/south_asia_security.tsv``) is the base's first content:
:func:`ensure_seeded` puts it in the first time a project's base is used (a new project, and an older one
after its upgrade), with UUIDs derived from the entries, so two copies of a project seeded apart agree
and merge without duplicates. The team may edit and delete those entries like any other (a deleted entry
stays as a tombstone and is never seeded again).

Entries and aliases are versioned like labels: UUIDs, who changed them and when; deletions and merges
leave tombstones (``deleted_at``); work packages carry them (:mod:`annotator.services.packages`).
"""

from __future__ import annotations

import gc
import threading
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import regex
from sqlalchemy import Connection, Table, and_, func, insert, or_, select, update

from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services.project import Project
from annotator.store.models import (
    Annotator,
    Document,
    Entity,
    KbAlias,
    KbEntry,
    KbKey,
    Setting,
    utcnow,
)

__all__ = [
    "EDIT_KEY",
    "KbAliasInfo",
    "KbEntryInfo",
    "KbHit",
    "KbMention",
    "KbPermissionError",
    "MergeResult",
    "actor_name",
    "add_alias",
    "add_entry",
    "alias_key",
    "can_edit",
    "delete_entry",
    "ensure_seeded",
    "explain",
    "get_entry",
    "grow_aliases",
    "linked_mentions",
    "list_entries",
    "matcher",
    "merge_entries",
    "place_admin_areas",
    "remove_alias",
    "script_of",
    "search",
    "set_annotators_may_edit",
    "update_entry",
]

EDIT_KEY = "kb.annotators_edit"
"""Settings key: ``true`` when annotators (not only leads) may edit the knowledge base."""
SEEDED_KEY = "kb.seeded"
VERSION_KEY = "kb.version"
"""Settings key changed by every write to the base: the caches of the index and the matcher follow it."""

NAMESPACE = uuid.UUID("6f1c9a52-4d0e-4b8e-9a57-2b1d6c0e7a31")
BUILTIN_TIME = datetime(2026, 1, 1, tzinfo=UTC)
"""The time of the built-in entries, the same in every project (so seeded copies merge as equal)."""


class KbPermissionError(AnnotatorError):
    """An edit of the knowledge base by someone who may not edit it."""


# ---------------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class KbAliasInfo:
    text: str
    script: str
    links: int = 0  # entities linked to the entry with this text
    source: str = "written"  # written | link (grown from links)
    added_by: str | None = None


@dataclass(frozen=True)
class KbEntryInfo:
    uuid: str
    id: str  # the canonical id an entity's link holds
    name: str
    label: str
    description: str = ""
    aliases: tuple[KbAliasInfo, ...] = ()
    parent_uuid: str | None = None
    parent_id: str | None = None  # the parent's canonical id
    parent_name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    admin_areas: tuple[str, ...] = ()
    source: str = "manual"
    created_by: str | None = None
    created_at: datetime | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None

    @property
    def alias_texts(self) -> tuple[str, ...]:
        return tuple(a.text for a in self.aliases)

    def link_value(self) -> str:
        """The entry as the workbench's link field writes it: ``Q485436 | Lashkar-e-Taiba``."""
        return f"{self.id} | {self.name}"


@dataclass(frozen=True)
class KbHit:
    """One entry found by :func:`search`: ``matched`` is the spelling the query matched (the name or an
    alias), ``aliases`` all its spellings but the name."""

    uuid: str
    id: str
    name: str
    label: str
    matched: str
    aliases: tuple[str, ...]
    parent_name: str | None
    description: str

    def link_value(self) -> str:
        return f"{self.id} | {self.name}"


@dataclass(frozen=True)
class KbMention:
    """An entity linked to an entry: where it is and a snippet of the text around it."""

    document_id: int
    document_title: str
    entity_id: str
    annotator: str
    start: int
    end: int
    text: str
    snippet: str
    label: str


@dataclass(frozen=True)
class MergeResult:
    keep: KbEntryInfo
    links_moved: int
    aliases_moved: int


# ---------------------------------------------------------------------------------------------- keys


_SCRIPTS = (("Deva", r"\p{Devanagari}"), ("Arab", r"\p{Arabic}"), ("Beng", r"\p{Bengali}"))
_SCRIPT_RES = [(code, regex.compile(pattern)) for code, pattern in _SCRIPTS]
_LATIN_RE = regex.compile(r"\p{Latin}")
_DROP_RE = regex.compile(r"[\p{P}\p{Z}\p{S}\p{Cc}\p{Cf}]+")
_WORD_START_RE = regex.compile(r"(?<=[\p{P}\p{Z}])(?=[\p{L}\p{N}])")


def script_of(text: str) -> str:
    """The ISO 15924 code of a spelling's script (``Deva``, ``Latn``, ``Arab``, ``Beng``; ``Zyyy`` for
    none of them)."""
    for code, pattern in _SCRIPT_RES:
        if pattern.search(text):
            return code
    return "Latn" if _LATIN_RE.search(text) else "Zyyy"


def _fold(text: str) -> str:
    from annotator.suggest.keys import fold_devanagari, fold_latin, has_devanagari

    text = unicodedata.normalize("NFC", text)
    folded = fold_devanagari(text) if has_devanagari(text) else fold_latin(text)
    return unicodedata.normalize("NFC", folded)


def alias_key(text: str) -> str:
    """The key spellings are told apart and matched by in type-ahead: case, accents, Hindi spelling
    variants (nukta, chandrabindu, nasal + virama), spaces, hyphens and punctuation folded away
    (``Lashkar-e-Taiba`` → ``lashkaretaiba``)."""
    return _DROP_RE.sub("", _fold(text))[:300]


def roman_key(text: str) -> str:
    """A non-Latin spelling's readable Latin key (``पहलगाम`` → ``pahalgam``), so that typing in Latin finds
    it; ``""`` for Latin spellings and scripts without a romanization."""
    from annotator.suggest.keys import has_devanagari, readable_forms

    if not has_devanagari(text):
        return ""
    forms = readable_forms(text)
    return alias_key(forms[0]) if forms else ""


def sound_key(text: str) -> str:
    """The cross-script phonetic key of a spelling's words, joined (``बैसरन घाटी`` and ``Baisaran Ghati``
    → ``bsrnghti``; see :func:`annotator.suggest.keys.phonetic_key`): a whole word typed in another
    spelling still finds the entry."""
    from annotator.suggest.keys import phonetic_key

    words = regex.findall(r"[\p{L}\p{M}\p{N}]+", unicodedata.normalize("NFC", text))
    return "".join(phonetic_key(w) for w in words)[:300]


def _alias_uuid(entry_uuid: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"alias\t{entry_uuid}\t{key}"))


_KEYER: Any = None


def entry_match_keys(label: str, aliases: Iterable[str]) -> str:
    """The suggestion matcher's keys of an entry, as stored in ``KbEntry.match_keys``: computed by
    :meth:`annotator.suggest.gazetteer.Gazetteer.entry_keys`, with the spelling variants the gazetteer
    generates (other scripts, Hindi spellings of English names); one line per key sequence,
    ``score<TAB>keys`` (the keys joined by :data:`annotator.suggest.keys.SEP`), each sequence once with its
    best score."""
    global _KEYER
    from annotator.suggest.gazetteer import Entry, Gazetteer
    from annotator.suggest.keys import SEP

    if _KEYER is None:
        _KEYER = Gazetteer()
    spellings = tuple(dict.fromkeys(a for a in aliases if a))
    if not spellings:
        return ""
    entry = Entry(spellings[0], label, spellings[0], spellings[1:])
    try:
        keys = _KEYER.entry_keys(entry)
    except Exception:  # a spelling the tokenizer cannot key: matched by nothing rather than refused
        keys = []
    best: dict[str, float] = {}
    for sequence, score in keys:
        joined = SEP.join(sequence)
        if "\n" in joined or "\t" in joined:
            continue  # a key holding a line break or a tab: never a match
        if score > best.get(joined, -1.0):
            best[joined] = score
    return "\n".join(f"{score}\t{joined}" for joined, score in best.items())


def _lexicon_of(texts: list[str], owners: list[int]) -> Any:
    """The matcher's lexicon of stored ``match_keys`` texts (``owners``: each text's entry index), in
    bulk: one split of all the lines, the columns made by comprehensions, the dict at once."""
    from itertools import chain, repeat

    from annotator.suggest.lexicon import Lexicon

    lines = "\n".join(texts).split("\n")
    payloads = list(chain.from_iterable(map(repeat, owners, [t.count("\n") + 1 for t in texts])))
    cut = [line.partition("\t") for line in lines]
    values = {score: float(score) for score in {c[0] for c in cut}}
    return Lexicon.from_columns([c[2] for c in cut], payloads, [values[c[0]] for c in cut])


def _get_setting(conn: Connection, key: str) -> str | None:
    return conn.scalar(select(Setting.value).where(Setting.key == key))


def _put_setting(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(Setting).where(Setting.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(Setting).values(key=key, value=value))


def _bump(conn: Connection) -> None:
    _put_setting(conn, VERSION_KEY, uuid.uuid4().hex)


def annotators_may_edit(project: Project) -> bool:
    """Whether the lead lets annotators edit the knowledge base (off by default)."""
    with project.engine.connect() as conn:
        return (_get_setting(conn, EDIT_KEY) or "").strip().lower() == "true"


def set_annotators_may_edit(project: Project, allowed: bool) -> None:
    with project.engine.begin() as conn:
        _put_setting(conn, EDIT_KEY, "true" if allowed else "false")


def can_edit(project: Project, annotator: str | None) -> bool:
    """Whether ``annotator`` may edit the knowledge base: a lead always; anyone else when the lead allows
    (:func:`set_annotators_may_edit`). A project without any lead (one person working alone) lets its
    annotators edit."""
    with project.engine.connect() as conn:
        role = conn.scalar(select(Annotator.role).where(Annotator.name == (annotator or "")))
        if role == "lead":
            return True
        if (_get_setting(conn, EDIT_KEY) or "").strip().lower() == "true":
            return True
        has_lead = conn.scalar(select(func.count()).select_from(Annotator).where(Annotator.role == "lead"))
        return not has_lead and project.package is None


def _check_edit(project: Project, by: str | None) -> str:
    if not by or not by.strip():
        raise AnnotatorError("a name is needed to edit the knowledge base (--annotator NAME)")
    if not can_edit(project, by):
        raise KbPermissionError(
            f"{by} may not edit the knowledge base: only a lead may, unless the lead allows annotators "
            "(annotator kb allow-edits PROJECT --annotator LEAD)"
        )
    return by.strip()


# ---------------------------------------------------------------------------------------------- seeding


def ensure_seeded(project: Project) -> int:
    """Fill the base with the built-in gazetteer the first time it is used; returns the entries added
    (0 when the project's base was seeded before, even if the team deleted those entries since)."""
    with project.engine.connect() as conn:
        if _get_setting(conn, SEEDED_KEY) is not None:
            return 0
    from annotator.resources import resource_path
    from annotator.suggest.gazetteer import (
        DEFAULT_ADMIN_AREAS,
        DEFAULT_GAZETTEER,
        read_admin_areas,
        read_entries,
    )

    areas = read_admin_areas(resource_path(*DEFAULT_ADMIN_AREAS))

    # the entry's name is the gazetteer's canonical name (the suggestions' detail); it is a spelling
    # only when written as one ("Major" is the canonical name of मेजर, and the English word an adjective)
    records = [
        {
            "name": e.canonical_name,
            "label": e.label,
            "aliases": e.spellings,
            "name_is_spelling": e.canonical_name in e.spellings,
            "admin_areas": areas.get(e.name, ()),
        }
        for e in read_entries(resource_path(*DEFAULT_GAZETTEER))
    ]
    with _write_lock, project.engine.begin() as conn:
        if _get_setting(conn, SEEDED_KEY) is not None:
            return 0
        added = _store_records(conn, records, by=None, source="builtin", when=BUILTIN_TIME)[0]
        _put_setting(conn, SEEDED_KEY, "builtin")
        _bump(conn)
    return added


_write_lock = threading.Lock()


def _slug(name: str) -> str:
    slug = regex.sub(r"[^\p{L}\p{M}\p{N}]+", "-", _fold(name)).strip("-")
    return "kb:" + (slug[:280] or "entry")


def _free_canonical(conn: Connection, wanted: str, taken: set[str] | None = None) -> str:
    candidate, n = wanted, 1
    while (taken is not None and candidate in taken) or conn.scalar(
        select(KbEntry.id).where(KbEntry.canonical_id == candidate)
    ):
        n += 1
        candidate = f"{wanted}-{n}"
    if taken is not None:
        taken.add(candidate)
    return candidate


def _store_records(
    conn: Connection,
    records: Sequence[dict[str, Any]],
    *,
    by: str | None,
    source: str,
    when: datetime | None = None,
    origin: Sequence[str] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> tuple[int, int, list[str], list[str]]:
    """Insert or update entries from records (``id`` optional, ``name``, ``label``, ``aliases``, …):
    a record whose canonical id is stored updates that entry (aliases added, fields given replace);
    returns (added, updated, problems, the entries' UUIDs in record order)."""
    now = when or utcnow()
    added = updated = 0
    problems: list[str] = []
    existing: dict[str, Any] = {}
    named: dict[tuple[str, str], str] = {}  # a live entry's (name key, label) → its canonical id
    for r in conn.execute(
        select(KbEntry.id, KbEntry.canonical_id, KbEntry.name, KbEntry.label, KbEntry.deleted_at)
    ):
        existing[r.canonical_id] = r
        if r.deleted_at is None:
            named.setdefault((alias_key(r.name), r.label), r.canonical_id)
    taken = set(existing)
    pending_parents: list[tuple[str, str]] = []
    entry_rows: list[dict[str, Any]] = []
    alias_rows: list[dict[str, Any]] = []
    total = len(records)
    uuids: list[str] = []
    for n, record in enumerate(records):
        if cancel is not None and n % 1000 == 0:
            cancel.check()
        if n % 2000 == 0:
            progress(n, total, "storing entries")
        name = record["name"].strip()
        label = record["label"].strip()
        aliases = [a.strip() for a in record.get("aliases", ()) if a and a.strip()]
        canonical = (record.get("id") or "").strip()
        if not canonical:  # an entry without an id is the stored one of that name and type, if any
            canonical = named.get((alias_key(name), label), "")
        if canonical and canonical in existing:
            stored = existing[canonical]
            known = set(conn.scalars(select(KbAlias.key).where(KbAlias.entry_id == stored.id)))
            new_aliases = [
                a for a in dict.fromkeys([name, *aliases]) if alias_key(a) and alias_key(a) not in known
            ]
            values: dict[str, Any] = {}
            for column in ("description", "latitude", "longitude"):
                if record.get(column) not in (None, ""):
                    values[column] = record[column]
            if record.get("admin_areas"):
                values["admin_areas"] = list(record["admin_areas"])
            now_row = conn.execute(
                select(
                    KbEntry.description,
                    KbEntry.latitude,
                    KbEntry.longitude,
                    KbEntry.admin_areas,
                    KbEntry.deleted_at,
                ).where(KbEntry.id == stored.id)
            ).one()
            same = now_row.deleted_at is None and all(
                getattr(now_row, column) == value for column, value in values.items()
            )
            if same and not new_aliases and not record.get("parent"):
                uuids.append(stored.id)  # nothing new: left as it is (no change to travel in packages)
                continue
            values.update(updated_at=now, updated_by=by, deleted_at=None)
            for text in new_aliases:
                _alias_row(alias_rows, stored.id, text, by, now, known)
            all_aliases = (
                list(
                    conn.scalars(
                        select(KbAlias.text).where(
                            KbAlias.entry_id == stored.id, KbAlias.deleted_at.is_(None)
                        )
                    )
                )
                + new_aliases
            )
            values["match_keys"] = entry_match_keys(stored.label, all_aliases)
            conn.execute(update(KbEntry).where(KbEntry.id == stored.id).values(**values))
            uuids.append(stored.id)
            if record.get("parent"):
                pending_parents.append((stored.id, record["parent"]))
            updated += 1
            continue
        if not canonical:
            canonical = _free_canonical(conn, _slug(name), taken)
        else:
            taken.add(canonical)
        entry_uuid = (
            str(uuid.uuid5(NAMESPACE, f"entry\t{canonical}")) if source == "builtin" else str(uuid.uuid4())
        )
        spellings = list(dict.fromkeys([name, *aliases] if record.get("name_is_spelling", True) else aliases))
        entry_rows.append(
            {
                "id": entry_uuid,
                "canonical_id": canonical,
                "name": name,
                "label": label,
                "description": record.get("description") or "",
                "parent_id": None,
                "latitude": record.get("latitude"),
                "longitude": record.get("longitude"),
                "admin_areas": list(record.get("admin_areas") or ()),
                "source": source,
                "match_keys": entry_match_keys(label, spellings),
                "created_by": by,
                "created_at": now,
                "updated_by": by,
                "updated_at": now,
                "deleted_at": None,
                "merged_into": None,
            }
        )
        existing[canonical] = _Stored(entry_uuid, canonical, name, label, None)
        named.setdefault((alias_key(name), label), canonical)
        uuids.append(entry_uuid)
        known_keys: set[str] = set()
        for text in spellings:
            _alias_row(alias_rows, entry_uuid, text, by, now, known_keys)
        if record.get("parent"):
            pending_parents.append((entry_uuid, record["parent"]))
        added += 1
        if len(entry_rows) >= 2000:
            _flush(conn, entry_rows, alias_rows)
    _flush(conn, entry_rows, alias_rows)
    for child, parent in pending_parents:
        parent_uuid = _resolve_parent(conn, parent)
        if parent_uuid is None:
            problems.append(f"{child}: parent {parent!r} is not in the knowledge base")
            continue
        conn.execute(update(KbEntry).where(KbEntry.id == child).values(parent_id=parent_uuid))
    progress(total, total, "stored entries")
    return added, updated, problems, uuids


@dataclass(frozen=True)
class _Stored:
    id: str
    canonical_id: str
    name: str
    label: str
    deleted_at: Any


def _alias_row(rows: list, entry_uuid: str, text: str, by: str | None, now, known: set[str]) -> None:
    key = alias_key(text)
    if not key or key in known:
        return
    known.add(key)
    rows.append(
        {
            "id": _alias_uuid(entry_uuid, key),
            "entry_id": entry_uuid,
            "text": text,
            "script": script_of(text),
            "key": key,
            "roman": roman_key(text),
            "phonetic": sound_key(text),
            "links": 0,
            "source": "written",
            "added_by": by,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
        }
    )


def _flush(conn: Connection, entry_rows: list, alias_rows: list) -> None:
    from annotator.store.writes import insert_new

    insert_new(conn, KbEntry.__table__, entry_rows)
    insert_new(conn, KbAlias.__table__, alias_rows)
    entry_rows.clear()
    alias_rows.clear()


def _resolve_parent(conn: Connection, parent: str) -> str | None:
    """The UUID of the entry ``parent`` names: a UUID, a canonical id, or an entry's name."""
    for column in (KbEntry.id, KbEntry.canonical_id, KbEntry.name):
        found = conn.scalar(select(KbEntry.id).where(column == parent, KbEntry.deleted_at.is_(None)).limit(1))
        if found:
            return found
    return None


# ---------------------------------------------------------------------------------------------- reading


def _entry_uuid(conn: Connection, entry_id: str) -> str | None:
    """The UUID of the live entry ``entry_id`` names (its UUID or canonical id); a merged entry's id
    leads to the entry it was merged into."""
    row = conn.execute(
        select(KbEntry.id, KbEntry.deleted_at, KbEntry.merged_into).where(
            (KbEntry.id == entry_id) | (KbEntry.canonical_id == entry_id)
        )
    ).first()
    seen = set()
    while row is not None and row.deleted_at is not None and row.merged_into and row.merged_into not in seen:
        seen.add(row.merged_into)
        row = conn.execute(
            select(KbEntry.id, KbEntry.deleted_at, KbEntry.merged_into).where(KbEntry.id == row.merged_into)
        ).first()
    if row is None or row.deleted_at is not None:
        return None
    return row.id


def _infos(
    conn: Connection, uuids: Sequence[str] | None = None, *, label: str | None = None
) -> list[KbEntryInfo]:
    query = select(KbEntry).where(KbEntry.deleted_at.is_(None))
    if uuids is not None:
        query = query.where(KbEntry.id.in_(list(uuids)))
    if label is not None:
        query = query.where(KbEntry.label == label)
    rows = conn.execute(query.order_by(KbEntry.label, KbEntry.name, KbEntry.canonical_id)).all()
    if not rows:
        return []
    wanted = [r.id for r in rows]
    aliases: dict[str, list[KbAliasInfo]] = {}
    alias_query = select(
        KbAlias.entry_id, KbAlias.text, KbAlias.script, KbAlias.links, KbAlias.source, KbAlias.added_by
    ).where(KbAlias.deleted_at.is_(None))
    if uuids is not None or len(wanted) < 500:
        chunks = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    else:
        chunks = [None]  # type: ignore[list-item]
    for chunk in chunks:
        q = alias_query if chunk is None else alias_query.where(KbAlias.entry_id.in_(chunk))
        for a in conn.execute(q.order_by(KbAlias.entry_id, KbAlias.created_at, KbAlias.text)):
            aliases.setdefault(a.entry_id, []).append(
                KbAliasInfo(a.text, a.script, a.links or 0, a.source, a.added_by)
            )
    parent_ids = {r.parent_id for r in rows if r.parent_id}
    parents = {
        p.id: (p.canonical_id, p.name)
        for chunk in _chunked(sorted(parent_ids))
        for p in conn.execute(
            select(KbEntry.id, KbEntry.canonical_id, KbEntry.name).where(KbEntry.id.in_(chunk))
        )
    }
    out = []
    for r in rows:
        parent = parents.get(r.parent_id) if r.parent_id else None
        out.append(
            KbEntryInfo(
                r.id,
                r.canonical_id,
                r.name,
                r.label,
                r.description or "",
                tuple(a for a in aliases.get(r.id, ()) if a.text != r.name),
                r.parent_id,
                parent[0] if parent else None,
                parent[1] if parent else None,
                r.latitude,
                r.longitude,
                tuple(r.admin_areas or ()),
                r.source,
                r.created_by,
                r.created_at,
                r.updated_by,
                r.updated_at,
            )
        )
    return out


def _chunked(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def get_entry(project: Project, entry_id: str) -> KbEntryInfo | None:
    """The entry ``entry_id`` names (its canonical id or UUID; a merged entry's id gives the entry it was
    merged into), or None."""
    ensure_seeded(project)
    with project.engine.connect() as conn:
        found = _entry_uuid(conn, entry_id)
        if found is None:
            return None
        infos = _infos(conn, [found])
    return infos[0] if infos else None


def list_entries(
    project: Project, *, label: str | None = None, query: str | None = None, limit: int | None = None
) -> list[KbEntryInfo]:
    """The live entries, by label and name; with ``query`` those :func:`search` finds, best first."""
    ensure_seeded(project)
    grow_aliases(project)
    if query:
        hits = search(project, query, limit=limit or 1000, label=label)
        with project.engine.connect() as conn:
            by_uuid = {i.uuid: i for i in _infos(conn, [h.uuid for h in hits])}
        return [by_uuid[h.uuid] for h in hits if h.uuid in by_uuid]
    with project.engine.connect() as conn:
        infos = _infos(conn, label=label)
    return infos[:limit] if limit is not None else infos


# ---------------------------------------------------------------------------------------------- writing


def _changed(conn: Connection, entry_uuid: str, by: str | None, now, **values: Any) -> None:
    """Set ``values`` on an entry and recompute its matcher keys from its live spellings."""
    label = str(values.get("label") or conn.scalar(select(KbEntry.label).where(KbEntry.id == entry_uuid)))
    aliases = conn.scalars(
        select(KbAlias.text).where(KbAlias.entry_id == entry_uuid, KbAlias.deleted_at.is_(None))
    ).all()
    values["match_keys"] = entry_match_keys(label, aliases)
    conn.execute(
        update(KbEntry).where(KbEntry.id == entry_uuid).values(**values, updated_by=by, updated_at=now)
    )


def _rekey(conn: Connection, entry_uuid: str) -> None:
    """Recompute an entry's matcher keys from its live spellings, leaving its version alone."""
    label = conn.scalar(select(KbEntry.label).where(KbEntry.id == entry_uuid)) or ""
    texts = conn.scalars(
        select(KbAlias.text).where(KbAlias.entry_id == entry_uuid, KbAlias.deleted_at.is_(None))
    ).all()
    keys = entry_match_keys(label, texts)
    conn.execute(update(KbEntry).where(KbEntry.id == entry_uuid).values(match_keys=keys))


def _put_alias(
    conn: Connection,
    entry_uuid: str,
    text: str,
    by: str | None,
    now,
    *,
    source: str = "written",
    links: int = 0,
) -> bool:
    """Add a spelling (or bring back a deleted one); False when the entry has it already."""
    key = alias_key(text)
    if not key:
        raise AnnotatorError(f"alias {text!r} has no letters or digits")
    row = conn.execute(
        select(KbAlias.id, KbAlias.deleted_at).where(KbAlias.entry_id == entry_uuid, KbAlias.key == key)
    ).first()
    if row is not None:
        if row.deleted_at is None:
            return False
        conn.execute(
            update(KbAlias)
            .where(KbAlias.id == row.id)
            .values(text=text, deleted_at=None, updated_at=now, added_by=by, source=source)
        )
        return True
    rows: list[dict[str, Any]] = []
    _alias_row(rows, entry_uuid, text, by, now, set())
    rows[0].update(source=source, links=links)
    conn.execute(insert(KbAlias), rows)
    return True


def _check_label(project: Project, label: str) -> None:
    labels = set(project.schema.entity_type_names)
    if label not in labels:
        raise AnnotatorError(f"{label!r} is not an entity type of the schema ({', '.join(sorted(labels))})")


def add_entry(
    project: Project,
    *,
    name: str,
    label: str,
    by: str,
    canonical_id: str | None = None,
    aliases: Iterable[str] = (),
    description: str = "",
    parent: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    admin_areas: Iterable[str] = (),
    source: str = "manual",
) -> KbEntryInfo:
    """Add an entry (``source`` ``span`` for one made from a span in the workbench). Without a
    ``canonical_id`` one is made from the name (``kb:lashkar-e-taiba``). ``parent``: a canonical id,
    UUID or name of another entry. Raises :class:`KbPermissionError` when ``by`` may not edit, and
    :class:`AnnotatorError` for a label not in the schema, an empty name or an id already used."""
    by = _check_edit(project, by)
    name = unicodedata.normalize("NFC", name.strip())
    if not alias_key(name):
        raise AnnotatorError("an entry needs a name with letters or digits")
    _check_label(project, label)
    ensure_seeded(project)
    with _write_lock, project.engine.begin() as conn:
        canonical = (canonical_id or "").strip()
        if canonical:
            if conn.scalar(select(KbEntry.id).where(KbEntry.canonical_id == canonical)):
                raise AnnotatorError(f"the knowledge base has an entry {canonical} already")
        record = {
            "id": canonical,
            "name": name,
            "label": label,
            "aliases": [unicodedata.normalize("NFC", a) for a in aliases],
            "description": description,
            "parent": parent,
            "latitude": latitude,
            "longitude": longitude,
            "admin_areas": list(admin_areas),
        }
        _added, _updated, problems, uuids = _store_records(conn, [record], by=by, source=source)
        if problems:
            raise AnnotatorError(problems[0].split(": ", 1)[1])
        new_uuid = uuids[0]
        _bump(conn)
        info = _infos(conn, [new_uuid])[0]
    return info


_UNSET: Any = object()


def update_entry(
    project: Project,
    entry_id: str,
    *,
    by: str,
    name: str | None = None,
    label: str | None = None,
    description: str | None = None,
    parent: str | None = _UNSET,
    latitude: float | None = _UNSET,
    longitude: float | None = _UNSET,
    admin_areas: Iterable[str] | None = None,
) -> KbEntryInfo:
    """Change an entry's fields (those given; ``parent=None`` removes the parent). A new name keeps the
    old one as an alias, so mentions written the old way are still found."""
    by = _check_edit(project, by)
    if label is not None:
        _check_label(project, label)
    with _write_lock, project.engine.begin() as conn:
        found = _entry_uuid(conn, entry_id)
        if found is None:
            raise AnnotatorError(f"no knowledge-base entry {entry_id}")
        now = utcnow()
        values: dict[str, Any] = {}
        if name is not None and name.strip():
            name = unicodedata.normalize("NFC", name.strip())
            old = conn.scalar(select(KbEntry.name).where(KbEntry.id == found))
            values["name"] = name
            _put_alias(conn, found, name, by, now)
            if old:
                _put_alias(conn, found, old, by, now)
        if label is not None:
            values["label"] = label
        if description is not None:
            values["description"] = description
        if parent is not _UNSET:
            if parent is None:
                values["parent_id"] = None
            else:
                parent_uuid = _resolve_parent(conn, parent)
                if parent_uuid is None or parent_uuid == found:
                    raise AnnotatorError(f"parent {parent!r} is not another entry of the knowledge base")
                values["parent_id"] = parent_uuid
        if latitude is not _UNSET:
            values["latitude"] = latitude
        if longitude is not _UNSET:
            values["longitude"] = longitude
        if admin_areas is not None:
            values["admin_areas"] = list(admin_areas)
        _changed(conn, found, by, now, **values)
        _bump(conn)
        return _infos(conn, [found])[0]


def add_alias(project: Project, entry_id: str, text: str, *, by: str) -> KbEntryInfo:
    """Add a spelling to an entry (any script; a spelling it has already is left as it is)."""
    by = _check_edit(project, by)
    text = unicodedata.normalize("NFC", text.strip())
    with _write_lock, project.engine.begin() as conn:
        found = _entry_uuid(conn, entry_id)
        if found is None:
            raise AnnotatorError(f"no knowledge-base entry {entry_id}")
        now = utcnow()
        if _put_alias(conn, found, text, by, now):
            _changed(conn, found, by, now)
            _bump(conn)
        return _infos(conn, [found])[0]


def remove_alias(project: Project, entry_id: str, text: str, *, by: str) -> KbEntryInfo:
    """Delete a spelling of an entry (it stays as a tombstone, so the deletion travels in packages)."""
    by = _check_edit(project, by)
    with _write_lock, project.engine.begin() as conn:
        found = _entry_uuid(conn, entry_id)
        if found is None:
            raise AnnotatorError(f"no knowledge-base entry {entry_id}")
        now = utcnow()
        n = conn.execute(
            update(KbAlias)
            .where(KbAlias.entry_id == found, KbAlias.key == alias_key(text), KbAlias.deleted_at.is_(None))
            .values(deleted_at=now, updated_at=now)
        ).rowcount
        if not n:
            raise AnnotatorError(f"{entry_id} has no alias {text!r}")
        _changed(conn, found, by, now)
        _bump(conn)
        return _infos(conn, [found])[0]


def delete_entry(project: Project, entry_id: str, *, by: str) -> None:
    """Delete an entry (a tombstone stays); entities linked to it keep their link."""
    by = _check_edit(project, by)
    with _write_lock, project.engine.begin() as conn:
        found = _entry_uuid(conn, entry_id)
        if found is None:
            raise AnnotatorError(f"no knowledge-base entry {entry_id}")
        now = utcnow()
        conn.execute(
            update(KbEntry).where(KbEntry.id == found).values(deleted_at=now, updated_at=now, updated_by=by)
        )
        conn.execute(update(KbEntry).where(KbEntry.parent_id == found).values(parent_id=None, updated_at=now))
        _bump(conn)


def merge_entries(project: Project, keep_id: str, gone_id: str, by: str) -> MergeResult:
    """Merge the duplicate ``gone_id`` into ``keep_id``: its name and aliases (with their link counts)
    become ``keep``'s, its children ``keep``'s, and every entity linked to it is linked to ``keep``
    (through :func:`annotator.store.writes.change`, so the change is in each row's history and travels in
    work packages); ``gone`` stays as a tombstone pointing at ``keep``, so its id still resolves."""
    from annotator.store.writes import change

    by = _check_edit(project, by)
    with _write_lock, project.engine.begin() as conn:
        keep = _entry_uuid(conn, keep_id)
        gone = _entry_uuid(conn, gone_id)
        if keep is None or gone is None:
            raise AnnotatorError(f"no knowledge-base entry {keep_id if keep is None else gone_id}")
        if keep == gone:
            raise AnnotatorError("an entry cannot be merged into itself")
        keep_row = conn.execute(select(KbEntry).where(KbEntry.id == keep)).one()
        gone_row = conn.execute(select(KbEntry).where(KbEntry.id == gone)).one()
        now = utcnow()
        moved = 0
        keep_aliases = {
            r.key: r
            for r in conn.execute(
                select(KbAlias.id, KbAlias.key, KbAlias.links, KbAlias.deleted_at).where(
                    KbAlias.entry_id == keep
                )
            )
        }
        for a in conn.execute(
            select(KbAlias).where(KbAlias.entry_id == gone, KbAlias.deleted_at.is_(None))
        ).all():
            mine = keep_aliases.get(a.key)
            if mine is None:
                conn.execute(
                    insert(KbAlias).values(
                        id=_alias_uuid(keep, a.key),
                        entry_id=keep,
                        text=a.text,
                        script=a.script,
                        key=a.key,
                        roman=a.roman,
                        phonetic=a.phonetic,
                        links=a.links,
                        source=a.source,
                        added_by=a.added_by,
                        created_at=a.created_at,
                        updated_at=now,
                        deleted_at=None,
                    )
                )
            else:
                conn.execute(
                    update(KbAlias)
                    .where(KbAlias.id == mine.id)
                    .values(
                        links=(mine.links if mine.deleted_at is None else 0) + (a.links or 0),
                        deleted_at=None,
                        updated_at=now,
                    )
                )
            moved += 1
        conn.execute(
            update(KbAlias)
            .where(KbAlias.entry_id == gone, KbAlias.deleted_at.is_(None))
            .values(deleted_at=now, updated_at=now)
        )
        if gone_row.name:
            _put_alias(conn, keep, gone_row.name, by, now)
        conn.execute(
            update(KbEntry)
            .where(KbEntry.parent_id == gone)
            .values(parent_id=keep, updated_at=now, updated_by=by)
        )
        values: dict[str, Any] = {}
        if not keep_row.description and gone_row.description:
            values["description"] = gone_row.description
        if keep_row.latitude is None and gone_row.latitude is not None:
            values["latitude"], values["longitude"] = gone_row.latitude, gone_row.longitude
        if not keep_row.admin_areas and gone_row.admin_areas:
            values["admin_areas"] = gone_row.admin_areas
        if keep_row.parent_id is None and gone_row.parent_id and gone_row.parent_id != keep:
            values["parent_id"] = gone_row.parent_id
        _changed(conn, keep, by, now, **values)
        conn.execute(
            update(KbEntry)
            .where(KbEntry.id == gone)
            .values(deleted_at=now, merged_into=keep, updated_at=now, updated_by=by)
        )
        links = change(
            conn,
            Entity,
            {"link_id": keep_row.canonical_id, "link_name": keep_row.name},
            Entity.link_id == gone_row.canonical_id,
        )
        _bump(conn)
        info = _infos(conn, [keep])[0]
    return MergeResult(info, links, moved)


# ---------------------------------------------------------------------------------------------- growth


_GROWN: dict[str, tuple] = {}


def grow_aliases(project: Project) -> int:
    """Surface forms linked to an entry become its aliases: each distinct text of the entities whose
    link names an entry (by canonical id), with ``links`` the number of such entities and ``added_by``
    the annotator who linked it first; a written alias gets its count too. An alias grown from links that
    no entity carries any more is deleted. Quick when nothing changed (one query); returns the aliases
    added or changed. The suggestion matcher then finds these spellings, with the variants it generates."""
    with project.engine.connect() as conn:
        linked = conn.execute(
            select(func.count(), func.max(Entity.updated_at), func.max(Entity.created_at)).where(
                Entity.link_id.is_not(None)
            )
        ).one()
        total = conn.scalar(select(func.count()).select_from(Entity))
        stamp = (*linked, total, _get_setting(conn, VERSION_KEY))
    location = str(project.location)
    if _GROWN.get(location) == stamp:
        return 0
    surface = func.substr(Document.text, Entity.start + 1, Entity.end - Entity.start)
    with _write_lock, project.engine.begin() as conn:
        entries = dict(
            conn.execute(select(KbEntry.canonical_id, KbEntry.id).where(KbEntry.deleted_at.is_(None))).all()
        )
        counts: Counter = Counter()
        first: dict[tuple[str, str], tuple[Any, str, str]] = {}
        for link_id, text, annotator, n, earliest in conn.execute(
            select(Entity.link_id, surface, Annotator.name, func.count(), func.min(Entity.created_at))
            .join(Document, Document.id == Entity.document_id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Entity.link_id.is_not(None))
            .group_by(Entity.link_id, surface, Annotator.name)
        ):
            entry = entries.get(link_id)
            text = unicodedata.normalize("NFC", (text or "").strip())
            key = alias_key(text)
            if entry is None or not key:
                continue
            counts[(entry, key)] += n
            old = first.get((entry, key))
            if old is None or str(earliest) < str(old[0]):
                first[(entry, key)] = (earliest, annotator, text)
        columns = (
            KbAlias.id,
            KbAlias.entry_id,
            KbAlias.key,
            KbAlias.links,
            KbAlias.source,
            KbAlias.deleted_at,
        )
        # the aliases that carry links or were grown from them, and those of the linked texts (not all)
        stored = {
            (r.entry_id, r.key): r
            for r in conn.execute(select(*columns).where((KbAlias.links > 0) | (KbAlias.source == "link")))
        }
        for entry, key in counts:
            if (entry, key) not in stored:
                row = conn.execute(
                    select(*columns).where(KbAlias.entry_id == entry, KbAlias.key == key)
                ).first()
                if row is not None:
                    stored[(entry, key)] = row
        now = utcnow()
        changed_entries: set[str] = set()
        n_changed = 0
        for (entry, key), n in counts.items():
            row = stored.get((entry, key))
            _when, annotator, text = first[(entry, key)]
            if row is None:
                _put_alias(conn, entry, text, annotator, now, source="link", links=n)
                changed_entries.add(entry)
                n_changed += 1
            elif row.links != n or (row.deleted_at is not None and row.source == "link"):
                values: dict[str, Any] = {"links": n}
                if row.deleted_at is not None and row.source == "link":
                    values.update(deleted_at=None, updated_at=now)
                    changed_entries.add(entry)
                conn.execute(update(KbAlias).where(KbAlias.id == row.id).values(**values))
                n_changed += 1
        for (entry, key), row in stored.items():
            if (entry, key) in counts or not row.links:
                continue
            if row.source == "link" and row.deleted_at is None:
                conn.execute(
                    update(KbAlias)
                    .where(KbAlias.id == row.id)
                    .values(links=0, deleted_at=now, updated_at=now)
                )
                changed_entries.add(entry)
            else:
                conn.execute(update(KbAlias).where(KbAlias.id == row.id).values(links=0))
            n_changed += 1
        for entry in changed_entries:  # its keys only: grown aliases are not an edit of the entry
            _rekey(conn, entry)
        if n_changed:
            _bump(conn)
    with project.engine.connect() as conn:
        _GROWN[location] = (*stamp[:4], _get_setting(conn, VERSION_KEY))
    return n_changed


# ---------------------------------------------------------------------------------------------- mentions


def linked_mentions(project: Project, entry_id: str, *, limit: int | None = None) -> list[KbMention]:
    """The entities across the project linked to the entry (or to an entry merged into it; any annotator,
    gold included), by document and position, each with its document's title and a snippet of about 40
    characters either side."""
    ensure_seeded(project)
    with project.engine.connect() as conn:
        found = _entry_uuid(conn, entry_id)
        if found is None:
            return []
        ids = [found, *conn.scalars(select(KbEntry.id).where(KbEntry.merged_into == found))]
        canonical = list(conn.scalars(select(KbEntry.canonical_id).where(KbEntry.id.in_(ids))))
        query = (
            select(
                Entity.document_id,
                Document.title,
                Entity.id,
                Annotator.name,
                Entity.start,
                Entity.end,
                Entity.label,
            )
            .join(Document, Document.id == Entity.document_id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Entity.link_id.in_(canonical))
            .order_by(Entity.document_id, Entity.start, Annotator.name)
        )
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
        texts: dict[int, str] = {}
        for chunk in _chunked(sorted({r[0] for r in rows}), 100):
            texts.update(conn.execute(select(Document.id, Document.text).where(Document.id.in_(chunk))).all())
    out = []
    for doc, title, eid, who, start, end, label in rows:
        text = texts.get(doc, "")
        snippet = " ".join(text[max(start - 40, 0) : end + 40].split())
        out.append(KbMention(doc, title or "", eid, who, start, end, text[start:end], snippet, label))
    return out


# ---------------------------------------------------------------------------------------------- incidents


def _areas(conn: Connection, entry_uuid: str) -> tuple[str, ...]:
    """An entry's admin areas, largest first: its own field, else its parents' names (the farthest
    first: ``India``, ``Jammu and Kashmir``, ``Anantnag``)."""
    row = conn.execute(select(KbEntry.admin_areas, KbEntry.parent_id).where(KbEntry.id == entry_uuid)).one()
    if row.admin_areas:
        return tuple(row.admin_areas)
    out: list[str] = []
    parent, seen = row.parent_id, {entry_uuid}
    while parent and parent not in seen:
        seen.add(parent)
        p = conn.execute(select(KbEntry.name, KbEntry.parent_id).where(KbEntry.id == parent)).first()
        if p is None:
            break
        out.append(p.name)
        parent = p.parent_id
    return tuple(reversed(out))


def canonical_view(conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Canonical id → (the entry's name, its admin areas largest first) for the ids that name live
    entries (a merged entry's id: the entry it was merged into); for the incident exports and views. A
    few queries whatever the number of ids (in batches; parents level by level)."""
    wanted = sorted({i for i in ids if i})
    rows: dict[str, Any] = {}
    for chunk in _chunked(wanted):
        for r in conn.execute(select(KbEntry).where(KbEntry.canonical_id.in_(chunk))):
            rows[r.canonical_id] = r
    live: dict[str, Any] = {}
    for given, r in rows.items():
        if r.deleted_at is None:
            live[given] = r
        elif r.merged_into:
            found = _entry_uuid(conn, given)
            if found is not None:
                live[given] = conn.execute(select(KbEntry).where(KbEntry.id == found)).one()
    parents: dict[str, tuple[str, str | None]] = {}  # uuid → (name, its parent)
    todo = {r.parent_id for r in live.values() if not r.admin_areas and r.parent_id}
    for _depth in range(8):
        todo -= set(parents)
        if not todo:
            break
        for chunk in _chunked(sorted(todo)):
            for p in conn.execute(
                select(KbEntry.id, KbEntry.name, KbEntry.parent_id).where(KbEntry.id.in_(chunk))
            ):
                parents[p.id] = (p.name, p.parent_id)
        todo = {parent for _name, parent in parents.values() if parent}
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for given, r in live.items():
        areas: tuple[str, ...] = tuple(r.admin_areas or ())
        if not areas:
            chain: list[str] = []
            parent, seen = r.parent_id, {r.id}
            while parent in parents and parent not in seen:
                seen.add(parent)
                chain.append(parents[parent][0])
                parent = parents[parent][1]
            areas = tuple(reversed(chain))
        out[given] = (r.name, areas)
    return out


def place_admin_areas(project: Project, place_id: str | None) -> list[str]:
    """The admin areas of the place entry ``place_id`` names, largest first (country, state, district):
    its own field, else its parents' names; [] when the base has no such entry."""
    if not place_id:
        return []
    ensure_seeded(project)
    with project.engine.connect() as conn:
        found = _entry_uuid(conn, place_id)
        return list(_areas(conn, found)) if found is not None else []


def actor_name(project: Project, actor_id: str | None) -> str | None:
    """The canonical name of the entry ``actor_id`` names (a merged id gives its entry's), else None."""
    if not actor_id:
        return None
    ensure_seeded(project)
    with project.engine.connect() as conn:
        found = _entry_uuid(conn, actor_id)
        return conn.scalar(select(KbEntry.name).where(KbEntry.id == found)) if found else None


def entry_names(project: Project, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Canonical id → (entry name, label) for the ids that name live entries (merged ids included)."""
    wanted = sorted({i for i in ids if i})
    out: dict[str, tuple[str, str]] = {}
    if not wanted:
        return out
    ensure_seeded(project)
    with project.engine.connect() as conn:
        for chunk in _chunked(wanted):
            for r in conn.execute(
                select(
                    KbEntry.canonical_id, KbEntry.name, KbEntry.label, KbEntry.deleted_at, KbEntry.merged_into
                ).where(KbEntry.canonical_id.in_(chunk))
            ):
                if r.deleted_at is None:
                    out[r.canonical_id] = (r.name, r.label)
                elif r.merged_into:
                    live = conn.execute(
                        select(KbEntry.name, KbEntry.label).where(
                            KbEntry.id == _entry_uuid(conn, r.canonical_id)
                        )
                    ).first()
                    if live is not None:
                        out[r.canonical_id] = (live.name, live.label)
    return out


# ---------------------------------------------------------------------------------------------- type-ahead


def alias_search_keys(text: str, key: str, roman: str, phonetic: str) -> list[tuple[str, int]]:
    """The type-ahead keys of a spelling (its ``key``, ``roman`` and ``phonetic`` as stored) with their
    kinds: the whole spelling's key (0), its romanization (1), the key from each of its first words on
    (2), and its phonetic key, marked ``~`` (3)."""
    out = [(key, 0)]
    if roman and roman != key:
        out.append((roman, 1))
    if phonetic:
        out.append(("~" + phonetic, 3))
    parts = _WORD_START_RE.split(text)
    if len(parts) > 1:
        for i in range(1, min(len(parts), 4)):
            rest = alias_key("".join(parts[i:]))
            if rest and rest != key:
                out.append((rest, 2))
    return out


_KEYED: dict[str, str | None] = {}
"""Per project: the version of the base whose aliases all have their rows in ``kb_keys``."""
_KEYED_LOCK = threading.Lock()
_KEY_CHUNK = 2000  # aliases keyed per transaction: other writers wait at most one chunk


def _version(conn: Connection) -> str | None:
    return _get_setting(conn, VERSION_KEY)


def sync_keys(
    project: Project, progress: ProgressCallback = no_progress, cancel: CancelFlag | None = None
) -> int:
    """Bring the type-ahead keys (``kb_keys``) up to date with the aliases, whatever wrote them (this
    module, an import, a merged work package): the keys of deleted aliases are dropped, and a live alias
    without its whole-spelling key (new, or its spelling changed) gets its keys. A change touches only its
    own rows; an upgraded project's base is keyed whole at its first search, in chunks (each one its own
    transaction, the database doing the sorting). Returns the aliases (re)keyed."""
    table = cast(Table, KbKey.__table__)
    with project.engine.begin() as conn:
        gone = select(KbAlias.id).where(KbAlias.deleted_at.is_not(None))
        conn.execute(table.delete().where(table.c.alias_id.in_(gone)))
        # a left join on (alias, kind) — the covering index — not NOT EXISTS with the key, which SQLite
        # answers from the key index, slow where many rows share a key (a word start of thousands)
        whole = and_(KbKey.alias_id == KbAlias.id, KbKey.kind == 0)
        found = conn.execute(
            select(KbAlias.id, KbAlias.text, KbAlias.key, KbAlias.roman, KbAlias.phonetic)
            .outerjoin(KbKey, whole)
            .where(KbAlias.deleted_at.is_(None), or_(KbKey.id.is_(None), KbKey.key != KbAlias.key))
        ).all()
        missing = list({r[0]: tuple(r) for r in found}.values())
    done = 0
    for chunk in _chunked(missing, _KEY_CHUNK):
        if cancel is not None:
            cancel.check()  # the chunks keyed so far stay (each was its own transaction)
        rows = [
            {"alias_id": alias_id, "key": k, "kind": kind}
            for alias_id, text, key, roman, phonetic in chunk
            for k, kind in alias_search_keys(text, key, roman or "", phonetic or "")
        ]
        with project.engine.begin() as conn:
            conn.execute(table.delete().where(table.c.alias_id.in_([r[0] for r in chunk])))
            conn.execute(insert(table), rows)
        done += len(chunk)
        progress(done, len(missing), "keying the knowledge base for type-ahead")
    return done


def _keyed(project: Project) -> None:
    """Seed the base if it never was, and key its aliases if the base changed since they were keyed here."""
    location = str(project.location)
    with project.engine.connect() as conn:  # one query a keystroke when the base is unchanged
        stored = dict(
            conn.execute(
                select(Setting.key, Setting.value).where(Setting.key.in_((SEEDED_KEY, VERSION_KEY)))
            ).all()
        )
    if SEEDED_KEY not in stored:
        ensure_seeded(project)
        with project.engine.connect() as conn:
            version = _version(conn)
    else:
        version = stored.get(VERSION_KEY)
    if location in _KEYED and _KEYED[location] == version:
        return
    with _KEYED_LOCK:
        if location in _KEYED and _KEYED[location] == version:
            return
        sync_keys(project)
        _KEYED[location] = version


def _query_keys(query: str) -> list[tuple[str, int]]:
    keys = [(alias_key(query), 0)]
    roman = roman_key(query)
    if roman and roman != keys[0][0]:
        keys.append((roman, 1))
    sound = sound_key(query) if len(keys[0][0]) >= 4 else ""  # whole words spelled another way
    if sound:
        keys.append(("~" + sound, 3))
    return [(k, kind) for k, kind in keys if k]


def search(project: Project, query: str, limit: int = 20, label: str | None = None) -> list[KbHit]:
    """Entries whose name or an alias starts with ``query`` — or a word of it does (``taiba`` finds
    Lashkar-e-Taiba) — in any script: ``pahalgam`` finds पहलगाम (Devanagari spellings are also keyed by
    their readable romanization, and a Devanagari query by its own), ``LeT`` the entry with that alias;
    case, hyphens, spaces and Hindi spelling variants do not matter. Best first: a whole spelling equal to
    the query, then one it starts, then a word; among those the more linked, then the shorter. ``label``
    keeps one entity type. The keys are rows of ``kb_keys`` (:func:`sync_keys`): each query key is a
    prefix range on their index, run by the database (the interpreter's lock released meanwhile)."""
    _keyed(project)
    wanted = _query_keys(query.strip())
    if not wanted or limit <= 0:
        return []
    cap = max(200, limit * 10)  # keys looked at per query key: the closest in sort order
    best: dict[str, tuple[tuple, str]] = {}
    postgres = project.engine.dialect.name == "postgresql"
    key_col = KbKey.key.collate("C") if postgres else KbKey.key  # code point order, as in SQLite
    with project.engine.connect() as conn:
        for q, qkind in wanted:
            found = conn.execute(
                select(
                    KbKey.key,
                    KbKey.kind,
                    KbAlias.text,
                    KbAlias.links,
                    KbEntry.id,
                    KbEntry.name,
                    KbEntry.label,
                )
                .join(KbAlias, KbAlias.id == KbKey.alias_id)
                .join(KbEntry, KbEntry.id == KbAlias.entry_id)
                .where(
                    key_col >= q,
                    key_col < q + "\U0010ffff",
                    KbAlias.deleted_at.is_(None),
                    KbEntry.deleted_at.is_(None),
                )
                .order_by(key_col, KbKey.id)
                .limit(cap)
            ).all()
            for key, kind, text, links, e, name, lab in found:
                if label is not None and lab != label:
                    continue
                rank = (key != q, kind == 2, kind == 3, qkind + kind == 1, -(links or 0), len(key), name)
                old = best.get(e)
                if old is None or rank < old[0]:
                    best[e] = (rank, text)
        ranked = sorted(best.items(), key=lambda item: item[1][0])[:limit]
        ids = [e for e, _ in ranked]
        entries = {
            r[0]: r
            for r in conn.execute(
                select(
                    KbEntry.id,
                    KbEntry.canonical_id,
                    KbEntry.name,
                    KbEntry.label,
                    KbEntry.description,
                    KbEntry.parent_id,
                ).where(KbEntry.id.in_(ids))
            )
        }
        spellings: dict[str, list[str]] = {e: [] for e in ids}
        for entry_id, text in conn.execute(
            select(KbAlias.entry_id, KbAlias.text)
            .where(KbAlias.entry_id.in_(ids), KbAlias.deleted_at.is_(None))
            .order_by(KbAlias.entry_id)
        ):
            spellings[entry_id].append(text)
        parents = {r.parent_id for r in entries.values() if r.parent_id}
        parent_names = dict(
            conn.execute(
                select(KbEntry.id, KbEntry.name).where(KbEntry.id.in_(parents), KbEntry.deleted_at.is_(None))
            ).all()
        )
    out = []
    for e, (_rank, matched) in ranked:
        r = entries[e]
        out.append(
            KbHit(
                r.id,
                r.canonical_id,
                r.name,
                r.label,
                matched,
                tuple(t for t in spellings[e] if t != r.name),
                parent_names.get(r.parent_id) if r.parent_id else None,
                r.description or "",
            )
        )
    return out


def explain(project: Project, surface: str, label: str | None = None) -> tuple[str, str] | None:
    """(canonical id, name) of the one entry with the spelling ``surface`` (and, given, the label);
    None when no entry or several do (then the link is left to the annotator)."""
    ensure_seeded(project)
    key = alias_key(surface)
    if not key:
        return None
    query = (
        select(KbEntry.canonical_id, KbEntry.name)
        .join(KbAlias, KbAlias.entry_id == KbEntry.id)
        .where(KbAlias.key == key, KbAlias.deleted_at.is_(None), KbEntry.deleted_at.is_(None))
        .distinct()
        .limit(2)
    )
    if label is not None:
        query = query.where(KbEntry.label == label)
    with project.engine.connect() as conn:
        found = conn.execute(query).all()
    if len(found) != 1:
        return None
    return found[0][0], found[0][1]


def prefill_links(project: Project, text: str, suggestions: list) -> list:
    """Entity suggestions without a link (propagation, the model) get the link of the one entry whose
    spelling (of that label) the suggested span is, as the knowledge base's own suggestions have; the
    rest are returned as they are."""
    from dataclasses import replace

    out = []
    for s in suggestions:
        if s.kind == "entity" and not getattr(s, "link_id", ""):
            found = explain(project, text[s.start : s.end], s.label)
            if found is not None:
                s = replace(s, link_id=found[0], detail=found[1])
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------- matcher


_MATCHER: dict[tuple, Any] = {}


def matcher(project: Project, allowed_labels: frozenset[str] | None = None):
    """The project's base as a suggestion gazetteer (:class:`annotator.suggest.gazetteer.Gazetteer`, source
    ``gazetteer``): each entry's stored keys (``match_keys``) loaded without transliterating anything;
    suggestions carry the entry's canonical id (``link_id``) and name (``detail``). Built once per
    version of the base and label set, and kept in the process."""
    from annotator.suggest.gazetteer import Entry, Gazetteer

    ensure_seeded(project)
    grow_aliases(project)
    with project.engine.connect() as conn:
        version = _version(conn)
        key = (str(project.location), version, allowed_labels)
        cached = _MATCHER.get(key)
        if cached is not None:
            return cached
        entries: list[Entry] = []
        texts: list[str] = []
        owners: list[int] = []
        query = select(KbEntry.name, KbEntry.label, KbEntry.canonical_id, KbEntry.match_keys).where(
            KbEntry.deleted_at.is_(None)
        )
        for name, lab, canonical, keys_text in conn.execute(query):
            if allowed_labels is not None and lab not in allowed_labels:
                continue
            if keys_text:
                texts.append(keys_text)
                owners.append(len(entries))
            entries.append(Entry(name, lab, name, (), link_id=canonical))
    built = Gazetteer.from_keys(entries, (), lexicon=_lexicon_of(texts, owners))
    gc.freeze()  # its million keys out of the collector's full passes (freed as usual when replaced)
    for old in [k for k in _MATCHER if k[0] == key[0]]:
        del _MATCHER[old]
    _MATCHER[key] = built
    return built


# ---------------------------------------------------------------------------------------------- files


@dataclass
class KbImportReport:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    unchanged: int = 0  # records that added nothing to their stored entry
    joined: int = 0  # records of an id given earlier in the file, whose spellings went to that entry

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        bad = f"; {len(self.errors)} line(s) refused" if self.errors else ""
        same = f", {self.unchanged} already stored as they are" if self.unchanged else ""
        joined = f", {self.joined} joined to an earlier line of the same id" if self.joined else ""
        return (
            f"{self.added} entr{'y' if self.added == 1 else 'ies'} added, {self.updated} updated"
            f"{same}{joined}{bad}"
        )


def import_records(
    project: Project,
    records: Iterable[Any],
    *,
    by: str,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> KbImportReport:
    """Store :class:`annotator.formats.kb.KbRecord`s (or their problems, which are reported and skipped):
    a record whose id is stored adds its aliases and fields to that entry; a label not in the schema is
    refused with the record's place in the file. One transaction."""
    by = _check_edit(project, by)
    ensure_seeded(project)
    labels = set(project.schema.entity_type_names)
    report = KbImportReport()
    good: list[dict[str, Any]] = []
    origins: list[str] = []
    for record in records:
        problem = getattr(record, "problem", None)
        if problem:
            report.errors.append(problem)
            continue
        if record.label not in labels:
            report.errors.append(
                f"{record.origin}: label {record.label!r} is not an entity type of the schema "
                f"({', '.join(sorted(labels))}); map it with --label-map"
            )
            continue
        good.append(
            {
                "id": record.id,
                "name": unicodedata.normalize("NFC", record.name),
                "label": record.label,
                "aliases": [unicodedata.normalize("NFC", a) for a in record.aliases],
                "description": record.description,
                "parent": record.parent,
                "latitude": record.latitude,
                "longitude": record.longitude,
                "admin_areas": list(record.admin_areas),
            }
        )
        origins.append(record.origin)
    with project.engine.connect() as conn:  # an id stored with another label is another thing
        stored_labels = {
            canonical: (lab, name)
            for ids in _chunked(sorted({g["id"] for g in good if g["id"]}))
            for canonical, lab, name in conn.execute(
                select(KbEntry.canonical_id, KbEntry.label, KbEntry.name).where(KbEntry.canonical_id.in_(ids))
            )
        }
    seen: dict[str, int] = {}
    unique: list[dict[str, Any]] = []
    for g, origin in zip(good, origins, strict=True):  # an id twice in a file: one entry, both's aliases
        if g["id"] in stored_labels and stored_labels[g["id"]][0] != g["label"]:
            lab, name = stored_labels[g["id"]]
            report.errors.append(f"{origin}: id {g['id']} is stored as {lab} ({name}), not {g['label']}")
            continue
        if g["id"] and g["id"] in seen:
            first = unique[seen[g["id"]]]
            if first["label"] != g["label"]:
                report.errors.append(
                    f"{origin}: id {g['id']} was given as {first['label']} ({first['name']}) earlier in the "
                    f"file, not {g['label']}"
                )
                continue
            first["aliases"] = list(dict.fromkeys([*first["aliases"], g["name"], *g["aliases"]]))
            report.joined += 1
            continue
        if g["id"]:
            seen[g["id"]] = len(unique)
        unique.append(g)
    with _write_lock, project.engine.begin() as conn:
        added, updated, problems, _uuids = _store_records(
            conn, unique, by=by, source="import", progress=progress, cancel=cancel
        )
        _bump(conn)
    sync_keys(project, progress)  # the new spellings' type-ahead keys now, not at the first search
    report.added, report.updated = added, updated
    report.unchanged = len(unique) - added - updated
    report.errors += problems
    return report


def export_records(project: Project, *, label: str | None = None) -> list[Any]:
    """The live entries as :class:`annotator.formats.kb.KbRecord`s (for ``annotator kb export``)."""
    from annotator.formats.kb import KbRecord

    return [
        KbRecord(
            id=e.id,
            name=e.name,
            label=e.label,
            aliases=e.alias_texts,
            description=e.description,
            parent=e.parent_id or "",
            latitude=e.latitude,
            longitude=e.longitude,
            admin_areas=e.admin_areas,
        )
        for e in list_entries(project, label=label)
    ]


# ---------------------------------------------------------------------------------------------- packages


_PACKAGE_SETTINGS = (SEEDED_KEY, EDIT_KEY, VERSION_KEY)


def package_rows(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Everything of the base a work package carries: every entry and alias (tombstones too) and its
    settings (seeded, whether annotators may edit)."""
    return {
        "kb_entries": [dict(r._mapping) for r in conn.execute(select(KbEntry.__table__))],
        "kb_aliases": [dict(r._mapping) for r in conn.execute(select(KbAlias.__table__))],
        "settings": [
            dict(r._mapping)
            for r in conn.execute(select(Setting.__table__).where(Setting.key.in_(_PACKAGE_SETTINGS)))
        ],
    }


def write_package_rows(conn: Connection, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Put :func:`package_rows` into a new package."""
    for model in (KbEntry, KbAlias, Setting):
        table = cast(Table, model.__table__)
        for chunk in _chunked(rows[table.name], 1000):
            conn.execute(insert(table), list(chunk))


@dataclass
class KbMerge:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    from annotator.store.writes import as_utc

    return {
        k: as_utc(v) if isinstance(v, datetime) else v
        for k, v in row.items()
        if k not in ("match_keys", "links")  # derived here
    }


def merge_package(
    conn: Connection,
    package_path: str,
    rows: dict[str, list[dict[str, Any]]],
    annotator: str,
    labels: Iterable[str],
) -> KbMerge:
    """Merge a work package's base (:func:`package_rows` as read from it) into the project's, in the
    caller's transaction: entries and aliases by UUID, the later change winning (ties keep the project's),
    deletions and merges as the tombstones they are. The package's own changes are refused — listed, not
    merged — unless its annotator may edit the base here (a lead, or annotators allowed by the lead);
    aliases grown from links are not taken (they grow here again from the merged links)."""
    from annotator.store.writes import as_utc

    result = KbMerge()
    role = conn.scalar(select(Annotator.role).where(Annotator.name == annotator))
    allowed = role == "lead" or (_get_setting(conn, EDIT_KEY) or "").strip().lower() == "true"
    known_labels = set(labels)
    entry_table, alias_table = cast(Table, KbEntry.__table__), cast(Table, KbAlias.__table__)
    incoming: list[dict[str, Any]] = [
        {k: as_utc(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in rows["kb_entries"]
    ]
    local = {
        r["id"]: r
        for chunk in _chunked([r["id"] for r in incoming])
        for r in (
            dict(m._mapping) for m in conn.execute(select(entry_table).where(entry_table.c.id.in_(chunk)))
        )
    }
    touched: set[str] = set()
    refused_entries: set[str] = set()  # an alias of one of these goes with it, unlisted

    def refuse(what: str, why: str) -> None:
        result.refused.append(f"{package_path}: knowledge base {what}: {why}; not merged")

    for row in incoming:
        mine = local.get(row["id"])
        if mine is not None:
            if _comparable(row) == _comparable(mine):
                result.unchanged += 1
                continue
            if row["updated_at"] <= as_utc(mine["updated_at"]):
                result.unchanged += 1  # the project's is the later change
                continue
        what = f"entry {row.get('canonical_id')} ({row.get('name')})"
        refused_entries.add(row["id"])  # until merged below
        if not allowed:
            refuse(what, f"changed by {annotator}, who may not edit the knowledge base")
            continue
        if (
            not isinstance(row.get("name"), str)
            or not row["name"].strip()
            or row.get("label") not in known_labels
        ):
            refuse(what, "no name, or a label that is not an entity type of the schema")
            continue
        clash = conn.scalar(
            select(KbEntry.id).where(KbEntry.canonical_id == row["canonical_id"], KbEntry.id != row["id"])
        )
        if clash is not None:
            refuse(what, "another entry here has that id")
            continue
        if mine is None:
            conn.execute(insert(entry_table), [row])
            result.added += 1
        else:
            values = {k: v for k, v in row.items() if k != "id"}
            conn.execute(update(entry_table).where(entry_table.c.id == row["id"]).values(**values))
            result.updated += 1
        touched.add(row["id"])
        refused_entries.discard(row["id"])
    aliases: list[dict[str, Any]] = [
        {k: as_utc(v) if isinstance(v, datetime) else v for k, v in r.items()}
        for r in rows["kb_aliases"]
        if r.get("source") != "link"
    ]
    local_aliases = {
        r["id"]: r
        for chunk in _chunked([r["id"] for r in aliases])
        for r in (
            dict(m._mapping) for m in conn.execute(select(alias_table).where(alias_table.c.id.in_(chunk)))
        )
    }
    entries_here: set[str] = set()
    for chunk in _chunked(sorted({r["entry_id"] for r in aliases})):
        entries_here.update(conn.scalars(select(KbEntry.id).where(KbEntry.id.in_(chunk))))
    for row in aliases:
        mine = local_aliases.get(row["id"])
        if mine is not None:
            if _comparable(row) == _comparable(mine) or row["updated_at"] <= as_utc(mine["updated_at"]):
                result.unchanged += 1
                continue
        what = f"alias {row.get('text')!r}"
        if row["entry_id"] in refused_entries:
            continue
        if not allowed:
            refuse(what, f"changed by {annotator}, who may not edit the knowledge base")
            continue
        if (
            row["entry_id"] not in entries_here
            or not isinstance(row.get("text"), str)
            or not alias_key(row["text"])
        ):
            refuse(what, "its entry is not here, or it has no letters")
            continue
        row = {
            **row,
            "key": alias_key(row["text"]),
            "roman": roman_key(row["text"]),
            "phonetic": sound_key(row["text"]),
        }
        if mine is None:
            same_key = conn.scalar(
                select(KbAlias.id).where(KbAlias.entry_id == row["entry_id"], KbAlias.key == row["key"])
            )
            if same_key is not None:  # written in both places: one alias
                result.unchanged += 1
                continue
            conn.execute(insert(alias_table), [{**row, "links": 0}])
            result.added += 1
        else:
            values = {k: v for k, v in row.items() if k not in ("id", "links")}
            conn.execute(update(alias_table).where(alias_table.c.id == row["id"]).values(**values))
            result.updated += 1
        touched.add(row["entry_id"])
    for entry in touched:
        _rekey(conn, entry)
    if touched:
        _bump(conn)
    return result


def read_package_rows(path: str | Any) -> dict[str, list[dict[str, Any]]]:
    """:func:`package_rows` of a (checked copy of a) work package file."""
    from annotator.store.database import open_database

    engine = open_database(path, create=False).engine
    try:
        with engine.connect() as conn:
            return package_rows(conn)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------- exports


def link_details(conn: Connection, documents: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """Canonical id → (entry name, label) of the links on the entities of ``documents``
    (:class:`annotator.annotations.Document`s) that name live entries of the base (a merged entry's id:
    the entry it was merged into)."""
    ids = sorted(
        {e.link.id for doc in documents for s in doc.sets.values() for e in s.entities if e.link is not None}
    )
    out: dict[str, tuple[str, str]] = {}
    for chunk in _chunked(ids):
        for canonical, name, label, deleted, merged in conn.execute(
            select(
                KbEntry.canonical_id, KbEntry.name, KbEntry.label, KbEntry.deleted_at, KbEntry.merged_into
            ).where(KbEntry.canonical_id.in_(chunk))
        ):
            if deleted is None:
                out[canonical] = (name, label)
            elif merged:
                live = _entry_uuid(conn, canonical)
                row = conn.execute(select(KbEntry.name, KbEntry.label).where(KbEntry.id == live)).first()
                if row is not None:
                    out[canonical] = (row.name, row.label)
    return out


def describe_links(blocks: list[dict[str, Any]], details: dict[str, tuple[str, str]]) -> None:
    """Native JSONL blocks' links with the entry's name (when the link has none) and type: ``{"id":
    "Q485436", "name": "Lashkar-e-Taiba", "type": "ARMED_GROUP"}``."""
    for block in blocks:
        for entity in block.get("entities") or ():
            link = entity.get("link")
            found = details.get(link["id"]) if link else None
            if found is not None:
                entity["link"] = {"id": link["id"], "name": link.get("name") or found[0], "type": found[1]}
