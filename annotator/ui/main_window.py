"""The annotation workbench: document list, document view, palette, annotations, sentiment, search."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QTextCursor, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.crashlog import describe
from annotator.errors import AnnotatorError
from annotator.services.annotate import (
    AddSpans,
    Change,
    DeleteSpans,
    DocumentState,
    Editor,
    Relabel,
    SetPolarity,
    SetTone,
    SetWork,
    WorkState,
    label_all,
    relabel_attributes,
)
from annotator.services.documents import document_row, list_documents, load_text
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.ui.document_list import DocumentListModel
from annotator.ui.document_view import DocumentView
from annotator.ui.panels import AnnotationList, EventsPanel, LabelPalette, SentimentPanel
from annotator.ui.prompts import ask_multiline
from annotator.ui.tasks import BackgroundTask
from annotator.ui.undo import CoreCommand

#: Qt's named keys as annotator.keymap writes them.
KEY_NAMES = {
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "Return",
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Delete: "Delete",
}


def annotator_for(project: Project, settings: Settings) -> str:
    """Who labels in this window: a work package's own annotator, else the name in the settings."""
    package = project.package
    return package["annotator"] if package else settings.annotator


FILTERS = [
    ("All documents", set(), False),
    ("To do", {"todo"}, False),
    ("In progress", {"in_progress"}, False),
    ("Not done", {"todo", "in_progress"}, False),
    ("Done", {"done"}, False),
    ("Skipped", {"skipped"}, False),
    ("Flagged for discussion", set(), True),
]


class MainWindow(QMainWindow):
    def __init__(self, project: Project, settings: Settings):
        super().__init__()
        self.settings = settings
        self.project = project
        self.editor = Editor(project, annotator_for(project, settings))
        self.undo_stack = QUndoStack(self)
        self.document_id: int | None = None
        self.state: DocumentState | None = None
        self.suggestions: list = []  # the open suggestions shown on this document (services.suggestions)
        self._lasting_message = ""  # a status line with no time-out, cleared by the next saved change
        self._focus_message = ""  # the line about the focused suggestion, cleared when focus moves
        self._tasks: list[BackgroundTask] = []
        self._build()
        self._fit_to_screen()
        self._load_project()
        self.poll_timer = QTimer(self)
        self.poll_timer.timeout.connect(self._poll_documents)
        self.poll_timer.start(self.POLL_MS)

    # ------------------------------------------------------------------ building

    def _fit_to_screen(self) -> None:
        """Open within the screen's free area (a 1366×768 laptop, 200 % scaling) and give the text the
        larger part: the side panels take at most about a fifth of the width each."""
        from annotator.ui.geometry import fit_to_screen

        size = self.settings.window_size
        wanted = (
            (int(size[0]), int(size[1]))
            if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 200 for v in size)
            else (1400, 860)
        )
        width, _height = fit_to_screen(self, *wanted)
        self._default_docks(width)
        state = self.settings.window_state
        if isinstance(state, str) and state:  # the docks as the person left them
            self.restoreState(QByteArray.fromBase64(state.encode("ascii", "replace")))

    def _default_docks(self, width: int) -> None:
        self.resizeDocks(
            [self.list_dock, self.palette_dock],
            [min(340, int(width * 0.2)), min(330, int(width * 0.22))],
            Qt.Orientation.Horizontal,
        )

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._keep_text_wide)

    def _keep_text_wide(self) -> None:
        """Docks restored from a wider screen must not squeeze the text: it keeps half the width at least."""
        if self.centralWidget().width() < self.width() // 2:
            self._default_docks(self.width())

    def _remember_layout(self) -> None:
        self.settings.window_size = [self.width(), self.height()]
        self.settings.window_state = bytes(self.saveState().toBase64().data()).decode("ascii")

    def _build(self) -> None:
        self.view = DocumentView()
        self.view.snap_to_tokens = self.settings.snap_to_tokens
        self.view.romanization = self.settings.romanization
        self.view.set_zoom(self.settings.zoom)
        self.view.hotkey.connect(self._on_hotkey)
        self.view.suggestionSelected.connect(self._on_suggestion_selected)
        self.view.spanSelected.connect(self._on_span_selected)
        self.view.eventClicked.connect(self.activate_event)
        self.view.escaped.connect(lambda: self.activate_event(""))
        self.view.selectionSnapped.connect(lambda s, e: self._on_span_selected(""))
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.romanized = QPlainTextEdit()
        self.romanized.setReadOnly(True)
        self.romanized.setVisible(False)
        self.romanized.setFont(self.view.font())
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(4, 4, 4, 4)
        center_layout.addWidget(self.title)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.romanized)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        center_layout.addWidget(splitter)
        self.setCentralWidget(center)

        # document list
        self.list_model = DocumentListModel()
        self.list_view = QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.list_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths for the short columns: ResizeToContents would read every row of 100,000 on a reset
        metrics = self.list_view.fontMetrics()
        for col, sample in ((1, "hi-en"), (2, "in progress"), (3, "Labels")):
            self.list_view.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.list_view.setColumnWidth(col, metrics.horizontalAdvance(sample) + 18)
        self.list_view.selectionModel().currentRowChanged.connect(self._on_list_current)
        self.filter_box = QComboBox()
        # "Flagged for discussion" must not set the panel's least width: the text column has priority
        self.filter_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter_box.setMinimumContentsLength(8)
        for name, _, _ in FILTERS:
            self.filter_box.addItem(name)
        self.filter_box.currentIndexChanged.connect(self._on_filter)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(self.filter_box)
        left_layout.addWidget(self.list_view)
        self.list_dock = self._dock("Documents", left, Qt.DockWidgetArea.LeftDockWidgetArea)

        # right side
        self.palette_widget = QWidget()
        self.palette_layout = QVBoxLayout(self.palette_widget)
        self.palette_layout.setContentsMargins(4, 4, 4, 4)
        self.palette_dock = self._dock("Labels", self.palette_widget, Qt.DockWidgetArea.RightDockWidgetArea)
        self.annotations = AnnotationList()
        self.annotations.spanActivated.connect(lambda sid: self.view.select_span(sid))
        self.annotations_dock = self._dock(
            "Annotations", self.annotations, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.events_panel = EventsPanel()
        self.events_panel.eventActivated.connect(self.activate_event)
        self.events_panel.relationActivated.connect(self._select_relation)
        self.events_dock = self._dock(
            "Events and relations", self.events_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.tabifyDockWidget(self.annotations_dock, self.events_dock)
        self._panel_stale = False
        self.problems: dict[str, list[str]] = {}
        self.events_dock.visibilityChanged.connect(lambda visible: visible and self._update_events_panel())
        self.annotations_dock.raise_()
        self.sentiment_holder = QWidget()
        self.sentiment_layout = QVBoxLayout(self.sentiment_holder)
        self.sentiment_layout.setContentsMargins(4, 4, 4, 4)
        self._dock("Sentiment", self.sentiment_holder, Qt.DockWidgetArea.RightDockWidgetArea)

        # search
        search = QWidget()
        search_layout = QVBoxLayout(search)
        search_layout.setContentsMargins(4, 4, 4, 4)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search the project: pahalgam, पहलगाम, Pakistan …")
        self.search_box.returnPressed.connect(self.run_search)
        self.search_results = QListWidget()
        self.search_results.itemActivated.connect(self._open_search_result)
        search_layout.addWidget(self.search_box)
        search_layout.addWidget(self.search_results)
        self.search_dock = self._dock("Search", search, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.list_dock, self.search_dock)
        self.list_dock.raise_()

        self.progress_label = QLabel()
        self.statusBar().addPermanentWidget(self.progress_label)
        self._build_actions()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu, text: str, slot, shortcut=None, *, checkable=False, checked=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        if checkable:
            action.setChecked(checked)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New project…", self.new_project, QKeySequence.StandardKey.New)
        self._action(file, "&Open project…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self._action(file, "&Import files…", self.import_files_dialog, "Ctrl+I")
        self._action(file, "Import &folder…", self.import_folder_dialog)
        self._action(file, "Import from another &tool…", self.import_foreign_dialog)
        self._action(file, "&Export JSONL…", self.export_dialog, "Ctrl+E")
        self._action(file, "Export &dataset…", self.export_dataset_dialog, "Ctrl+Shift+E")
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file, "&Work as…", self.work_as_dialog)
        file.addSeparator()
        self._action(file, "Export work &package…", self.export_package_dialog)
        self._action(file, "Import work packa&ges…", self.import_packages_dialog)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            edit.addAction(action)
            self.addAction(action)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self._action(edit, "&Delete selected span", self.delete_selected, "Del")
        self._action(edit, "Label &all occurrences", self.label_all_occurrences, "Ctrl+Shift+L")

        doc = bar.addMenu("&Document")
        self._action(doc, "Mark &done and go to next", self.mark_done, "Ctrl+Return")
        self._action(doc, "&Skip and go to next", self.skip, "Ctrl+Shift+K")
        self._action(doc, "&Flag for discussion…", self.flag, "Ctrl+Shift+F")
        doc.addSeparator()
        self._action(doc, "&Next document", lambda: self.step(1), "Ctrl+PgDown")
        self._action(doc, "&Previous document", lambda: self.step(-1), "Ctrl+PgUp")
        doc.addSeparator()
        self.tone_actions = []
        scale = self.project.schema.document_sentiment
        for i, level in enumerate(scale.levels if scale else (), 1):
            action = self._action(
                doc, f"Tone {level.label}", lambda v=level.value: self.set_tone(v), f"Alt+{i}"
            )
            action.setCheckable(True)  # the document's tone is ticked in the menu
            action.setData(level.value)
            self.tone_actions.append(action)
        self._action(doc, "Clear tone", lambda: self.set_tone(None), "Alt+0")

        view = bar.addMenu("&View")
        self._action(view, "Show labels &of…", self.show_labels_of, "Ctrl+Shift+O")
        view.addSeparator()
        zoom_in = self._action(view, "Zoom &in", lambda: self.zoom(1), QKeySequence.StandardKey.ZoomIn)
        zoom_in.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
        self._action(view, "Zoom &out", lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut)
        self._action(view, "Reset zoom", lambda: self.zoom(None), "Ctrl+0")
        view.addSeparator()
        self.snap_action = self._action(
            view,
            "Snap selection to &words",
            self.set_snap,
            "Ctrl+T",
            checkable=True,
            checked=self.view.snap_to_tokens,
        )
        self.romanized_action = self._action(
            view, "&Romanized reading aid", self.show_romanized, "Ctrl+R", checkable=True
        )
        scheme_menu = view.addMenu("Romanization scheme")
        self.scheme_actions = {}
        for scheme, name in (("iast", "IAST"), ("itrans", "ITRANS"), ("readable", "Readable Hindi")):
            action = self._action(
                scheme_menu,
                name,
                lambda on, s=scheme: on and self.set_scheme(s),
                checkable=True,
                checked=self.settings.romanization == scheme,
            )
            self.scheme_actions[scheme] = action
        team = bar.addMenu("&Team")
        self._action(team, "&Agreement…", self.show_agreement, "Ctrl+Shift+G")
        self._action(team, "A&djudication…", self.show_adjudication, "Ctrl+Shift+J")
        search = bar.addMenu("&Search")
        self._action(search, "&Find in project…", self.focus_search, QKeySequence.StandardKey.Find)
        suggest = bar.addMenu("Su&ggestions")
        self._action(
            suggest, "Suggest &again for this document", lambda: self.load_suggestions(True), "Ctrl+G"
        )
        self._action(suggest, "Suggest for &all documents…", self.suggest_all)
        self._action(suggest, "&Train the model now", self.train_model)
        self._action(suggest, "&Settings…", self.suggestion_settings)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keys", self.show_keys, "F1")

    def show_keys(self) -> None:
        """Every key for this project's schema: the table the window dispatches through, and the menus'."""
        from annotator.ui.keys_dialog import KeysDialog

        shortcuts = [
            (a.shortcut().toString(), a.text().replace("&", ""))
            for a in self.actions()
            if not a.shortcut().isEmpty()
        ]
        self.keys_dialog = KeysDialog(self.project.schema, shortcuts, self)
        self.keys_dialog.show()

    # ------------------------------------------------------------------ project

    def _load_project(self) -> None:
        schema = self.project.schema
        self.colors = {e.name: e.color for e in schema.entities}
        from annotator.schema.keys import usable_keys

        self.hotkeys, self.event_hotkeys, self.relation_hotkeys, self.shadowed_keys = usable_keys(schema)
        self.event_colors = {e.name: e.color for e in schema.events}
        self.view.set_event_colors(self.event_colors)
        self.recent_event_types: list[str] = []
        self.frames = None
        self.active_event = ""
        self.marked_span = ""
        self.selected_relation = ""
        self.view.set_label_colors(self.colors)
        while self.palette_layout.count():
            self.palette_layout.takeAt(0).widget().deleteLater()
        while self.sentiment_layout.count():
            self.sentiment_layout.takeAt(0).widget().deleteLater()
        self.palette = LabelPalette(schema, self.hotkeys)
        self.palette.setMinimumHeight(
            min(12, self.palette.count()) * (self.palette.fontMetrics().height() + 4) + 8
        )
        self.palette.labelChosen.connect(self.apply_label)
        self.palette_layout.addWidget(self.palette)
        self.sentiment = SentimentPanel(schema)
        self.sentiment.toneChosen.connect(self.set_tone)
        self.sentiment.polarityChosen.connect(self.set_polarity)
        self.sentiment_layout.addWidget(self.sentiment)
        self.undo_stack.clear()
        self.document_id = None
        self.reload_list()
        self.setWindowTitle(f"annotator — {Path(self.project.location).name} — {self.editor.annotator}")
        self.settings.remember_project(self.project.location)
        self.settings.save()
        first = self._first_unfinished_row()
        if first is not None:
            self.open_row(first)
        if self.shadowed_keys:  # a schema stored before the workbench's keys were refused
            said = "; ".join(self.shadowed_keys)
            self.statusBar().showMessage(f"{said} (Help → Keys lists every key).", 15000)

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

    #: How often the window looks for documents another process added (ms).
    POLL_MS = 3000

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
        if newest > getattr(self, "_newest", newest):
            before = self.list_model.rowCount()
            self._reload_keeping_document()
            added = self.list_model.rowCount() - before
            if added > 0:
                self.statusBar().showMessage(f"{added} new document(s) arrived in the project.", 6000)

    def switch_project(self, project: Project) -> None:
        old = self.project
        self.project = project
        self.editor = Editor(project, annotator_for(project, self.settings))
        self._load_project()
        if old is not project:
            old.close()

    def _update_progress(self) -> None:
        done, total = self.list_model.done_count()
        self.progress_label.setText(f"{done} / {total} done  ·  {self.editor.annotator}")

    # ------------------------------------------------------------------ documents

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

    def open_document(self, document_id: int) -> None:
        if document_id == self.document_id:
            return
        doc = load_text(self.project, document_id)
        self.document_id = document_id
        self.statusBar().clearMessage()  # what was said was about the document just left
        self._lasting_message = ""
        self.active_event = self.marked_span = self.selected_relation = ""
        self.view.set_marked("")
        self.title.setText(
            f"<b>{doc.title or doc.external_id}</b>  <span style='color:#777'>{doc.external_id}</span>"
        )
        self.view.set_document(doc.text)
        self.refresh_state()
        if self.romanized.isVisible():
            self.update_romanized()
        self.view.setFocus()

    # ------------------------------------------------------------------ suggestions

    def load_suggestions(self, recompute: bool = False) -> BackgroundTask | None:
        """Show the open suggestions on this document: made (by the enabled sources) the first time it is
        opened, or when ``recompute``; none on a document the annotator finished unless asked for again
        (Ctrl+G), nor while viewing someone else's labels. The work runs off the GUI thread, so opening a
        document never waits for it; the result is shown if the document is still open."""
        from annotator.services.suggestions import (
            compute_suggestions,
            get_settings,
            has_suggestions,
            open_suggestions,
        )

        if recompute:
            self._suggesting_finished = self.document_id
        finished = (
            self.state is not None
            and self.state.work.status in ("done", "skipped")
            and getattr(self, "_suggesting_finished", None) != self.document_id
        )
        self._show_suggestions([])
        if self.document_id is None or self.viewing_other or finished:
            return None
        project, document_id, name, text = (
            self.project,
            self.document_id,
            self.editor.annotator,
            self.view.text,
        )

        def job(progress, cancel):
            if not get_settings(project).sources:
                return []  # suggestions are off
            if recompute or not has_suggestions(project, document_id, name):
                return compute_suggestions(project, document_id, name, text=text)
            return open_suggestions(project, document_id, name)

        def done(found) -> None:
            if document_id == self.document_id:
                self._show_suggestions(found)
                if found and recompute:
                    self.statusBar().showMessage(f"{len(found)} suggestion(s): Tab goes to the next.", 5000)

        task = BackgroundTask("Suggesting", job, self, show_progress=False)
        task.done.connect(done)
        task.error.connect(lambda exc: self.statusBar().showMessage(f"No suggestions: {exc}", 8000))
        self._keep(task)
        self.suggestion_task = task
        # started once the event loop is back, so that the document is laid out and painted first
        QTimer.singleShot(0, task.start)
        return task

    def _reload_suggestions(self) -> None:
        """After a suggestion was accepted, rejected or brought back: the open ones, at once."""
        from annotator.services.suggestions import open_suggestions

        if self.document_id is not None and not self.viewing_other:
            self._show_suggestions(open_suggestions(self.project, self.document_id, self.editor.annotator))

    def _settle_suggestions(self, span_ids: tuple[str, ...] = ()) -> None:
        """What was made by hand settles the suggestions it covers (labels: entity suggestions; event
        triggers: trigger suggestions): those stop being drawn (nothing else moves)."""
        gone = self._settled(self.suggestions)
        if gone:
            self.suggestions = [s for s in self.suggestions if s.id not in gone]
            self.view.drop_suggestions(gone)

    def _settled(self, suggestions: list) -> set[str]:
        from annotator.services.suggestions import settled_by

        spans = [(sp.start, sp.end) for sp in self.state.spans] if self.state else []
        frames = getattr(self, "frames", None)
        current = frames is not None and self.state is not None and frames.document_id == self.document_id
        triggers = [(e.start, e.end) for e in frames.events] if current else []
        return settled_by(suggestions, spans, triggers)

    def _show_suggestions(self, suggestions: list) -> None:
        """Draw ``suggestions`` but those that labels or events made by hand now cover."""
        gone = self._settled(suggestions)
        self.suggestions = [s for s in suggestions if s.id not in gone]
        self.view.set_suggestions([(s.id, s.start, s.end, s.label, s.kind) for s in self.suggestions])

    def _on_suggestion_selected(self, suggestion_id: str) -> None:
        found = next((s for s in self.suggestions if s.id == suggestion_id), None)
        if found is not None:
            what = "event" if found.kind == "event" else "label"
            detail = f", {found.detail}" if found.detail else ""
            self._focus_message = (
                f"Suggested {what} {found.label} ({found.source}{detail}, score {found.score:.2f}) — Enter "
                f"accepts, Shift+Enter every {found.label} suggestion here, Backspace rejects, Tab next."
            )
            self.statusBar().showMessage(self._focus_message)

    def _clear_focus_message(self) -> None:
        """The line about a focused suggestion goes once it is decided or the focus moves on."""
        if self._focus_message and self.statusBar().currentMessage() == self._focus_message:
            self.statusBar().clearMessage()
        self._focus_message = ""

    def _decide_suggestion(self, accept: bool, all_of_label: bool = False) -> None:
        from annotator.services.suggestions import AcceptSuggestions, RejectSuggestions

        current = next((s for s in self.suggestions if s.id == self.view.current_suggestion()), None)
        if current is None or self.document_id is None:
            return
        chosen = (
            [s for s in self.suggestions if (s.label, s.kind) == (current.label, current.kind)]
            if all_of_label
            else [current]
        )
        ids = [s.id for s in self.suggestions]
        following = [
            i
            for i in ids[ids.index(current.id) + 1 :] + ids[: ids.index(current.id)]
            if i not in {c.id for c in chosen}
        ]
        command = (AcceptSuggestions if accept else RejectSuggestions)(self.document_id, chosen)
        self._clear_focus_message()
        self.run(command)
        if accept and current.kind == "event" and not all_of_label and current.id in command.made:
            # the accepted trigger's event becomes the active one: its roles are the digits now
            self.activate_event(command.made[current.id])
            return
        if following and following[0] in self.view.suggestion_ids():
            self.view.select_suggestion(following[0], advanced=True)
        if accept and self.document_id is not None:
            self.statusBar().showMessage(
                f"Accepted {len(chosen)} {current.label} suggestion(s) ({current.source}).", 3000
            )

    def accept_suggestion(self, all_of_label: bool = False) -> None:
        self._decide_suggestion(True, all_of_label)

    def reject_suggestion(self) -> None:
        self._decide_suggestion(False)

    def suggest_all(self) -> BackgroundTask:
        from annotator.services.suggestions import suggest_documents

        project, name = self.project, self.editor.annotator
        task = BackgroundTask(
            "Suggesting",
            lambda progress, cancel: suggest_documents(project, name, progress=progress, cancel=cancel),
            self,
        )
        task.done.connect(
            lambda r: (self.statusBar().showMessage(r.summary(), 8000), self.load_suggestions())
        )
        task.error.connect(lambda exc: QMessageBox.critical(self, "Suggestions", describe(exc)))
        self._keep(task)
        task.start()
        return task

    def train_model(self, quiet: bool = False) -> BackgroundTask:
        """Train the suggestion model in the background; its measured figures go to the status bar."""
        from annotator.services.suggestions import train_model

        project = self.project
        task = BackgroundTask(
            "Training the suggestion model",
            lambda progress, cancel: train_model(project, progress=progress, cancel=cancel),
            self,
            show_progress=not quiet,  # retraining by itself after "done" does not interrupt
        )

        def done(info) -> None:
            m = info.metrics
            self.statusBar().showMessage(
                f"Model trained on {info.documents} document(s): precision {m['precision']:.2f}, recall "
                f"{m['recall']:.2f}, F1 {m['f1']:.2f} on {m['held_out_documents']} held out "
                f"(most-frequent-label baseline F1 {m['baseline']['f1']:.2f}).",
                12000,
            )

        task.done.connect(done)
        if quiet:
            task.error.connect(lambda exc: self.statusBar().showMessage(f"Model not trained: {exc}", 8000))
        else:
            task.error.connect(lambda exc: QMessageBox.warning(self, "Suggestion model", describe(exc)))
        self._keep(task)
        task.start()
        return task

    def suggestion_settings(self) -> None:
        from annotator.ui.suggestion_dialog import SuggestionSettingsDialog

        dialog = SuggestionSettingsDialog(self.project, self)
        if dialog.exec() == SuggestionSettingsDialog.DialogCode.Accepted:
            dialog.save()
            self.load_suggestions(recompute=True)

    def refresh_state(self, change: Change | None = None) -> None:
        if self.document_id is None:
            return
        if change is not None and self.state is not None and self.state.document_id == self.document_id:
            self.state = self.editor.refresh(self.state, change)
        else:
            self.state = self.editor.state(self.document_id)
        if change is None or change.spans or change.polarities:
            self.view.set_spans(self.state.spans, self.state.polarities)
            self.annotations.show_spans(self.view.text, self.state.spans, self.state.polarities, self.colors)
        if change is None or change.frames or (change.spans and not change.added):
            self.refresh_frames()
            if change is not None and change.frames and not change.suggestions:
                self._settle_suggestions()  # an event made by hand settles trigger suggestions under it
        if change is None:
            self.load_suggestions()
        elif change.suggestions:
            self._reload_suggestions()
        elif change.added:
            self._settle_suggestions(change.span_ids)
        elif change.spans:
            self._reload_suggestions()  # a label went or moved: what it covered may show again
        self.sentiment.show_tone(self.state.tone)
        for action in self.tone_actions:
            action.setChecked(action.data() == self.state.tone)
        self._on_span_selected(self.view.selected_span_id())
        work = self.state.work
        extra = "  ·  ⚑ flagged: " + (work.comment or "") if work.flagged else ""
        self.sentiment.status.setText(f"Status: {work.status.replace('_', ' ')}{extra}")

    def refresh_frames(self) -> None:
        """Reload events, relations and links; repaint them; list frames and problems."""
        from annotator.services.frames import load_frames

        if self.document_id is None or self.state is None:
            return
        self.frames = load_frames(self.editor, self.document_id)
        if self.active_event and not any(e.id == self.active_event for e in self.frames.events):
            self.active_event = ""
        spans = {s.id: s for s in self.state.spans}
        arcs = [
            (spans[r.from_id].start, spans[r.from_id].end, spans[r.to_id].start, spans[r.to_id].end, r.type)
            for r in self.frames.relations
            if r.from_id in spans and r.to_id in spans
        ]
        self.view.set_frames(
            [(e.id, e.type, e.start, e.end) for e in self.frames.events],
            self.active_event,
            self._active_arguments(),
            arcs,
        )
        self._panel_stale = True
        if self.events_panel.isVisible():
            self._update_events_panel()

    def _update_events_panel(self) -> None:
        """Frames and schema problems in the panel; done only while it can be seen (it is rebuilt when
        its tab is shown), so opening a document with hundreds of events does not wait for it."""
        from annotator.services.frames import frame_problems

        if not self._panel_stale or self.frames is None or self.state is None:
            return
        self._panel_stale = False
        labels = {s.id: (s.start, s.end, s.label) for s in self.state.spans}
        self.problems = frame_problems(self.project.schema, self.frames, {k: v[2] for k, v in labels.items()})
        self.events_panel.show_frames(
            self.project.schema,
            self.view.text,
            self.frames,
            labels,
            self.problems,
            self.active_event,
            self.event_colors,
        )

    def _active_arguments(self) -> list[tuple[int, int, str]]:
        if not self.active_event or self.frames is None or self.state is None:
            return []
        events = {e.id: e for e in self.frames.events}
        frame = events.get(self.active_event)
        if frame is None:
            return []
        spans = {s.id: s for s in self.state.spans}
        out = []
        for arg in frame.arguments:
            target = spans.get(arg.filler_id) if arg.filler_kind == "entity" else events.get(arg.filler_id)
            if target is not None:
                out.append((target.start, target.end, arg.role))
        return out

    def activate_event(self, event_id: str) -> None:
        """Make an event the one whose roles the digit keys fill ("" leaves it). Nothing is reloaded:
        only the highlight and the panel's open frame change."""
        if self.frames is None:
            return
        if event_id and not any(e.id == event_id for e in self.frames.events):
            self.refresh_frames()  # made by a command just now
        self.active_event = event_id
        self.selected_relation = ""
        self.view.set_active_event(event_id, self._active_arguments())
        if event_id:
            self.events_dock.raise_()
            self._update_events_panel()
        self.events_panel.set_active(event_id)
        if event_id:
            frame = next(e for e in self.frames.events if e.id == event_id)
            roles = self.project.schema.event_type(frame.type).role_names
            keys = "  ".join(f"{n % 10} {r}" for n, r in enumerate(roles, 1) if n <= 10)
            self.statusBar().showMessage(
                f"{frame.type} active — select a span and press: {keys}  (Esc leaves)"
            )
            self.events_dock.raise_()
        else:
            self.statusBar().clearMessage()

    def _select_relation(self, relation_id: str) -> None:
        self.selected_relation = relation_id
        self.statusBar().showMessage("Relation selected — Delete removes it.", 4000)

    def _on_change(self, change: Change) -> None:
        """After any command (do, undo, redo): refresh what it touched, and show where it happened."""
        if change.document_id != self.document_id:
            self.open_document_id(change.document_id)
        else:
            self.refresh_state(change)
        if change.work or change.spans:
            self.list_model.update_row(
                document_row(self.project, self.editor.annotator_id, change.document_id)
            )
            self._update_progress()

    def run(self, command) -> None:
        if self.viewing_other:
            self.statusBar().showMessage(
                f"Showing {self.editor.annotator}'s labels (read-only): "
                "View → Show labels of… → yourself to edit.",
                6000,
            )
            return
        from annotator.services.project import is_connection_error, unreachable_message

        try:
            change = command.apply(self.editor)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "annotator", str(exc))
            return
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            message = unreachable_message(exc)
            self._say_until_next_change(message[0].upper() + message[1:])
            return
        if self._lasting_message:  # the server is back: the outage line is no longer true
            self._lasting_message = ""
            self.statusBar().clearMessage()
        self.undo_stack.push(CoreCommand(command, self.editor, self._refresh_after, applied=change))

    def _say_until_next_change(self, message: str) -> None:
        """A status line that stays (an outage) until a change is saved or another document opens."""
        self._lasting_message = message
        self.statusBar().showMessage(message)

    def _refresh_after(self, change) -> None:
        """Views after a change; a change that was saved is never reported as failed because the server
        went away before the views could read it back."""
        from annotator.services.project import is_connection_error

        try:
            self._on_change(change)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            self._say_until_next_change(
                "Saved. The view could not be refreshed: the database server is unreachable; it will be "
                "refreshed with the next action once the server is back."
            )

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

    # ------------------------------------------------------------------ labelling

    def _key_actions(self) -> dict[str, Callable[[str], None]]:
        """The intents the keys of :data:`annotator.keymap.WORKBENCH_KEYS` name, given their argument."""
        return {
            "accept_suggestion": lambda _a: self.accept_suggestion(),
            "accept_all_suggestions": lambda _a: self.accept_suggestion(all_of_label=True),
            "reject_suggestion": lambda _a: self.reject_suggestion(),
            "delete_selected": lambda _a: self.delete_selected(),
            "fill_role": lambda digit: self.fill_role(int(digit) or 10),
            "set_polarity": self.set_polarity,
            "create_event": lambda _a: self.create_event(None),
            "mark_relation_source": lambda _a: self.mark_relation_source(),
            "cycle_attribute": lambda name: self.cycle_attribute(name),
            "cycle_attribute_back": lambda name: self.cycle_attribute(name, back=True),
            "move_boundary": self.move_boundary,
            "edit_counts": lambda _a: self.edit_counts(),
            "edit_note": lambda _a: self.edit_note(),
            "edit_link": lambda _a: self.edit_link(),
        }

    def _on_hotkey(self, event: QKeyEvent) -> None:
        """A key the text view does not handle: the workbench's keys (declared in annotator.keymap), in
        the context that applies, then the schema's label, event and relation keys."""
        from annotator.keymap import named_bindings, typed_bindings

        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return
        text = event.text()
        named = KEY_NAMES.get(Qt.Key(event.key()), "")
        if named and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            named = f"Shift+{named}"
        contexts = ["suggestion"] if self.view.current_suggestion() else []
        contexts += ["event"] if self.active_event else []
        contexts.append("always")
        actions = self._key_actions()
        for context in contexts:
            named_keys = named_bindings(context)
            binding = (
                named_keys.get(named)
                or named_keys.get(named.removeprefix("Shift+"))
                or typed_bindings(context).get(text)
            )
            if binding is not None:
                actions[binding.action](binding.argument)
                return
        if text in self.hotkeys:
            # exact: entity keys are lower case; upper case (Shift) belongs to relation types
            self.apply_label(self.hotkeys[text])
        elif text in self.event_hotkeys:
            self.create_event(self.event_hotkeys[text])
        elif text in self.relation_hotkeys:
            self.add_relation(self.relation_hotkeys[text])

    # ------------------------------------------------------------------ events and relations

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

    def _span(self, span_id: str):
        return next((s for s in self.state.spans if s.id == span_id), None) if self.state else None

    def apply_label(self, label: str) -> None:
        """Label the selection; or, with a span selected and no selection, relabel that span."""
        if self.document_id is None or self.state is None:
            return
        start, end = self.view.snapped_selection()
        if start != end:
            existing = next(
                (s for s in self.state.spans if (s.start, s.end, s.label) == (start, end, label)), None
            )
            if existing is None:
                defaults = self.project.schema.attribute_defaults("entity", label)
                command = AddSpans(self.document_id, [(start, end, label)], defaults)
                self.run(command)
                new_id = command.spans[0].id
            else:
                new_id = existing.id
            cursor = self.view.textCursor()
            cursor.clearSelection()
            self.view.setTextCursor(cursor)
            self.view.select_span(new_id, ensure_visible=False)
            return
        span = self._span(self.view.selected_span_id())
        if span is not None and span.label != label:
            attributes = relabel_attributes(self.project.schema, span, label)
            self.run(Relabel(self.document_id, span, label, attributes))

    def delete_selected(self) -> None:
        """Delete the selected span (its roles and relations go with it, and come back on undo); else the
        selected relation; else the active event (its arguments, not their entities)."""
        from annotator.services.frames import DeleteEvent, DeleteRelation

        if self.document_id is None:
            return
        span = self._span(self.view.selected_span_id())
        if span is not None:
            self.run(DeleteSpans(self.document_id, [span.id]))
            self.view.select_span("", ensure_visible=False)
        elif self.selected_relation:
            self.run(DeleteRelation(self.document_id, self.selected_relation))
            self.selected_relation = ""
        elif self.active_event:
            self.run(DeleteEvent(self.document_id, self.active_event))
            self.activate_event("")

    def label_all_occurrences(self) -> None:
        """Give every occurrence of the selected span's text (or the selection) the same label."""
        if self.document_id is None or self.state is None:
            return
        span = self._span(self.view.selected_span_id())
        if span is not None:
            surface, label = self.view.text[span.start : span.end], span.label
        else:
            start, end = self.view.snapped_selection()
            label = (
                self.palette.currentItem().data(Qt.ItemDataRole.UserRole)
                if self.palette.currentItem()
                else None
            )
            if start == end or label is None:
                self.statusBar().showMessage("Select a labelled span first.", 4000)
                return
            surface = self.view.text[start:end]
        todo = label_all(self.state, self.view.text, surface, label)
        if not todo:
            self.statusBar().showMessage(f"Every occurrence of “{surface}” is already {label}.", 4000)
            return
        defaults = self.project.schema.attribute_defaults("entity", label)
        self.run(AddSpans(self.document_id, todo, defaults))
        self.statusBar().showMessage(
            f"Labelled {len(todo)} more occurrence(s) of “{surface}” as {label}.", 4000
        )

    def set_polarity(self, polarity: str) -> None:
        span = self._span(self.view.selected_span_id())
        if span is None or self.state is None or self.document_id is None:
            self.statusBar().showMessage("Select a span (click it, or Tab) to give it a sentiment.", 4000)
            return
        old = self.state.polarities.get(span.id)
        new = None if old == polarity else polarity
        self.run(SetPolarity(self.document_id, span.id, old, new))

    def set_tone(self, value) -> None:
        if self.state is None or self.document_id is None or value == self.state.tone:
            return
        self.run(SetTone(self.document_id, self.state.tone, value))

    def _on_span_selected(self, span_id: str) -> None:
        self._clear_focus_message()
        span = self._span(span_id)
        if self.state is not None:
            self.sentiment.show_polarity(
                span is not None, self.state.polarities.get(span_id) if span else None
            )
        self.annotations.select_id(span_id if span is not None else "")
        if span is not None:
            if self.romanized.isVisible():
                self.update_romanized()

    # ------------------------------------------------------------------ status

    def _set_work(self, **changes) -> None:
        if self.state is None or self.document_id is None:
            return
        old = self.state.work
        new = WorkState(
            changes.get("status", old.status),
            changes.get("flagged", old.flagged),
            changes.get("comment", old.comment),
        )
        if new != old:
            self.run(SetWork(self.document_id, old, new))

    def mark_done(self) -> None:
        from annotator.services.suggestions import needs_retraining

        self._set_work(status="done")
        self.next_unfinished()
        training = getattr(self, "_training", None)
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

    # ------------------------------------------------------------------ view

    def zoom(self, steps) -> None:
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
        if span is not None:
            source = self.view.text[span.start : span.end]
        elif start != end:
            source = self.view.text[start:end]
        else:
            source = self.view.text
        self.romanized.setPlainText(romanize(source, self.settings.romanization))
        self.romanized.moveCursor(QTextCursor.MoveOperation.Start)  # read from the top
        self.romanized.verticalScrollBar().setValue(0)

    # ------------------------------------------------------------------ search

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
        task = BackgroundTask(
            "Searching",
            lambda progress, cancel: search_documents(project, query, progress=progress, cancel=cancel),
            self,
        )
        task.done.connect(self._show_search_results)
        task.error.connect(lambda exc: self.statusBar().showMessage(f"Search failed: {describe(exc)}", 6000))
        self._keep(task)
        task.start()

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
        self.open_document_id(document_id)
        if match is not None:
            self.view.select_range(match.start, match.end)
            self.view.ensureCursorVisible()
        self.view.setFocus()

    # ------------------------------------------------------------------ files

    def _keep(self, task: BackgroundTask) -> None:
        self._tasks = [t for t in self._tasks if not t.finished]
        self._tasks.append(task)

    def new_project(self) -> None:
        from annotator.services.project import init_project

        path, _ = QFileDialog.getSaveFileName(self, "New project", "", "annotator projects (*.annotator)")
        if not path:
            return
        if not path.endswith(".annotator"):
            path += ".annotator"
        try:
            self.switch_project(init_project(path))
        except Exception as exc:
            QMessageBox.critical(self, "New project", describe(exc))

    def open_project_dialog(self) -> None:
        from annotator.services.project import open_project

        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "annotator projects (*.annotator);;All files (*)"
        )
        if not path:
            return
        try:
            self.switch_project(open_project(path))
        except Exception as exc:
            QMessageBox.critical(self, "Open project", describe(exc))

    def import_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import documents", "", "Documents (*.jsonl *.ndjson *.csv *.txt);;All files (*)"
        )
        if paths:
            self.import_paths(paths)

    def import_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder of documents")
        if path:
            self.import_paths([path])

    def import_paths(self, paths: list[str], **options) -> BackgroundTask:
        """Import in the background; ``options`` as for the service (format, annotator, label map)."""
        from annotator.services.importing import import_paths

        project = self.project
        task = BackgroundTask(
            "Importing",
            lambda progress, cancel: import_paths(
                project, paths, progress=progress, cancel=cancel, **options
            ),
            self,
        )
        task.done.connect(self._import_done)
        task.error.connect(lambda exc: QMessageBox.critical(self, "Import", describe(exc)))
        self._keep(task)
        task.start()
        return task

    def _import_done(self, report) -> None:
        had_document = self.document_id is not None
        self._reload_keeping_document()
        if not had_document and self.list_model.rowCount():
            self.open_row(0)
        message = report.summary()
        if report.errors:
            lines = [f"error: {e}" for e in report.errors] + [f"warning: {w}" for w in report.warnings]
            shown = "\n".join(lines[:10])
            more = f"\n… and {len(lines) - 10} more: Show Details… lists every one" if len(lines) > 10 else ""
            box = QMessageBox(QMessageBox.Icon.Warning, "Import", f"{message}\n\n{shown}{more}", parent=self)
            label = box.findChild(QLabel, "qt_msgbox_label")  # Qt's own name for the message text
            if label is not None:
                label.setMinimumWidth(720)  # a line per problem, not a narrow column
            box.setDetailedText("\n".join(lines))  # every line, selectable and copyable
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.import_report_box = box
            box.open()
        else:
            self.statusBar().showMessage(message, 8000)

    def export_dialog(self) -> None:
        from annotator.services.exporting import export_jsonl

        path, _ = QFileDialog.getSaveFileName(self, "Export native JSONL", "", "JSON Lines (*.jsonl)")
        if not path:
            return
        project = self.project
        task = BackgroundTask(
            "Exporting",
            lambda progress, cancel: export_jsonl(project, path, progress=progress, cancel=cancel),
            self,
        )
        task.done.connect(
            lambda r: self.statusBar().showMessage(f"Exported {r.documents} document(s) to {path}", 8000)
        )
        task.error.connect(lambda exc: QMessageBox.critical(self, "Export", describe(exc)))
        self._keep(task)
        task.start()

    def import_foreign_dialog(self) -> BackgroundTask | None:
        from annotator.ui.dataset_dialogs import ForeignImportDialog

        dialog = ForeignImportDialog(self)
        if dialog.exec() != ForeignImportDialog.DialogCode.Accepted:
            return None
        paths, options = dialog.choice()
        return self.import_paths(paths, **options)

    def export_dataset_dialog(self, dialog=None) -> BackgroundTask | None:
        """Ask for the dataset options (``dialog``: an already filled one, for tests), then export in the
        background with progress; the summary (and any rule applied) is shown when done."""
        from annotator.services.team import list_annotators
        from annotator.ui.dataset_dialogs import DatasetExportDialog

        if dialog is None:
            names = [a.name for a in list_annotators(self.project) if a.name != "gold"]
            dialog = DatasetExportDialog(["gold", "majority", *names], self)
            if dialog.exec() != DatasetExportDialog.DialogCode.Accepted:
                return None
        choice = dialog.choice()
        if choice is None:
            return None
        from annotator.services.datasets import export_dataset

        project = self.project
        task = BackgroundTask(
            "Exporting the dataset",
            lambda progress, cancel: export_dataset(
                project, choice.fmt, choice.out, progress=progress, cancel=cancel, **choice.options
            ),
            self,
        )
        task.done.connect(self._dataset_done)
        task.error.connect(lambda exc: QMessageBox.critical(self, "Export dataset", describe(exc)))
        self._keep(task)
        task.start()
        return task

    def _dataset_done(self, report) -> None:
        self.last_dataset_report = report
        details = [f"{kind}: {n}" for kind, n in sorted(report.checks.counts.items())] + report.notes
        if details:
            QMessageBox.information(self, "Export dataset", report.summary() + "\n\n" + "\n".join(details))
        else:
            self.statusBar().showMessage(report.summary(), 10000)

    def show_agreement(self):
        from annotator.ui.agreement_dialog import AgreementDialog

        dialog = AgreementDialog(self.project, self.open_document_id, self)
        dialog.show()
        dialog.compute()
        self._agreement = dialog
        return dialog

    def show_adjudication(self):
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

    def _fill_recent(self) -> None:
        from annotator.services.project import open_project

        self.recent_menu.clear()
        here = str(self.project.location)
        places = [p for p in self.settings.recent_projects if p != here]
        if not places:
            self.recent_menu.addAction("(no other recent projects)").setEnabled(False)
        for place in places:
            action = self.recent_menu.addAction(place)
            action.triggered.connect(
                lambda _checked=False, p=place: self._open_guarded(lambda: open_project(p), "Open project")
            )

    def _open_guarded(self, opener, title: str) -> None:
        try:
            self.switch_project(opener())
        except Exception as exc:
            QMessageBox.critical(self, title, describe(exc))

    def work_as_dialog(self) -> None:
        """Choose who labels in this window (a shared machine: an adjudicator after an annotator)."""
        from annotator.services.team import list_annotators

        if self.project.package:
            QMessageBox.information(
                self,
                "Work as",
                f"This is {self.project.package['annotator']}'s work package: its labels belong to them.",
            )
            return
        names = [a.name for a in list_annotators(self.project)]
        current = self.settings.annotator
        choices = [current, *(n for n in names if n != current)]
        name, ok = QInputDialog.getItem(
            self, "Work as", "Your name (labels are stored under it):", choices, 0, True
        )
        if ok and name.strip():
            self.work_as(name)

    def work_as(self, name: str) -> None:
        """Work as ``name`` from now on (kept in the settings): labels, blind mode and the role's menus
        follow that person."""
        from annotator.services.team import check_name

        name = check_name(name.strip())
        if self.project.package:
            raise AnnotatorError(f"this is {self.project.package['annotator']}'s work package")
        self.settings.annotator = name
        self.settings.save()
        self.editor = Editor(self.project, name)
        self.undo_stack.clear()
        self.state = None
        self._reload_keeping_document()
        self.setWindowTitle(f"annotator — {Path(self.project.location).name} — {name}")
        self._update_progress()
        self.statusBar().showMessage(f"Working as {name}.", 6000)

    def export_package_dialog(self) -> None:
        """One annotator's assigned documents and labels, to work on offline."""
        from annotator.services.packages import export_package
        from annotator.services.team import list_annotators

        names = [a.name for a in list_annotators(self.project)]
        if not names:
            QMessageBox.information(self, "Work package", "This project has no annotators yet.")
            return
        name, ok = QInputDialog.getItem(self, "Work package", "For annotator:", names, 0, False)
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export work package", f"{name}.package", "Work packages (*.package *.annotator)"
        )
        if not path:
            return
        project = self.project
        task = BackgroundTask(
            "Exporting a work package",
            lambda progress, cancel: export_package(project, name, path, progress=progress, cancel=cancel),
            self,
        )
        task.done.connect(
            lambda n: self.statusBar().showMessage(f"Package for {name}: {n} document(s) in {path}", 8000)
        )
        task.error.connect(lambda exc: QMessageBox.critical(self, "Work package", describe(exc)))
        self._keep(task)
        task.start()

    def import_packages_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import work packages", "", "Work packages (*.package *.annotator);;All files (*)"
        )
        if paths:
            self.import_packages(paths)

    def import_packages(self, paths: list[str]) -> BackgroundTask:
        from annotator.services.packages import import_packages

        project = self.project
        task = BackgroundTask(
            "Merging work packages",
            lambda progress, cancel: import_packages(project, paths, progress=progress, cancel=cancel),
            self,
        )

        def done(report) -> None:
            self._reload_keeping_document()
            shown = "\n".join(report.conflicts[:15])
            QMessageBox.information(
                self, "Work packages", report.summary() + (f"\n\n{shown}" if shown else "")
            )

        task.done.connect(done)
        task.error.connect(lambda exc: QMessageBox.critical(self, "Work packages", describe(exc)))
        self._keep(task)
        task.start()
        return task

    def closeEvent(self, event) -> None:
        for task in self._tasks:
            if not task.finished:
                task.cancel.cancel()
                task.wait()
        self._remember_layout()
        self.settings.save()
        super().closeEvent(event)
