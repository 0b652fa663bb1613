"""Help → Keys: every key of the workbench for the open project's schema, from annotator.keymap (the
table the window dispatches through, the schema review list's and the incident panel's and view's), beside
the menus' shortcuts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.keymap import (
    CANDIDATE_DIGITS,
    INCIDENT_KEYS,
    KB_KEYS,
    PROGRESS_KEYS,
    REVIEW_DIGITS,
    REVIEW_KEYS,
    WHEN,
)
from annotator.schema import Schema
from annotator.schema.keys import legend


def review_rows() -> list[tuple[str, str, str]]:
    """The review list's keys (annotator.keymap.REVIEW_KEYS), its digits in one row."""
    rows = []
    for binding in REVIEW_KEYS:
        if binding.action == "pick_choice":
            if binding.key != REVIEW_DIGITS[0]:
                continue
            key, what = (
                f"{REVIEW_DIGITS[0]} … {REVIEW_DIGITS[-1]}",
                "give the selected annotation that choice",
            )
        else:
            key, what = binding.key, binding.help
        rows.append((key, what, WHEN[binding.when]))
    return rows


def incident_rows() -> list[tuple[str, str, str]]:
    """The incident panel's and view's keys (annotator.keymap.INCIDENT_KEYS), the candidates' digits in
    one row."""
    rows = []
    for binding in INCIDENT_KEYS:
        if binding.action == "link_candidate":
            if binding.key != CANDIDATE_DIGITS[0]:
                continue
            key, what = (
                f"{CANDIDATE_DIGITS[0]} … {CANDIDATE_DIGITS[-1]}",
                "link the active event to that candidate",
            )
        else:
            key, what = binding.key, binding.help
        rows.append((key, what, WHEN[binding.when]))
    return rows


def progress_rows() -> list[tuple[str, str, str]]:
    """Team → Progress's chart keys (annotator.keymap.PROGRESS_KEYS), keys of one action in one row."""
    rows: dict[tuple[str, str], list[str]] = {}
    for binding in PROGRESS_KEYS:
        rows.setdefault((binding.help, binding.when), []).append(binding.key)
    return [(" / ".join(keys), what, WHEN[when]) for (what, when), keys in rows.items()]


class KeysDialog(QDialog):
    def __init__(self, schema: Schema, shortcuts: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keys")
        rows = (
            legend(schema)
            + review_rows()
            + incident_rows()
            + [(b.key, b.help, WHEN[b.when]) for b in KB_KEYS]  # the knowledge-base type-ahead and window
            + progress_rows()
            + [(key, what, "menu") for key, what in shortcuts]
        )
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Key", "What it does", "When"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, values in enumerate(rows):
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        from annotator.ui.geometry import fit_to_screen

        fit_to_screen(self, 720, 640)

    def rows(self) -> list[tuple[str, str, str]]:
        def cell(row: int, col: int) -> str:
            item = self.table.item(row, col)  # every cell is filled in __init__
            return item.text() if item is not None else ""

        return [(cell(r, 0), cell(r, 1), cell(r, 2)) for r in range(self.table.rowCount())]
