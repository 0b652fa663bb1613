"""The annotation workbench: document list, document view, palette, annotations, sentiment, search."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.services.annotate import (
    Change,
    Span,
)
from annotator.services.documents import document_row
from annotator.services.project import Project
from annotator.services.team import annotator_for
from annotator.services.workbench import Outcome, Selection, WorkbenchSession
from annotator.settings import Settings
from annotator.ui.document_list import DocumentListModel
from annotator.ui.incident_panel import IncidentPanel
from annotator.ui.panels import AnnotationList, EventsPanel, GuidedView, LabelPalette, SentimentPanel
from annotator.ui.review_panel import ReviewPanel
from annotator.ui.undo import CoreCommand
from annotator.ui.window_actions import ActionsMixin
from annotator.ui.window_documents import FILTERS, DocumentsMixin
from annotator.ui.window_files import FilesMixin
from annotator.ui.window_frames import FramesMixin
from annotator.ui.window_incidents import IncidentsMixin
from annotator.ui.window_kb import KbMixin
from annotator.ui.window_layout import LayoutMixin
from annotator.ui.window_open import OpeningMixin
from annotator.ui.window_progress import ProgressMixin
from annotator.ui.window_search import SearchMixin
from annotator.ui.window_suggestions import SuggestionsMixin
from annotator.ui.window_team import TeamMixin
from annotator.ui.window_timing import TimingMixin

#: Qt's named keys as annotator.keymap writes them.
KEY_NAMES = {
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "Return",
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Delete: "Delete",
}


def _empty(layout: QVBoxLayout) -> None:
    """Take every widget out of ``layout`` (they are deleted once control returns to the event loop)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:  # only widgets are added to the panels' layouts
            widget.deleteLater()


class MainWindow(
    OpeningMixin,
    DocumentsMixin,
    ActionsMixin,
    SuggestionsMixin,
    FramesMixin,
    SearchMixin,
    FilesMixin,
    IncidentsMixin,
    KbMixin,
    TeamMixin,
    ProgressMixin,
    LayoutMixin,
    TimingMixin,
):
    """The workbench: its parts are the mixins, its shared state is declared in
    :class:`annotator.ui.window_base.WindowBase`."""

    def __init__(self, project: Project, settings: Settings):
        super().__init__()
        self.settings = settings
        self.project = project
        # the editing decisions and what is open (document, labels, active event…) live in a Qt-free
        # session; this window wires widgets to it
        self.session = WorkbenchSession.start(project, annotator_for(project, settings))
        self.undo_stack = QUndoStack(self)
        self._lasting_message = ""  # a status line with no time-out, cleared by the next saved change
        self._focus_message = ""  # the line about the focused suggestion, cleared when focus moves
        self._tasks = []
        self._opening: int | None = None  # a long document being read in the background (open_document)
        self._open_round = 0  # a document asked for later makes an earlier one's text stale
        self._pending_open: list[tuple[int, Callable[[], None]]] = []  # when_open's, with their round
        # what the window's parts keep beside the session (typed in window_base), set by the part that uses it
        self._newest = 0  # the newest document id seen, for the poll (window_documents)
        self._panel_stale = True  # the events panel is rebuilt when next seen
        self.problems: dict[str, list[str]] = {}  # schema problems of the open document's frames
        self._suggestion_round = 0  # only the latest round of suggestions is shown (window_suggestions)
        self._suggesting_finished = None  # a finished document the person asked suggestions for
        self.suggestion_task = None
        self._training = None  # retraining started by "done"
        self._agreement = None  # the team windows, kept open beside this one
        self._adjudication = None
        self.keys_dialog = None
        self.guideline_dialog = None
        self.schema_dialog = None
        self.review_queue_dialog = None
        self.incident_view = None  # Project → Incidents (window_team)
        self._incident_stale = True  # the incident panel is filled when next seen
        self._incident_tab_raised = False
        self._incident_tab_under = None
        self._refusal = ""
        self.incident_dialog = None
        self.import_report_box = None
        self.last_dataset_report = None
        self._build()
        self._fit_to_screen()
        self._load_project()
        self.poll_timer = QTimer(self)
        self.poll_timer.timeout.connect(self._poll_documents)
        self.poll_timer.start(self.POLL_MS)
        # what the window has made so far (modules, the database layer, widgets, the document list) lives
        # as long as it does: the collector's full passes skip it from now on. A full pass over all of it
        # took 50-60 ms, holding the interpreter, and one fell on the GUI thread's time while a 20 MB article
        # opened and its suggestions were made. Once a process (a frozen object in a reference cycle is
        # never collected: windows made later, in tests, are not frozen with what earlier ones left)
        if not gc.get_freeze_count():
            gc.freeze()

    def selection(self) -> Selection:
        """What is selected in the view, in code points: the session's intents take it."""
        start, end = self.view.snapped_selection()
        return Selection(start, end, self.view.selected_span_id(), self.view.current_suggestion())

    def carry_out(self, outcome: Outcome) -> None:
        """Do what the session decided: run its command (one undo step), say its line, then select or
        activate what it names."""
        if outcome.command is not None and not self.run(outcome.command):
            return  # refused or not saved: the line saying why stays, nothing moves
        if outcome.clear_text_selection:
            cursor = self.view.textCursor()
            cursor.clearSelection()
            self.view.setTextCursor(cursor)
        if outcome.select_span is not None:
            self.view.select_span(outcome.select_span, ensure_visible=False)
        if outcome.select_suggestion and outcome.select_suggestion in self.view.suggestion_ids():
            # chosen for the person after a decision: the next Tab stays on it instead of skipping past it
            self.view.select_suggestion(outcome.select_suggestion, advanced=True)
        if outcome.activate_event is not None:
            self.activate_event(outcome.activate_event)
        if outcome.message:
            self.statusBar().showMessage(outcome.message, 5000)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.view = GuidedView()  # its tooltips add the schema's guideline of the labels under the mouse
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

        # annotations of split types awaiting the person's choice (shown only while the open document has)
        self.review_panel = ReviewPanel()
        self.review_panel.itemSelected.connect(self._show_review_item)
        self.review_panel.choicePicked.connect(self.resolve_review_item)
        self.review_panel.proposalConfirmed.connect(lambda item: self.resolve_review_item(item, None))
        self.review_dock = self._dock(
            "Schema review", self.review_panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.splitDockWidget(self.list_dock, self.review_dock, Qt.Orientation.Vertical)
        self.review_dock.hide()

        # the active event's incident, or the incidents it may belong to (filled while it can be seen)
        self.incident_panel = IncidentPanel()
        self.incident_panel.linkRequested.connect(self.link_active_event)
        self.incident_panel.newRequested.connect(self.new_incident_from_event)
        self.incident_panel.unlinkRequested.connect(self.unlink_active_event)
        self.incident_panel.sourceOpened.connect(
            lambda mention: self.open_source(mention, self._incident_owner())
        )
        self.incident_panel.editRequested.connect(self.edit_incident_fields)
        self.incident_panel.figuresRequested.connect(self.edit_source_figures)
        self.incident_panel.proposalDecided.connect(self.decide_proposal)  # stored link proposals (★)
        self.incident_panel.proposeRequested.connect(self.propose_incident_links)
        # a tab beside Documents and Search (tabified below): the list keeps the column's height, and the
        # Incident tab comes up by itself when an event becomes active (see _follow_incident_tab)
        self.incident_dock = self._dock("Incident", self.incident_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.incident_dock.visibilityChanged.connect(
            lambda visible: self._update_incident_panel() if visible and self._incident_stale else None
        )

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
        self.problems = {}
        self.events_dock.visibilityChanged.connect(
            lambda visible: self._update_events_panel() if visible else None
        )
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
        self.tabifyDockWidget(self.search_dock, self.incident_dock)
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

    # ------------------------------------------------------------------ project

    def _load_schema(self) -> None:
        """The schema's colours, keys, labels panel, sentiment panel and guidelines, (re)made."""
        schema = self.project.schema
        self.colors = {e.name: e.color for e in schema.entities}
        from annotator.schema.keys import usable_keys

        self.hotkeys, self.event_hotkeys, self.relation_hotkeys, self.shadowed_keys = usable_keys(schema)
        self.event_colors = {e.name: e.color for e in schema.events}
        self.view.set_event_colors(self.event_colors)
        self.view.set_label_colors(self.colors)
        self.view.schema = schema
        _empty(self.palette_layout)
        _empty(self.sentiment_layout)
        self.label_palette = LabelPalette(schema, self.hotkeys)
        self.label_palette.setMinimumHeight(
            min(12, self.label_palette.count()) * (self.label_palette.fontMetrics().height() + 4) + 8
        )
        self.label_palette.labelChosen.connect(self.apply_label)
        self.palette_layout.addWidget(self.label_palette)
        self.sentiment = SentimentPanel(schema)
        self.sentiment.toneChosen.connect(self.set_tone)
        self.sentiment.polarityChosen.connect(self.set_polarity)
        self.sentiment_layout.addWidget(self.sentiment)

    def _load_project(self) -> None:
        self.session.close()
        self.recent_event_types = []
        self._load_schema()
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

    #: How often the window looks for documents another process added (ms).
    POLL_MS = 3000

    def reload_schema(self) -> None:
        """After the project's schema changed: labels panel, colours, keys, guidelines and the open
        document read again (undo steps made under the old schema are dropped: they name old labels)."""
        current = self.document_id
        self.session = WorkbenchSession.start(self.project, self.editor.annotator)
        self.session.document_id = current  # read again below, under the new schema
        self.undo_stack.clear()
        self._load_schema()
        self.build_tone_actions()  # the tone scale may have changed
        self._reload_keeping_document()

    def switch_project(self, project: Project) -> None:
        old = self.project
        self.project = project
        self.session = WorkbenchSession.start(project, annotator_for(project, self.settings))
        self.build_tone_actions()  # this project's tone scale
        self._load_project()
        if old is not project:
            old.close()

    # ------------------------------------------------------------------ suggestions

    def refresh_state(self, change: Change | None = None) -> None:
        if self.document_id is None:
            return
        self.session.refresh_state(change)
        assert self.state is not None  # read again: a document is open
        if not self.marked_span:
            self.view.set_marked("")
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
        if change is not None and (change.spans or change.frames):
            self.refresh_review()  # a queued label deleted (or brought back by undo) leaves (joins) the list

    def refresh_frames(self) -> None:
        """Reload events, relations and links; repaint them; list frames and problems."""
        if self.document_id is None or self.state is None:
            return
        self.session.refresh_frames()
        assert self.frames is not None  # read again: a document is open
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
        self._update_incident_panel()

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
        before = self.active_event
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
        if event_id != before:
            self._follow_incident_tab(event_id)
        self._update_incident_panel()

    def _select_relation(self, relation_id: str) -> None:
        self.selected_relation = relation_id
        self.statusBar().showMessage("Relation selected — Delete removes it.", 4000)

    def _on_change(self, change: Change) -> None:
        """After any command (do, undo, redo): refresh what it touched, and show where it happened."""
        if change.document_id != self.document_id:
            self.open_document_id(change.document_id)
        else:
            self.refresh_state(change)
        if change.frames:
            self.reload_incident_view()  # an incident changed (or an event went): the view reads again
        if change.work or change.spans:
            self.list_model.update_row(
                document_row(self.project, self.editor.annotator_id, change.document_id)
            )
            self._update_progress()

    def run(self, command) -> bool:
        """Apply ``command`` and push it on the undo stack; False when it was refused or not saved."""
        if self.viewing_other:
            self.statusBar().showMessage(
                f"Showing {self.editor.annotator}'s labels (read-only): "
                "View → Show labels of… → yourself to edit.",
                6000,
            )
            return False
        from annotator.services.project import is_connection_error, unreachable_message

        try:
            change = command.apply(self.editor)
        except AnnotatorError as exc:  # refused by the checks the importer uses: said, nothing written
            reason = "; ".join([str(exc), *getattr(exc, "__notes__", ())])  # a part that stayed is said
            self._refusal = reason
            self.statusBar().showMessage(f"Not done: {reason}", 10000)
            return False
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            message = "; ".join([unreachable_message(exc), *getattr(exc, "__notes__", ())])
            self._say_until_next_change(message[0].upper() + message[1:])
            return False
        if self._lasting_message:  # the server is back: the outage line is no longer true
            self._lasting_message = ""
            self.statusBar().clearMessage()
        self.undo_stack.push(CoreCommand(command, self.editor, self._refresh_after, applied=change))
        return True

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
            "link_entity": lambda _a: self.link_entity(),
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

    def _span(self, span_id: str) -> Span | None:
        return self.session.span(span_id)

    def apply_label(self, label: str) -> None:
        """Label the selection; or, with a span selected and no selection, relabel that span."""
        self.carry_out(self.session.label(label, self.selection()))

    def delete_selected(self) -> None:
        """Delete the selected span (its roles and relations go with it, and come back on undo); else the
        selected relation; else the active event (its arguments, not their entities)."""
        self.carry_out(self.session.delete(self.selection()))

    def label_all_occurrences(self) -> None:
        """Give every occurrence of the selected span's text (or the selection) the same label."""
        item = self.label_palette.currentItem()
        label = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.carry_out(self.session.label_all(self.selection(), label))

    def set_polarity(self, polarity: str) -> None:
        self.carry_out(self.session.polarity(polarity, self.selection()))

    def set_tone(self, value: int | None) -> None:
        self.carry_out(self.session.tone(value))

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

    # ------------------------------------------------------------------ view

    # ------------------------------------------------------------------ search

    # ------------------------------------------------------------------ files

    def closeEvent(self, event) -> None:
        for task in self._tasks:
            if not task.finished:
                task.cancel.cancel()
                task.wait()
        self._remember_layout()
        self.settings.save()
        super().closeEvent(event)
