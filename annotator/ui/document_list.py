"""The document list: a table model over the annotator's work list, and a status filter.

Rows are small frozen records (:class:`annotator.services.documents.DocumentRow`) loaded in one query;
100,000 of them take a few tens of MB and the view asks only for the visible rows. A changed document is
refreshed by id without reloading the rest.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.services.documents import DocumentRow

COLUMNS = ("Title", "Lang", "Status", "Labels")
STATUS_LABELS = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLORS = {"done": "#2e7d32", "skipped": "#757575", "in_progress": "#1565c0", "todo": "#000000"}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    def __init__(self, rows: list[DocumentRow] | None = None, parent=None):
        super().__init__(parent)
        self._rows: list[DocumentRow] = []
        self._row_of: dict[int, int] = {}
        self.set_rows(rows or [])

    def set_rows(self, rows: list[DocumentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return ("⚑ " if row.flagged else "") + (row.title or row.external_id)
            if col == 1:
                return row.lang
            if col == 2:
                return STATUS_LABELS.get(row.status, row.status)
            if col == 3:
                return row.labels
        elif role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return f"{row.title}\n{row.external_id}"
        elif role == Qt.ItemDataRole.ForegroundRole and col == 2:
            return QBrush(QColor(STATUS_COLORS.get(row.status, "#000000")))
        elif role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == ROW_ROLE:
            return row
        return None

    def row_for(self, document_id: int) -> int:
        return self._row_of.get(document_id, -1)

    def document(self, row: int) -> DocumentRow:
        return self._rows[row]

    def update_row(self, new: DocumentRow) -> None:
        i = self._row_of.get(new.id)
        if i is None:
            return
        self._rows[i] = new
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def done_count(self) -> tuple[int, int]:
        return sum(1 for r in self._rows if r.status == "done"), len(self._rows)


class StatusFilter(QSortFilterProxyModel):
    """Shows the documents whose status is in ``statuses`` (all when empty), and flagged ones on demand."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._statuses: frozenset[str] = frozenset()
        self._flagged_only = False

    def set_statuses(self, statuses: set[str] | frozenset[str]) -> None:
        self.beginFilterChange()
        self._statuses = frozenset(statuses)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_flagged_only(self, flagged: bool) -> None:
        self.beginFilterChange()
        self._flagged_only = flagged
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._statuses and not self._flagged_only:
            return True
        row: DocumentRow = self.sourceModel().document(source_row)
        if self._flagged_only and not row.flagged:
            return False
        return not self._statuses or row.status in self._statuses
