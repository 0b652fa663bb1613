"""Search across the project, zoom, snapping and the romanized reading aid.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QListWidgetItem,
)

from annotator.crashlog import describe
from annotator.ui.window_base import WindowBase

#: the romanized reading aid shows at most this many characters of a text with nothing selected
ROMANIZED_CHARS = 100_000


class SearchMixin(WindowBase):
    def zoom(self, steps: int | None) -> None:
        if steps is None:
            self.view.set_zoom(0)
        else:
            self.view.zoom(steps)
        self.romanized.setFont(self.view.font())
        self.settings.zoom = self.view.zoom_level
        self.settings.save()

    def set_snap(self, on: bool) -> None:
        self.view.snap_to_tokens = on
        self.settings.snap_to_tokens = on
        self.settings.save()

    def set_scheme(self, scheme: str) -> None:
        self.settings.romanization = scheme
        self.view.romanization = scheme  # the tooltips read it too
        self.settings.save()
        for name, action in self.scheme_actions.items():
            action.blockSignals(True)
            action.setChecked(name == scheme)
            action.blockSignals(False)
        if self.romanized.isVisible():
            self.update_romanized()

    def show_romanized(self, on: bool) -> None:
        self.romanized.setVisible(on)
        if on:
            self.update_romanized()

    def update_romanized(self) -> None:
        from annotator.text import romanize

        span = self._span(self.view.selected_span_id())
        start, end = self.view.snapped_selection()
        note = ""
        if span is not None:
            source = self.view.text[span.start : span.end]
        elif start != end:
            source = self.view.text[start:end]
        else:
            # the whole text, or the beginning of a long one (romanizing a 20 MB article took seconds)
            source = self.view.text[:ROMANIZED_CHARS]
            if len(source) < len(self.view.text):
                total = len(self.view.text)
                note = f"\n\n[the first {len(source):,} of {total:,} characters: select to see more]"
        shown = romanize(source, self.settings.romanization) + note
        self.romanized.setPlainText(shown)
        self.romanized.moveCursor(QTextCursor.MoveOperation.Start)  # read from the top
        self.romanized.verticalScrollBar().setValue(0)

    def focus_search(self) -> None:
        self.search_dock.raise_()
        self.search_box.setFocus()
        self.search_box.selectAll()

    def run_search(self) -> None:
        from annotator.services.search import search_documents

        query = self.search_box.text().strip()
        if not query:
            return
        project = self.project
        self.background(
            "Searching",
            lambda progress, cancel: search_documents(project, query, progress=progress, cancel=cancel),
            self._show_search_results,
            lambda exc: self.statusBar().showMessage(f"Search failed: {describe(exc)}", 6000),
        )

    def _show_search_results(self, hits) -> None:
        self.search_results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.title or hit.external_id}\n{hit.snippet}")
            item.setData(Qt.ItemDataRole.UserRole, (hit.document_id, hit.matches[0] if hit.matches else None))
            item.setToolTip(f"score {hit.score:.2f} · {hit.external_id}")
            self.search_results.addItem(item)
        if not hits:
            self.search_results.addItem(QListWidgetItem("No document matches."))
        else:
            self.search_results.setCurrentRow(0)  # the query keeps the focus: a second query needs no Ctrl+F
        self.statusBar().showMessage(f"{len(hits)} document(s) found", 4000)

    def _open_search_result(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        document_id, match = data

        def show_match() -> None:
            if match is not None:
                self.view.select_range(match.start, match.end)
                self.view.ensureCursorVisible()
            self.view.setFocus()

        self.open_document_id(document_id)
        self.when_open(document_id, show_match)  # a long document arrives later
