"""The team windows: agreement, adjudication, the project's incidents, and showing another annotator's
labels.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QInputDialog,
)

from annotator.services.annotate import (
    Editor,
)
from annotator.services.team import annotator_for
from annotator.ui.window_base import WindowBase

if TYPE_CHECKING:  # imported when the windows are first opened
    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.incident_view import IncidentViewDialog


class TeamMixin(WindowBase):
    def show_agreement(self) -> AgreementDialog:
        from annotator.ui.agreement_dialog import AgreementDialog

        dialog = AgreementDialog(self.project, self.open_document_id, self)
        dialog.show()
        dialog.compute()
        self._agreement = dialog
        return dialog

    def show_adjudication(self) -> AdjudicationDialog | None:
        from annotator.services.team import annotator_role
        from annotator.ui.adjudication_dialog import AdjudicationDialog

        me = annotator_for(self.project, self.settings)
        if (annotator_role(self.project, me) or "annotator") == "annotator":
            self.statusBar().showMessage(
                "Adjudication is for adjudicators and leads (annotator annotators add).", 6000
            )
            return None
        dialog = AdjudicationDialog(self.project, me, self, on_change=self.reload_list)
        dialog.show()
        self._adjudication = dialog
        return dialog

    def show_incidents(self) -> IncidentViewDialog | None:
        """Project → Incidents: every incident of the project (leads and adjudicators), read off the GUI
        thread so the view opens at once; merge and split go through :meth:`carry_out` (one undo step,
        Ctrl+Z in the view too)."""
        from annotator.services.incidents import merge_outcome, split_outcome
        from annotator.services.team import annotator_role
        from annotator.ui.incident_view import IncidentViewDialog

        me = annotator_for(self.project, self.settings)
        if (annotator_role(self.project, me) or "annotator") == "annotator":
            self.statusBar().showMessage(
                "The incident view is for adjudicators and leads; your incidents are in the Incident panel "
                "(Ctrl+Shift+I with an event active).",
                6000,
            )
            return None
        if self.incident_view is not None:
            self.incident_view.close()
        schema = self.project.schema
        dialog = IncidentViewDialog(
            [e.name for e in schema.events], {e.name: e.color for e in schema.events}, self
        )
        dialog.mergeRequested.connect(lambda chosen: self.carry_out(merge_outcome(self.document_id, chosen)))
        dialog.splitRequested.connect(
            lambda incident, events: self.carry_out(split_outcome(self.document_id, incident, events))
        )
        dialog.sourceOpened.connect(lambda incident, mention: self.open_source(mention, incident.annotator))
        dialog.incidentSelected.connect(lambda incident: self._show_incident_sources(dialog, incident))
        self.statusBar().messageChanged.connect(dialog.say)
        for action in (self.undo_action, self.redo_action):
            dialog.addAction(action)  # Ctrl+Z and Ctrl+Shift+Z in the view undo and redo the window's steps
        self.incident_view = dialog
        dialog.show()
        self.reload_incident_view()
        return dialog

    def reload_incident_view(self) -> None:
        """Read the incidents again for the open view (off the GUI thread)."""
        from annotator.services.incidents import disagreeing, incident_summaries

        dialog = self.incident_view
        if dialog is None or not dialog.isVisible():
            return
        project = self.project
        dialog.loading = True
        dialog.generation += 1
        generation = dialog.generation  # only the latest reading is shown (an earlier one may end later)

        def read(progress, cancel):
            incidents = incident_summaries(project)
            return incidents, disagreeing(incidents)

        self.background(
            "Incidents",
            read,
            lambda found: dialog.set_incidents(*found) if generation == dialog.generation else None,
            lambda exc: dialog.say(f"The incidents could not be read: {exc}"),
            show_progress=False,
        )

    def _show_incident_sources(self, dialog: IncidentViewDialog, incident) -> None:
        """The selected incident's sources in the view, each with a snippet of its document."""
        from annotator.services.incidents import list_incidents, mention_snippets

        found = list_incidents(self.project, incident_ids=[incident.id])
        if found:
            dialog.show_sources(found[0], mention_snippets(self.project, found[0].mentions))

    @property
    def viewing_other(self) -> bool:
        return self.editor.annotator != annotator_for(self.project, self.settings)

    def show_labels_of(self, name: str | None = None) -> None:
        """Leads and adjudicators may look at anyone's labels (read-only); with blind annotation on,
        annotators see only their own."""
        from annotator.services.team import annotator_role, blind_mode, list_annotators

        me = annotator_for(self.project, self.settings)
        if blind_mode(self.project) and (annotator_role(self.project, me) or "annotator") == "annotator":
            self.statusBar().showMessage(
                "Blind annotation: only leads and adjudicators see others' labels.", 6000
            )
            return
        if name is None:
            names = [me] + [a.name for a in list_annotators(self.project) if a.name != me]
            name, ok = QInputDialog.getItem(self, "Show labels of", "Annotator:", names, 0, False)
            if not ok:
                return
        self.editor = Editor(self.project, name)
        self.undo_stack.clear()
        self.state = None
        self._reload_keeping_document()
        suffix = "" if name == me else f" — showing {name}'s labels (read-only)"
        self.setWindowTitle(f"annotator — {Path(self.project.location).name} — {me}{suffix}")
