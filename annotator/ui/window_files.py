"""Projects, imports, exports, datasets, recent projects, working as someone, work packages, changing the
schema.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QWidget,
)

from annotator.crashlog import describe
from annotator.errors import AnnotatorError
from annotator.services.annotate import (
    Editor,
)
from annotator.services.team import annotator_for
from annotator.ui.tasks import BackgroundTask
from annotator.ui.window_base import WindowBase

if TYPE_CHECKING:  # imported when the dialog is first opened
    from annotator.ui.dataset_dialogs import DatasetExportDialog
    from annotator.ui.schema_dialog import SchemaChangeDialog


class FilesMixin(WindowBase):
    def background(
        self,
        title: str,
        job: Callable[..., Any],
        done: Callable[[Any], object],
        error: str | Callable[[BaseException], object],
        *,
        show_progress: bool = True,
        start_later: bool = False,
        over: QWidget | None = None,
    ) -> BackgroundTask:
        """Run ``job(progress=…, cancel=…)`` off the GUI thread (a progress dialog after half a second,
        with Cancel, over the window or the dialog ``over``), then ``done(result)``; a failure goes to
        ``error``, or with a title to a box saying it in one line. The task is kept until the window closes
        it (closing cancels and waits)."""
        task = BackgroundTask(title, job, over or self, show_progress=show_progress)
        task.done.connect(done)
        if isinstance(error, str):
            task.error.connect(lambda exc, title=error: QMessageBox.critical(self, title, describe(exc)))
        else:
            task.error.connect(error)
        self._tasks = [t for t in self._tasks if not t.finished]
        self._tasks.append(task)
        if start_later:  # after the current event (a document opening paints first)
            QTimer.singleShot(0, task.start)
        else:
            task.start()
        return task

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
        return self.background(
            "Importing",
            lambda progress, cancel: import_paths(
                project, paths, progress=progress, cancel=cancel, **options
            ),
            self._import_done,
            "Import",
        )

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
        self.background(
            "Exporting",
            lambda progress, cancel: export_jsonl(project, path, progress=progress, cancel=cancel),
            lambda r: self.statusBar().showMessage(f"Exported {r.documents} document(s) to {path}", 8000),
            "Export",
        )

    def import_foreign_dialog(self) -> BackgroundTask | None:
        from annotator.ui.dataset_dialogs import ForeignImportDialog

        dialog = ForeignImportDialog(self)
        if dialog.exec() != ForeignImportDialog.DialogCode.Accepted:
            return None
        chosen = dialog.choice()
        if chosen is None:  # the dialog accepts a valid choice only
            return None
        paths, options = chosen
        return self.import_paths(paths, **options)

    def export_dataset_dialog(self, dialog: DatasetExportDialog | None = None) -> BackgroundTask | None:
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
        return self.background(
            "Exporting the dataset",
            lambda progress, cancel: export_dataset(
                project, choice.fmt, choice.out, progress=progress, cancel=cancel, **choice.options
            ),
            self._dataset_done,
            "Export dataset",
        )

    def _dataset_done(self, report) -> None:
        self.last_dataset_report = report
        details = [f"{kind}: {n}" for kind, n in sorted(report.checks.counts.items())] + report.notes
        if details:
            QMessageBox.information(self, "Export dataset", report.summary() + "\n\n" + "\n".join(details))
        else:
            self.statusBar().showMessage(report.summary(), 10000)

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
        self.background(
            "Exporting a work package",
            lambda progress, cancel: export_package(project, name, path, progress=progress, cancel=cancel),
            lambda n: self.statusBar().showMessage(f"Package for {name}: {n} document(s) in {path}", 8000),
            "Work package",
        )

    def import_packages_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import work packages", "", "Work packages (*.package *.annotator);;All files (*)"
        )
        if paths:
            self.import_packages(paths)

    def import_packages(self, paths: list[str]) -> BackgroundTask:
        from annotator.services.packages import import_packages

        project = self.project

        def done(report) -> None:
            self._reload_keeping_document()
            shown = "\n".join(report.conflicts[:15])
            QMessageBox.information(
                self, "Work packages", report.summary() + (f"\n\n{shown}" if shown else "")
            )

        return self.background(
            "Merging work packages",
            # the service only reads the paths; its list[str | Path] refuses a list[str] (list is invariant)
            lambda progress, cancel: import_packages(
                project, cast("list[str | Path]", paths), progress=progress, cancel=cancel
            ),
            done,
            "Work packages",
        )

    # ------------------------------------------------------------------ the schema

    def change_schema_dialog(self) -> SchemaChangeDialog | None:
        """Project → Change schema… (leads only): diff first, then apply in the background."""
        from annotator.services.team import annotator_role
        from annotator.ui.schema_dialog import SchemaChangeDialog

        me = annotator_for(self.project, self.settings)
        if annotator_role(self.project, me) != "lead":
            self.statusBar().showMessage(
                "Changing the schema is for leads (annotator annotators add --role lead).", 6000
            )
            return None
        if self.project.package:
            self.statusBar().showMessage(
                "This is a work package: it takes its schema from the project; change the project's.", 6000
            )
            return None
        dialog = SchemaChangeDialog(self.project, self)
        dialog.applyRequested.connect(lambda new, mapping: self.apply_schema(dialog, new, mapping))
        self.schema_dialog = dialog
        dialog.open()  # window-modal: no label is written under the old schema while it is replaced
        return dialog

    def apply_schema(self, dialog: SchemaChangeDialog, new, mapping) -> BackgroundTask:
        """Apply a diffed schema off the GUI thread (a progress bar after half a second), then reload."""
        from annotator.services.schema_change import apply

        project = self.project
        me = annotator_for(self.project, self.settings)

        def done(report) -> None:
            dialog.applied(report)
            self.reload_schema()
            if not report.changed:
                self.statusBar().showMessage(report.text(), 10000)
                return
            backup = f"; backup: {report.backup}" if report.backup is not None else ""
            queued = f"; {report.queued:,} annotation(s) queued for review" if report.queued else ""
            self.statusBar().showMessage(f"Schema version {report.version} applied{backup}{queued}.", 20000)

        return self.background(
            "Applying the new schema",
            lambda progress, cancel: apply(
                project, new, mapping, applied_by=me, progress=progress, cancel=cancel
            ),
            done,
            dialog.failed,
            over=dialog,  # the dialog is modal: the progress bar is its own
        )
