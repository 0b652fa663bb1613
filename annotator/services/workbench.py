"""The workbench's editing decisions, without Qt.

A :class:`WorkbenchSession` holds what one annotator has open (the document, its labels and frames, the
open suggestions, the active event, the span marked as a relation's source) and answers each intent of the
person — label this, fill role 3, move this boundary — with an :class:`Outcome`: the command to run (one
undo step, a :class:`Composite` when an intent makes several rows), or the one line saying why nothing can
be done, and what the window should select or activate afterwards. The window only wires widgets: it passes
the selection in code points (:class:`Selection`), runs the command through its undo stack and shows what
the outcome says. Following napari and Anki, the decisions are tested here without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from annotator.services.annotate import (
    AddSpans,
    Change,
    Command,
    DeleteSpans,
    DocumentState,
    Editor,
    Relabel,
    Reshape,
    SetPolarity,
    SetTone,
    SetWork,
    Span,
    WorkState,
    label_all,
    relabel_attributes,
)
from annotator.services.frames import (
    AddArgument,
    AddEvent,
    AddRelation,
    DeleteEvent,
    DeleteRelation,
    EventFrame,
    Frames,
    SetAttributes,
    SetLink,
    load_frames,
)
from annotator.services.project import Project
from annotator.store.models import new_uuid


@dataclass(frozen=True, slots=True)
class Selection:
    """What the person has selected, in code points of the stored text: a text selection (``start ==
    end``: none), the selected label, the focused suggestion."""

    start: int = 0
    end: int = 0
    span_id: str = ""
    suggestion_id: str = ""

    @property
    def has_text(self) -> bool:
        return self.start != self.end


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to an intent: a command to run, or a line saying why not; then what to show."""

    command: Command | None = None
    message: str = ""  # one line for the status bar (why nothing was done, or what was)
    select_span: str | None = None  # the label to select after the command ("" selects none)
    activate_event: str | None = None  # the event to make active after the command ("" none)
    select_suggestion: str | None = None  # the suggestion to focus next (after a decision)
    clear_text_selection: bool = False
    choices: tuple[str, ...] = ()  # the intent needs a person's choice first: ask, then repeat with it
    question: str = ""


class Composite(Command):
    """Several commands as one undo step (a new entity and the argument it fills). Applied in order and
    reverted in reverse; if one cannot be applied, those already applied are reverted, so the step happens
    whole or not at all."""

    def __init__(self, text: str, commands: list[Command]):
        self.text = text
        self.commands = list(commands)

    def apply(self, editor: Editor) -> Change:
        changes: list[Change] = []
        try:
            for command in self.commands:
                changes.append(command.apply(editor))
        except BaseException as error:
            for command in reversed(self.commands[: len(changes)]):
                try:
                    command.revert(editor)
                except Exception as undo_error:  # the first error is the one raised; this one is said with it
                    error.add_note(f"{command.text!r} stayed saved: taking it back failed ({undo_error})")
                    break
            raise
        return merge_changes(changes)

    def revert(self, editor: Editor) -> Change:
        return merge_changes([c.revert(editor) for c in reversed(self.commands)])


def merge_changes(changes: list[Change]) -> Change:
    """One Change saying everything several changes of one document said."""
    first = changes[0]
    flags = ("spans", "tone", "polarities", "work", "frames", "suggestions")
    merged = {f: any(getattr(c, f) for c in changes) for f in flags}
    ids = tuple(dict.fromkeys(i for c in changes for i in c.span_ids))
    return replace(first, **merged, span_ids=ids, added=all(c.added for c in changes))


@dataclass
class WorkbenchSession:
    """One annotator's open document and the decisions on it (see the module's docstring)."""

    project: Project
    editor: Editor
    document_id: int | None = None
    _text: str = field(default="", repr=False)  # the open document's stored text: see ``text``
    state: DocumentState | None = None
    frames: Frames | None = None
    suggestions: list[Any] = field(default_factory=list)  # services.suggestions.StoredSuggestion
    active_event: str = ""
    marked_span: str = ""  # the source of the next relation
    selected_relation: str = ""
    recent_event_types: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, project: Project, annotator: str) -> WorkbenchSession:
        return cls(project, Editor(project, annotator))

    @property
    def text(self) -> str:
        """The open document's stored text. Set after ``document_id``: the editor is told, so its checks of
        spans on that document read nothing from the database (a 20 MB text is not read per label)."""
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self._text = text
        if self.document_id is not None:
            self.editor.know_text(self.document_id, text)

    # ------------------------------------------------------------------ reading

    def open(self, document_id: int, text: str) -> None:
        """A document opens: its labels and frames are read; what was selected or active goes."""
        self.document_id, self.text = document_id, text
        self.active_event = self.marked_span = self.selected_relation = ""
        self.suggestions = []
        self.state = self.editor.state(document_id)
        self.frames = load_frames(self.editor, document_id)

    def close(self) -> None:
        self.document_id, self.text, self.state, self.frames = None, "", None, None
        self.editor.forget_text()
        self.active_event = self.marked_span = self.selected_relation = ""
        self.suggestions = []

    def refresh(self, change: Change | None = None) -> None:
        """Read again what ``change`` touched (everything without one)."""
        self.refresh_state(change)
        if change is None or change.frames or change.spans:
            self.refresh_frames()

    def refresh_state(self, change: Change | None = None) -> None:
        """The labels, tone, sentiment and work status, again (only what ``change`` touched)."""
        if self.document_id is None:
            return
        if change is not None and self.state is not None and self.state.document_id == self.document_id:
            self.state = self.editor.refresh(self.state, change)
        else:
            self.state = self.editor.state(self.document_id)
        if self.marked_span and self.span(self.marked_span) is None:
            self.marked_span = ""

    def refresh_frames(self) -> None:
        """Events, arguments, relations and links, again; an active event that is gone is left."""
        if self.document_id is None:
            return
        self.frames = load_frames(self.editor, self.document_id)
        if self.active_event and self.frame(self.active_event) is None:
            self.active_event = ""

    def span(self, span_id: str) -> Span | None:
        if not span_id or self.state is None:
            return None
        return next((s for s in self.state.spans if s.id == span_id), None)

    def frame(self, event_id: str) -> EventFrame | None:
        if not event_id or self.frames is None:
            return None
        return next((e for e in self.frames.events if e.id == event_id), None)

    def suggestion(self, suggestion_id: str) -> Any | None:
        return next((s for s in self.suggestions if s.id == suggestion_id), None) if suggestion_id else None

    # ------------------------------------------------------------------ labels

    def label(self, label: str, sel: Selection) -> Outcome:
        """Label the selected text; or, with a label selected and no text, relabel it."""
        if self.document_id is None or self.state is None:
            return Outcome()
        schema = self.project.schema
        if sel.has_text:
            existing = next(
                (s for s in self.state.spans if (s.start, s.end, s.label) == (sel.start, sel.end, label)),
                None,
            )
            if existing is not None:  # the same label twice is one label
                return Outcome(select_span=existing.id, clear_text_selection=True)
            command = AddSpans(
                self.document_id, [(sel.start, sel.end, label)], schema.attribute_defaults("entity", label)
            )
            return Outcome(command, select_span=command.spans[0].id, clear_text_selection=True)
        span = self.span(sel.span_id)
        if span is None or span.label == label:
            return Outcome()
        return Outcome(Relabel(self.document_id, span, label, relabel_attributes(schema, span, label)))

    def delete(self, sel: Selection) -> Outcome:
        """The selected label (its roles, sentiment and relations go with it and come back on undo); else
        the selected relation; else the active event (its arguments, not their entities)."""
        if self.document_id is None:
            return Outcome()
        span = self.span(sel.span_id)
        if span is not None:
            return Outcome(DeleteSpans(self.document_id, [span.id]), select_span="")
        if self.selected_relation:
            relation, self.selected_relation = self.selected_relation, ""
            return Outcome(DeleteRelation(self.document_id, relation))
        if self.active_event:
            return Outcome(DeleteEvent(self.document_id, self.active_event), activate_event="")
        return Outcome()

    def label_all(self, sel: Selection, label: str | None) -> Outcome:
        """Every other occurrence of the selected label's text (or of the selected text, with ``label``)
        gets the same label."""
        if self.document_id is None or self.state is None:
            return Outcome()
        span = self.span(sel.span_id)
        if span is not None:
            surface, label = self.text[span.start : span.end], span.label
        elif sel.has_text and label is not None:
            surface = self.text[sel.start : sel.end]
        else:
            return Outcome(message="Select a labelled span first.")
        todo = label_all(self.state, self.text, surface, label)
        if not todo:
            return Outcome(message=f"Every occurrence of “{surface}” is already {label}.")
        defaults = self.project.schema.attribute_defaults("entity", label)
        return Outcome(
            AddSpans(self.document_id, todo, defaults),
            message=f"Labelled {len(todo)} more occurrence(s) of “{surface}” as {label}.",
        )

    def move_boundary(self, key: str, sel: Selection, starts: list[int], ends: list[int]) -> Outcome:
        """Correct the selected label's boundaries one unit (``starts``/``ends``: where a unit — a word, or
        a character cluster — may start and end): ``[`` its start one left, ``{`` one right; ``]`` its end
        one right, ``}`` one left. A label keeps at least one unit."""
        span = self.span(sel.span_id)
        if span is None or self.document_id is None:
            return Outcome(message="Select a span (Tab, or a click) to move its boundaries.")
        start, end = span.start, span.end
        if key == "[":
            start = max((p for p in starts if p < start), default=start)
        elif key == "{":
            start = min((p for p in starts if start < p < end), default=start)
        elif key == "]":
            end = min((p for p in ends if p > end), default=end)
        else:
            end = max((p for p in ends if start < p < end), default=end)
        if (start, end) == (span.start, span.end):
            return Outcome(message="The span cannot move further that way.")
        return Outcome(
            Reshape(self.document_id, span, start, end, self.text),
            select_span=span.id,
            message=f"{span.label}: “{self.text[start:end]}”",
        )

    # ------------------------------------------------------------------ suggestions

    def decide_suggestion(self, accept: bool, sel: Selection, all_of_label: bool = False) -> Outcome:
        """Accept (a label, or an event on a trigger) or reject the focused suggestion — with
        ``all_of_label`` every open suggestion of its label here. The next suggestion in text order gets
        the focus; an accepted trigger's event becomes the active one instead (its roles are the digits)."""
        from annotator.services.suggestions import AcceptSuggestions, RejectSuggestions

        current = self.suggestion(sel.suggestion_id)
        if current is None or self.document_id is None:
            return Outcome()
        same = (current.label, current.kind)
        chosen = [s for s in self.suggestions if (s.label, s.kind) == same] if all_of_label else [current]
        taken = {c.id for c in chosen}
        ids = [s.id for s in self.suggestions]
        at = ids.index(current.id)
        following = next((i for i in ids[at + 1 :] + ids[:at] if i not in taken), "")
        if not accept:
            return Outcome(RejectSuggestions(self.document_id, chosen), select_suggestion=following)
        command = AcceptSuggestions(self.document_id, chosen)
        if current.kind == "event" and not all_of_label:
            where = (current.start, current.end, current.label)
            events = self.frames.events if self.frames is not None else []
            existing = next((e.id for e in events if (e.start, e.end, e.type) == where), None)
            event_id = existing or command.made.setdefault(current.id, new_uuid())
            return Outcome(command, activate_event=event_id)
        return Outcome(
            command,
            select_suggestion=following,
            message=f"Accepted {len(chosen)} {current.label} suggestion(s) ({current.source}).",
        )

    # ------------------------------------------------------------------ sentiment and work

    def polarity(self, polarity: str, sel: Selection) -> Outcome:
        """Sentiment toward the selected label; the same key again clears it."""
        span = self.span(sel.span_id)
        if span is None or self.state is None or self.document_id is None:
            return Outcome(message="Select a span (click it, or Tab) to give it a sentiment.")
        old = self.state.polarities.get(span.id)
        return Outcome(SetPolarity(self.document_id, span.id, old, None if old == polarity else polarity))

    def tone(self, value: int | None) -> Outcome:
        if self.state is None or self.document_id is None or value == self.state.tone:
            return Outcome()
        return Outcome(SetTone(self.document_id, self.state.tone, value))

    def work(self, **changes: Any) -> Outcome:
        """Set the document's status, flag or comment (only what changes)."""
        if self.state is None or self.document_id is None:
            return Outcome()
        old = self.state.work
        new = WorkState(
            changes.get("status", old.status),
            changes.get("flagged", old.flagged),
            changes.get("comment", old.comment),
        )
        return Outcome(SetWork(self.document_id, old, new)) if new != old else Outcome()

    # ------------------------------------------------------------------ events, roles and relations

    def event_types(self) -> list[str]:
        """The event types a person can choose, recently used first."""
        schema = self.project.schema
        names = [n for n in schema.event_type_names if not schema.event_type(n).abstract]
        return [n for n in self.recent_event_types if n in names] + [
            n for n in names if n not in self.recent_event_types
        ]

    def event(self, event_type: str | None, sel: Selection) -> Outcome:
        """An event on the selected text (its trigger) or on the selected label's text; without a type,
        the person chooses one (recently used first)."""
        if self.document_id is None:
            return Outcome()
        start, end = sel.start, sel.end
        if not sel.has_text:
            span = self.span(sel.span_id)
            if span is None:
                return Outcome(message="Select the trigger (e.g. हमले, मुलाकात, designated) first.")
            start, end = span.start, span.end
        if event_type is None:
            return Outcome(choices=tuple(self.event_types()), question="Event type:")
        schema = self.project.schema
        if event_type not in self.event_types():
            return Outcome(message=f"{event_type} is not an event type of this project.")
        self.recent_event_types = [event_type, *[t for t in self.recent_event_types if t != event_type]][:8]
        command = AddEvent(
            self.document_id, event_type, start, end, schema.attribute_defaults("event", event_type)
        )
        return Outcome(command, activate_event=command.id, clear_text_selection=True)

    def fill_role(self, number: int, sel: Selection, label: str | None = None) -> Outcome:
        """Fill the active event's role ``number`` (1 … 10) with the selected label, an event whose trigger
        is selected, the focused suggestion (accepted in the same undo step), or a new label on the
        selected text of a type the role takes (``label`` when the role takes several: else the person
        chooses)."""
        from annotator.services.suggestions import AcceptSuggestions

        schema = self.project.schema
        frame = self.frame(self.active_event)
        if frame is None or self.document_id is None or self.state is None or self.frames is None:
            return Outcome()
        roles = schema.event_type(frame.type).roles
        if number > len(roles):
            return Outcome(message=f"{frame.type} has {len(roles)} roles.")
        role = roles[number - 1]
        span = self.span(sel.span_id)
        suggestion = self.suggestion(sel.suggestion_id)
        before: list[Command] = []
        filler, kind = None, "entity"
        if span is None and not sel.has_text and suggestion is not None and suggestion.kind == "entity":
            if not role.accepts(suggestion.label):
                return Outcome(message=f"{role.name} does not take {suggestion.label}.")
            accept = AcceptSuggestions(self.document_id, [suggestion])
            # the new entity's id is chosen now, so the argument can name it before either is written
            existing = next(
                (
                    s.id
                    for s in self.state.spans
                    if (s.start, s.end, s.label) == (suggestion.start, suggestion.end, suggestion.label)
                ),
                None,
            )
            before.append(accept)
            filler = existing or accept.made.setdefault(suggestion.id, new_uuid())
        elif span is not None and not sel.has_text:
            filler = span.id
        elif sel.has_text:
            trigger = next(
                (
                    e
                    for e in self.frames.events
                    if (e.start, e.end) == (sel.start, sel.end) and e.id != frame.id
                ),
                None,
            )
            existing_span = next(
                (
                    s
                    for s in self.state.spans
                    if (s.start, s.end) == (sel.start, sel.end) and role.accepts(s.label)
                ),
                None,
            )
            if trigger is not None and schema.check_role_filler(frame.type, role.name, trigger.type) is None:
                filler, kind = trigger.id, "event"
            elif existing_span is not None:
                filler = existing_span.id
            else:
                labels = list(schema.role_entity_labels(frame.type, role.name))
                if not labels:
                    return Outcome(message=f"{role.name} takes events, not text: select an event's trigger.")
                if label is None and len(labels) > 1:
                    return Outcome(choices=tuple(labels), question=f"Label the new {role.name}:")
                label = label if label is not None else labels[0]
                if label not in labels:
                    return Outcome(message=f"{role.name} does not take {label}.")
                add = AddSpans(
                    self.document_id,
                    [(sel.start, sel.end, label)],
                    schema.attribute_defaults("entity", label),
                )
                before.append(add)
                filler = add.spans[0].id
        if filler is None:
            return Outcome(message=f"Select a span, a suggestion or text to fill {role.name}.")
        argument = AddArgument(self.document_id, frame.id, role.name, filler, kind)
        command: Command = Composite(f"fill {role.name}", [*before, argument]) if before else argument
        return Outcome(command, select_span="", activate_event=frame.id, clear_text_selection=True)

    def relation_source(self, sel: Selection, relation_keys: str) -> Outcome:
        """Mark the selected label as the source of the next relation."""
        span = self.span(sel.span_id)
        if span is None:
            return Outcome(message="Select a span (click or Tab) to start a relation from it.")
        self.marked_span = span.id
        return Outcome(
            message=f"Relation from “{self.text[span.start : span.end]}”: select the other span and press "
            f"{relation_keys}"
        )

    def relation(self, relation_type: str, sel: Selection) -> Outcome:
        """A relation from the marked label to the selected one, if the schema allows it."""
        source, target = self.span(self.marked_span), self.span(sel.span_id)
        if source is None or target is None or source.id == target.id or self.document_id is None:
            return Outcome(message="Mark the first span with m, select the second, then the relation key.")
        schema = self.project.schema
        problem = schema.check_relation(relation_type, source.label, target.label)
        if problem:
            return Outcome(message=problem)
        self.marked_span = ""
        attributes = schema.attribute_defaults("relation", relation_type)
        return Outcome(AddRelation(self.document_id, relation_type, source.id, target.id, attributes))

    # ------------------------------------------------------------------ attributes and links

    def attribute_target(self, sel: Selection) -> tuple[str, str, str, dict[str, Any]] | None:
        """(kind, id, type, attributes) of the selected label, else of the active event."""
        span = self.span(sel.span_id)
        if span is not None:
            return "entity", span.id, span.label, dict(span.attributes)
        frame = self.frame(self.active_event)
        if frame is not None:
            return "event", frame.id, frame.type, dict(frame.attributes)
        return None

    def set_attributes(self, sel: Selection, new: dict[str, Any]) -> Outcome:
        target = self.attribute_target(sel)
        if target is None or self.document_id is None:
            return Outcome(message="Select a span or activate an event first.")
        kind, row_id, _type, old = target
        if new == old:
            return Outcome()
        return Outcome(SetAttributes(self.document_id, kind, row_id, old, new))

    def cycle_attribute(self, name: str, sel: Selection, back: bool = False) -> Outcome:
        """The next (``back``: previous) value of a choice attribute such as modality or confidence."""
        target = self.attribute_target(sel)
        if target is None:
            return Outcome(message="Select a span or activate an event first.")
        kind, _row_id, type_name, attrs = target
        definition = next(
            (a for a in self.project.schema.attributes_for(kind, type_name) if a.name == name), None
        )
        if definition is None or not definition.values:
            return Outcome(message=f"{type_name} has no {name}.")
        values = list(definition.values)
        current = attrs.get(name)
        if current in values:
            nxt = values[(values.index(current) + (-1 if back else 1)) % len(values)]
        else:
            nxt = values[-1] if back else values[0]
        outcome = self.set_attributes(sel, {**attrs, name: nxt})
        return replace(outcome, message=f"{name}: {nxt}")

    def count_attributes(self, sel: Selection) -> Outcome | list[Any]:
        """The count attributes (killed, injured…) of the selected label or active event to edit; or why
        there are none, and which types have them."""
        target = self.attribute_target(sel)
        if target is None:
            return Outcome()
        kind, _row_id, type_name, _attrs = target
        schema = self.project.schema
        counts = [d for d in schema.attributes_for(kind, type_name) if d.kind == "count"]
        if counts:
            return counts
        with_counts = [
            t
            for t in schema.event_type_names
            if any(d.kind == "count" for d in schema.attributes_for("event", t))
        ]
        where = f"; counts belong to {', '.join(with_counts)}" if with_counts else ""
        return Outcome(message=f"{type_name} has no count attributes (k edits counts){where}.")

    def note(self, sel: Selection, note: str) -> Outcome:
        target = self.attribute_target(sel)
        if target is None:
            return Outcome()
        attrs = target[3]
        new = {k: v for k, v in attrs.items() if k != "note"}
        if note.strip():
            new["note"] = note.strip()
        return self.set_attributes(sel, new)

    def link_of(self, sel: Selection) -> tuple[str | None, str | None] | None:
        """The canonical link of the selected entity ((None, None): none), None when no entity is selected."""
        span = self.span(sel.span_id)
        if span is None:
            return None
        return self.frames.links.get(span.id, (None, None)) if self.frames else (None, None)

    def link(self, sel: Selection, value: str) -> Outcome:
        """Tie the selected entity to a canonical actor: ``'Q485436 | Lashkar-e-Taiba'`` (empty clears)."""
        span = self.span(sel.span_id)
        old = self.link_of(sel)
        if span is None or old is None or self.document_id is None:
            return Outcome(message="Select an entity to link it to a canonical actor.")
        link_id, _, name = (part.strip() for part in value.partition("|"))
        new = (link_id or None, (name or None) if link_id else None)
        return Outcome(SetLink(self.document_id, span.id, old, new)) if new != old else Outcome()


__all__ = ["Composite", "Outcome", "Selection", "WorkbenchSession", "merge_changes"]
