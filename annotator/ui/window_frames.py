"""Events, roles, relations, attributes and span boundaries in the workbench.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QInputDialog,
)

from annotator.services.workbench import Outcome
from annotator.ui.prompts import ask_multiline
from annotator.ui.window_base import WindowBase


class FramesMixin(WindowBase):
    """Events, roles, relations and attributes: the session decides, this asks and shows."""

    def _choose(self, outcome: Outcome, title: str) -> str | None:
        """The person's choice among ``outcome.choices`` (typing a letter selects, one Enter confirms)."""
        choice, ok = QInputDialog.getItem(self, title, outcome.question, list(outcome.choices), 0, False)
        return choice if ok and choice in outcome.choices else None

    def create_event(self, event_type: str | None) -> None:
        """An event on the selected text (its trigger); without a type, pick one (recently used first)."""
        outcome = self.session.event(event_type, self.selection())
        if outcome.choices:
            event_type = self._choose(outcome, "Event")
            if event_type is None:
                return
            outcome = self.session.event(event_type, self.selection())
        self.carry_out(outcome)

    def fill_role(self, number: int) -> None:
        """Fill the active event's role ``number`` with the selected span, an event whose trigger is
        selected, the focused suggestion, or a new entity on the selected text (of a type the role
        accepts): one undo step."""
        outcome = self.session.fill_role(number, self.selection())
        if outcome.choices:
            label = self._choose(outcome, "Role")
            if label is None:
                return
            outcome = self.session.fill_role(number, self.selection(), label)
        self.carry_out(outcome)

    def mark_relation_source(self) -> None:
        keys = "  ".join(f"{k} {name}" for k, name in self.relation_hotkeys.items())
        outcome = self.session.relation_source(self.selection(), keys)
        self.view.set_marked(self.marked_span)
        self.statusBar().showMessage(outcome.message, 8000)

    def add_relation(self, relation_type: str) -> None:
        self.carry_out(self.session.relation(relation_type, self.selection()))
        self.view.set_marked(self.marked_span)

    def cycle_attribute(self, name: str, back: bool = False) -> None:
        self.carry_out(self.session.cycle_attribute(name, self.selection(), back))

    def edit_counts(self) -> None:
        sel = self.selection()
        counts = self.session.count_attributes(sel)
        if isinstance(counts, Outcome):
            self.carry_out(counts)
            return
        target = self.session.attribute_target(sel)
        assert target is not None  # count_attributes found the counts on it
        _kind, _row_id, type_name, attrs = target
        new = dict(attrs)
        for definition in counts:
            value, ok = QInputDialog.getInt(
                self, type_name, f"{definition.name}:", int(attrs.get(definition.name) or 0), 0, 1_000_000
            )
            if not ok:
                return
            new[definition.name] = value
        self.carry_out(self.session.set_attributes(sel, new))

    def edit_note(self) -> None:
        sel = self.selection()
        target = self.session.attribute_target(sel)
        if target is None:
            return
        _kind, _row_id, type_name, attrs = target
        note, ok = ask_multiline(self, "Note", f"Note on this {type_name}:", attrs.get("note") or "")
        if ok:
            self.carry_out(self.session.note(sel, note))

    def edit_link(self) -> None:
        """Tie the selected entity to a canonical actor: 'Q485436 | Lashkar-e-Taiba' (empty clears)."""
        sel = self.selection()
        old = self.session.link_of(sel)
        if old is None:
            self.statusBar().showMessage("Select an entity to link it to a canonical actor.", 4000)
            return
        shown = f"{old[0]} | {old[1]}" if old[0] and old[1] else (old[0] or "")
        value, ok = QInputDialog.getText(
            self, "Canonical link", "Id | name (e.g. Q485436 | Lashkar-e-Taiba):", text=shown
        )
        if ok:
            self.carry_out(self.session.link(sel, value))

    def move_boundary(self, key: str) -> None:
        """Correct the selected span's boundaries by keyboard, a word at a time (a character when snapping
        to words is off): ``[`` its start one left, ``{`` one right; ``]`` its end one right, ``}`` one
        left. Undoable; a span keeps at least one word, and boundaries stay on whole characters."""
        segmenter = self.view.segmenter
        if self.view.snap_to_tokens:
            starts = [t.start for t in segmenter.tokens]
            ends = [t.end for t in segmenter.tokens]
        else:
            starts = ends = list(segmenter.boundaries)
        sel = self.selection()
        outcome = self.session.move_boundary(key, sel, starts, ends)
        self.carry_out(outcome)
        if outcome.command is not None:
            self.view.select_span(sel.span_id)
