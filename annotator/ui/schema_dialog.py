"""Project → Change schema… (leads): a new schema file and the mapping (renames, merges, drops, splits, in
the command line's syntax), the diff of what it would do to the stored annotations shown before anything
changes, and Apply only when the diff refuses nothing. The decisions are
:mod:`annotator.services.schema_change`'s; the window runs the apply in the background and reloads."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.schema import Schema
from annotator.schema.evolution import MappingError, SchemaMapping, parse_mapping
from annotator.services import schema_change
from annotator.services.project import Project
from annotator.ui.fonts import document_font


class SchemaChangeDialog(QDialog):
    """Choose, diff, apply. ``applyRequested(schema, mapping)`` asks the window to apply in the background;
    it answers with :meth:`applied` or :meth:`failed`."""

    applyRequested = Signal(object, object)  # Schema, SchemaMapping

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Change the project's schema")
        self._ready: tuple[Schema, SchemaMapping] | None = None  # what the shown diff is of
        self.found: schema_change.SchemaDiff | None = None
        layout = QVBoxLayout(self)
        version = schema_change.versions(project)[-1].number
        intro = QLabel(
            f"The project is at schema version {version}. Choose the new schema (TOML or brat "
            "annotation.conf) and say what becomes of the names it changes; the diff shows what would "
            "happen to the stored annotations before anything changes. The project file is backed up first."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("the new schema file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        form.addRow("New schema:", row)
        self.renames = QLineEdit()
        self.renames.setPlaceholderText("OLD=NEW, … e.g. ARMED_GROUP=MILITANT_GROUP, ATTACK.Attacker=Agent")
        self.merges = QLineEdit()
        self.merges.setPlaceholderText("A+B=C, … e.g. ORG+GROUP=ORG")
        self.drops = QLineEdit()
        self.drops.setPlaceholderText(
            "NAME, … its annotations are deleted (an @attribute: removed from them)"
        )
        self.splits = QLineEdit()
        self.splits.setPlaceholderText("A=B|C, … each annotation of A goes to the review queue")
        form.addRow("Rename:", self.renames)
        form.addRow("Merge:", self.merges)
        form.addRow("Drop:", self.drops)
        form.addRow("Split:", self.splits)
        layout.addLayout(form)
        for edit in (self.path, self.renames, self.merges, self.drops, self.splits):
            edit.textEdited.connect(self._edited)
        self.diff_view = QPlainTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.diff_view.setFont(document_font(10.5))  # Devanagari names and surfaces, as the text shows them
        self.diff_view.setPlaceholderText(
            "Diff shows here what the change would do. Nothing changes until Apply."
        )
        layout.addWidget(self.diff_view, 1)
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        buttons = QDialogButtonBox()
        self.diff_button = buttons.addButton("&Diff", QDialogButtonBox.ButtonRole.ActionRole)
        self.diff_button.clicked.connect(self.show_diff)
        self.apply_button = buttons.addButton("&Apply", QDialogButtonBox.ButtonRole.ActionRole)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.reject)
        # Enter diffs (never applies): Diff is the dialog's one default button
        for button in (self.apply_button, self.close_button, choose):
            button.setAutoDefault(False)
        self.diff_button.setDefault(True)
        self._busy = False
        layout.addWidget(buttons)
        from annotator.ui.geometry import fit_to_screen

        fit_to_screen(self, 820, 600)

    # ------------------------------------------------------------------ input

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "New schema", "", "Schemas (*.toml *.conf);;All files (*)"
        )
        if path:
            self.path.setText(path)
            self.show_diff()

    def mapping(self) -> SchemaMapping:
        """The mapping the four lines say (raises MappingError naming every problem)."""
        splits = [s for part in self.splits.text().replace(";", ",").split(",") if (s := part.strip())]
        return parse_mapping(
            renames=[self.renames.text()],
            merges=[self.merges.text()],
            drops=[self.drops.text()],
            splits=splits,
        )

    def _edited(self) -> None:
        if self._ready is not None or self.found is not None:
            self._ready = None
            self.apply_button.setEnabled(False)
            self.state.setText("Changed since the diff: Diff again (Enter) before applying.")

    # ------------------------------------------------------------------ diff and apply

    def show_diff(self) -> bool:
        """Diff the new schema against the stored annotations; Apply is enabled when nothing is refused and
        something would change. True when it may be applied."""
        self._ready, self.found = None, None
        self.apply_button.setEnabled(False)
        path = self.path.text().strip()
        if not path:
            self._say(["choose the new schema file first"], "No diff yet.")
            return False
        problems: list[str] = []
        new: Schema | None = None
        try:
            new = schema_change.load_new_schema(path)
        except schema_change.SchemaChangeError as exc:
            problems += exc.problems
        try:
            mapping = self.mapping()
        except MappingError as exc:
            problems += exc.problems
            mapping = SchemaMapping()
        if problems or new is None:
            self._say(problems, "Refused: nothing can change until every problem is put right.")
            return False
        from annotator.crashlog import user_errors, user_message
        from annotator.services.project import is_connection_error, unreachable_message

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = schema_change.diff(self.project, new, mapping)
        except Exception as exc:
            # what the user can put right (a damaged file, a server down) is said here and the dialog stays
            # usable; anything else is a bug: the window's handler logs it and says so in one line
            if isinstance(exc, user_errors()):
                self._say([user_message(exc)], "The diff could not be made.")
            elif is_connection_error(exc):
                self._say([unreachable_message(exc)], "The diff could not be made.")
            else:
                raise
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.found = found
        self.diff_view.setPlainText(found.text())
        if found.problems:
            n = len(found.problems)
            self.state.setText(f"Refused ({n} problem{'s' if n != 1 else ''}): nothing would change.")
            return False
        if found.unchanged:
            self.state.setText("Nothing to apply: this schema is in force already.")
            return False
        self._ready = (new, mapping)
        self.apply_button.setEnabled(True)
        self.state.setText(f"Apply makes this schema version {found.version + 1}.")
        return True

    def _say(self, problems: list[str], state: str) -> None:
        self.diff_view.setPlainText("\n".join(f"refused: {p}" for p in problems))
        self.state.setText(state)

    def apply(self) -> None:
        if self._ready is None:  # the button is enabled only after a diff that refuses nothing
            return
        self._set_busy(True)
        self.state.setText("Applying… (the project is backed up first)")
        self.applyRequested.emit(*self._ready)

    def reject(self) -> None:
        if not self._busy:  # Escape while applying: the apply goes on, the dialog stays to report it
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (
            self.path,
            self.renames,
            self.merges,
            self.drops,
            self.splits,
            self.diff_button,
            self.close_button,
        ):
            widget.setEnabled(not busy)
        self.apply_button.setEnabled(not busy and self._ready is not None)

    def applied(self, report: schema_change.ApplyReport) -> None:
        """The window says the apply finished: the report is shown and the dialog closes."""
        self._set_busy(False)
        self._ready = None
        self.apply_button.setEnabled(False)
        self.diff_view.setPlainText(report.text())
        self.state.setText(f"Schema version {report.version} is in force.")
        self.accept()

    def failed(self, exc: BaseException) -> None:
        """The apply was refused or failed: every problem is listed, nothing changed."""
        self._set_busy(False)
        problems = getattr(exc, "problems", None) or [str(exc) or type(exc).__name__]
        self._ready = None
        self.apply_button.setEnabled(False)
        self._say(list(problems), "Not applied: nothing changed.")
