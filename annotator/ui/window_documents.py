"""The document list: its filter, progress, the poll for new documents, moving between documents, and
the work status of the open one (done, skipped, flagged).

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QBoxLayout, QComboBox

from annotator.errors import AnnotatorError
from annotator.services.documents import list_documents
from annotator.ui.document_list import language_label
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
        self._update_language_filter()

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

    #: the language filter under the status filter (made with the list's first rows)
    language_box: QComboBox | None = None

    def _update_language_filter(self) -> None:
        """The language filter lists "All languages" and each language the documents have (their stored
        ``lang``: given by the file or detected at import), with counts; the choice stays while it is
        there."""
        box = self.language_box
        if box is None:
            box = self.language_box = QComboBox()
            box.setObjectName("language_filter")
            box.setToolTip("Show the documents of one language (detected at import, or given by the file)")
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
            parent = self.filter_box.parentWidget()
            layout = parent.layout() if parent is not None else None
            if isinstance(layout, QBoxLayout):
                layout.insertWidget(layout.indexOf(self.filter_box) + 1, box)
            box.currentIndexChanged.connect(self._on_language)
        current = self.list_model.language()
        box.blockSignals(True)
        box.clear()
        box.addItem(f"All languages · {self.list_model.total()}", "")
        for code, count in self.list_model.languages():
            box.addItem(language_label(code, count), code)
        found = box.findData(current)
        box.setCurrentIndex(max(found, 0))
        box.blockSignals(False)
        box.setVisible(box.count() > 2)  # one language only: nothing to choose
        if found < 0 and current:
            self.list_model.set_language("")

    def _on_language(self, index: int) -> None:
        if self.language_box is None:
            return
        self.list_model.set_language(self.language_box.itemData(index) or "")
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
        if row < 0 and self.language_box is not None and self.language_box.currentIndex() > 0:
            self.language_box.setCurrentIndex(0)  # the language filter hides it: every language
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
        if (training is None or training.finished) and needs_retraining(self.project, self.editor.annotator):
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

    # ------------------------------------------------------------------ the schema review queue

    def refresh_review(self, current: str = "") -> None:
        """The open document's annotations of split types that wait for this person's choice; the panel
        shows only while there are some (another annotator's labels, shown read-only, have none here)."""
        from annotator.services.schema_change import review_queue

        if self.document_id is None or self.viewing_other:
            items = []
        else:
            items = review_queue(self.project, annotator=self.editor.annotator, document_id=self.document_id)
        was_visible = self.review_dock.isVisible()
        self.review_panel.show_items(items, current)
        self.review_dock.setVisible(bool(items))
        if items and not was_visible:
            QTimer.singleShot(0, self._size_review_dock)  # once the dock is laid out
            self.statusBar().showMessage(
                f"{len(items)} annotation(s) here await a choice of type after a schema change: "
                "Ctrl+Shift+R goes to the list (1…9 choose, Enter keeps the proposed type).",
                10000,
            )

    def _size_review_dock(self) -> None:
        """The review list takes a good part of the column: its rows are three lines."""
        if not self.review_dock.isVisible():
            return
        if self.review_dock.height() < self.height() * 2 // 5:
            self.resizeDocks([self.review_dock], [max(260, self.height() * 2 // 5)], Qt.Orientation.Vertical)
        if self.review_dock.width() < 300 and self.width() >= 1000:
            self.resizeDocks([self.review_dock], [300], Qt.Orientation.Horizontal)

    def focus_review(self) -> None:
        """Document → Review split annotations: the keys go to the review list."""
        if not self.review_panel.items:
            self.statusBar().showMessage(
                "No annotation here awaits review (Project → Schema review queue lists the project's).", 6000
            )
            return
        self.review_dock.show()
        self.review_dock.raise_()
        self.review_panel.focus_list()

    def _show_review_item(self, item) -> None:
        """The review list's current annotation, selected in the text (an event's trigger: made active)."""
        if item.document_id != self.document_id:
            return
        if item.table == "events":
            self.activate_event(item.id)
            self.view.select_trigger(item.id)
        else:
            self.view.select_span(item.id)
        self.review_panel.list.setFocus()  # the keys stay with the list

    def resolve_review_item(self, item, label: str | None) -> None:
        """Give a queued annotation ``label`` (one of its choices), or keep the proposed type (None); the
        list moves to the next one and the text shows the new label."""
        from annotator.services.annotate import Change
        from annotator.services.schema_change import accept_proposals, resolve

        if self.viewing_other:
            self.statusBar().showMessage(
                f"Showing {self.editor.annotator}'s labels (read-only): their review is theirs.", 6000
            )
            return
        try:
            if label is None:
                accept_proposals(self.project, [item.id])
            else:
                resolve(self.project, item.id, label)
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"Not done: {exc}", 8000)
            self.refresh_review()
            return
        items = self.review_panel.items
        index = next((i for i, it in enumerate(items) if it.id == item.id), -1)
        following = items[index + 1].id if 0 <= index < len(items) - 1 else ""
        if item.document_id == self.document_id:
            if item.table == "events":
                self.refresh_state(Change(item.document_id, frames=True))
            else:
                self.refresh_state(Change(item.document_id, spans=True, span_ids=(item.id,)))
        self.refresh_review(following)
        chosen = label if label is not None else item.label
        left = len(self.review_panel.items)
        self.statusBar().showMessage(
            f"«{item.surface}» is {chosen} now; "
            + (f"{left} left here." if left else "nothing here awaits review any more."),
            6000,
        )
        if left:
            self.review_panel.focus_list()
        else:
            self.view.setFocus()

    def show_review_queue(self):
        """Project → Schema review queue: this person's queued annotations across the project; Enter opens
        the document with the review list on that annotation."""
        from annotator.services.schema_change import review_queue
        from annotator.ui.review_panel import ReviewQueueDialog

        dialog = ReviewQueueDialog(review_queue(self.project, annotator=self.editor.annotator), self)
        dialog.opened.connect(lambda item: self._open_review_item(dialog, item))
        self.review_queue_dialog = dialog
        dialog.show()
        return dialog

    def _open_review_item(self, dialog, item) -> None:
        dialog.accept()
        if item.document_id != self.document_id:
            self.open_document_id(item.document_id)
            if self.document_id != item.document_id:
                self.open_document(item.document_id)
        self.refresh_review(item.id)
        self.focus_review()
