"""Events, roles, relations, attributes and span boundaries in the workbench.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QInputDialog,
)

from annotator.services.annotate import (
    AddSpans,
)
from annotator.ui.prompts import ask_multiline


class FramesMixin:
    def create_event(self, event_type: str | None) -> None:
        """An event on the selected text (its trigger); without a type, pick one (recently used first)."""
        from annotator.services.frames import AddEvent

        if self.document_id is None:
            return
        start, end = self.view.snapped_selection()
        if start == end:
            span = self._span(self.view.selected_span_id())
            if span is None:
                self.statusBar().showMessage("Select the trigger (e.g. हमले, मुलाकात, designated) first.", 5000)
                return
            start, end = span.start, span.end
        schema = self.project.schema
        if event_type is None:
            names = [n for n in schema.event_type_names if not schema.event_type(n).abstract]
            items = [n for n in self.recent_event_types if n in names] + [
                n for n in names if n not in self.recent_event_types
            ]
            # not editable: typing a letter selects a type, one Enter makes the event
            event_type, ok = QInputDialog.getItem(self, "Event", "Event type:", items, 0, False)
            if not ok or event_type not in names:
                return
        self.recent_event_types = [event_type, *[t for t in self.recent_event_types if t != event_type]][:8]
        command = AddEvent(
            self.document_id, event_type, start, end, schema.attribute_defaults("event", event_type)
        )
        self.run(command)
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        self.activate_event(command.id)

    def fill_role(self, number: int) -> None:
        """Fill the active event's role ``number`` with the selected span, an event whose trigger is
        selected, or a new entity on the selected text (of a type the role accepts)."""
        from annotator.services.frames import AddArgument

        schema = self.project.schema
        frame = (
            next((e for e in self.frames.events if e.id == self.active_event), None) if self.frames else None
        )
        if frame is None or self.document_id is None:
            return
        roles = schema.event_type(frame.type).roles
        if number > len(roles):
            self.statusBar().showMessage(f"{frame.type} has {len(roles)} roles.", 4000)
            return
        role = roles[number - 1]
        span = self._span(self.view.selected_span_id())
        start, end = self.view.snapped_selection()
        filler, kind, macro = None, "entity", False
        suggestion = next((s for s in self.suggestions if s.id == self.view.current_suggestion()), None)
        if span is None and start == end and suggestion is not None and suggestion.kind == "entity":
            # the focused suggestion fills the role: accepted, then the argument, one undo step
            from annotator.services.suggestions import AcceptSuggestions

            if not role.accepts(suggestion.label):
                self.statusBar().showMessage(f"{role.name} does not take {suggestion.label}.", 4000)
                return
            accept = AcceptSuggestions(self.document_id, [suggestion])
            self.undo_stack.beginMacro(f"fill {role.name}")
            macro = True
            self.run(accept)
            filler = accept.made.get(suggestion.id)
        elif span is not None and start == end:
            filler = span.id
        elif start != end:
            trigger = next(
                (e for e in self.frames.events if (e.start, e.end) == (start, end) and e.id != frame.id), None
            )
            existing = next(
                (s for s in self.state.spans if (s.start, s.end) == (start, end) and role.accepts(s.label)),
                None,
            )
            if trigger is not None and schema.check_role_filler(frame.type, role.name, trigger.type) is None:
                filler, kind = trigger.id, "event"
            elif existing is not None:
                filler = existing.id
            else:
                label = self._label_for_role(frame.type, role)
                if label is None:
                    return
                add = AddSpans(
                    self.document_id, [(start, end, label)], schema.attribute_defaults("entity", label)
                )
                self.undo_stack.beginMacro(f"fill {role.name}")  # new entity + argument: one undo step
                macro = True
                self.run(add)
                filler = add.spans[0].id
        if filler is None:
            if macro:
                self.undo_stack.endMacro()
            self.statusBar().showMessage(f"Select a span, a suggestion or text to fill {role.name}.", 4000)
            return
        self.run(AddArgument(self.document_id, frame.id, role.name, filler, kind))
        if macro:
            self.undo_stack.endMacro()
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        self.view.select_span("", ensure_visible=False)
        self.activate_event(frame.id)

    def _label_for_role(self, event_type: str, role) -> str | None:
        labels = list(self.project.schema.role_entity_labels(event_type, role.name))
        if not labels:
            self.statusBar().showMessage(
                f"{role.name} takes events, not text: select an event's trigger.", 5000
            )
            return None
        if len(labels) == 1:
            return labels[0]
        label, ok = QInputDialog.getItem(self, role.name, f"Label the new {role.name}:", labels, 0, False)
        return label if ok else None

    def mark_relation_source(self) -> None:
        span = self._span(self.view.selected_span_id())
        if span is None:
            self.statusBar().showMessage("Select a span (click or Tab) to start a relation from it.", 4000)
            return
        self.marked_span = span.id
        self.view.set_marked(span.id)
        keys = "  ".join(f"{k} {name}" for k, name in self.relation_hotkeys.items())
        self.statusBar().showMessage(
            f"Relation from “{self.view.text[span.start : span.end]}”: select the other "
            f"span and press {keys}",
            8000,
        )

    def add_relation(self, relation_type: str) -> None:
        from annotator.services.frames import AddRelation

        source = self._span(self.marked_span)
        target = self._span(self.view.selected_span_id())
        if source is None or target is None or source.id == target.id or self.document_id is None:
            self.statusBar().showMessage(
                "Mark the first span with m, select the second, then the relation key.", 5000
            )
            return
        problem = self.project.schema.check_relation(relation_type, source.label, target.label)
        if problem:
            self.statusBar().showMessage(problem, 6000)
            return
        self.run(
            AddRelation(
                self.document_id,
                relation_type,
                source.id,
                target.id,
                self.project.schema.attribute_defaults("relation", relation_type),
            )
        )
        self.marked_span = ""
        self.view.set_marked("")

    def _attribute_target(self):
        """(kind, id, attributes) of the selected span, else the active event."""
        span = self._span(self.view.selected_span_id())
        if span is not None:
            return "entity", span.id, span.label, dict(span.attributes)
        frame = (
            next((e for e in self.frames.events if e.id == self.active_event), None) if self.frames else None
        )
        if frame is not None:
            return "event", frame.id, frame.type, dict(frame.attributes)
        return None

    def _set_attributes(self, kind, row_id, old, new) -> None:
        from annotator.services.frames import SetAttributes

        if new != old and self.document_id is not None:
            self.run(SetAttributes(self.document_id, kind, row_id, old, new))

    def cycle_attribute(self, name: str, back: bool = False) -> None:
        target = self._attribute_target()
        if target is None:
            self.statusBar().showMessage("Select a span or activate an event first.", 4000)
            return
        kind, row_id, type_name, attrs = target
        definition = next(
            (a for a in self.project.schema.attributes_for(kind, type_name) if a.name == name), None
        )
        if definition is None or not definition.values:
            self.statusBar().showMessage(f"{type_name} has no {name}.", 4000)
            return
        values = list(definition.values)
        current = attrs.get(name)
        step = -1 if back else 1
        if current in values:
            nxt = values[(values.index(current) + step) % len(values)]
        else:
            nxt = values[-1] if back else values[0]
        self._set_attributes(kind, row_id, attrs, {**attrs, name: nxt})
        self.statusBar().showMessage(f"{name}: {nxt}", 3000)

    def edit_counts(self) -> None:
        target = self._attribute_target()
        if target is None:
            return
        kind, row_id, type_name, attrs = target
        new = dict(attrs)
        schema = self.project.schema
        counts = [d for d in schema.attributes_for(kind, type_name) if d.kind == "count"]
        if not counts:  # say why nothing happens, and where counts are
            with_counts = [
                t
                for t in schema.event_type_names
                if any(d.kind == "count" for d in schema.attributes_for("event", t))
            ]
            where = f"; counts belong to {', '.join(with_counts)}" if with_counts else ""
            self.statusBar().showMessage(
                f"{type_name} has no count attributes (k edits counts){where}.", 8000
            )
            return
        for definition in counts:
            value, ok = QInputDialog.getInt(
                self, type_name, f"{definition.name}:", int(attrs.get(definition.name) or 0), 0, 1_000_000
            )
            if not ok:
                return
            new[definition.name] = value
        self._set_attributes(kind, row_id, attrs, new)

    def edit_note(self) -> None:
        target = self._attribute_target()
        if target is None:
            return
        kind, row_id, type_name, attrs = target
        note, ok = ask_multiline(self, "Note", f"Note on this {type_name}:", attrs.get("note") or "")
        if ok:
            new = {k: v for k, v in attrs.items() if k != "note"}
            if note.strip():
                new["note"] = note.strip()
            self._set_attributes(kind, row_id, attrs, new)

    def edit_link(self) -> None:
        """Tie the selected entity to a canonical actor: 'Q485436 | Lashkar-e-Taiba' (empty clears)."""
        from annotator.services.frames import SetLink

        span = self._span(self.view.selected_span_id())
        if span is None or self.document_id is None:
            self.statusBar().showMessage("Select an entity to link it to a canonical actor.", 4000)
            return
        old = self.frames.links.get(span.id, (None, None)) if self.frames else (None, None)
        shown = f"{old[0]} | {old[1]}" if old[0] and old[1] else (old[0] or "")
        value, ok = QInputDialog.getText(
            self, "Canonical link", "Id | name (e.g. Q485436 | Lashkar-e-Taiba):", text=shown
        )
        if not ok:
            return
        link_id, _, name = (part.strip() for part in value.partition("|"))
        new = (link_id or None, (name or None) if link_id else None)
        if new != old:
            self.run(SetLink(self.document_id, span.id, old, new))

    def move_boundary(self, key: str) -> None:
        """Correct the selected span's boundaries by keyboard, a word at a time (a character when snapping
        to words is off): ``[`` its start one left, ``{`` one right; ``]`` its end one right, ``}`` one
        left. Undoable; a span keeps at least one word, and boundaries stay on whole characters."""
        from annotator.services.annotate import Reshape

        span = self._span(self.view.selected_span_id())
        if span is None or self.document_id is None:
            self.statusBar().showMessage("Select a span (Tab, or a click) to move its boundaries.", 4000)
            return
        text = self.view.text
        segmenter = self.view.segmenter
        if self.view.snap_to_tokens:
            starts = [t.start for t in segmenter.tokens]
            ends = [t.end for t in segmenter.tokens]
        else:
            starts = ends = segmenter.boundaries
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
            self.statusBar().showMessage("The span cannot move further that way.", 4000)
            return
        self.run(Reshape(self.document_id, span, start, end, text))
        self.view.select_span(span.id)
        self.statusBar().showMessage(f"{span.label}: “{text[start:end]}”", 4000)
