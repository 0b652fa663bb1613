"""The document list: its filter, progress, the poll for new documents, moving between documents, and
the work status of the open one (done, skipped, flagged).

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex

from annotator.services.documents import list_documents
from annotator.ui.prompts import ask_multiline
from annotator.ui.window_base import WindowBase

FILTERS = [
    ("All documents", set(), False),
    ("To do", {"todo"}, False),
    ("In progress", {"in_progress"}, False),
    ("Not done", {"todo", "in_progress"}, False),
    ("Done", {"done"}, False),
    ("Skipped", {"skipped"}, False),
    ("Flagged for discussion", set(), True),
]


class DocumentsMixin(WindowBase):
    def _reload_keeping_document(self) -> None:
        """Reload the list and the open document (after an import, a merge, or a change of whose labels
        are shown), staying on the same document."""
        current, self.document_id = self.document_id, None
        self.reload_list()
        if current is not None:
            self.open_document_id(current)
            if self.document_id != current:  # its row was current already, or the filter hides it
                self.open_document(current)

    def reload_list(self) -> None:
        from annotator.services.documents import newest_document

        self.list_model.set_rows(list_documents(self.project, self.editor.annotator_id))
        self._newest = newest_document(self.project)
        self._update_progress()

    def _poll_documents(self) -> None:
        """Documents imported from the command line (or by a teammate on the server) appear in the list
        without a restart; the open document stays."""
        from annotator.services.documents import newest_document
        from annotator.services.project import is_connection_error

        try:
            newest = newest_document(self.project)
        except Exception as exc:
            if is_connection_error(exc):  # the server is away: the person's next action says so
                return
            raise
        if newest > self._newest:
            before = self.list_model.rowCount()
            self._reload_keeping_document()
            added = self.list_model.rowCount() - before
            if added > 0:
                self.statusBar().showMessage(f"{added} new document(s) arrived in the project.", 6000)

    def _update_progress(self) -> None:
        done, total = self.list_model.done_count()
        self.progress_label.setText(f"{done} / {total} done  ·  {self.editor.annotator}")

    def _on_filter(self, index: int) -> None:
        _, statuses, flagged = FILTERS[index]
        self.list_model.set_filter(statuses, flagged)
        row = self.list_model.row_for(self.document_id) if self.document_id is not None else -1
        if row >= 0:
            self._select_row(row)

    def _first_unfinished_row(self) -> int | None:
        row = self.list_model.next_unfinished_row(None)
        if row is None and self.list_model.rowCount():
            return 0
        return row

    def _select_row(self, row: int) -> None:
        index = self.list_model.index(row, 0)
        self.list_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.list_view.scrollTo(index)

    def open_row(self, row: int) -> None:
        """Open the document on a visible row of the list (selecting the row opens it)."""
        self._select_row(row)

    def open_document_id(self, document_id: int) -> None:
        row = self.list_model.row_for(document_id)
        if row < 0 and self.filter_box.currentIndex() != 0:
            self.filter_box.setCurrentIndex(0)  # the filter hides it: show all documents
            row = self.list_model.row_for(document_id)
        if row >= 0:
            self.open_row(row)

    def _on_list_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open_document(self.list_model.document(current.row()).id)

    def step(self, delta: int) -> None:
        current = self.list_view.currentIndex()
        row = (current.row() if current.isValid() else -1) + delta
        if 0 <= row < self.list_model.rowCount():
            self._select_row(row)

    def next_unfinished(self) -> None:
        """The next listed document (wrapping) that is neither done nor skipped."""
        row = self.list_model.next_unfinished_row(self.document_id)
        if row is None:
            self.statusBar().showMessage("All listed documents are done or skipped.", 5000)
        else:
            self.open_row(row)

    def _set_work(self, **changes) -> None:
        self.carry_out(self.session.work(**changes))

    def mark_done(self) -> None:
        from annotator.services.suggestions import needs_retraining

        self._set_work(status="done")
        self.next_unfinished()
        training = self._training
        if (training is None or training.finished) and needs_retraining(self.project):
            self._training = self.train_model(quiet=True)  # enough new labels: retrain in the background

    def skip(self) -> None:
        self._set_work(status="skipped")
        self.next_unfinished()

    def flag(self) -> None:
        if self.state is None:
            return
        comment, ok = ask_multiline(
            self, "Flag for discussion", "What should be discussed?", self.state.work.comment or ""
        )
        if ok:
            self._set_work(flagged=bool(comment.strip()) or True, comment=comment.strip() or None)
