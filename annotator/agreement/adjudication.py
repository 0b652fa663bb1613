"""Adjudication's pure parts: item identities (:class:`ItemKey`), policies, items from annotation blocks,
pooling, majority votes, disputes (boundary variants of one mention) and scores against gold. No database
and no Qt: :mod:`annotator.services.adjudication` reads and writes gold and calls this module.

An item's identity is an :class:`ItemKey`; its text form (:meth:`ItemKey.format`) is what gold provenance
stores and decisions name, and :meth:`ItemKey.parse` is the one place that text is taken apart:

* ``entity S-E LABEL`` (exact offsets and label);
* ``event S-E TYPE`` followed by `` ROLE=S-E`` per argument, sorted (the frame: trigger, type, fillers);
* ``tone NAME=VALUE`` (one value per document: its *slot* is ``tone NAME``);
* ``sentiment entity S-E LABEL=POLARITY`` or ``sentiment event S-E TYPE=POLARITY`` (one per target).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from annotator.annotations import AnnotationSet, Entity, Event
from annotator.errors import AnnotatorError

LAYERS = ("entities", "events", "tone", "sentiment")
TABLES = {
    "entities": "entities",
    "events": "events",
    "tone": "document_labels",
    "sentiment": "targeted_sentiments",
}
KINDS = {"entity": "entities", "event": "events", "tone": "tone", "sentiment": "sentiment"}
_MIN = re.compile(r"^min:(\d+)$")
_SPAN = re.compile(r"^(\d+)-(\d+)$")
_ARGUMENT = re.compile(r"^([^=\s]+)=(\d+)-(\d+)$")


class ItemKeyError(AnnotatorError, ValueError):
    """A string that is not an item key."""


# ---------------------------------------------------------------------------------------------- identity


@dataclass(frozen=True)
class ItemKey:
    """The identity of an adjudication item.

    ``kind`` is ``entity``, ``event``, ``tone`` or ``sentiment``. An entity or event sits on
    ``start``–``end`` (the span, the trigger) with ``label`` (its label, its type); an event has its
    ``arguments`` as (role, filler start, filler end), in the order of its key. A tone has ``label`` (the
    name) and ``value``; a sentiment has its ``target`` (an entity or event key without arguments) and
    ``value`` (the polarity)."""

    kind: str
    start: int = 0
    end: int = 0
    label: str = ""
    arguments: tuple[tuple[str, int, int], ...] = ()
    value: str = ""
    target: ItemKey | None = None

    # -------------------------------------------------------------- makers

    @classmethod
    def entity(cls, start: int, end: int, label: str) -> ItemKey:
        return cls("entity", start, end, label)

    @classmethod
    def event(
        cls, start: int, end: int, event_type: str, arguments: tuple[tuple[str, int, int], ...] = ()
    ) -> ItemKey:
        return cls("event", start, end, event_type, tuple(arguments))

    @classmethod
    def tone(cls, name: str, value: Any) -> ItemKey:
        return cls("tone", label=name, value=f"{value}")

    @classmethod
    def sentiment(cls, target: ItemKey, polarity: str) -> ItemKey:
        return cls("sentiment", value=polarity, target=target.head)

    # -------------------------------------------------------------- text

    def format(self) -> str:
        """The key as text, as stored in gold provenance (see the module's docstring)."""
        if self.kind == "entity":
            return f"entity {self.start}-{self.end} {self.label}"
        if self.kind == "event":
            return f"event {self.start}-{self.end} {self.label}" + "".join(
                f" {role}={s}-{e}" for role, s, e in self.arguments
            )
        if self.kind == "tone":
            return f"tone {self.label}={self.value}"
        assert self.target is not None
        return f"sentiment {self.target.format()}={self.value}"

    def __str__(self) -> str:
        return self.format()

    @classmethod
    def parse(cls, text: str) -> ItemKey:
        """The key a text names; :class:`ItemKeyError` (one line) when it is not a key."""
        if not isinstance(text, str):
            raise ItemKeyError(f"not an item key: {text!r}")
        kind, _sep, rest = text.partition(" ")
        if kind in ("entity", "event"):
            parts = rest.split(" ")
            if len(parts) < 2 or (kind == "entity" and len(parts) != 2) or not parts[1]:
                raise ItemKeyError(f"not an item key: {text!r} ({kind} S-E LABEL expected)")
            start, end = cls._span(parts[0], text)
            arguments = []
            for part in parts[2:]:
                m = _ARGUMENT.match(part)
                if m is None:
                    raise ItemKeyError(f"not an item key: {text!r} (argument {part!r} is not ROLE=S-E)")
                arguments.append((m.group(1), int(m.group(2)), int(m.group(3))))
            return cls(kind, start, end, parts[1], tuple(arguments))
        if kind == "tone":
            name, sep, value = rest.partition("=")
            if not sep or not name:
                raise ItemKeyError(f"not an item key: {text!r} (tone NAME=VALUE expected)")
            return cls("tone", label=name, value=value)
        if kind == "sentiment":
            target, sep, polarity = rest.rpartition("=")
            if not sep or not polarity:
                raise ItemKeyError(f"not an item key: {text!r} (sentiment TARGET=POLARITY expected)")
            try:
                head = cls.parse(target) if target.startswith(("entity ", "event ")) else None
            except ItemKeyError:
                head = None
            if head is None or head.arguments:
                raise ItemKeyError(f"not an item key: {text!r} (its target is not an entity or event)")
            return cls("sentiment", value=polarity, target=head)
        raise ItemKeyError(f"not an item key: {text!r} (entity, event, tone or sentiment expected)")

    @staticmethod
    def _span(text: str, key: str) -> tuple[int, int]:
        m = _SPAN.match(text)
        if m is None:
            raise ItemKeyError(f"not an item key: {key!r} ({text!r} is not S-E)")
        return int(m.group(1)), int(m.group(2))

    @staticmethod
    def argument(text: str) -> tuple[str, int, int]:
        """``ROLE=S-E`` (one argument of an event key) as (role, start, end)."""
        m = _ARGUMENT.match(text)
        if m is None:
            raise ItemKeyError(f"not an argument: {text!r} (ROLE=S-E expected)")
        return m.group(1), int(m.group(2)), int(m.group(3))

    # -------------------------------------------------------------- derived

    @property
    def layer(self) -> str:
        return KINDS[self.kind]

    @property
    def head(self) -> ItemKey:
        """The key without an event's arguments (what a sentiment's target names)."""
        return ItemKey(self.kind, self.start, self.end, self.label) if self.arguments else self

    @property
    def bounds(self) -> tuple[int, int]:
        """The span the item sits on (an entity, a trigger, a sentiment's target); (0, 0) for a tone."""
        if self.kind in ("entity", "event"):
            return self.start, self.end
        if self.kind == "sentiment" and self.target is not None:
            return self.target.bounds
        return 0, 0

    @property
    def position(self) -> str:
        """Where the item sits, whatever its value: ``entity S-E`` / ``event S-E`` (the span or trigger),
        ``tone NAME``, ``sentiment <target>``."""
        if self.kind in ("entity", "event"):
            return f"{self.kind} {self.start}-{self.end}"
        return self.slot

    @property
    def slot(self) -> str:
        """What holds one value: the item itself for entities and events, ``tone NAME``, ``sentiment
        <target>``."""
        if self.kind == "tone":
            return f"tone {self.label}"
        if self.kind == "sentiment":
            assert self.target is not None
            return f"sentiment {self.target.format()}"
        return self.format()

    @property
    def mention(self) -> tuple[int, int, str] | None:
        """(start, end, label) of an entity; None for any other item."""
        return (self.start, self.end, self.label) if self.kind == "entity" else None

    @property
    def order(self) -> tuple[int, int]:
        """Sort order of items in a list: entities, events, tones, sentiments; then by offset."""
        return {"entity": 0, "event": 1, "tone": 2}.get(self.kind, 3), self.bounds[0]


def position_of(key: str) -> str:
    """Where an item sits, whatever its value (:attr:`ItemKey.position`). A person's acceptance of one item
    closes the other proposals at its position (another label for the span, another frame for the
    trigger) for review."""
    return ItemKey.parse(key).position


def key_order(key: str) -> tuple[int, int]:
    return ItemKey.parse(key).order


# ---------------------------------------------------------------------------------------------- policies


def check_policy(policy: str) -> str:
    """The policy if it is ``unanimous``, ``majority`` or ``min:N`` (N ≥ 1), else an error."""
    m = _MIN.match(policy)
    if policy in ("unanimous", "majority") or (m and int(m.group(1)) >= 1):
        return policy
    raise AnnotatorError(f"unknown policy {policy!r} (majority, unanimous or min:N)")


def accepts(policy: str, votes: int, counted: int) -> bool:
    """Whether ``votes`` of ``counted`` annotators are enough under ``policy`` (checked)."""
    if policy == "unanimous":
        return votes == counted
    if policy == "majority":
        return 2 * votes > counted
    m = _MIN.match(policy)
    if m is None:
        raise AnnotatorError(f"unknown policy {policy!r} (majority, unanimous or min:N)")
    return votes >= int(m.group(1))


# ---------------------------------------------------------------------------------------------- items


class EventVersion(NamedTuple):
    """A proposer's event and its frame: ``(role, (filler start, filler end), filler kind)`` per argument
    whose filler is in the same set, sorted (what the item key names)."""

    event: Event
    frame: tuple[tuple[str, tuple[int, int], str], ...]

    @property
    def id(self) -> str:
        return self.event.id


class ToneVersion(NamedTuple):
    """A proposer's value of one document label (a tone); a tone row's id is not part of it."""

    name: str
    value: int
    id: str | None = None


class SentimentVersion(NamedTuple):
    """A proposer's polarity towards a target, with the target's item key (an entity or an event)."""

    target: str  # the target's id in the proposer's set
    polarity: str
    target_key: str
    id: str | None = None


#: One proposer's version of an item: an entity, an event with its frame, a tone value, a sentiment.
Version = Entity | EventVersion | ToneVersion | SentimentVersion


@dataclass
class Item:
    """One item as proposed on a document: its key, slot, layer, label and each proposer's version."""

    key: str
    slot: str
    layer: str
    label: str
    versions: dict[str, Version] = field(default_factory=dict)  # annotator -> its version

    @cached_property
    def ident(self) -> ItemKey:
        return ItemKey.parse(self.key)

    @property
    def table(self) -> str:
        return TABLES[self.layer]

    @cached_property
    def position(self) -> str:
        return self.ident.position

    @cached_property
    def mention(self) -> tuple[int, int, str] | None:
        return self.ident.mention

    def with_versions(self, versions: dict[str, Version]) -> Item:
        """The same item with other versions (its identity not parsed again)."""
        item = Item(self.key, self.slot, self.layer, self.label, versions)
        item.__dict__["ident"] = self.ident
        return item


def _new(key: ItemKey, layer: str, label: str) -> Item:
    text = key.format()
    item = Item(text, text if key.kind in ("entity", "event") else key.slot, layer, label)
    item.__dict__["ident"] = key  # the cached identity, not parsed again
    return item


def variants(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Two entity spans of one label that overlap: boundary variants of one mention."""
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def disputes(items: list[Item]) -> list[list[Item]]:
    """Items grouped into disputes, each decided once, in the order of their first item: the values
    proposed at one position (:attr:`ItemKey.position`: the labels of one span, the frames of one trigger,
    the tones of a document, the polarities of one target) and the boundary variants of one mention
    (entity items of one label whose spans overlap), linked as far as they go."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_at: dict[str, int] = {}
    mentions = [(i, m) for i, item in enumerate(items) if (m := item.mention) is not None]
    for i, item in enumerate(items):
        j = first_at.setdefault(item.position, i)
        parent[root(i)] = root(j)
    mentions.sort(key=lambda im: im[1][:2])
    for n, (i, m) in enumerate(mentions):  # spans by start: a variant starts before this one ends
        for j, other in mentions[n + 1 :]:
            if other[0] >= m[1]:
                break
            if variants(m, other):
                parent[root(j)] = root(i)
    groups: dict[int, list[Item]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return sorted(groups.values(), key=lambda g: items.index(g[0]))


def items_of(ann: AnnotationSet) -> dict[str, Item]:
    """The items of one annotator's annotation set, by key."""
    out: dict[str, Item] = {}
    name = ann.annotator
    ent_key: dict[str, ItemKey] = {}
    ent_span: dict[str, tuple[str, tuple[int, int]]] = {}
    for e in ann.entities:
        key = ItemKey.entity(e.start, e.end, e.label)
        ent_key[e.id] = key
        ent_span[e.id] = ("entity", (e.start, e.end))
        out.setdefault(key.format(), _new(key, "entities", e.label)).versions[name] = e
    for ev in ann.events:
        ent_span[ev.id] = ("event", (ev.start, ev.end))
    ev_key: dict[str, ItemKey] = {}
    for ev in ann.events:
        frame = tuple(
            sorted(
                (a.role, ent_span[a.filler][1], ent_span[a.filler][0])
                for a in ev.arguments
                if a.filler in ent_span
            )
        )
        key = ItemKey.event(ev.start, ev.end, ev.type, tuple((r, *sp) for r, sp, _kind in frame))
        ev_key[ev.id] = key.head
        out.setdefault(key.format(), _new(key, "events", ev.type)).versions[name] = EventVersion(ev, frame)
    for tone_name, value in sorted(ann.tone.items()):
        key = ItemKey.tone(tone_name, value)
        item = out.setdefault(key.format(), _new(key, "tone", tone_name))
        item.versions[name] = ToneVersion(tone_name, value)
    for s in ann.sentiment:
        target = ent_key.get(s.target) or ev_key.get(s.target)
        if target is None:
            continue
        key = ItemKey.sentiment(target, s.polarity)
        version = SentimentVersion(s.target, s.polarity, target.format())
        out.setdefault(key.format(), _new(key, "sentiment", s.polarity)).versions[name] = version
    return out


def pool(anns: Mapping[str, AnnotationSet]) -> dict[str, Item]:
    """The items of several annotators' sets (by annotator name), each with every proposer's version."""
    pooled: dict[str, Item] = {}
    for name in sorted(anns):
        for key, item in items_of(anns[name]).items():
            if key in pooled:
                pooled[key].versions.update(item.versions)
            else:
                pooled[key] = item
    return pooled


def order(item: Item) -> int:
    """The layer's place: entities, events, tone, sentiment (the order gold is written in)."""
    return LAYERS.index(item.layer) if item.layer != "sentiment" else 4


def majority_labels(
    sets: Iterable[AnnotationSet], policy: str = "majority"
) -> tuple[list[tuple[int, int, str]], dict[str, Any]] | None:
    """(entity spans, document labels) that ``policy`` accepts among annotation sets (``gold`` left out),
    computed on the fly, nothing written; None with fewer than two sets. A document label (tone) counts
    only when one value is accepted."""
    counted = {s.annotator: s for s in sets if not s.is_gold}
    if len(counted) < 2:
        return None
    pooled = pool(counted)
    accepted = [i for i in pooled.values() if accepts(check_policy(policy), len(i.versions), len(counted))]
    spans = sorted(
        (v.start, v.end, v.label)
        for i in accepted
        if i.layer == "entities"
        for v in list(i.versions.values())[:1]
        if isinstance(v, Entity)
    )
    per_slot = Counter(i.slot for i in accepted if i.layer == "tone")
    labels = {
        v.name: v.value
        for i in accepted
        if i.layer == "tone" and per_slot[i.slot] == 1
        for v in list(i.versions.values())[:1]
        if isinstance(v, ToneVersion)
    }
    return spans, labels


def closer(settled_positions: set[str], settled_mentions: list[tuple[int, int, str]]):
    """A test of whether a person's decision closed an item: its position settled, or a boundary variant
    of it accepted."""

    def closed(item: Item) -> bool:
        if item.position in settled_positions:
            return True
        mention = item.mention
        return mention is not None and any(variants(mention, m) for m in settled_mentions)

    return closed


def policy_accepted(
    policy: str,
    pooled: dict[str, Item],
    counted: int,
    *,
    person_keys: Collection[str] = frozenset(),
    person_slots: Collection[str] = frozenset(),
    closed: Callable[[Item], bool] = lambda item: False,
) -> set[str]:
    """Keys ``policy`` accepts among ``pooled`` items of ``counted`` annotators, leaving out what a person
    decided (``person_keys``, ``person_slots``, ``closed``). Two values of one tone or sentiment slot
    (possible with ``min:N``) are both left open, and so are two accepted boundary variants of one
    mention."""
    accepted = {
        k
        for k, item in pooled.items()
        if accepts(policy, len(item.versions), counted)
        and k not in person_keys
        and item.slot not in person_slots
        and not closed(item)
    }
    per_slot = Counter(pooled[k].slot for k in accepted)
    accepted = {
        k for k in accepted if pooled[k].layer in ("entities", "events") or per_slot[pooled[k].slot] == 1
    }
    for group in disputes([pooled[k] for k in sorted(accepted) if pooled[k].mention is not None]):
        if len({m[:2] for i in group if (m := i.mention) is not None}) > 1:  # variants, not labels of a span
            accepted -= {i.key for i in group}
    return accepted


# ---------------------------------------------------------------------------------------------- scores


def units(ann: AnnotationSet) -> Counter:
    """What a set is scored on: entities exact, events by trigger and type."""
    return Counter(("entity", e.start, e.end, e.label) for e in ann.entities) + Counter(
        ("event", ev.start, ev.end, ev.type) for ev in ann.events
    )


class ScoreCounts:
    """Micro-averaged counts of each annotator against gold, document by document."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}  # matched, theirs, gold's, documents

    def add(self, gold: AnnotationSet, counted: Mapping[str, AnnotationSet]) -> None:
        """One document: gold's set and each counted annotator's set (nothing when gold is empty)."""
        gold_units = units(gold)
        if not gold_units:
            return
        for name, ann in counted.items():
            theirs = units(ann)
            c = self.counts.setdefault(name, [0, 0, 0, 0])
            c[0] += sum((gold_units & theirs).values())
            c[1] += sum(theirs.values())
            c[2] += sum(gold_units.values())
            c[3] += 1

    def scores(self) -> dict[str, dict[str, Any]]:
        """Precision, recall and F1 per annotator (None when undefined); ``units``: documents counted."""
        out = {}
        for name in sorted(self.counts):
            matched, theirs, golds, n = self.counts[name]
            p = matched / theirs if theirs else None
            r = matched / golds if golds else None
            f = 2 * matched / (theirs + golds) if theirs + golds else None
            out[name] = {"precision": p, "recall": r, "f1": f, "units": n}
        return out


def _layer_only(layer: str, s: AnnotationSet) -> AnnotationSet:
    """``s`` with only its entities (``layer`` ``"entities"``) or only its events."""
    if layer == "entities":
        return AnnotationSet(s.annotator, s.status, entities=s.entities)
    return AnnotationSet(s.annotator, s.status, events=s.events)


def check_scores_of(
    batches: Iterable[Iterable[Any]],
    given: Mapping[int, Collection[str]],
    tone_name: str | None,
    *,
    include_unfinished: bool = False,
) -> dict[str, dict[str, Any]]:
    """Each annotator's score against gold on the documents they were given (``given``: document id →
    names), per layer: ``entities`` and ``events`` as :class:`ScoreCounts` (precision, recall, F1,
    ``units``), ``tone`` as accuracy and ordinal Krippendorff's alpha of their tone against gold's.
    ``batches``: the documents, read with entities, events, tone and status (``store.reading``'s
    documents); a document without gold is skipped."""
    from annotator.agreement.coefficients import krippendorff_alpha

    spans = {layer: ScoreCounts() for layer in ("entities", "events")}
    tone: dict[str, list[tuple[Any, Any]]] = {}
    units_of: dict[str, int] = {}
    for batch in batches:
        for doc in batch:
            gold = doc.gold
            if gold is None:
                continue
            counted = doc.counted(given[doc.id], include_unfinished=include_unfinished)
            for layer, counts in spans.items():
                counts.add(_layer_only(layer, gold), {n: _layer_only(layer, s) for n, s in counted.items()})
            gold_tone = gold.tone.get(tone_name) if tone_name else None
            for name, s in counted.items():
                units_of[name] = units_of.get(name, 0) + 1
                if gold_tone is not None:
                    tone.setdefault(name, []).append((gold_tone, s.tone.get(tone_name or "")))
    out: dict[str, dict[str, Any]] = {name: {} for name in sorted(units_of)}
    for layer, counts in spans.items():
        for name, score in counts.scores().items():
            out.setdefault(name, {})[layer] = score
    for name, pairs in tone.items():
        rated = [(g, t) for g, t in pairs if t is not None]
        alpha = krippendorff_alpha([[g, t] for g, t in pairs], "ordinal")
        out.setdefault(name, {})["tone"] = {
            "accuracy": sum(g == t for g, t in rated) / len(pairs) if pairs else None,
            "alpha": alpha.value,
            "units": len(pairs),
        }
    return out


def format_scores(scores: dict[str, dict[str, Any]]) -> str:
    def fmt(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    lines = ["against gold      precision  recall  f1     documents"]
    lines += [
        f"  {name:<16}{fmt(s['precision']):>9}  {fmt(s['recall']):>6}  {fmt(s['f1']):>5}  {s['units']}"
        for name, s in scores.items()
    ]
    return "\n".join(lines)
