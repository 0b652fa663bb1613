"""What the parts of the main window share, declared once.

:class:`annotator.ui.main_window.MainWindow` is made of mixins (``window_*.py``), each a part of the
window that uses the widgets, services and methods of the others. They all derive from
:class:`WindowBase`, which declares that shared state with its types: the attributes (made in
``MainWindow.__init__`` and ``_build``, or by the part that uses them), the session's state the window
reads and sets as its own, and the methods one part calls on another. The attributes are annotations
only and the methods are declared for the type checker only: what runs is the part that defines them.
Attributes that only ``main_window.py`` uses are made, and typed, there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from annotator.services.annotate import DocumentState, Editor
from annotator.services.frames import Frames
from annotator.services.project import Project
from annotator.services.workbench import WorkbenchSession
from annotator.settings import Settings
from annotator.ui.document_list import DocumentListModel
from annotator.ui.tasks import BackgroundTask

if TYPE_CHECKING:
    # the team, keys and dataset modules are imported when first used (window_team, window_actions,
    # window_files): named here for their types only
    from collections.abc import Callable

    from annotator.services.annotate import Change, Span
    from annotator.services.datasets import DatasetReport
    from annotator.services.workbench import Outcome, Selection
    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.dataset_dialogs import DatasetExportDialog
    from annotator.ui.incident_panel import IncidentPanel
    from annotator.ui.incident_view import IncidentViewDialog
    from annotator.ui.keys_dialog import KeysDialog
    from annotator.ui.panels import AnnotationList, GuidedView, GuidelineDialog
    from annotator.ui.review_panel import ReviewPanel, ReviewQueueDialog
    from annotator.ui.schema_dialog import SchemaChangeDialog


class WindowBase(QMainWindow):
    """The main window's shared state and the methods its parts call on each other (see the module)."""

    # ------------------------------------------------------------------ made in MainWindow.__init__
    settings: Settings
    project: Project
    #: the editing decisions and what is open (annotator.services.workbench)
    session: WorkbenchSession
    undo_stack: QUndoStack
    _tasks: list[BackgroundTask]  # kept until the window closes them
    _focus_message: str  # the line about the focused suggestion, cleared when focus moves
    _newest: int  # the newest document id seen, for the poll (window_documents)
    _suggestion_round: int  # only the latest round of suggestions is shown (window_suggestions)
    _suggesting_finished: int | None  # a finished document the person asked suggestions for
    suggestion_task: BackgroundTask | None
    _training: BackgroundTask | None  # retraining started by "done"
    _agreement: AgreementDialog | None  # the team windows, kept open beside this one
    _adjudication: AdjudicationDialog | None
    keys_dialog: KeysDialog | None
    guideline_dialog: GuidelineDialog | None  # F1 on a selected label
    schema_dialog: SchemaChangeDialog | None  # Project → Change schema…
    review_queue_dialog: ReviewQueueDialog | None  # Project → Schema review queue
    incident_view: IncidentViewDialog | None  # Project → Incidents (window_team)
    _incident_stale: bool  # the incident panel is filled when next seen
    _incident_tab_raised: bool  # the Incident tab was brought up by an event becoming active
    _incident_tab_under: QDockWidget | None  # the tab it covered, given back after
    _refusal: str  # why the last command run was not done ("" when it was)
    incident_dialog: QDialog | None  # the open incident/source figures dialog
    import_report_box: QMessageBox | None
    last_dataset_report: DatasetReport | None

    # ------------------------------------------------------------------ widgets (MainWindow._build)
    view: GuidedView  # a DocumentView whose tooltips add the schema's guidelines
    title: QLabel  # the open document's title above the text
    annotations: AnnotationList  # the open document's labels
    colors: dict[str, str]  # entity type -> colour (MainWindow._load_schema)
    romanized: QPlainTextEdit  # the romanized reading aid
    list_model: DocumentListModel
    list_view: QTableView
    filter_box: QComboBox
    search_box: QLineEdit
    search_results: QListWidget
    list_dock: QDockWidget  # Documents
    palette_dock: QDockWidget  # Labels
    search_dock: QDockWidget
    progress_label: QLabel
    review_panel: ReviewPanel  # the open document's annotations of split types awaiting a choice
    review_dock: QDockWidget
    incident_panel: IncidentPanel  # the active event's incident, or the incidents it may belong to
    incident_dock: QDockWidget

    # ------------------------------------------------------------------ the project's keys (_load_project)
    relation_hotkeys: dict[str, str]  # key → relation type

    # ------------------------------------------------------------------ menus (window_actions)
    recent_menu: QMenu
    tone_actions: list[QAction]
    document_menu: QMenu
    clear_tone_action: QAction
    scheme_actions: dict[str, QAction]
    undo_action: QAction
    redo_action: QAction

    # ------------------------------------------------------------------ the session's state
    # the window reads and sets these as its own; they live in the session

    @property
    def editor(self) -> Editor:
        return self.session.editor

    @editor.setter
    def editor(self, value: Editor) -> None:
        self.session.editor = value

    @property
    def document_id(self) -> int | None:
        return self.session.document_id

    @document_id.setter
    def document_id(self, value: int | None) -> None:
        self.session.document_id = value

    @property
    def state(self) -> DocumentState | None:
        return self.session.state

    @state.setter
    def state(self, value: DocumentState | None) -> None:
        self.session.state = value

    @property
    def frames(self) -> Frames | None:
        return self.session.frames

    @frames.setter
    def frames(self, value: Frames | None) -> None:
        self.session.frames = value

    @property
    def suggestions(self) -> list[Any]:  # services.suggestions.StoredSuggestion
        return self.session.suggestions

    @suggestions.setter
    def suggestions(self, value: list[Any]) -> None:
        self.session.suggestions = value

    @property
    def active_event(self) -> str:
        return self.session.active_event

    @active_event.setter
    def active_event(self, value: str) -> None:
        self.session.active_event = value

    @property
    def marked_span(self) -> str:
        return self.session.marked_span

    @marked_span.setter
    def marked_span(self, value: str) -> None:
        self.session.marked_span = value

    @property
    def selected_relation(self) -> str:
        return self.session.selected_relation

    @selected_relation.setter
    def selected_relation(self, value: str) -> None:
        self.session.selected_relation = value

    @property
    def recent_event_types(self) -> list[str]:
        return self.session.recent_event_types

    @recent_event_types.setter
    def recent_event_types(self, value: list[str]) -> None:
        self.session.recent_event_types = value

    # ------------------------------------------------------------------ what the parts call on each other
    if TYPE_CHECKING:
        # main_window
        def selection(self) -> Selection: ...
        def carry_out(self, outcome: Outcome) -> None: ...
        def switch_project(self, project: Project) -> None: ...
        def open_document(self, document_id: int) -> None: ...
        def when_open(self, document_id: int, action: Callable[[], None]) -> None: ...
        def _span(self, span_id: str) -> Span | None: ...
        def delete_selected(self) -> None: ...
        def label_all_occurrences(self) -> None: ...
        def set_tone(self, value: int | None) -> None: ...
        def build_tone_actions(self) -> None: ...
        def reload_schema(self) -> None: ...
        def activate_event(self, event_id: str) -> None: ...
        def refresh_state(self, change: Change | None = None) -> None: ...
        def focus_incident_panel(self) -> None: ...
        def new_incident_from_event(self) -> None: ...
        def unlink_active_event(self) -> None: ...
        def open_source(self, mention: Any, annotator: str = "") -> None: ...

        # window_documents
        def _reload_keeping_document(self) -> None: ...
        def reload_list(self) -> None: ...
        def _update_progress(self) -> None: ...
        def open_row(self, row: int) -> None: ...
        def open_document_id(self, document_id: int) -> None: ...
        def step(self, delta: int) -> None: ...
        def mark_done(self) -> None: ...
        def skip(self) -> None: ...
        def flag(self) -> None: ...
        def refresh_review(self, current: str = "") -> None: ...
        def update_romanized(self) -> None: ...
        def focus_review(self) -> None: ...
        def show_review_queue(self) -> ReviewQueueDialog: ...

        # window_files
        def background(
            self,
            title: str,
            job: Callable[..., Any],
            done: Callable[[Any], object],  # what it returns is not used
            error: str | Callable[[BaseException], object],
            *,
            show_progress: bool = True,
            start_later: bool = False,
            over: QWidget | None = None,
        ) -> BackgroundTask: ...
        def new_project(self) -> None: ...
        def open_project_dialog(self) -> None: ...
        def import_files_dialog(self) -> None: ...
        def import_folder_dialog(self) -> None: ...
        def import_foreign_dialog(self) -> BackgroundTask | None: ...
        def export_dialog(self) -> None: ...
        def export_dataset_dialog(
            self, dialog: DatasetExportDialog | None = None
        ) -> BackgroundTask | None: ...
        def _fill_recent(self) -> None: ...
        def work_as_dialog(self) -> None: ...
        def export_package_dialog(self) -> None: ...
        def import_packages_dialog(self) -> None: ...
        def change_schema_dialog(self) -> SchemaChangeDialog | None: ...

        # window_suggestions
        def load_suggestions(self, recompute: bool = False) -> BackgroundTask | None: ...
        def suggest_all(self) -> BackgroundTask: ...
        def train_model(self, quiet: bool = False) -> BackgroundTask: ...
        def suggestion_settings(self) -> None: ...

        # window_search
        def zoom(self, steps: int | None) -> None: ...
        def set_snap(self, on: bool) -> None: ...
        def set_scheme(self, scheme: str) -> None: ...
        def show_romanized(self, on: bool) -> None: ...
        def focus_search(self) -> None: ...

        # window_team
        @property
        def viewing_other(self) -> bool: ...
        def show_agreement(self) -> AgreementDialog: ...
        def show_adjudication(self) -> AdjudicationDialog | None: ...
        def show_labels_of(self, name: str | None = None) -> None: ...
        def show_incidents(self) -> IncidentViewDialog | None: ...
        def reload_incident_view(self) -> None: ...

        # window_kb
        def show_kb_panel(self) -> QDialog: ...

        # window_progress
        def show_progress(self) -> object: ...

        # window_timing
        def toggle_check_document(self) -> None: ...
