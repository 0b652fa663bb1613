"""The team windows: agreement, adjudication, and showing another annotator's labels.

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
