"""How a project's label schema changes: the mapping a lead gives (renames, merges, drops, splits) and the
plan it makes between an old and a new schema. Pure: schemas and names in, a plan out; the store applies it
(:mod:`annotator.services.schema_change`) and work packages made under an older version replay it.

Names in a mapping:

* ``TYPE`` — an entity, event or relation type (one namespace), or the document tone's scale name;
* ``EVENT.role`` — a role of an event type (``ATTACK.Attacker``);
* ``@attribute`` — an attribute, on every type that carries it; ``@attribute:value`` — one value of a
  choice attribute.

``--rename OLD=NEW`` (several comma-separated), ``--merge A+B=C`` (C may be A, B or a new name),
``--drop NAME`` (the annotations carrying it are deleted; for an attribute or a value, the attribute is
removed from them), ``--split A=B|C`` (an entity or event type becomes two or more; every annotation of
A takes one of them, proposed by a rule when one applies, and goes to a review queue).

The plan names the fate of every old type, role and attribute, what is new, and the problems that make
the mapping unusable whatever is stored (an unknown name, a rename onto a name that stays, a target the
new schema lacks, a name mapped twice). What is stored decides the rest: a type, role or attribute the new
schema lacks and the mapping does not mention is refused only when annotations use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.errors import AnnotatorError
from annotator.schema.model import Schema

KEEP, RENAME, MERGE, DROP, SPLIT, REMOVED = "keep", "rename", "merge", "drop", "split", "removed"


class MappingError(AnnotatorError):
    """Mapping options that do not parse; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class SchemaMapping:
    """What a lead says about the names a new schema changes (see the module's docstring)."""

    renames: tuple[tuple[str, str], ...] = ()
    merges: tuple[tuple[tuple[str, ...], str], ...] = ()
    drops: tuple[str, ...] = ()
    splits: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.renames or self.merges or self.drops or self.splits)

    def targets(self) -> dict[str, str]:
        """Every old name the mapping sends somewhere (renames and merges) → its new name."""
        out = dict(self.renames)
        for sources, target in self.merges:
            out.update(dict.fromkeys(sources, target))
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "rename": [f"{a}={b}" for a, b in self.renames],
                "merge": ["+".join(a) + f"={b}" for a, b in self.merges],
                "drop": list(self.drops),
                "split": [f"{a}=" + "|".join(b) for a, b in self.splits],
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> SchemaMapping:
        data = json.loads(text) if text else {}
        return parse_mapping(
            renames=data.get("rename", ()),
            merges=data.get("merge", ()),
            drops=data.get("drop", ()),
            splits=data.get("split", ()),
        )

    def describe(self) -> str:
        """The mapping in the words of the command line (``--rename A=B --drop C``), or "no mapping"."""
        parts = [f"--rename {a}={b}" for a, b in self.renames]
        parts += ["--merge " + "+".join(a) + f"={b}" for a, b in self.merges]
        parts += [f"--drop {a}" for a in self.drops]
        parts += [f"--split {a}=" + "|".join(b) for a, b in self.splits]
        return " ".join(parts) or "no mapping"


def _items(values: Iterable[str]) -> list[str]:
    return [item.strip() for value in values for item in str(value).split(",") if item.strip()]


def parse_mapping(
    *,
    renames: Iterable[str] = (),
    merges: Iterable[str] = (),
    drops: Iterable[str] = (),
    splits: Iterable[str] = (),
) -> SchemaMapping:
    """The mapping of the command line's options (each may hold several, comma-separated); raises
    :class:`MappingError` naming every option that does not parse or maps one name twice."""
    problems: list[str] = []
    seen: dict[str, str] = {}

    def claim(name: str, option: str) -> None:
        if not name or name in ("@", "."):
            problems.append(f"{option}: an empty name")
        elif name in seen:
            problems.append(f"{option}: {name} is already mapped by {seen[name]}")
        else:
            seen[name] = option

    rename_pairs = []
    for item in _items(renames):
        old, sep, new = item.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new:
            problems.append(f"--rename {item}: write OLD=NEW")
            continue
        if old == new:
            problems.append(f"--rename {item}: the name does not change")
            continue
        claim(old, f"--rename {item}")
        rename_pairs.append((old, new))
    merge_items = []
    for item in _items(merges):
        left, sep, target = item.partition("=")
        sources = tuple(s.strip() for s in left.split("+") if s.strip())
        target = target.strip()
        if not sep or len(sources) < 2 or not target:
            problems.append(f"--merge {item}: write A+B=C (two or more names merged into one)")
            continue
        for source in sources:
            claim(source, f"--merge {item}")
        merge_items.append((sources, target))
    drop_items = []
    for item in _items(drops):
        claim(item, f"--drop {item}")
        drop_items.append(item)
    split_items = []
    for value in splits:  # not split on commas: A=B|C is one option
        item = str(value).strip()
        source, sep, right = item.partition("=")
        targets = tuple(t.strip() for t in right.split("|") if t.strip())
        if not sep or not source.strip() or len(targets) < 2:
            problems.append(f"--split {item}: write A=B|C (one name into two or more)")
            continue
        claim(source.strip(), f"--split {item}")
        split_items.append((source.strip(), targets))
    if problems:
        raise MappingError(problems)
    return SchemaMapping(tuple(rename_pairs), tuple(merge_items), tuple(drop_items), tuple(split_items))


# ------------------------------------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class Fate:
    """What happens to one old name: ``how`` is keep, rename, merge, drop, split or removed (the new schema
    lacks it and the mapping does not say: refused if in use); ``to`` the new name (keep, rename, merge) and
    ``choices`` the new names of a split."""

    how: str
    to: str | None = None
    choices: tuple[str, ...] = ()

    def describe(self, name: str) -> str:
        if self.how == KEEP:
            return name
        if self.how in (RENAME, MERGE):
            return f"{name} → {self.to} ({self.how})"
        if self.how == SPLIT:
            return f"{name} → {' | '.join(self.choices)} (split: each one reviewed)"
        if self.how == DROP:
            return f"{name}: dropped"
        return f"{name}: not in the new schema"


@dataclass
class Plan:
    """The fates of an old schema's names under a new schema and a mapping (see :func:`make_plan`).

    ``types``: every old entity, event and relation type (and the tone scale's name) → :class:`Fate`;
    ``kinds``: their kinds (entity, event, relation, tone); ``roles``: (old event type, role) → Fate, whose
    ``to`` is the new role name (under the event type's new name); ``attributes``: old attribute name →
    Fate; ``values``: (attribute, value) → Fate of a choice value; ``added``: names the new schema has and no
    old name becomes. ``problems``: what makes the mapping unusable whatever is stored."""

    old: Schema
    new: Schema
    mapping: SchemaMapping
    types: dict[str, Fate] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    roles: dict[tuple[str, str], Fate] = field(default_factory=dict)
    attributes: dict[str, Fate] = field(default_factory=dict)
    values: dict[tuple[str, str], Fate] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changes_rows(self) -> bool:
        """Whether applying the plan rewrites or deletes any stored annotation (it may still not, if no row
        carries the names it changes)."""
        return any(
            f.how != KEEP
            for fates in (self.types, self.roles, self.attributes, self.values)
            for f in fates.values()
        )

    def type_map(self, kind: str) -> dict[str, str]:
        """Old → new names of the types of ``kind`` that are renamed or merged (not kept, dropped, split)."""
        return {
            name: fate.to
            for name, fate in self.types.items()
            if self.kinds[name] == kind and fate.how in (RENAME, MERGE) and fate.to
        }

    def fate_of_type(self, name: str) -> Fate:
        return self.types.get(name, Fate(REMOVED))

    def new_type(self, name: str) -> str | None:
        """The name an old type has in the new schema (kept, renamed, merged), else None."""
        fate = self.types.get(name)
        if fate is None:
            return name if self.new.kind_of(name) else None
        return fate.to if fate.how in (KEEP, RENAME, MERGE) else None

    def new_role(self, event_type: str, role: str) -> str | None:
        fate = self.roles.get((event_type, role))
        if fate is None:
            return None
        return fate.to if fate.how in (KEEP, RENAME, MERGE) else None

    def new_attributes(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """An annotation's attributes under the new schema: renamed, merged, dropped names and values."""
        out: dict[str, Any] = {}
        for name, value in attributes.items():
            fate = self.attributes.get(name, Fate(KEEP, name))
            if fate.how == DROP:
                continue
            new_name = fate.to if fate.how in (RENAME, MERGE) and fate.to else name
            if isinstance(value, str):
                value_fate = self.values.get((name, value))
                if value_fate is not None:
                    if value_fate.how == DROP:
                        continue
                    if value_fate.how in (RENAME, MERGE) and value_fate.to is not None:
                        value = value_fate.to
            out[new_name] = value
        return dict(sorted(out.items()))

    def lines(self) -> list[str]:
        """The plan in words, one line per changed name."""
        out = [
            f"{self.kinds[name]} {fate.describe(name)}"
            for name, fate in self.types.items()
            if fate.how != KEEP
        ]
        out += [
            f"role {event}.{fate.describe(role)}"
            for (event, role), fate in self.roles.items()
            if fate.how != KEEP
        ]
        out += [
            f"attribute @{fate.describe(name)}" for name, fate in self.attributes.items() if fate.how != KEEP
        ]
        out += [
            f"value @{attr}:{fate.describe(value)}"
            for (attr, value), fate in self.values.items()
            if fate.how != KEEP
        ]
        out += [f"new: {name}" for name in self.added]
        return out


def _type_names(schema: Schema) -> dict[str, str]:
    names = {e.name: "entity" for e in schema.entities}
    names.update({e.name: "event" for e in schema.events})
    names.update({r.name: "relation" for r in schema.relations})
    if schema.document_sentiment is not None:
        names.setdefault(schema.document_sentiment.name, "tone")
    return names


def _role_names(schema: Schema) -> set[tuple[str, str]]:
    return {(e.name, r.name) for e in schema.events for r in e.roles}


def _attribute_names(schema: Schema) -> dict[str, set[str]]:
    """Every attribute name the schema declares (built-ins included) → its choice values."""
    out: dict[str, set[str]] = {}
    for kind, names in (
        ("entity", schema.entity_type_names),
        ("event", schema.event_type_names),
        ("relation", schema.relation_type_names),
    ):
        for type_name in names:
            for attr in schema.attributes_for(kind, type_name):
                out.setdefault(attr.name, set()).update(attr.values)
    return out


def _kind_of_name(name: str) -> str:
    if name.startswith("@"):
        return "value" if ":" in name else "attribute"
    return "role" if "." in name else "type"


def make_plan(old: Schema, new: Schema, mapping: SchemaMapping) -> Plan:
    """The fate of every name of ``old`` under ``new`` and ``mapping`` (see :class:`Plan`)."""
    plan = Plan(old, new, mapping)
    old_types, new_types = _type_names(old), _type_names(new)
    old_roles, new_roles = _role_names(old), _role_names(new)
    old_attrs, new_attrs = _attribute_names(old), _attribute_names(new)
    problems = plan.problems
    plan.kinds.update(old_types)

    explicit: dict[str, Fate] = {}
    for a, b in mapping.renames:
        explicit[a] = Fate(RENAME, b)
    for sources, target in mapping.merges:
        for source in sources:
            explicit[source] = Fate(MERGE, target)
    for name in mapping.drops:
        explicit[name] = Fate(DROP)
    for source, choices in mapping.splits:
        explicit[source] = Fate(SPLIT, None, choices)

    def known_old(name: str) -> bool:
        kind = _kind_of_name(name)
        if kind == "type":
            return name in old_types
        if kind == "role":
            return tuple(name.split(".", 1)) in old_roles
        attr, _, value = name[1:].partition(":")
        return attr in old_attrs and (kind == "attribute" or value in old_attrs[attr])

    def known_new(name: str) -> bool:
        kind = _kind_of_name(name)
        if kind == "type":
            return name in new_types
        if kind == "role":
            return tuple(name.split(".", 1)) in new_roles
        attr, _, value = name[1:].partition(":")
        return attr in new_attrs and (kind == "attribute" or value in new_attrs[attr])

    for name, fate in explicit.items():
        kind = _kind_of_name(name)
        if not known_old(name):
            problems.append(f"{name}: not in the current schema (version being replaced)")
            continue
        targets = [fate.to] if fate.to else list(fate.choices)
        for target in targets:
            if _kind_of_name(target) != kind:
                problems.append(f"{name} → {target}: a {kind} can only become a {kind}")
            elif not known_new(target):
                problems.append(f"{name} → {target}: {target} is not in the new schema")
            elif kind == "type" and old_types[name] != new_types[target]:
                problems.append(
                    f"{name} → {target}: {name} is an {old_types[name]} type, "
                    f"{target} an {new_types[target]} type"
                )
            elif kind == "role" and fate.how != SPLIT:
                old_event = name.split(".", 1)[0]
                new_event = target.split(".", 1)[0]
                expected = explicit.get(old_event, Fate(KEEP, old_event)).to or old_event
                if new_event != expected:
                    problems.append(f"{name} → {target}: a role stays with its event type ({expected})")
            elif kind == "value" and fate.how != SPLIT:
                old_attr = name[1:].split(":", 1)[0]
                new_attr = target[1:].split(":", 1)[0]
                expected = explicit.get("@" + old_attr, Fate(KEEP, "@" + old_attr)).to or "@" + old_attr
                if "@" + new_attr != expected:
                    problems.append(f"{name} → {target}: a value stays with its attribute ({expected})")
        if fate.how == RENAME and fate.to is not None and known_old(fate.to) and fate.to not in explicit:
            problems.append(
                f"--rename {name}={fate.to}: {fate.to} exists already and stays; "
                f"to put both together write --merge {name}+{fate.to}={fate.to}"
            )
        if fate.how == SPLIT and kind != "type":
            problems.append(f"--split {name}: only entity and event types can be split")
        elif fate.how == SPLIT and old_types.get(name) not in ("entity", "event"):
            problems.append(f"--split {name}: only entity and event types can be split")
        if fate.how == MERGE and kind == "type" and old_types.get(name) == "tone":
            problems.append(f"--merge {name}: a tone scale cannot be merged")
    renamed_to: dict[str, str] = {}
    for name, fate in explicit.items():
        if fate.how == RENAME and fate.to is not None:
            if fate.to in renamed_to:
                problems.append(
                    f"{renamed_to[fate.to]} and {name} are both renamed to {fate.to}; "
                    f"write --merge {renamed_to[fate.to]}+{name}={fate.to}"
                )
            renamed_to[fate.to] = name

    # fates of types
    for name in old_types:
        given = explicit.get(name)
        if given is None:
            given = Fate(KEEP, name) if new_types.get(name) == old_types[name] else Fate(REMOVED)
        plan.types[name] = given
    # roles: under their event type's new name
    for event, role in sorted(old_roles):
        given = explicit.get(f"{event}.{role}")
        event_fate = plan.types[event]
        event_to = event_fate.to if event_fate.how in (KEEP, RENAME, MERGE) else None
        if given is not None:
            role_fate = Fate(given.how, given.to.split(".", 1)[1]) if given.to is not None else given
        elif event_to is not None and (event_to, role) in new_roles:
            role_fate = Fate(KEEP, role)
        elif event_to is None:
            role_fate = Fate(DROP) if event_fate.how == DROP else Fate(REMOVED)
        else:
            role_fate = Fate(REMOVED)
        plan.roles[(event, role)] = role_fate
    for attr in sorted(old_attrs):
        given = explicit.get("@" + attr)
        if given is not None:
            attr_fate = Fate(given.how, given.to[1:]) if given.to is not None else given
        else:
            attr_fate = Fate(KEEP, attr) if attr in new_attrs else Fate(REMOVED)
        plan.attributes[attr] = attr_fate
        attr_to = attr_fate.to
        for value in sorted(old_attrs[attr]):
            given = explicit.get(f"@{attr}:{value}")
            if given is not None:
                value_fate = Fate(given.how, given.to.split(":", 1)[1]) if given.to is not None else given
            else:
                still = attr_to is not None and value in new_attrs.get(attr_to, set())
                value_fate = Fate(KEEP, value) if still else Fate(REMOVED)
            plan.values[(attr, value)] = value_fate
    reached = {f.to for f in plan.types.values() if f.to} | {
        c for f in plan.types.values() for c in f.choices
    }
    plan.added = [f"{new_types[n]} {n}" for n in new_types if n not in reached]
    reached_roles = {
        (plan.new_type(event) or "", f.to) for (event, _role), f in plan.roles.items() if f.to
    } | {(plan.new_type(event) or "", c) for (event, _role), f in plan.roles.items() for c in f.choices}
    plan.added += [f"role {e}.{r}" for e, r in sorted(new_roles) if (e, r) not in reached_roles]
    reached_attrs = {f.to for f in plan.attributes.values() if f.to}
    plan.added += [f"attribute @{a}" for a in sorted(new_attrs) if a not in reached_attrs]
    return plan


__all__ = [
    "DROP",
    "KEEP",
    "MERGE",
    "REMOVED",
    "RENAME",
    "SPLIT",
    "Fate",
    "MappingError",
    "Plan",
    "SchemaMapping",
    "make_plan",
    "parse_mapping",
]
