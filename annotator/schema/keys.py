"""A schema's keys as the workbench can reach them, beside the workbench's own (:mod:`annotator.keymap`)."""

from __future__ import annotations

from annotator.keymap import WHEN, WORKBENCH_KEYS, reserved_key
from annotator.schema.model import EntityType, EventType, RelationType, Schema


def usable_keys(schema: Schema) -> tuple[dict[str, str], dict[str, str], dict[str, str], list[str]]:
    """The schema's entity, event and relation keys (key → type name) that the workbench can reach, and
    a line for each key left out: a schema stored in a project before the workbench's keys were refused
    may give ``m`` to a label (see :func:`reserved_key`)."""
    kept: list[dict[str, str]] = [{}, {}, {}]
    shadowed: list[str] = []
    kinds: tuple[tuple[str, tuple[EntityType | EventType | RelationType, ...]], ...] = (
        ("entity", schema.entities),
        ("event", schema.events),
        ("relation", schema.relations),
    )
    for keys, (kind, types) in zip(kept, kinds, strict=True):
        for t in types:
            if not t.hotkey or getattr(t, "abstract", False):
                continue
            used_for = reserved_key(t.hotkey, kind)
            if used_for is None:
                keys[t.hotkey] = t.name
            else:
                shadowed.append(
                    f"{t.name} has no key here: {t.hotkey!r} is the workbench's key to {used_for}"
                )
    return kept[0], kept[1], kept[2], shadowed


def legend(schema: Schema) -> list[tuple[str, str, str]]:
    """Every key of the workbench for this schema as (key, what it does, when): the workbench's own keys,
    then the schema's label, event and relation keys it can reach, then those it cannot and why."""
    rows = []
    seen: set[tuple[str, str]] = set()
    for b in WORKBENCH_KEYS:
        if (b.key, b.help) in seen:
            continue
        seen.add((b.key, b.help))
        rows.append((b.key, b.help, WHEN[b.when]))
    entities, events, relations, shadowed = usable_keys(schema)
    rows += [(k, f"label {name}", "") for k, name in entities.items()]
    rows += [(k, f"make a {name} event on the selection", "no event is active") for k, name in events.items()]
    rows += [
        (k, f"relation {name} from the marked span to the selected one", "") for k, name in relations.items()
    ]
    rows += [("—", line, "") for line in shadowed]
    return rows


__all__ = ["legend", "usable_keys"]
