"""Help → About (what this annotator is and where it keeps things) and Help → Report a problem (a zip for
the lead: the error logs, versions, settings without secrets, the project's revision and counts, and the
open document's text only when the box is ticked). The facts and the zip come from the Qt-free
:mod:`annotator.services.report`; these dialogs show them and ask where to save."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.crashlog import describe
from annotator.services import report


def ui_versions() -> dict[str, str]:
    return {"qt": qVersion(), "pyside6": PySide6.__version__}


def _project_lines(window) -> list[tuple[str, str]]:
    project = getattr(window, "project", None)
    if project is None:
        return []
    try:
        facts = report.project_facts(project)
    except Exception as exc:  # About must open even when the project is in trouble
        return [("Project", project.location), ("Project revision", describe(exc, "About"))]
    rows = [("Project", facts["location"]), ("Project revision", str(facts["revision"]))]
    if facts.get("written_by"):
        rows.append(("Project written by", f"annotator {facts['written_by']}"))
    return rows


class AboutDialog(QDialog):
    """The version, the schema revision, where the project, settings and logs are, the Qt, PySide6 and
    Python versions and the licences of the bundled fonts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About annotator")
        facts = report.app_facts(ui_versions())
        self.rows: list[tuple[str, str]] = [
            ("Version", f"annotator {facts['annotator']}"),
            ("Schema revision", facts["schema_revision"]),
            *_project_lines(parent),
            ("Settings", facts["settings"]),
            ("Error logs", facts["logs"]),
            ("Program", facts["program"] + (" (built app)" if facts["frozen"] else "")),
            ("Qt", facts["qt"]),
            ("PySide6", facts["pyside6"]),
            ("Python", facts["python"]),
            ("System", facts["platform"]),
        ]
        fonts = report.font_licences()
        table = "".join(
            f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in self.rows
        )
        font_rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(licence)}</td></tr>" for name, licence in fonts
        )
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(
            "<h3>annotator</h3><p>Annotation of South Asian security news (Hindi, English, mixed).</p>"
            f"<table cellspacing='4'>{table}</table>"
            f"<h4>Bundled fonts</h4><table cellspacing='4'>{font_rows}</table>"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(720, 520)


class ReportDialog(QDialog):
    """Help → Report a problem: a note, the box for the open document's text, and Save report…"""

    def __init__(self, window: QWidget | None = None):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Report a problem")
        intro = QLabel(
            "This writes a zip file to send to your lead: the error logs, the program's versions, your "
            "settings (no passwords) and the project's revision and counts. No document text goes in "
            "unless you tick the box."
        )
        intro.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("What were you doing when it went wrong? (optional)")
        self.include_text = QCheckBox("Include the text of the open document")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.save_button = QPushButton("Save report…")
        self.save_button.clicked.connect(self.ask_and_save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.note)
        layout.addWidget(self.include_text)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def ask_and_save(self) -> None:
        default = Path.home() / f"annotator-report-{datetime.now():%Y%m%d-%H%M}.zip"
        path, _ = QFileDialog.getSaveFileName(self, "Save the problem report", str(default), "Zip (*.zip)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> Path | None:
        """Write the report to ``path``; the line under the box says where, or why not."""
        window = self.window_
        try:
            out = report.write_report(
                path,
                project=getattr(window, "project", None),
                document_id=getattr(window, "document_id", None),
                include_text=self.include_text.isChecked(),
                note=self.note.toPlainText().strip(),
                ui_versions=ui_versions(),
            )
        except Exception as exc:
            self.status.setText(f"Not saved: {describe(exc, 'writing a problem report')}")
            return None
        self.status.setText(f"Saved {out} — send this file to your lead.")
        return out


def show_about(window: QWidget) -> AboutDialog:
    dialog = AboutDialog(window)
    dialog.show()
    window.about_dialog = dialog  # type: ignore[attr-defined]  # kept open beside the window
    return dialog


def show_report(window: QWidget) -> ReportDialog:
    dialog = ReportDialog(window)
    dialog.show()
    window.report_dialog = dialog  # type: ignore[attr-defined]
    return dialog
