"""Incidents in the workbench: the Incident panel follows the active event; link, new, unlink, and the
dialogs that edit an incident's fields and a source's figures, each one undo step through ``carry_out``.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services; the decisions are ``services.incidents``')."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDockWidget

from annotator.errors import AnnotatorError
from annotator.services.annotate import Command
from annotator.services.workbench import Outcome
from annotator.ui.window_base import WindowBase

if TYPE_CHECKING:
    from annotator.ui.incident_view import IncidentViewDialog


def _tab_up(dock: QDockWidget) -> bool:
    """Whether a dock can be seen: a tabified dock under another tab is "visible" to Qt, moved out of
    sight."""
    return dock.isVisible() and not dock.isFloating() and not dock.visibleRegion().isEmpty()


class IncidentsMixin(WindowBase):
    """The Incident panel and the incident dialogs of the workbench."""

    def _follow_incident_tab(self, event_id: str) -> None:
        """While the Incident dock is a tab beside the Documents list (the first-start layout), its tab comes
        up when an event becomes active, and the tab that was up before comes back when none is; a layout
        the person arranged otherwise is left alone."""
        dock = self.incident_dock
        if dock.isFloating() or not self.tabifiedDockWidgets(dock):
            return
        if event_id:
            if _tab_up(dock):
                return  # up already (brought up before, or chosen by the person: nothing to give back)
            if not self._incident_tab_raised:
                self._incident_tab_under = next(
                    (d for d in self.tabifiedDockWidgets(dock) if _tab_up(d)), None
                )
            self._incident_tab_raised = True
            dock.raise_()
        elif self._incident_tab_raised:
            self._incident_tab_raised = False
            under, self._incident_tab_under = self._incident_tab_under, None
            if _tab_up(dock) and under is not None and under in self.tabifiedDockWidgets(dock):
                under.raise_()

    def _update_incident_panel(self) -> None:
        """The active event's incident (or its candidates) in the panel; read only while the panel can be
        seen (it is filled when shown)."""
        from annotator.services.incidents import event_incident

        if not self.incident_dock.isVisible():
            self._incident_stale = True
            return
        self._incident_stale = False
        frame = (
            next((e for e in self.frames.events if e.id == self.active_event), None) if self.frames else None
        )
        if frame is None:
            self.incident_panel.show_idle()
            return
        try:
            content = event_incident(self.project, frame.id)
        except AnnotatorError as exc:
            self.incident_panel.show_idle(str(exc))
            return
        self.incident_panel.show_content(content, frame.type)

    def _incident_owner(self) -> str:
        content = self.incident_panel.content
        return content.incident.annotator if content is not None and content.incident is not None else ""

    def focus_incident_panel(self) -> None:
        """Document → Incident of the active event: the keys go to the incident panel."""
        self.incident_dock.show()
        self.incident_dock.raise_()
        if self._incident_stale:
            self._update_incident_panel()
        if not self.active_event:
            self.statusBar().showMessage(
                "Make an event active first (click its trigger, or Tab to it); then Ctrl+Shift+I.", 6000
            )
            return
        self.incident_panel.focus_list()

    def decide_proposal(self, proposal, accept: bool) -> None:
        """Accept (link the active event) or reject the stored link proposal shown: one undo step."""
        from annotator.services.incidents import proposal_outcome

        if proposal is not None and proposal.event_id != self.active_event:
            proposal = None  # the panel shows another event's: nothing to decide here
        self.carry_out(proposal_outcome(self.document_id, proposal, accept))

    def propose_incident_links(self):
        """Store link proposals for all the person's events not linked yet (in the background), then show
        the active event's in the panel."""
        from annotator.services.incidents import store_proposals

        project, name = self.project, self.editor.annotator

        def done(n: int) -> None:
            self.statusBar().showMessage(
                f"{n} incident link proposal{'s' if n != 1 else ''} for your events not linked yet (★ in the "
                "Incident panel: a accepts, r rejects).",
                8000,
            )
            self._update_incident_panel()

        return self.background(
            "Proposing incident links",
            lambda progress, cancel: store_proposals(project, name),
            done,
            "Proposing incident links",
        )

    def link_active_event(self, incident_id: str) -> None:
        """Link the active event to an incident (one undo step)."""
        from annotator.services.incidents import link_outcome

        self.carry_out(link_outcome(self.document_id, self.active_event, incident_id))

    def new_incident_from_event(self) -> None:
        """Start a new incident from the active event (one undo step)."""
        from annotator.services.incidents import incident_of, new_incident_outcome

        event_id = self.active_event
        linked = incident_of(self.project, event_id) if event_id else None
        self.carry_out(new_incident_outcome(self.document_id, event_id, linked))

    def unlink_active_event(self) -> None:
        """Take the active event out of its incident (one undo step)."""
        from annotator.services.incidents import incident_of, unlink_outcome

        event_id = self.active_event
        linked = incident_of(self.project, event_id) if event_id else None
        self.carry_out(unlink_outcome(self.document_id, event_id, linked))

    def _submit(self, make: Callable[[], Command], message: str) -> str | None:
        """Run the command ``make`` builds through :meth:`carry_out` (one undo step): None when it was done,
        else the one line saying why not (for a dialog that stays open to say it)."""
        try:
            command = make()
        except AnnotatorError as exc:
            return str(exc)
        self._refusal = ""
        before = self.undo_stack.count(), self.undo_stack.index()
        self.carry_out(Outcome(command, message=message))
        if self._refusal:
            return self._refusal
        if (self.undo_stack.count(), self.undo_stack.index()) == before:
            return self.statusBar().currentMessage() or "Not done."
        return None

    def _open_incident_dialog(self, dialog: QDialog) -> None:
        if self.incident_dialog is not None:
            self.incident_dialog.close()
        self.incident_dialog = dialog
        dialog.finished.connect(lambda _r: self._forget_incident_dialog(dialog))
        dialog.open()

    def _forget_incident_dialog(self, dialog: QDialog) -> None:
        if self.incident_dialog is dialog:
            self.incident_dialog = None
        if self.incident_view is not None and self.incident_view.isVisible():
            self.incident_view.activateWindow()  # the keys go back where e or f was pressed
            self.incident_view.table.setFocus()
        elif _tab_up(self.incident_dock):
            self.activateWindow()
            self.incident_panel.focus_list()

    def edit_incident_fields(self, incident) -> None:
        """A dialog for an incident's fields (a ``services.incidents.IncidentView``); OK runs
        ``SetIncidentFields`` (one undo step); a refusal is said in the dialog, which stays open."""
        from annotator.services.incidents import SetIncidentFields, short_id
        from annotator.ui.incident_dialog import IncidentFieldsDialog

        if incident is None:
            return
        document_id = self.document_id or 0

        def submit(values: dict) -> str | None:
            return self._submit(
                lambda: SetIncidentFields(document_id, incident.id, values),
                f"Incident {short_id(incident.id)} changed (Ctrl+Z takes it back).",
            )

        parent = (
            self.incident_view if self.incident_view is not None and self.incident_view.isVisible() else self
        )
        types = [e.name for e in self.project.schema.events]
        self._open_incident_dialog(IncidentFieldsDialog(incident, types, submit, parent))

    def edit_source_figures(self, mention) -> None:
        """A dialog for the figures one source gives (a ``services.incidents.Mention``); OK runs
        ``SetSourceFigures`` (one undo step)."""
        from annotator.services.incidents import SetSourceFigures
        from annotator.ui.incident_dialog import SourceFiguresDialog

        if mention is None:
            return
        document_id = self.document_id if self.document_id is not None else mention.document_id

        def submit(values: dict) -> str | None:
            return self._submit(
                lambda: SetSourceFigures(document_id, mention.event_id, values),
                f"The figures {mention.external_id} gives changed (Ctrl+Z takes them back).",
            )

        parent = (
            self.incident_view if self.incident_view is not None and self.incident_view.isVisible() else self
        )
        self._open_incident_dialog(SourceFiguresDialog(mention, submit, parent))

    def show_incidents(self) -> IncidentViewDialog | None:
        """Project → Incidents (window_team), its e and f keys opening the edit dialogs."""
        dialog = super().show_incidents()
        if dialog is not None:
            dialog.editRequested.connect(self.edit_incident_fields)
            dialog.figuresRequested.connect(lambda _incident, mention: self.edit_source_figures(mention))
            # adjudicating links: beside the selected incident the others' and gold's, g and A into gold
            dialog.incidentSelected.connect(lambda incident: self._show_counterparts(dialog, incident))
            dialog.goldRequested.connect(self.incident_into_gold)
            dialog.adjudicateRequested.connect(self.adjudicate_incidents)
        return dialog

    def _show_counterparts(self, dialog: IncidentViewDialog, incident) -> None:
        from annotator.services.incidents import incident_counterparts

        dialog.show_counterparts(incident.id, incident_counterparts(self.project, incident.id))

    def incident_into_gold(self, chosen: list) -> None:
        """Put the selected annotator's incident into gold (one undo step; the reason when refused)."""
        from annotator.services.incidents import gold_outcome

        self.carry_out(gold_outcome(self.document_id, chosen))

    def adjudicate_incidents(self, policy: str) -> None:
        """Link every incident into gold by ``policy`` (one undo step), then say what the rule did."""
        from annotator.services.incidents import AdjudicateIncidents, adjudicate_outcome

        outcome = adjudicate_outcome(self.document_id, policy)
        self.carry_out(outcome)
        command = outcome.command
        if isinstance(command, AdjudicateIncidents) and command.report is not None:
            summary = command.report.summary()
            self.statusBar().showMessage(summary[0].upper() + summary[1:] + " (Ctrl+Z takes it back).", 15000)

    def open_source(self, mention, annotator: str = "") -> None:
        """Open a source of an incident (a ``services.incidents.Mention``): its document, its event active
        when it is among the labels shown."""
        if mention.document_id != self.document_id:
            self.open_document_id(mention.document_id)
            if self.document_id != mention.document_id:  # not in the list (not assigned to this person)
                self.open_document(mention.document_id)
        # a long document is read in the background: its event is made active once it is there
        self.when_open(mention.document_id, lambda: self._show_source(mention, annotator))

    def _show_source(self, mention, annotator: str) -> None:
        if self.frames is not None and any(e.id == mention.event_id for e in self.frames.events):
            self.view.select_trigger(mention.event_id)  # the caret goes there; the event becomes active
            self.statusBar().showMessage(
                f"{mention.external_id}: its {mention.type or 'event'} is active.", 6000
            )
        else:
            whose = f"{annotator}'s" if annotator else "another annotator's"
            self.statusBar().showMessage(
                f"{mention.external_id}: the event «{mention.trigger}» is {whose} "
                "(View → Show labels of… shows their labels).",
                8000,
            )
