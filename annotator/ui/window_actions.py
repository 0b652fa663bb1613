"""The menus and their shortcuts (the workbench's typed keys are in annotator.keymap).

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from annotator.ui.about_dialog import show_about, show_report
from annotator.ui.window_base import WindowBase


class ActionsMixin(WindowBase):
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
        self._action(doc, "&Review split annotations here", self.focus_review, "Ctrl+Shift+R")
        self._action(doc, "&Incident of the active event", self.focus_incident_panel, "Ctrl+Shift+I")
        self._action(doc, "&New incident from the active event", self.new_incident_from_event)
        self._action(doc, "&Unlink the active event from its incident", self.unlink_active_event)
        doc.addSeparator()
        self.tone_actions = []
        self.document_menu = doc
        self.clear_tone_action = self._action(doc, "Clear tone", lambda: self.set_tone(None), "Alt+0")
        self.build_tone_actions()

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
                lambda on, s=scheme: self.set_scheme(s) if on else None,
                checkable=True,
                checked=self.settings.romanization == scheme,
            )
            self.scheme_actions[scheme] = action
        project = bar.addMenu("&Project")
        self._action(project, "&Change schema…", self.change_schema_dialog)
        self._action(project, "Schema &review queue…", self.show_review_queue)
        self._action(project, "&Incidents…", self.show_incidents)
        self._action(project, "&Knowledge base…", self.show_kb_panel, "Ctrl+Shift+B")
        team = bar.addMenu("&Team")
        self._action(team, "&Agreement…", self.show_agreement, "Ctrl+Shift+G")
        self._action(team, "A&djudication…", self.show_adjudication, "Ctrl+Shift+J")
        self._action(team, "&Progress…", self.show_progress)
        self._action(team, "Mark as &check document (lead)", self.toggle_check_document)  # or unmark
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
        self._action(help_menu, "&Guideline of the selected label (else Keys)", self.show_help, "F1")
        self._action(help_menu, "&Keys", self.show_keys)
        self._action(help_menu, "&Report a problem…", lambda: show_report(self))
        self._action(help_menu, "&About annotator", lambda: show_about(self))

    def show_help(self) -> None:
        """F1: the guideline of the selected label (a span, the active event, a selected relation), or the
        keys when nothing is selected."""
        from annotator.ui.panels import GuidelineDialog

        name = self._selected_type()
        if not name:
            self.show_keys()
            return
        self.guideline_dialog = GuidelineDialog(self.project.schema, name, self)
        self.guideline_dialog.show()

    def _selected_type(self) -> str:
        """The type of what is selected in the text: a span's label, else the active event's type, else the
        selected relation's; "" for none."""
        span = self._span(self.view.selected_span_id())
        if span is not None:
            return span.label
        frames = self.frames
        if frames is None:
            return ""
        if self.active_event:
            return next((e.type for e in frames.events if e.id == self.active_event), "")
        if self.selected_relation:
            return next((r.type for r in frames.relations if r.id == self.selected_relation), "")
        return ""

    def build_tone_actions(self) -> None:
        """Document → Tone …: one action per level of the schema's document tone scale (again after the
        schema changed), before Clear tone."""
        for action in self.tone_actions:
            self.document_menu.removeAction(action)
            self.removeAction(action)
            action.deleteLater()
        self.tone_actions = []
        scale = self.project.schema.document_sentiment
        for i, level in enumerate(scale.levels if scale else (), 1):
            action = QAction(f"Tone {level.label}", self)
            action.setShortcut(QKeySequence(f"Alt+{i}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(True)  # the document's tone is ticked in the menu
            action.setData(level.value)
            action.triggered.connect(lambda _checked=False, v=level.value: self.set_tone(v))
            self.document_menu.insertAction(self.clear_tone_action, action)
            self.addAction(action)
            self.tone_actions.append(action)

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
