"""Side panels: label palette, this document's annotations, and sentiment; the schema's guidelines (on
hover, and F1's dialog)."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.schema import Schema
from annotator.services.annotate import Span
from annotator.ui.document_view import DocumentView


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


# ---------------------------------------------------------------------------------------------- guidelines


def guide_markdown(schema: Schema, name: str) -> str:
    """What annotators are told about ``name`` (a type, ``EVENT.role`` or an attribute, as
    :meth:`Schema.guide` takes it) as one Markdown text: description, guideline, examples; "" when the
    schema has no such name."""
    found = schema.guide(name)
    if found is None:
        return ""
    description, guideline, examples = found
    parts = [f"### {name}"]
    if description:
        parts.append(description.strip())
    if guideline:
        parts.append(guideline.strip())
    if examples:
        # examples are plain text: no Markdown of their own (a * or _ in one is shown as it is)
        shown = "\n".join("- " + re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", e) for e in examples)
        parts.append("**Examples**\n\n" + shown)
    return "\n\n".join(parts)


def has_guideline(schema: Schema, name: str) -> bool:
    """Whether the schema tells annotators more about ``name`` than its one-line description."""
    found = schema.guide(name)
    return found is not None and bool(found[1] or found[2])


def markdown_html(markdown: str) -> str:
    """``markdown`` rendered by Qt as an HTML fragment (what a tooltip or a label takes)."""
    document = QTextDocument()
    document.setMarkdown(markdown)
    full = document.toHtml()
    body = re.search(r"<body[^>]*>(.*)</body>", full, re.S)
    return body.group(1).strip() if body else full


def guide_html(schema: Schema, name: str) -> str:
    """A tooltip for ``name``: its guide rendered (the name bold when the schema has nothing on it)."""
    markdown = guide_markdown(schema, name)
    return markdown_html(markdown) if markdown else f"<b>{html.escape(name)}</b>"


class GuidelineDialog(QDialog):
    """F1 on a selected label: what annotators are told about its type (rendered Markdown), the version of
    the schema in force."""

    def __init__(self, schema: Schema, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Guideline: {name}")
        self.name = name
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        from annotator.ui.fonts import document_font

        self.browser.setFont(document_font(11))  # Devanagari examples in the text's own font
        markdown = guide_markdown(schema, name)
        if markdown and not has_guideline(schema, name):
            markdown += "\n\n*The schema gives no guideline or examples for this label.*"
        self.browser.setMarkdown(markdown or f"The schema has no type {name}.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        from annotator.ui.geometry import fit_to_screen

        fit_to_screen(self, 560, 420)

    def markdown(self) -> str:
        return self.browser.toMarkdown()


class GuidedView(DocumentView):
    """The document view whose tooltips also say what the schema tells annotators about the labels under
    the mouse (when it says more than a description)."""

    schema: Schema | None = None

    def describe(self, spans: list[Span]) -> str:
        said = super().describe(spans)
        schema = self.schema
        if schema is None:
            return said
        labels = [s.label for s in spans if has_guideline(schema, s.label)]
        if not labels:
            return said
        lines = "<br>".join(html.escape(line).replace("    ", "&nbsp;" * 4) for line in said.splitlines())
        guides = "<hr>".join(guide_html(schema, label) for label in dict.fromkeys(labels))
        return f"<p style='white-space:pre-wrap'>{lines}</p><hr>{guides}"


class LabelPalette(QListWidget):
    """The schema's entity types with color, hotkey and guideline (tooltip); clicking one applies it."""

    labelChosen = Signal(str)

    def __init__(self, schema: Schema, keys: dict[str, str] | None = None, parent=None):
        """``keys``: the label keys the workbench can reach (key → label); the schema's own by default."""
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key_of = {name: key for key, name in keys.items()} if keys is not None else None
        for entity in schema.entities:
            if entity.abstract:  # brat's '!' types group others and cannot be assigned
                continue
            hotkey = entity.hotkey if key_of is None else key_of.get(entity.name)
            key = f"  [{hotkey}]" if hotkey else ""
            item = QListWidgetItem(swatch(entity.color), f"{entity.name}{key}")
            item.setToolTip(guide_html(schema, entity.name))
            item.setData(Qt.ItemDataRole.UserRole, entity.name)
            self.addItem(item)
        self.itemClicked.connect(lambda item: self.labelChosen.emit(item.data(Qt.ItemDataRole.UserRole)))


class SpanListModel(QAbstractTableModel):
    """This document's spans as rows (text, label, sentiment, what is set on it: confidence, note,
    counts…); resetting it is cheap at any size."""

    HEADERS = ("Text", "Label", "Sentiment", "Set")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, str]] = []  # text, label, polarity, set, id
        self._colors: dict[str, str] = {}
        self._icons: dict[str, QIcon] = {}

    @staticmethod
    def attributes_line(attributes: dict) -> str:
        """The attributes that are set, in one line (a long note cut with …)."""
        parts = []
        for name, value in sorted((attributes or {}).items()):
            if value in (None, "", False):
                continue
            shown = " ".join(str(value).split())
            parts.append(f"{name}: {shown if len(shown) <= 40 else shown[:39] + '…'}")
        return " · ".join(parts)

    def set_spans(
        self, text: str, spans: list[Span], polarities: dict[str, str], colors: dict[str, str]
    ) -> None:
        self.beginResetModel()
        self._rows = [
            (
                text[s.start : s.end],
                s.label,
                polarities.get(s.id, ""),
                self.attributes_line(s.attributes),
                s.id,
            )
            for s in spans
        ]
        if colors != self._colors:
            self._colors = dict(colors)
            self._icons = {label: swatch(color) for label, color in colors.items()}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3 and row[3]:
            return row[3].replace(" · ", "\n")
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 1:
            return self._icons.get(row[1])
        if role == Qt.ItemDataRole.UserRole:
            return row[4]
        return None

    def row_of(self, span_id: str) -> int:
        return next((i for i, row in enumerate(self._rows) if row[4] == span_id), -1)


class AnnotationList(QTreeView):
    """This document's spans: text, label, sentiment, what is set. Selecting one selects it in the
    document."""

    spanActivated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.span_model = SpanListModel(self)
        self.setModel(self.span_model)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.selectionModel().currentRowChanged.connect(self._on_current)
        self.clicked.connect(lambda index: self._on_current(index, QModelIndex()))
        self._updating = False

    def show_spans(
        self, text: str, spans: list[Span], polarities: dict[str, str], colors: dict[str, str]
    ) -> None:
        self._updating = True
        self.span_model.set_spans(text, spans, polarities, colors)
        self._updating = False

    def count(self) -> int:
        return self.span_model.rowCount()

    def row_texts(self, row: int) -> tuple[str, ...]:
        m = self.span_model
        return tuple(m.data(m.index(row, col)) for col in range(m.columnCount()))

    def select_id(self, span_id: str) -> None:
        row = self.span_model.row_of(span_id)
        self._updating = True
        if row >= 0:
            index = self.span_model.index(row, 0)
            self.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.scrollTo(index)
        else:
            self.selectionModel().clearSelection()
        self._updating = False

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._updating and current.isValid():
            self.spanActivated.emit(self.span_model.data(current, Qt.ItemDataRole.UserRole))


class SentimentPanel(QWidget):
    """Document tone on the schema's scale, and the polarity of the selected span."""

    toneChosen = Signal(object)  # int, or None to clear
    polarityChosen = Signal(str)

    def __init__(self, schema: Schema, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # short titles and shrinkable buttons: the panel never widens the right column (at 1024 px the
        # text keeps most of the window); the keys are said in a line that wraps
        self.tone_box = QGroupBox("Document tone")
        self.tone_box.setToolTip("Alt+1 … Alt+5 set the tone, Alt+0 clears it")
        tone_layout = QHBoxLayout(self.tone_box)
        self.tone_buttons: dict[int, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)
        scale = schema.document_sentiment
        for level in scale.levels if scale else ():
            button = QPushButton(f"{level.value:+d}" if level.value else "0")
            button.setCheckable(True)
            button.setToolTip(f"<b>{level.label}</b><br>{level.description}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(30)
            button.clicked.connect(lambda _checked=False, v=level.value: self._tone_clicked(v))
            tone_layout.addWidget(button)
            self.tone_buttons[level.value] = button
        layout.addWidget(self.tone_box)
        self.target_box = QGroupBox("Toward the selected span")
        self.target_box.setToolTip("Sentiment toward the selected span: - negative, = neutral, + positive")
        target_layout = QHBoxLayout(self.target_box)
        self.polarity_buttons: dict[str, QPushButton] = {}
        targeted = schema.targeted_sentiment
        for polarity in targeted.polarities if targeted else ():
            button = QPushButton(polarity)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(30)
            button.clicked.connect(lambda _checked=False, p=polarity: self.polarityChosen.emit(p))
            target_layout.addWidget(button)
            self.polarity_buttons[polarity] = button
        layout.addWidget(self.target_box)
        keys = QLabel("Alt+1 … Alt+5 tone, Alt+0 clears; - = + toward the span")
        keys.setWordWrap(True)
        keys.setStyleSheet("color: palette(mid)")
        layout.addWidget(keys)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._tone: int | None = None

    def _tone_clicked(self, value: int) -> None:
        self.toneChosen.emit(None if value == self._tone else value)

    def show_tone(self, tone: int | None) -> None:
        self._tone = tone
        for value, button in self.tone_buttons.items():
            button.setChecked(value == tone)

    def show_polarity(self, span_selected: bool, polarity: str | None) -> None:
        self.target_box.setEnabled(span_selected)
        for name, button in self.polarity_buttons.items():
            button.setChecked(name == polarity)


class EventsPanel(QWidget):
    """Event frames (type, trigger, each role with its fillers, attributes), relations, and the
    document's schema problems. Selecting a frame activates its event."""

    eventActivated = Signal(str)
    relationActivated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.tree.itemClicked.connect(self._on_item)
        self.tree.itemExpanded.connect(
            lambda item: self._fill((item.data(0, Qt.ItemDataRole.UserRole) or ("", ""))[1])
        )
        self._items: dict[str, QTreeWidgetItem] = {}
        self._active = ""
        layout.addWidget(self.tree, 3)
        self.problems = QListWidget()
        self.problems.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(QLabel("Problems"))
        layout.addWidget(self.problems, 1)
        self._updating = False

    def show_frames(
        self,
        schema: Schema,
        text: str,
        frames,
        labels: dict[str, tuple[int, int, str]],
        problems: dict[str, list[str]],
        active: str,
        colors: dict[str, str],
    ) -> None:
        """Frames as top-level rows; a frame's roles are filled in when it is expanded or activated, so
        a document with hundreds of events lists quickly."""
        self._updating = True
        self.tree.clear()
        self.problems.clear()
        self._schema, self._frames = schema, {e.id: e for e in frames.events}
        self._surfaces = {e.id: f"{e.type} «{text[e.start : e.end]}»" for e in frames.events}
        self._spans = {sid: f"{text[s:e]} ({label})" for sid, (s, e, label) in labels.items()}
        self._items = {}
        for event in frames.events:
            warn = problems.get(event.id)
            item = QTreeWidgetItem([("⚠ " if warn else "") + self._surfaces[event.id]])
            item.setData(0, Qt.ItemDataRole.UserRole, ("event", event.id))
            item.setIcon(0, swatch(colors.get(event.type, "#999999")))
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            if warn:
                item.setToolTip(0, "\n".join(warn))
            elif has_guideline(schema, event.type):
                item.setToolTip(0, guide_html(schema, event.type))
            self.tree.addTopLevelItem(item)
            self._items[event.id] = item
            for problem in warn or ():
                self.problems.addItem(f"{self._surfaces[event.id]}: {problem}")
        if frames.relations:
            head = QTreeWidgetItem([f"Relations ({len(frames.relations)})"])
            for rel in frames.relations:
                source, target = self._spans.get(rel.from_id, "?"), self._spans.get(rel.to_id, "?")
                child = QTreeWidgetItem([f"{rel.type}: {source} → {target}"])
                child.setData(0, Qt.ItemDataRole.UserRole, ("relation", rel.id))
                head.addChild(child)
            self.tree.addTopLevelItem(head)
        if frames.links:
            head = QTreeWidgetItem([f"Canonical links ({len(frames.links)})"])
            for span_id, (link_id, name) in frames.links.items():
                label = f"{self._spans.get(span_id, '?')} = {link_id}" + (f" ({name})" if name else "")
                head.addChild(QTreeWidgetItem([label]))
            self.tree.addTopLevelItem(head)
        self._active = ""
        self._updating = False
        self.set_active(active)

    def _fill(self, event_id: str) -> None:
        item = self._items.get(event_id)
        if item is None or item.childCount():
            return
        event = self._frames[event_id]
        try:
            roles = self._schema.event_type(event.type).roles
        except KeyError:
            roles = ()
        for n, role in enumerate(roles, 1):
            fillers = [
                self._spans.get(a.filler_id, "?")
                if a.filler_kind == "entity"
                else self._surfaces.get(a.filler_id, "?")
                for a in event.arguments
                if a.role == role.name
            ]
            key = str(n % 10) if n <= 10 else " "
            filled = " · ".join(fillers) if fillers else "—"
            child = QTreeWidgetItem([f"{key}  {role.name} ({role.cardinality_label}): {filled}"])
            child.setData(0, Qt.ItemDataRole.UserRole, ("event", event_id))
            if has_guideline(self._schema, f"{event.type}.{role.name}"):  # what the role's filler is
                child.setToolTip(0, guide_html(self._schema, f"{event.type}.{role.name}"))
            item.addChild(child)
        if event.attributes:
            child = QTreeWidgetItem(["   " + ", ".join(f"{k}: {v}" for k, v in event.attributes.items())])
            child.setData(0, Qt.ItemDataRole.UserRole, ("event", event_id))
            item.addChild(child)

    def set_active(self, event_id: str) -> None:
        self._updating = True
        previous = self._items.get(self._active)
        if previous is not None:
            previous.setExpanded(False)
        self._active = event_id
        item = self._items.get(event_id)
        if item is not None:
            self._fill(event_id)
            item.setExpanded(True)
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        self._updating = False

    def _on_item(self, item: QTreeWidgetItem, _column: int) -> None:
        if self._updating:
            return
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data and data[0] == "event":
            self.eventActivated.emit(data[1])
        elif data and data[0] == "relation":
            self.relationActivated.emit(data[1])
