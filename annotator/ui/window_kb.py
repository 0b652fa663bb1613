"""The project's knowledge base in the workbench: ``i`` on an entity opens the type-ahead that links it
(:mod:`annotator.ui.kb_dialog`), Project → Knowledge base the window of entries, their linked mentions and
merges (:mod:`annotator.ui.kb_panel`). The base is read and written through :mod:`annotator.services.kb`;
an entity's link is set by the session's ``link`` (``SetLink``), run through ``carry_out``: one undo step.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.errors import AnnotatorError
from annotator.services.workbench import Outcome, Selection
from annotator.ui.window_base import WindowBase

if TYPE_CHECKING:
    from annotator.ui.kb_dialog import KbLinkDialog
    from annotator.ui.kb_panel import KbPanel


#: Most entries the Knowledge base window lists (a filter finds the others).
PANEL_ROWS = 300
#: Most linked mentions the window lists for an entry (read when the entry is chosen).
MENTION_ROWS = 500
#: Why someone may not edit the base (``services.kb.can_edit``).
NOT_AN_EDITOR = (
    "{who} may not {what}: only a lead may edit the knowledge base, unless the lead allows annotators to."
)


class KbMixin(WindowBase):
    """The type-ahead on an entity and the Knowledge base window."""

    kb_dialog: KbLinkDialog | None = None  # the open type-ahead
    kb_panel: KbPanel | None = None  # Project → Knowledge base, kept open beside the window

    # ------------------------------------------------------------------ linking one entity

    def _link_now(self, sel: Selection, value: str, message: str) -> str | None:
        """Set the selected entity's link to ``value`` (``'id | name'``, "" clears) through ``carry_out`` (one
        undo step): None when done (or nothing to change), else the one line saying why not."""
        outcome = self.session.link(sel, value)
        if outcome.command is None:
            return outcome.message or None
        self._refusal = ""
        before = self.undo_stack.count(), self.undo_stack.index()
        self.carry_out(Outcome(outcome.command, message=message))
        if self._refusal:
            return f"Not done: {self._refusal}"
        if (self.undo_stack.count(), self.undo_stack.index()) == before:
            return self.statusBar().currentMessage() or "Not done."
        return None

    def link_entity(self) -> None:
        """``i``: the type-ahead over the project's knowledge base for the selected entity (kept in
        ``kb_dialog`` while open)."""
        from annotator.services import kb
        from annotator.ui.kb_dialog import KbLinkDialog

        sel = self.selection()
        span = self._span(sel.span_id)
        current = self.session.link_of(sel)
        if span is None or current is None or self.document_id is None:
            self.statusBar().showMessage("Select an entity (Tab, or click it) to link it: then i.", 5000)
            return
        project, who = self.project, self.editor.annotator
        text = self.view.text[span.start : span.end]
        refusal = "" if kb.can_edit(project, who) else NOT_AN_EDITOR.format(who=who, what="add entries")

        def link(hit: Any) -> str | None:
            return self._link_now(
                sel, f"{hit.id} | {hit.name}", f"Linked to {hit.name} (Ctrl+Z takes it back)."
            )

        def typed(value: str) -> str | None:
            return self._link_now(sel, value, f"Linked to {value.strip()} (Ctrl+Z takes it back).")

        def new_entry() -> str | None:
            try:
                entry = kb.add_entry(project, name=text, label=span.label, by=who, source="span")
            except AnnotatorError as exc:
                return str(exc)
            return self._link_now(
                sel,
                f"{entry.id} | {entry.name}",
                f"New entry {entry.name} ({entry.label}) added and linked (Ctrl+Z takes the link back).",
            )

        def clear() -> str | None:
            return self._link_now(sel, "", "Link cleared (Ctrl+Z takes it back).")

        dialog = KbLinkDialog(
            text,
            span.label,
            current,
            lambda query: kb.search(project, query, limit=20),
            link,
            typed,
            new_entry,
            clear,
            refusal,
            self,
        )
        self.kb_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget_kb_dialog(dialog))
        dialog.open()

    def _forget_kb_dialog(self, dialog: KbLinkDialog) -> None:
        if self.kb_dialog is dialog:
            self.kb_dialog = None
        self.activateWindow()
        self.view.setFocus()  # the keys go back to the text, the entity still selected

    # ------------------------------------------------------------------ the Knowledge base window

    def show_kb_panel(self) -> KbPanel:
        """Project → Knowledge base: entries, their linked mentions across the project, merges."""
        from annotator.services import kb
        from annotator.ui.kb_panel import KbPanel

        if self.kb_panel is not None:
            self.kb_panel.refresh()
            self.kb_panel.show()
            self.kb_panel.raise_()
            self.kb_panel.activateWindow()
            return self.kb_panel
        project, who = self.project, self.editor.annotator
        refusal = "" if kb.can_edit(project, who) else NOT_AN_EDITOR.format(who=who, what="merge entries")

        def merge(keep_id: str, gone_id: str) -> str | None:
            try:
                kb.merge_entries(project, keep_id, gone_id, by=who)
            except AnnotatorError as exc:
                return str(exc)
            if self.document_id is not None:  # the open document's links may have followed
                from annotator.services.annotate import Change

                self.refresh_state(Change(self.document_id, frames=True))
            return None

        def entries(query: str, label: str | None) -> list[Any]:
            if query:
                return kb.search(project, query, limit=PANEL_ROWS, label=label)
            return [  # no filter: the first entries by label and name, as search hits
                kb.KbHit(e.uuid, e.id, e.name, e.label, e.name, e.alias_texts, e.parent_name, e.description)
                for e in kb.list_entries(project, label=label, limit=PANEL_ROWS)
            ]

        panel = KbPanel(
            [e.name for e in project.schema.entities if not getattr(e, "abstract", False)],
            entries,
            lambda uuid: kb.linked_mentions(project, uuid, limit=MENTION_ROWS),
            merge,
            refusal,
            MENTION_ROWS,
            self,
        )
        panel.mentionOpened.connect(self.open_kb_mention)
        self.kb_panel = panel
        panel.show()
        return panel

    def open_kb_mention(self, mention: Any) -> None:
        """Open the document of a linked mention (a ``services.kb.KbMention``), the entity selected when it
        is among the labels shown (a long document is read in the background: selected once it is there)."""
        if mention.document_id != self.document_id:
            self.open_document_id(mention.document_id)
            if self.document_id != mention.document_id:  # not in the list (not assigned to this person)
                self.open_document(mention.document_id)
        self.activateWindow()
        self.when_open(mention.document_id, lambda: self._show_kb_mention(mention))

    def _show_kb_mention(self, mention: Any) -> None:
        if any(s.id == mention.entity_id for s in self.view.spans()):
            self.view.select_span(mention.entity_id)
            self.view.setFocus()
            self.statusBar().showMessage(f"{mention.document_title}: the linked entity is selected.", 6000)
        else:
            whose = f"{mention.annotator}'s" if mention.annotator else "another annotator's"
            self.statusBar().showMessage(
                f"{mention.document_title}: the linked entity «{mention.text}» is {whose} "
                "(View → Show labels of… shows their labels).",
                8000,
            )


__all__ = ["KbMixin"]
