"""Team → Progress: the lead's charts (painted in :mod:`annotator.ui.progress_charts`) and figures.

Four charts, one a tab (each gets the window's full width on a 1366×768 laptop), and a table of the figures
``annotator progress`` prints:

- documents done per day, stacked by annotator;
- cumulative documents done against the assigned total, with the projected finish date;
- minutes per document per annotator (box plots: quartiles, median, whiskers at 1.5 IQR, outliers);
- quality per week per annotator (F1 against gold, else pairwise entity F1), falls past the margin flagged.

The figures are computed in a background thread (:func:`annotator.services.progress.project_progress`),
so the window opens at once and the charts appear when they are ready. Clicking a bar, a point or a box
(or choosing one with the arrow keys and pressing Enter, :data:`annotator.keymap.PROGRESS_KEYS`) lists the
documents behind it on the right; Enter or a double-click there opens the document in the workbench. Each
chart exports as PNG (QImage) or SVG (QtSvg's QSvgGenerator, shipped with PySide6-Essentials), painted by
the same code as the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.geometry import fit_to_screen
from annotator.ui.progress_charts import Chart as Chart
from annotator.ui.progress_charts import CumulativeChart as CumulativeChart
from annotator.ui.progress_charts import DonePerDayChart as DonePerDayChart
from annotator.ui.progress_charts import MinutesChart as MinutesChart
from annotator.ui.progress_charts import Pick as Pick
from annotator.ui.progress_charts import QualityChart as QualityChart
from annotator.ui.progress_charts import progress_binding as progress_binding
from annotator.ui.tasks import BackgroundTask

if TYPE_CHECKING:
    from annotator.services.progress import ProgressReport
    from annotator.services.project import Project

#: the periods the window offers (days back from today; None: all time)
PERIODS = (("All time", None), ("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90))


COLUMNS = (
    ("annotator", "name"),
    ("assigned", "assigned"),
    ("done", "done"),
    ("skipped", "skipped"),
    ("left", "remaining"),
    ("active h", "hours"),
    ("min/doc", "minutes_per_document"),
    ("labels/h", "labels_per_hour"),
    ("docs/day", "documents_per_active_day"),
    ("finish", "finish_estimate"),
    ("agree F1", "agreement"),
    ("gold P", "precision"),
    ("gold R", "recall"),
    ("gold F1", "f1"),
    ("checks", "checks"),
)


class ProgressWindow(QDialog):
    """Team → Progress. ``open_document(id)`` opens a listed document in the workbench."""

    def __init__(
        self,
        project: Project,
        open_document: Callable[[int], None] | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        min_documents: int | None = None,
    ):
        """``today`` and ``min_documents`` (the fewest documents a week's quality is compared on) as
        :func:`annotator.services.progress.compute_progress` takes them."""
        from annotator.services.progress import MIN_DOCUMENTS

        super().__init__(parent)
        self.project = project
        self.min_documents = MIN_DOCUMENTS if min_documents is None else min_documents
        self.open_document = open_document
        self.today = today
        self.report: ProgressReport | None = None
        self.loaded = False
        self.task: BackgroundTask | None = None
        self.setWindowTitle("Progress")
        fit_to_screen(self, 1300, 720)

        self.period = QComboBox()
        for text, _days in PERIODS:
            self.period.addItem(text)
        self.period.currentIndexChanged.connect(lambda _i: self.compute())
        self.status = QLabel("Computing the figures…")
        self.export_png_button = QPushButton("Export PNG…")
        self.export_svg_button = QPushButton("Export SVG…")
        for button in (self.export_png_button, self.export_svg_button):
            button.setAutoDefault(False)  # Enter in the document list opens a document, never a dialog
        self.export_png_button.clicked.connect(lambda: self._export("png"))
        self.export_svg_button.clicked.connect(lambda: self._export("svg"))
        top = QHBoxLayout()
        top.addWidget(QLabel("Period:"))
        top.addWidget(self.period)
        top.addWidget(self.status, 1)
        top.addWidget(self.export_png_button)
        top.addWidget(self.export_svg_button)

        self.done_chart = DonePerDayChart()
        self.cumulative_chart = CumulativeChart()
        self.minutes_chart = MinutesChart()
        self.quality_chart = QualityChart()
        self.charts: list[Chart] = [
            self.done_chart,
            self.cumulative_chart,
            self.minutes_chart,
            self.quality_chart,
        ]
        for chart in self.charts:
            chart.min_documents = self.min_documents
        self.tabs = QTabWidget()
        for chart, name in zip(
            self.charts, ("Done per day", "Cumulative", "Minutes per document", "Quality"), strict=True
        ):
            chart.picked.connect(self.show_documents)
            self.tabs.addTab(chart, name)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tabs.addTab(self.table, "Figures")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.documents_label = QLabel(
            "Click a bar, a point or a box (or choose one with the arrow keys and press Enter) to list "
            "its documents."
        )
        self.documents_label.setWordWrap(True)
        self.documents = QTreeWidget()
        self.documents.setHeaderLabels(["document", "annotator", "done", "minutes"])
        self.documents.setRootIsDecorated(False)
        header = self.documents.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.documents.itemActivated.connect(self._open)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.documents_label)
        side_layout.addWidget(self.documents, 1)
        split = QSplitter()
        split.addWidget(self.tabs)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([int(self.width() * 0.72), int(self.width() * 0.28)])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.compute()

    # -- figures, in the background

    def since(self) -> date | None:
        days = PERIODS[self.period.currentIndex()][1]
        if days is None:
            return None
        from datetime import UTC, datetime

        today = self.today or datetime.now(UTC).date()
        return today - timedelta(days=days - 1)

    def compute(self) -> None:
        from annotator.services.progress import project_progress

        project, since, today, min_documents = self.project, self.since(), self.today, self.min_documents
        self.loaded = False
        self.status.setText("Computing the figures…")

        def job(progress: Any, cancel: Any) -> ProgressReport:
            return project_progress(
                project, since=since, today=today, series=True, min_documents=min_documents
            )

        if self.task is not None and not self.task.finished:
            self.task.cancel.cancel()
        task = BackgroundTask("Progress", job, self, show_progress=False)
        task.done.connect(lambda report, task=task: self._loaded(task, report))
        task.error.connect(lambda exc, task=task: self._failed(task, exc))
        self.task = task
        task.start()

    def _loaded(self, task: BackgroundTask, report: ProgressReport) -> None:
        if task is not self.task:  # an older period's figures
            return
        self.report = report
        for chart in self.charts:
            chart.set_report(report)
        self._fill_table(report)
        p = report.project
        finish = "no estimate" if p.finish_estimate is None else p.finish_estimate.isoformat()
        finish = f"finish: {finish}"
        self.status.setText(
            f"{p.done:,} done, {p.remaining:,} left of {p.assigned:,} assigned; {finish}; "
            f"{p.waiting_adjudication:,} waiting for adjudication"
        )
        self.loaded = True

    def _failed(self, task: BackgroundTask, exc: object) -> None:
        if task is self.task:
            self.status.setText(f"The figures could not be computed: {exc}")
            self.loaded = True

    def _fill_table(self, report: ProgressReport) -> None:
        """One row per annotator and the project's totals last."""
        rows: list[dict[str, Any]] = []
        for person in report.annotators:
            gold = person.gold or {}
            rows.append(
                {
                    **person.as_dict(),
                    "hours": person.active_seconds / 3600,
                    "precision": gold.get("precision"),
                    "recall": gold.get("recall"),
                    "f1": gold.get("f1"),
                    "checks": person.checks,
                }
            )
        total = report.project
        rows.append(
            {
                **total.as_dict(),
                "name": "(project)",
                "hours": total.active_seconds / 3600,
                "finish_estimate": None
                if total.finish_estimate is None
                else total.finish_estimate.isoformat(),
            }
        )
        self.table.setRowCount(len(rows))
        self.table.verticalHeader().setVisible(False)
        for row, values in enumerate(rows):
            for column, (_title, key) in enumerate(COLUMNS):
                value = values.get(key)
                if value is None:
                    text = "–"
                elif isinstance(value, float):
                    text = (
                        f"{value:.3f}"
                        if key in ("agreement", "precision", "recall", "f1")
                        else f"{value:.1f}"
                    )
                elif isinstance(value, dict):
                    from annotator.services.progress import checks_text

                    text = checks_text(value)
                else:
                    text = str(value)
                item = QTableWidgetItem(text)
                if key != "name":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    # -- documents behind a point

    def show_documents(self, pick: Pick) -> list[int]:
        from annotator.services.progress import documents_behind

        rows = documents_behind(
            self.project,
            pick.annotator,
            day=pick.day,
            week=pick.week,
            since=self.since(),
            slowest_first=pick.slowest_first,
        )
        self.documents.clear()
        self.documents_label.setText(
            f"{pick.what[0].upper()}{pick.what[1:]}: {len(rows):,}. Enter opens one in the workbench."
        )
        for r in rows:
            item = QTreeWidgetItem(
                [
                    f"{r.title or r.external_id}  ({r.external_id})",
                    r.annotator,
                    "" if r.done_on is None else r.done_on.isoformat(),
                    "" if r.minutes is None else f"{r.minutes:.1f}",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, r.document_id)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight)
            self.documents.addTopLevelItem(item)
        first = self.documents.topLevelItem(0)
        if first is not None:
            self.documents.setCurrentItem(first)
        return [r.document_id for r in rows]

    def _open(self, item: QTreeWidgetItem) -> None:
        if self.open_document is not None:
            self.open_document(item.data(0, Qt.ItemDataRole.UserRole))

    # -- export

    def current_chart(self) -> Chart | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, Chart) else None

    def _tab_changed(self, _index: int) -> None:
        chart = self.current_chart()
        self.export_png_button.setEnabled(chart is not None)
        self.export_svg_button.setEnabled(chart is not None)

    def _export(self, kind: str) -> None:
        chart = self.current_chart()
        if chart is None:
            return
        name = chart.title.split(":")[0].split(",")[0].lower().replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export the chart as {kind.upper()}", f"{name}.{kind}", f"{kind.upper()} (*.{kind})"
        )
        if not path:
            return
        try:
            (chart.export_png if kind == "png" else chart.export_svg)(path)
        except Exception as exc:  # a file that cannot be written: said, the window stays
            self.status.setText(f"Not exported: {exc}")
        else:
            self.status.setText(f"Exported {path}")

    def closeEvent(self, event: Any) -> None:
        if self.task is not None and not self.task.finished:
            self.task.cancel.cancel()
            self.task.wait(5000)
        super().closeEvent(event)
