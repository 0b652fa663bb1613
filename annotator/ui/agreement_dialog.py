"""The agreement dashboard: figures per layer and label, a heat map of annotator pairs, the label
confusion matrix, export as CSV or JSON, and from any pair the documents its figures rest on.

The figures are computed in the background (annotator.services.agreement) with progress.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from annotator.agreement.spans import MISSING
from annotator.services.project import Project
from annotator.ui.geometry import fit_to_screen
from annotator.ui.tasks import BackgroundTask

if TYPE_CHECKING:  # imported when agreement is computed
    from annotator.services.agreement import AgreementReport

PAIR_FIGURES = {
    "entity F1 (exact)": ("entities", "exact"),
    "entity F1 (overlap)": ("entities", "overlap"),
    "token kappa": ("entities", "token_kappa"),
    "entity unitizing alpha": ("entities", "unitizing_alpha"),
    "tone Cohen's kappa": ("tone", None),
    "event trigger F1": ("events", "trigger_f1"),
}


#: How the dashboard names the report's keys (the JSON and CSV exports keep the keys).
FIGURE_NAMES = {
    "krippendorff_alpha": "Krippendorff's alpha",
    "unitizing_alpha": "Krippendorff's unitizing alpha",
    "fleiss_kappa": "Fleiss' kappa",
    "cohen_kappa": "Cohen's kappa",
    "cohen_kappa_mean": "Cohen's kappa (mean of pairs)",
    "cohen_kappa_pairwise": "Cohen's kappa per pair",
    "observed_agreement": "observed agreement",
    "token_kappa": "token kappa",
    "exact": "F1, exact spans",
    "overlap": "F1, overlapping spans",
    "attribute_agreement": "attribute agreement",
    "trigger_f1": "trigger F1",
    "argument_f1": "argument F1",
    "tone": "Document tone",
    "entities": "Entities",
    "events": "Events",
    "sentiment": "Targeted sentiment",
}


def readable(key: str) -> str:
    """A report key as the dashboard shows it: ``krippendorff_alpha`` → ``Krippendorff's alpha``."""
    return FIGURE_NAMES.get(key, key.replace("_", " "))


def heat(value: float | None) -> QColor:
    """White (0 or unknown) to green (1); red for negative agreement."""
    if value is None:
        return QColor("#eeeeee")
    if value < 0:
        return QColor(255, int(255 * (1 + max(value, -1))), int(255 * (1 + max(value, -1))))
    v = min(value, 1.0)
    return QColor(int(255 - 155 * v), int(255 - 60 * v), int(255 - 155 * v))


def figure_text(fig: Any) -> str:
    if isinstance(fig, dict) and "value" in fig:
        if fig["value"] is None:
            return f"n/a ({fig.get('reason', '')})"
        return f"{fig['value']:.3f}  (n={fig['units']})"
    return str(fig)


def flat_rows(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any, Any, str]]:
    """(path, value, units, reason) for every figure, for CSV."""
    rows = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and "value" in value and "units" in value:
            rows.append((path, value["value"], value["units"], value.get("reason", "")))
        elif isinstance(value, dict):
            rows.extend(flat_rows(value, path))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            rows.append((path, value, "", ""))
    return rows


class AgreementDialog(QDialog):
    def __init__(self, project: Project, open_document: Callable[[int], None] | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        fit_to_screen(self, 1000, 700)
        self.project = project
        self.open_document = open_document
        self.report: AgreementReport | None = None
        self.data: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.unfinished = QCheckBox("Include unfinished work")
        self.compute_button = QPushButton("Compute")
        self.compute_button.clicked.connect(self.compute)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.json_button = QPushButton("Export JSON…")
        self.json_button.clicked.connect(lambda: self.export_dialog("json"))
        for w in (self.unfinished, self.compute_button, self.csv_button, self.json_button):
            controls.addWidget(w)
        controls.addStretch(1)
        layout.addLayout(controls)
        self.headline = QLabel("Press Compute.")
        layout.addWidget(self.headline)
        self.tabs = QTabWidget()
        self.summary = QTreeWidget()
        self.summary.setHeaderLabels(["Figure", "Value"])
        self.tabs.addTab(self.summary, "Summary")
        pairs = QVBoxLayout()
        self.pair_figure = QComboBox()
        self.pair_figure.addItems(list(PAIR_FIGURES))
        self.pair_figure.currentIndexChanged.connect(self._show_pairs)
        self.pairs = QTableWidget()
        self.pairs.cellDoubleClicked.connect(self._pair_documents)
        self.documents = QListWidget()
        self.documents.itemActivated.connect(self._open)
        pairs.addWidget(self.pair_figure)
        pairs.addWidget(self.pairs, 3)
        self.pairs_page = QDialog()
        self.pairs_page.setLayout(pairs)
        self.tabs.addTab(self.pairs_page, "Annotator pairs")
        self.labels = QTableWidget()
        self.labels.cellDoubleClicked.connect(self._label_documents)
        self.tabs.addTab(self.labels, "Per label")
        self.confusion = QTableWidget()
        self.confusion.cellDoubleClicked.connect(self._confusion_documents)
        self.tabs.addTab(self.confusion, "Confusion")
        self.gold = QTableWidget()
        self.tabs.addTab(self.gold, "Against gold")
        for table in (self.pairs, self.labels, self.confusion, self.gold):  # figures, not a spreadsheet
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.tabs, 3)
        self.documents_label = QLabel("Double-click a cell to list the documents behind it; Enter opens one.")
        layout.addWidget(self.documents_label)
        layout.addWidget(self.documents, 1)
        self.task: BackgroundTask | None = None

    # ------------------------------------------------------------------ computing

    def compute(self) -> BackgroundTask:
        from annotator.services.agreement import compute_agreement

        project, unfinished = self.project, self.unfinished.isChecked()
        self.compute_button.setEnabled(False)
        self.task = BackgroundTask(
            "Computing agreement",
            lambda progress, cancel: compute_agreement(
                project, include_unfinished=unfinished, progress=progress, cancel=cancel
            ),
            self,
        )
        self.task.done.connect(self.show_report)
        self.task.error.connect(lambda exc: self.headline.setText(f"Failed: {exc}"))
        self.task.start()
        return self.task

    def show_report(self, report: AgreementReport) -> None:
        self.compute_button.setEnabled(True)
        self.report = report
        self.data = report.as_dict()
        self.headline.setText(
            f"{report.documents} document(s) with two or more annotators; annotators: "
            f"{', '.join(report.annotators) or '-'}"
        )
        self.summary.clear()
        for layer in ("tone", "entities", "events", "sentiment"):
            if layer not in self.data:
                continue
            top = QTreeWidgetItem([readable(layer), ""])
            top.setToolTip(0, layer)
            self._fill_tree(top, self.data[layer], skip=("pairwise", "per_label", "confusion"))
            self.summary.addTopLevelItem(top)
            top.setExpanded(True)
        self.summary.expandAll()
        self.summary.resizeColumnToContents(0)
        self._show_pairs()
        self._show_labels()
        self._show_confusion()
        self._show_gold()

    def _show_gold(self) -> None:
        """Each annotator's precision, recall and F1 against the adjudicated gold set (after adjudication)."""
        from annotator.services.adjudication import scores_against_gold

        scores = scores_against_gold(self.project)
        self.gold_scores = scores
        columns = ["precision", "recall", "f1", "units"]
        self.gold.clear()
        if not scores:
            self.gold.setRowCount(1)
            self.gold.setColumnCount(1)
            self.gold.setHorizontalHeaderLabels([""])
            self.gold.setVerticalHeaderLabels([""])
            empty = "No gold set yet: adjudicate first (Team → Adjudication), then look here."
            self.gold.setItem(0, 0, QTableWidgetItem(empty))
            self.gold.resizeColumnsToContents()
            return
        self.gold.setRowCount(len(scores))
        self.gold.setColumnCount(len(columns))
        self.gold.setHorizontalHeaderLabels(columns)
        self.gold.setVerticalHeaderLabels(list(scores))
        for i, figures in enumerate(scores.values()):
            for j, column in enumerate(columns):
                value = figures.get(column)
                text = "n/a" if value is None else (str(value) if column == "units" else f"{value:.3f}")
                item = QTableWidgetItem(text)
                if column != "units":
                    item.setBackground(QBrush(heat(value)))
                self.gold.setItem(i, j, item)

    def _fill_tree(self, parent: QTreeWidgetItem, data: dict[str, Any], skip=()) -> None:
        for key, value in data.items():
            if key in skip:
                continue
            if isinstance(value, dict) and not ("value" in value and "units" in value):
                child = QTreeWidgetItem([readable(key), ""])
                self._fill_tree(child, value)
                parent.addChild(child)
                child.setExpanded(True)
            else:
                child = QTreeWidgetItem([readable(key), figure_text(value)])
                parent.addChild(child)
            child.setToolTip(0, key)  # the key in the JSON and CSV exports

    def pair_value(self, a: str, b: str, figure: str) -> dict[str, Any] | None:
        layer, key = PAIR_FIGURES[figure]
        layer_data = self.data.get(layer, {})
        pair = f"{min(a, b)}|{max(a, b)}"
        if layer == "tone":
            return layer_data.get("cohen_kappa_pairwise", {}).get(pair)
        found = layer_data.get("pairwise", {}).get(pair)
        return found.get(key) if isinstance(found, dict) else None

    def _show_pairs(self) -> None:
        names = self.report.annotators if self.report else []
        figure = self.pair_figure.currentText()
        self.pairs.clear()
        self.pairs.setRowCount(len(names))
        self.pairs.setColumnCount(len(names))
        self.pairs.setHorizontalHeaderLabels(names)
        self.pairs.setVerticalHeaderLabels(names)
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                if a == b:
                    item = QTableWidgetItem("—")
                else:
                    fig = self.pair_value(a, b, figure)
                    value = fig.get("value") if fig else None
                    item = QTableWidgetItem("n/a" if value is None else f"{value:.2f}")
                    item.setBackground(QBrush(heat(value)))
                    if fig:
                        item.setToolTip(figure_text(fig))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(Qt.ItemDataRole.UserRole, (a, b))
                self.pairs.setItem(i, j, item)

    def _pair_documents(self, row: int, column: int) -> None:
        item = self.pairs.item(row, column)
        if item is None:  # every cell is filled by _show_pairs
            return
        a, b = item.data(Qt.ItemDataRole.UserRole)
        self.show_documents(a, b)

    def _label_documents(self, row: int, _column: int) -> None:
        header = self.labels.verticalHeaderItem(row)
        if header is not None:  # every row is named by _show_labels
            self.show_label_documents(header.text())

    def _confusion_documents(self, row: int, column: int) -> None:
        label_a, label_b = self.confusion.verticalHeaderItem(row), self.confusion.horizontalHeaderItem(column)
        if label_a is not None and label_b is not None:  # every row and column is named by _show_confusion
            self.show_confusion_documents(label_a.text(), label_b.text())

    def show_documents(self, a: str, b: str) -> list[int]:
        ids = self.report.pair_documents.get(f"{min(a, b)}|{max(a, b)}", []) if self.report else []
        return self._list_documents(ids, f"documents compared for {a} and {b}")

    def _compared_entities(self) -> dict[int, list[tuple[str, int, int, str]]]:
        from annotator.services.agreement import compared_entities

        return compared_entities(self.project, self.report) if self.report else {}

    def show_label_documents(self, label: str) -> list[int]:
        ids = [d for d, ents in self._compared_entities().items() if any(e[3] == label for e in ents)]
        return self._list_documents(ids, f"documents with {label}")

    def show_confusion_documents(self, label_a: str, label_b: str) -> list[int]:
        """The documents behind a confusion cell: the first annotator of a pair (by name) has a label_a span
        paired with the other's label_b span (MISSING: nothing there)."""
        from annotator.services.agreement import confusion_documents

        ids = confusion_documents(self.project, self.report, label_a, label_b) if self.report else []
        if label_b == MISSING:
            what = f"documents with a {label_a} span only the first annotator of a pair labelled"
        elif label_a == MISSING:
            what = f"documents with a {label_b} span only the second annotator of a pair labelled"
        else:
            what = f"documents where {label_a} meets {label_b}"
        return self._list_documents(ids, what)

    def _list_documents(self, ids: list[int], what: str) -> list[int]:
        from annotator.services.documents import titles

        self.documents.clear()
        self.documents_label.setText(f"{len(ids)} {what} — Enter opens one:")
        names = titles(self.project, ids)
        for doc_id in ids:
            external_id, title = names[doc_id]
            entry = QListWidgetItem(f"{title or external_id}  ({external_id})")
            entry.setData(Qt.ItemDataRole.UserRole, doc_id)
            self.documents.addItem(entry)
        return ids

    def _open(self, item: QListWidgetItem) -> None:
        if self.open_document is not None:
            self.open_document(item.data(Qt.ItemDataRole.UserRole))

    def _show_labels(self) -> None:
        per_label = self.data.get("entities", {}).get("per_label", {})
        modes = sorted({m for v in per_label.values() for m in v})
        self.labels.clear()
        self.labels.setRowCount(len(per_label))
        self.labels.setColumnCount(len(modes))
        self.labels.setHorizontalHeaderLabels([f"F1 {m}" for m in modes])
        self.labels.setVerticalHeaderLabels(list(per_label))
        for i, figures in enumerate(per_label.values()):
            for j, mode in enumerate(modes):
                fig = figures.get(mode)
                item = QTableWidgetItem(figure_text(fig) if fig else "")
                item.setBackground(QBrush(heat(fig.get("value") if fig else None)))
                self.labels.setItem(i, j, item)

    def _show_confusion(self) -> None:
        from annotator.services.agreement import confusion_labels

        matrix = self.data.get("entities", {}).get("confusion", {})
        labels = confusion_labels(matrix)
        self.confusion.clear()
        self.confusion.setRowCount(len(labels))
        self.confusion.setColumnCount(len(labels))
        self.confusion.setHorizontalHeaderLabels(labels)
        self.confusion.setVerticalHeaderLabels(labels)
        for i, label in enumerate(labels):
            row, column = self.confusion.verticalHeaderItem(i), self.confusion.horizontalHeaderItem(i)
            assert row is not None and column is not None  # made by the set…HeaderLabels calls above
            if label == MISSING:
                row.setToolTip("spans only the second annotator of a pair labelled (the first: nothing)")
                column.setToolTip("spans only the first annotator of a pair labelled (the second: nothing)")
            else:
                row.setToolTip(f"{label} spans of the first annotator of each pair (by name)")
                column.setToolTip(f"{label} spans of the second annotator of each pair (by name)")
        peak = max((n for row in matrix.values() for n in row.values()), default=1)
        for i, la in enumerate(labels):
            for j, lb in enumerate(labels):
                n = matrix.get(la, {}).get(lb, 0)
                item = QTableWidgetItem(str(n) if n else "")
                if n:
                    tone = n / peak
                    color = (
                        QColor(int(255 - 100 * tone), int(255 - 100 * tone), 255) if la != lb else heat(tone)
                    )
                    item.setBackground(QBrush(color))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.confusion.setItem(i, j, item)

    # ------------------------------------------------------------------ export

    def export(self, path: str | Path, kind: str) -> None:
        from annotator.fileio import atomic_file
        from annotator.formats.dataset import csv_line

        with atomic_file(path) as fh:
            if kind == "json":
                fh.write(json.dumps(self.data, ensure_ascii=False, indent=2) + "\n")
                return
            fh.write(csv_line(["figure", "value", "units", "reason"]))
            for row in flat_rows({k: v for k, v in self.data.items() if k not in ("annotators",)}):
                fh.write(csv_line(row))

    def export_dialog(self, kind: str) -> None:
        if not self.data:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export agreement", f"agreement.{kind}", f"*.{kind}")
        if path:
            self.export(path, kind)
