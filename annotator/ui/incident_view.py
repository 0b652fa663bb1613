"""Project → Incidents (leads and adjudicators): every incident of the project in a table over a list model
(30,000 rows open at once: no item per cell, fixed column widths, rows of one height), filters (type,
place, dates, only where the sources disagree, annotator), a timeline of incidents per day by type painted
with QPainter (:mod:`annotator.ui.incident_timeline`), the sources of the selected incident (Enter opens
one's document), and merge (m) and split (s) of incidents. The view only says what was asked: the window
runs the commands (one undo step each) and reads the incidents again. Adjudicators see, beside the
selected incident, the other annotators' and gold's incidents over its documents, put one into gold (g)
or link all of them by a policy (A). What a filter keeps and how figures are chosen is decided in
:mod:`annotator.services.incidents`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.services.incidents import (
    FIGURES,
    Counterpart,
    IncidentFilter,
    IncidentView,
    Mention,
    date_range,
    disagreeing,
    filter_problem,
    per_day,
    short_id,
    sources,
)
from annotator.ui.fonts import document_font
from annotator.ui.incident_panel import binding_for, conflict_table
from annotator.ui.incident_timeline import Timeline as Timeline

COLUMNS = ("≠", "Incident", "Dates", "Type", "Place", "Sources", *FIGURES, "Annotator", "Admin areas")
#: the admin areas' column (country › state › district, where the gazetteer knows the place)
AREAS = len(COLUMNS) - 1
#: Sample text setting each column's width (fixed: ResizeToContents would read every row).
WIDTHS = (
    "≠",
    "00000000",
    "2025-04-22 – 2025-04-24",
    "SECURITY_OP",
    "Dantewada, दंतेवाड़ा",
    "Sources",
    "injured",
    "injured",
    "arrested",
    "annotator",
    "",  # the admin areas take the rest of the width
)
_MARK_COLOR = QColor("#b3261e")
#: the timeline of more rows than this is counted on the event loop's next turn after the table is shown
TIMELINE_LATER_ROWS = 5_000


#: long lists of incidents the view let go of, freed a part at a time (see :func:`release_later`)
_let_go: list[list[IncidentView]] = []
#: how many incidents are freed a turn of the event loop
RELEASE_STEP = 3_000


def release_later(rows: list[IncidentView]) -> None:
    """Let go of a long list of incidents a few thousand a turn of the event loop: freeing 30,000 incidents
    and their sources at once (when the view reads them again, or a second view replaces the first) held
    the interpreter lock, so the GUI thread, for about 100 ms. ``rows`` must be referred to from nowhere
    else in the view (it is emptied)."""
    if len(rows) <= RELEASE_STEP:
        return
    _let_go.append(rows)
    if len(_let_go) == 1:
        QTimer.singleShot(0, _release_step)


def _release_step() -> None:
    rows = _let_go[0]
    del rows[-RELEASE_STEP:]
    if not rows:
        _let_go.pop(0)
    if _let_go:
        QTimer.singleShot(0, _release_step)


class IncidentTableModel(QAbstractTableModel):
    """The incidents a filter keeps, one row each; the rows are the list's items, read when painted."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[IncidentView] = []
        self.disagreeing: set[str] = set()  # the ids of incidents whose sources disagree

    def set_rows(self, rows: list[IncidentView], disagreeing: set[str]) -> None:
        self.beginResetModel()
        self.rows, self.disagreeing = rows, disagreeing
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == 0:
            return "≠: the sources give different killed, injured or arrested figures"
        return None

    def disagrees(self, incident: IncidentView) -> bool:
        return incident.id in self.disagreeing

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        incident = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return "≠" if self.disagrees(incident) else ""
            if col == 1:
                return short_id(incident.id)
            if col == 2:
                return date_range(incident)
            if col == 3:
                return incident.type
            if col == 4:
                return incident.place_name or incident.place_id or ""
            if col == 5:
                return sources(incident)
            if 6 <= col < 6 + len(FIGURES):
                value = incident.figure(FIGURES[col - 6])
                return "" if value is None else value
            if col == AREAS:
                return " › ".join(incident.admin)
            return incident.annotator
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return _MARK_COLOR
        if role == Qt.ItemDataRole.ForegroundRole and 6 <= col < 6 + len(FIGURES):
            return _MARK_COLOR if incident.conflicts(FIGURES[col - 6]) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and (col == 0 or 5 <= col < 6 + len(FIGURES)):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and 6 <= col < 6 + len(FIGURES):
            found = incident.conflicts(FIGURES[col - 6])
            return " | ".join(f"{v} ({doc})" for v, doc in found) if found else None
        return None


class _Table(QTableView):
    pressed = Signal(object)  # a KeyBinding of the view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = binding_for(event, "incidents")
        if binding is not None:
            self.pressed.emit(binding)
            return
        super().keyPressEvent(event)


class _Sources(QListWidget):
    pressed = Signal(object)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = binding_for(event, "incidents")
        if binding is not None:
            self.pressed.emit(binding)
            return
        super().keyPressEvent(event)


class IncidentViewDialog(QDialog):
    """See the module. The window fills it (:meth:`set_incidents`) and gives the selected incident's sources
    (:meth:`show_sources`)."""

    mergeRequested = Signal(list)  # [IncidentView, IncidentView]
    splitRequested = Signal(object, list)  # IncidentView, [event ids]
    sourceOpened = Signal(object, object)  # IncidentView, Mention
    editRequested = Signal(object)  # IncidentView: edit its fields
    figuresRequested = Signal(object, object)  # IncidentView, Mention: edit the figures it gives
    incidentSelected = Signal(object)  # IncidentView: the window reads its sources
    goldRequested = Signal(list)  # [IncidentView]: put the selected annotator's incident into gold
    adjudicateRequested = Signal(str)  # a policy: link every incident into gold by it
    loaded = Signal()  # the incidents were (read again and) shown

    def __init__(self, types: list[str], colors: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Incidents")
        self.colors = colors
        self.all: list[IncidentView] = []
        self.disagreeing: set[str] = set()
        self.sources_of: IncidentView | None = None
        self.loading = True  # until the window's reading of the incidents is shown
        self.generation = 0  # the window's readings, counted: only the latest is shown
        layout = QVBoxLayout(self)

        filters = QHBoxLayout()
        self.type_box = QComboBox()
        self.type_box.addItem("any type", "")
        for t in types:
            self.type_box.addItem(t, t)
        self.place_box = QLineEdit()
        self.place_box.setPlaceholderText("place: Pahalgam, पहलगाम…")
        self.place_box.setFont(document_font(10))
        self.from_box = QLineEdit()
        self.from_box.setPlaceholderText("from YYYY-MM-DD")
        self.to_box = QLineEdit()
        self.to_box.setPlaceholderText("to YYYY-MM-DD")
        for box in (self.from_box, self.to_box):
            box.setMaximumWidth(QFontMetrics(box.font()).horizontalAdvance("from YYYY-MM-DD") + 24)
        self.disagree_box = QCheckBox("only where sources disagree (≠)")
        self.annotator_box = QComboBox()
        self.annotator_box.addItem("everyone", "")
        filters.addWidget(QLabel("Filter:"))
        filters.addWidget(self.type_box)
        filters.addWidget(self.place_box)
        filters.addWidget(self.annotator_box)
        layout.addLayout(filters)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Dates:"))
        dates.addWidget(self.from_box)
        dates.addWidget(self.to_box)
        dates.addWidget(self.disagree_box)
        self.heading = QLabel("Reading the incidents…")
        dates.addWidget(self.heading, 1)
        layout.addLayout(dates)

        self.timeline = Timeline()
        self.model = IncidentTableModel(self)
        self.table = _Table()
        self.table.setModel(self.model)
        self.table.setFont(document_font(10))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(QFontMetrics(self.table.font()).height() + 8)
        header = self.table.horizontalHeader()
        metrics = QFontMetrics(self.table.font())
        for col, sample in enumerate(WIDTHS):
            if sample:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 18)
        header.setSectionResizeMode(AREAS, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        self.table.pressed.connect(self._on_key)
        self.table.doubleClicked.connect(lambda _i: self.open_source())

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.sources_heading = QLabel("Select an incident to see its sources.")
        self.sources_heading.setWordWrap(True)
        right_layout.addWidget(self.sources_heading)
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        right_layout.addWidget(self.figures)
        self.sources = _Sources()
        self.sources.setFont(document_font(10))
        self.sources.setWordWrap(True)
        self.sources.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.sources.itemActivated.connect(lambda _item: self.open_source())
        self.sources.pressed.connect(self._on_key)
        right_layout.addWidget(self.sources, 1)
        # the same incident as the other annotators and gold linked it (events at the same documents and
        # trigger spans): what an adjudicator compares before g puts one into gold
        self.beside_heading = QLabel(
            "Beside it: the other annotators' and gold's incidents (adjudicators: g puts the selected "
            "incident into gold, A links all by the policy)"
        )
        self.beside_heading.setWordWrap(True)
        right_layout.addWidget(self.beside_heading)
        self.beside = _Sources()
        self.beside.setFont(document_font(10))
        self.beside.setWordWrap(True)
        self.beside.pressed.connect(self._on_key)
        right_layout.addWidget(self.beside)

        below = QSplitter(Qt.Orientation.Horizontal)
        below.addWidget(self.table)
        below.addWidget(right)
        below.setStretchFactor(0, 2)
        below.setStretchFactor(1, 1)
        self._below = below
        whole = QSplitter(Qt.Orientation.Vertical)
        whole.addWidget(self.timeline)
        whole.addWidget(below)
        whole.setStretchFactor(0, 0)
        whole.setStretchFactor(1, 1)
        self._whole = whole
        layout.addWidget(whole, 1)

        self.status = QLabel()  # the window's status line (what was done, or why not)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton("&Merge the two selected (m)")
        self.merge_button.clicked.connect(self.merge)
        self.split_button = QPushButton("&Split: selected sources to a new incident (s)")
        self.split_button.clicked.connect(self.split)
        self.open_button = QPushButton("&Open source (Enter)")
        self.open_button.clicked.connect(self.open_source)
        self.edit_button = QPushButton("&Edit incident… (e)")
        self.edit_button.clicked.connect(self.edit_incident)
        self.gold_button = QPushButton("Into &gold (g)")
        self.gold_button.clicked.connect(self.into_gold)
        self.policy_box = QComboBox()
        for policy in ("majority", "unanimous", "min:1", "min:2", "min:3"):
            self.policy_box.addItem(policy, policy)
        self.policy_box.setToolTip("The policy Adjudicate all (A) links incidents into gold by")
        self.adjudicate_button = QPushButton("&Adjudicate all (A)")
        self.adjudicate_button.clicked.connect(self.adjudicate_all)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        for button in (
            self.merge_button,
            self.split_button,
            self.edit_button,
            self.open_button,
            self.gold_button,
        ):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addWidget(self.policy_box)
        self.adjudicate_button.setAutoDefault(False)
        buttons.addWidget(self.adjudicate_button)
        close.setAutoDefault(False)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self._timeline_rows: list[IncidentView] = []
        self._timeline_later = QTimer(self)
        self._timeline_later.setSingleShot(True)
        self._timeline_later.setInterval(0)
        self._timeline_later.timeout.connect(self._update_timeline)
        self._refilter = QTimer(self)
        self._refilter.setSingleShot(True)
        self._refilter.setInterval(150)
        self._refilter.timeout.connect(self.apply_filter)
        for box in (self.place_box, self.from_box, self.to_box):
            box.textChanged.connect(lambda _t: self._refilter.start())
        self.type_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.annotator_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.disagree_box.toggled.connect(lambda _on: self.apply_filter())
        from annotator.ui.geometry import fit_to_screen

        width, height = fit_to_screen(self, 1200, 760)
        # the table's columns first (the sources beside them wrap), the timeline a band above
        self._below.setSizes([width * 2 // 3, width - width * 2 // 3])
        self._whole.setSizes([170, max(200, height - 170)])

    # ------------------------------------------------------------------ content

    def set_incidents(self, incidents: list[IncidentView], disagree: set[str] | None = None) -> None:
        """All the project's incidents (the filters then choose) and the ids of those whose sources disagree
        (found here when not given); the selection is kept by id."""
        kept = {i.id for i in self.selected()}
        before, self.all = self.all, incidents
        self.disagreeing = disagreeing(incidents) if disagree is None else disagree
        names = sorted({i.annotator for i in incidents})
        current = self.annotator_box.currentData()
        self.annotator_box.blockSignals(True)
        self.annotator_box.clear()
        self.annotator_box.addItem("everyone", "")
        for name in names:
            self.annotator_box.addItem(name, name)
        self.annotator_box.setCurrentIndex(max(0, self.annotator_box.findData(current)))
        self.annotator_box.blockSignals(False)
        self.apply_filter(keep=kept)
        if before is not incidents:
            release_later(before)  # the table, the timeline and the filter hold the new list now
        self.loading = False
        self.loaded.emit()

    def closeEvent(self, event) -> None:
        """The incidents are let go of a part at a time (see :func:`release_later`)."""
        rows, self.all = self.all, []
        self.model.set_rows([], set())
        self._timeline_later.stop()
        self._timeline_rows = []
        release_later(rows)
        super().closeEvent(event)

    def say(self, message: str) -> None:
        """The window's status line, shown in the view too (it may cover the window)."""
        self.status.setText(message)

    def current_filter(self) -> tuple[IncidentFilter, str]:
        """The filter the boxes say, and the line saying why a date is not used ("" when all are)."""
        problems = [
            p for p in (filter_problem(self.from_box.text()), filter_problem(self.to_box.text())) if p
        ]
        return (
            IncidentFilter(
                type=self.type_box.currentData() or "",
                place=self.place_box.text().strip(),
                date_from="" if filter_problem(self.from_box.text()) else self.from_box.text().strip(),
                date_to="" if filter_problem(self.to_box.text()) else self.to_box.text().strip(),
                disagreement=self.disagree_box.isChecked(),
                annotator=self.annotator_box.currentData() or "",
            ),
            "; ".join(problems),
        )

    def apply_filter(self, keep: set[str] | None = None) -> None:
        keep = {i.id for i in self.selected()} if keep is None else keep
        wanted, problem = self.current_filter()
        rows = self.all if wanted == IncidentFilter() else wanted.apply(self.all, self.disagreeing)
        self.model.set_rows(rows, self.disagreeing)
        # the timeline of many rows is counted on the event loop's next turn: the table is shown first, and
        # neither part alone keeps the window waiting long (30,000 rows: about 20 ms each)
        self._timeline_rows = rows
        if len(rows) > TIMELINE_LATER_ROWS:
            self._timeline_later.start()
        else:
            self._update_timeline()
        said = (
            f"{len(rows):,} of {len(self.all):,} incidents"
            if len(rows) != len(self.all)
            else (f"{len(rows):,} incidents")
        )
        marked = (
            len(self.disagreeing) if rows is self.all else sum(1 for i in rows if i.id in self.disagreeing)
        )
        if marked:
            said += f" · {marked:,} where the sources disagree (≠)"
        if problem:
            said += f" · not used: {problem}"
        self.heading.setText(said)
        self.select_ids(keep)

    def _update_timeline(self) -> None:
        self.timeline.set_days(per_day(self._timeline_rows), self.colors)

    def select_ids(self, ids: set[str]) -> None:
        """Select the rows of these incidents (the first current); the first row when none is shown."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        rows = [r for r, i in enumerate(self.model.rows) if i.id in ids] if ids else []
        if not rows and self.model.rows:
            rows = [0]
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for n, row in enumerate(rows):
            index = self.model.index(row, 0)
            if n == 0:
                selection.setCurrentIndex(index, flags)
            else:
                selection.select(index, flags)
        if rows:
            self.table.scrollTo(self.model.index(rows[0], 0))
        self._on_selection()

    def selected(self) -> list[IncidentView]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows if 0 <= r < len(self.model.rows)]

    def _on_selection(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self.incidentSelected.emit(chosen[0])
        else:
            self.sources_of = None
            self.sources.clear()
            self.beside.clear()
            self.figures.clear()
            self.sources_heading.setText(
                "Two incidents selected: m merges them."
                if len(chosen) == 2
                else "Select an incident to see its sources."
            )

    def show_sources(self, incident: IncidentView, snippets: dict[str, str]) -> None:
        """The sources of the selected incident (read fully by the window), each with its snippet."""
        self.sources_of = incident
        self.sources.clear()
        self.beside.clear()
        areas = f" ({' › '.join(incident.admin)})" if incident.admin else ""
        self.sources_heading.setText(
            f"<b>{short_id(incident.id)}</b> · {incident.type} · {date_range(incident) or 'undated'} · "
            f"{incident.place_name or ''}{areas} — {incident.annotator}"
        )
        self.figures.setText(conflict_table(incident))
        for mention in incident.mentions:
            given = ", ".join(f"{k} {mention.figures[k]}" for k in FIGURES if k in mention.figures)
            head = f"{mention.external_id} · {mention.published or 'undated'} · «{mention.trigger}»"
            if given:
                head += f" · {given}"
            snippet = snippets.get(mention.id, "")
            row = QListWidgetItem(f"{head}\n    {snippet}" if snippet else head)
            row.setData(Qt.ItemDataRole.UserRole, mention.event_id)
            row.setToolTip(mention.title)
            self.sources.addItem(row)
        if self.sources.count():
            self.sources.setCurrentRow(0)

    # ------------------------------------------------------------------ asks

    def _on_key(self, binding: Any) -> None:
        if binding.action == "open_source":
            self.open_source()
        elif binding.action == "merge_incidents":
            self.merge()
        elif binding.action == "split_incident":
            self.split()
        elif binding.action == "edit_incident":
            self.edit_incident()
        elif binding.action == "edit_source_figures":
            self.edit_source_figures()
        elif binding.action == "incident_into_gold":
            self.into_gold()
        elif binding.action == "adjudicate_incidents":
            self.adjudicate_all()

    def into_gold(self) -> None:
        """Ask to put the selected incident (an annotator's) into gold."""
        self.goldRequested.emit(self.selected())

    def adjudicate_all(self) -> None:
        """Ask to link every incident into gold by the policy chosen beside the button."""
        self.adjudicateRequested.emit(self.policy_box.currentData())

    def show_counterparts(self, incident_id: str, counterparts: list[Counterpart]) -> None:
        """Beside the selected incident: the other annotators' and gold's incidents over its documents."""
        if self.sources_of is None or self.sources_of.id != incident_id:
            return  # another incident was selected since
        self.beside.clear()
        for counterpart in counterparts:
            row = QListWidgetItem(counterpart.line())
            row.setData(Qt.ItemDataRole.UserRole, counterpart.incident_id)
            self.beside.addItem(row)
        if not counterparts:
            self.beside.addItem(QListWidgetItem("No other annotator, nor gold, linked these events."))

    def edit_incident(self) -> None:
        """Ask to edit the selected incident's fields (the one whose sources are shown, read in full)."""
        chosen = self.selected()
        if len(chosen) != 1:
            self.say("Select one incident to edit (e).")
            return
        incident = (
            self.sources_of if self.sources_of is not None and self.sources_of.id == chosen[0].id else None
        )
        self.editRequested.emit(incident or chosen[0])

    def edit_source_figures(self) -> None:
        """Ask to edit the figures the current source gives."""
        incident = self.sources_of
        item = self.sources.currentItem()
        if incident is None or item is None:
            self.say("Select a source of an incident to edit its figures (f).")
            return
        event_id = item.data(Qt.ItemDataRole.UserRole)
        mention = next((m for m in incident.mentions if m.event_id == event_id), None)
        if mention is not None:
            self.figuresRequested.emit(incident, mention)

    def merge(self) -> None:
        self.mergeRequested.emit(self.selected())

    def selected_sources(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.sources.selectedItems()]

    def split(self) -> None:
        self.splitRequested.emit(self.sources_of, self.selected_sources())

    def open_source(self) -> None:
        """The current source's document (the first source until another is chosen in the list)."""
        incident = self.sources_of
        if incident is None or not incident.mentions:
            return
        item = self.sources.currentItem()
        event_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else incident.mentions[0].event_id
        mention: Mention | None = next((m for m in incident.mentions if m.event_id == event_id), None)
        if mention is not None:
            self.sourceOpened.emit(incident, mention)
