"""Small dialogs that edit an incident: its fields (type, dates, place, actors, figure rule with the manual
figures, notes) and the figures one source gives. The dialog only gathers the values; OK hands them to the
window's ``submit`` (which runs ``services.incidents.SetIncidentFields`` or ``SetSourceFigures`` through
``carry_out``, one undo step) and closes only when that was done: a refusal (a bad date, a start after the
end, a negative figure) is shown in the dialog, which stays open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.services.incidents import FIGURES, RULE_NAMES, RULES, IncidentView, Mention, short_id
from annotator.ui.fonts import document_font

#: Given the values, None when done, else the one line saying why not.
Submit = Callable[[dict[str, Any]], str | None]


def figure_boxes() -> dict[str, QLineEdit]:
    boxes = {}
    for name in FIGURES:
        box = QLineEdit()
        box.setPlaceholderText("—")
        box.setMaximumWidth(90)
        boxes[name] = box
    return boxes


def read_figures(boxes: dict[str, QLineEdit]) -> dict[str, int | None]:
    """The figures typed (blank: none given); a word that is not a whole number is refused here."""
    out: dict[str, int | None] = {}
    for name, box in boxes.items():
        text = box.text().strip()
        if not text:
            out[name] = None
            continue
        try:
            out[name] = int(text)
        except ValueError:
            raise ValueError(f"{name}: {text!r} is not a whole number") from None
    return out


def parse_actors(text: str) -> list[tuple[str, str]]:
    """``id | name`` lines (a line without ``|`` is a name without an id); blank lines are skipped."""
    actors = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if "|" in line:
            actor_id, name = line.split("|", 1)
        else:
            actor_id, name = "", line
        actors.append((actor_id.strip(), name.strip()))
    return actors


class _SubmitDialog(QDialog):
    """OK gathers the values and submits them; a refusal is said in :attr:`error`, the dialog stays."""

    def __init__(self, submit: Submit, parent: QWidget | None = None):
        super().__init__(parent)
        self.submit = submit
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def say(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def accept(self) -> None:
        try:
            values = self.values()
        except ValueError as exc:
            self.say(str(exc))
            return
        refused = self.submit(values)
        if refused:
            self.say(refused)
            return
        self.say("")
        super().accept()


class IncidentFieldsDialog(_SubmitDialog):
    """An incident's fields (see the module)."""

    def __init__(
        self, incident: IncidentView, types: Sequence[str], submit: Submit, parent: QWidget | None = None
    ):
        super().__init__(submit, parent)
        self.incident = incident
        self.setWindowTitle(f"Incident {short_id(incident.id)}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.type_box = QComboBox()
        for name in [*([incident.type] if incident.type and incident.type not in types else []), *types]:
            self.type_box.addItem(name, name)
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(incident.type)))
        form.addRow("&Type:", self.type_box)
        self.start_box = QLineEdit(incident.date_start or "")
        self.end_box = QLineEdit(incident.date_end or "")
        for box in (self.start_box, self.end_box):
            box.setPlaceholderText("YYYY-MM-DD")
        dates = QHBoxLayout()
        dates.addWidget(self.start_box)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.end_box)
        form.addRow("Dates:", dates)
        self.place_id_box = QLineEdit(incident.place_id or "")
        self.place_id_box.setPlaceholderText("id (optional)")
        self.place_name_box = QLineEdit(incident.place_name or "")
        self.place_name_box.setPlaceholderText("name: तुमड़ीपारा, Pahalgam…")
        self.place_name_box.setFont(document_font(10))
        place = QHBoxLayout()
        place.addWidget(self.place_id_box, 1)
        place.addWidget(self.place_name_box, 2)
        form.addRow("Place:", place)
        self.actors_box = QPlainTextEdit("\n".join(f"{i} | {n}" for i, n in incident.actors))
        self.actors_box.setPlaceholderText("one a line: id | name")
        self.actors_box.setFont(document_font(10))
        self.actors_box.setTabChangesFocus(True)
        self.actors_box.setFixedHeight(self.actors_box.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow("&Actors:", self.actors_box)
        self.rule_box = QComboBox()
        for rule in RULES:
            self.rule_box.addItem(RULE_NAMES.get(rule, rule), rule)
        self.rule_box.setCurrentIndex(max(0, self.rule_box.findData(incident.rule)))
        form.addRow("Figure &rule:", self.rule_box)
        self.manual = figure_boxes()
        manual = QHBoxLayout()
        for name, box in self.manual.items():
            value = incident.manual.get(name)
            box.setText("" if value is None else str(value))
            manual.addWidget(QLabel(name))
            manual.addWidget(box)
        manual.addStretch(1)
        form.addRow("Figures set by hand:", manual)
        self.notes_box = QPlainTextEdit(incident.notes)
        self.notes_box.setTabChangesFocus(True)
        self.notes_box.setFixedHeight(self.notes_box.fontMetrics().lineSpacing() * 3 + 12)
        form.addRow("&Notes:", self.notes_box)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.rule_box.currentIndexChanged.connect(lambda _i: self._enable_manual())
        self._enable_manual()

    def _enable_manual(self) -> None:
        for box in self.manual.values():
            box.setEnabled(self.rule_box.currentData() == "manual")

    def values(self) -> dict[str, Any]:
        """The fields as ``SetIncidentFields`` takes them."""
        place_id, place_name = self.place_id_box.text().strip(), self.place_name_box.text().strip()
        return {
            "type": self.type_box.currentData() or "",
            "date_start": self.start_box.text().strip() or None,
            "date_end": self.end_box.text().strip() or None,
            "place": (place_id, place_name) if place_id or place_name else None,
            "actors": parse_actors(self.actors_box.toPlainText()),
            "figure_rule": self.rule_box.currentData(),
            "figures": read_figures(self.manual),
            "notes": self.notes_box.toPlainText().strip(),
        }


class SourceFiguresDialog(_SubmitDialog):
    """The killed/injured/arrested figures one source gives (blank: it gives none)."""

    def __init__(self, mention: Mention, submit: Submit, parent: QWidget | None = None):
        super().__init__(submit, parent)
        self.mention = mention
        self.setWindowTitle(f"Figures of {mention.external_id}")
        layout = QVBoxLayout(self)
        heading = QLabel(f"{mention.external_id} · {mention.published or 'undated'} · «{mention.trigger}»")
        heading.setFont(document_font(10))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.setMinimumWidth(min(480, heading.fontMetrics().horizontalAdvance(heading.text()) + 40))
        layout.addWidget(heading)
        form = QFormLayout()
        self.boxes = figure_boxes()
        for name, box in self.boxes.items():
            value = mention.figures.get(name)
            box.setText("" if value is None else str(value))
            form.addRow(f"{name}:", box)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def values(self) -> dict[str, Any]:
        return read_figures(self.boxes)
