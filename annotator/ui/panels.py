"""Side panels: label palette, this document's annotations, and sentiment."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.schema import Schema
from annotator.services.annotate import Span


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelPalette(QListWidget):
    """The schema's entity types with color, hotkey and guideline (tooltip); clicking one applies it."""

    labelChosen = Signal(str)

    def __init__(self, schema: Schema, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for entity in schema.entities:
            key = f"  [{entity.hotkey}]" if entity.hotkey else ""
            item = QListWidgetItem(swatch(entity.color), f"{entity.name}{key}")
            item.setToolTip(f"<b>{entity.name}</b><br>{entity.description}")
            item.setData(Qt.ItemDataRole.UserRole, entity.name)
            self.addItem(item)
        self.itemClicked.connect(lambda item: self.labelChosen.emit(item.data(Qt.ItemDataRole.UserRole)))


class AnnotationList(QTreeWidget):
    """This document's spans: text, label, sentiment. Selecting one selects it in the document."""

    spanActivated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Text", "Label", "Sentiment"])
        self.setRootIsDecorated(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.itemSelectionChanged.connect(self._on_selection)
        self._updating = False

    def show_spans(
        self, text: str, spans: list[Span], polarities: dict[str, str], colors: dict[str, str]
    ) -> None:
        self._updating = True
        self.clear()
        for span in spans:
            item = QTreeWidgetItem([text[span.start : span.end], span.label, polarities.get(span.id, "")])
            item.setIcon(1, swatch(colors.get(span.label, "#cccccc")))
            item.setData(0, Qt.ItemDataRole.UserRole, span.id)
            item.setToolTip(0, f"[{span.start}, {span.end})")
            self.addTopLevelItem(item)
        self.resizeColumnToContents(1)
        self._updating = False

    def select_id(self, span_id: str) -> None:
        self._updating = True
        self.clearSelection()
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == span_id:
                item.setSelected(True)
                self.scrollToItem(item)
        self._updating = False

    def _on_selection(self) -> None:
        if self._updating:
            return
        items = self.selectedItems()
        if items:
            self.spanActivated.emit(items[0].data(0, Qt.ItemDataRole.UserRole))


class SentimentPanel(QWidget):
    """Document tone on the schema's scale, and the polarity of the selected span."""

    toneChosen = Signal(object)  # int, or None to clear
    polarityChosen = Signal(str)

    def __init__(self, schema: Schema, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tone_box = QGroupBox("Document tone  (Alt+1 … Alt+5, Alt+0 clears)")
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
            button.clicked.connect(lambda _checked=False, v=level.value: self._tone_clicked(v))
            tone_layout.addWidget(button)
            self.tone_buttons[level.value] = button
        layout.addWidget(self.tone_box)
        self.target_box = QGroupBox("Sentiment toward the selected span  ( -  =  + )")
        target_layout = QHBoxLayout(self.target_box)
        self.polarity_buttons: dict[str, QPushButton] = {}
        targeted = schema.targeted_sentiment
        for polarity in targeted.polarities if targeted else ():
            button = QPushButton(polarity)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, p=polarity: self.polarityChosen.emit(p))
            target_layout.addWidget(button)
            self.polarity_buttons[polarity] = button
        layout.addWidget(self.target_box)
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
