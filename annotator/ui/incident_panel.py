"""The workbench's incident panel: with an event active, the incident it is linked to (its fields, each
source with a one-line snippet of its document, its date and the figures it gives, and the figures the
sources disagree on side by side), else the incidents it may belong to, best first, with their reasons.

Keyboard first (:data:`annotator.keymap.INCIDENT_KEYS`, acting only while the panel's list has the focus):
Up/Down, Return links the active event to a candidate or opens a source, 1…5 link to that candidate, n
starts a new incident, u unlinks, e edits the incident's fields, f the figures the selected source gives.
Stored link proposals (★, made by p or ``annotator incidents suggest --store``) are listed apart, above
the candidates: a accepts one (the event is linked), r rejects it (it is not proposed again).
The panel only says what was asked; the window runs the commands."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.keymap import INCIDENT_KEYS, KeyBinding
from annotator.services.incidents import (
    FIGURES,
    RULE_NAMES,
    EventIncident,
    IncidentView,
    Mention,
    date_range,
    figures_line,
    short_id,
)
from annotator.ui.fonts import document_font

#: Qt's named keys as annotator.keymap writes them.
_NAMED = {
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "Return",
    Qt.Key.Key_Up: "Up",
    Qt.Key.Key_Down: "Down",
}


def binding_for(event: QKeyEvent, when: str) -> KeyBinding | None:
    """The :data:`INCIDENT_KEYS` binding of context ``when`` a key press means, if any."""
    chords = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    if event.modifiers() & (chords | Qt.KeyboardModifier.MetaModifier):
        return None
    name = _NAMED.get(Qt.Key(event.key())) or event.text()
    return next((b for b in INCIDENT_KEYS if b.key == name and b.when == when), None)


def incident_line(incident: IncidentView) -> str:
    """``ATTACK · 2025-04-22 – 2025-04-24 · तुमड़ीपारा · 3 sources``."""
    n = len({m.document_id for m in incident.mentions})
    parts = [
        incident.type or "(no type)",
        date_range(incident) or "undated",
        incident.place_name or incident.place_id or "no place",
        f"{n} source{'s' if n != 1 else ''}",
    ]
    return " · ".join(parts)


def conflict_table(incident: IncidentView) -> str:
    """The figures the sources give, side by side (a column per source, the incident's figure last), as
    HTML; only figures some source gives; the ones the sources disagree on in red. "" when none is given."""
    names = [n for n in FIGURES if any(n in m.figures for m in incident.mentions)]
    if not names:
        return ""
    sources = [m for m in incident.mentions if any(n in m.figures for n in names)]
    head = "".join(f"<th>{html.escape(m.external_id)}</th>" for m in sources)
    rows = []
    for name in names:
        clash = bool(incident.conflicts(name))
        cells = "".join(
            f"<td align='center'>{m.figures[name] if name in m.figures else '–'}</td>" for m in sources
        )
        figure = incident.figure(name)
        label = f"<b style='color:#b3261e'>{name}&nbsp;≠</b>" if clash else name
        rows.append(f"<tr><td>{label}</td>{cells}<td align='center'><b>{figure}</b></td></tr>")
    return (
        "<table cellspacing='0' cellpadding='2' border='0'>"
        f"<tr><th></th>{head}<th>incident</th></tr>" + "".join(rows) + "</table>"
    )


class _IncidentList(QListWidget):
    """The rows: Up/Down as in any list; the other keys of the table are said to the panel."""

    pressed = Signal(object)  # the KeyBinding

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = binding_for(event, "incident")
        if binding is not None and binding.action not in ("previous_item", "next_item"):
            self.pressed.emit(binding)
            return
        super().keyPressEvent(event)


class IncidentPanel(QWidget):
    """What the active event's incident is, or could be (see the module)."""

    linkRequested = Signal(str)  # the incident id of a candidate
    newRequested = Signal()
    unlinkRequested = Signal()
    sourceOpened = Signal(object)  # the Mention whose document to open
    editRequested = Signal(object)  # the IncidentView whose fields to edit
    figuresRequested = Signal(object)  # the Mention whose figures to edit
    proposalDecided = Signal(object, bool)  # a StoredProposal, accepted (True) or rejected
    proposeRequested = Signal()  # propose links for all the person's unlinked events

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)
        self.list = _IncidentList()
        self.list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setFont(document_font(10.5))  # snippets and places in Devanagari as the text shows them
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.itemActivated.connect(lambda _item: self._choose())
        self.list.pressed.connect(self._on_key)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("&Edit incident… (e)")
        self.edit_button.clicked.connect(self.edit_incident)
        self.figures_button = QPushButton("Source &figures… (f)")
        self.figures_button.clicked.connect(self.edit_source_figures)
        for button in (self.edit_button, self.figures_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the list
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.keys = QLabel()
        self.keys.setWordWrap(True)
        self.keys.setStyleSheet("color: palette(mid)")
        layout.addWidget(self.keys)
        self.content: EventIncident | None = None
        self.show_idle()

    # ------------------------------------------------------------------ what is shown

    def show_idle(self, message: str = "") -> None:
        """No event active: say how to get one."""
        self.content = None
        self.heading.setText(
            html.escape(
                message or "Make an event active (click its trigger, or Tab to it) to see its incident."
            )
        )
        self.figures.clear()
        self.figures.hide()
        self.list.clear()
        self._show_buttons(False)
        self.keys.setText("Ctrl+Shift+I comes here once an event is active.")

    def show_content(self, content: EventIncident, event_type: str = "") -> None:
        """The active event's incident with its sources, or its candidates."""
        self.content = content
        self.list.clear()
        what = html.escape(event_type or "The event")
        if content.incident is not None:
            incident = content.incident
            lines = [
                f"<b>{what}</b> is in incident <b>{short_id(incident.id)}</b>"
                f" ({html.escape(incident.annotator)})",
                html.escape(incident_line(incident)),
            ]
            if incident.actors:
                lines.append("actors: " + html.escape(", ".join(name or i for i, name in incident.actors)))
            if figures_line(incident):
                lines.append(
                    html.escape(figures_line(incident))
                    + f" <small>({html.escape(RULE_NAMES.get(incident.rule, incident.rule))})</small>"
                )
            if incident.notes:
                lines.append("<i>" + html.escape(incident.notes) + "</i>")
            self.heading.setText("<br/>".join(lines))
            table = conflict_table(incident)
            self.figures.setText(table)
            self.figures.setVisible(bool(table))
            for mention in incident.mentions:
                self._add_source(mention, content.snippets.get(mention.id, ""), content.event_id)
            self.keys.setText("↑ ↓ · Enter opens a source · e edits · f figures · u unlinks")
            self._show_buttons(True)
        else:
            self.figures.clear()
            self.figures.hide()
            n = len(content.candidates)
            self.heading.setText(
                f"<b>{what}</b> is in no incident. "
                + (
                    f"{n} candidate{'s' if n != 1 else ''}, best first:"
                    if n
                    else "No incident of yours fits it (type, date, place, actors)."
                )
            )
            # stored proposals first, marked apart from the candidates: made automatically, not yet yours
            for proposal, incident in content.proposals:
                row = QListWidgetItem(
                    f"★ proposed  {short_id(incident.id)}  {incident_line(incident)}\n"
                    f"    {proposal.reason} — a accepts · r rejects"
                )
                row.setData(Qt.ItemDataRole.UserRole, ("proposal", proposal.id))
                row.setToolTip(f"a link proposal (score {proposal.score:.2f}), kept apart from your links")
                self.list.addItem(row)
            for number, (candidate, incident) in enumerate(content.candidates, 1):
                row = QListWidgetItem(
                    f"{number}  {short_id(incident.id)}  {incident_line(incident)}\n    {candidate.reason}"
                )
                row.setData(Qt.ItemDataRole.UserRole, ("candidate", incident.id))
                row.setToolTip(f"score {candidate.score:.2f}")
                self.list.addItem(row)
            self.keys.setText(
                ("↑ ↓ · Enter or 1…5 links · " if n else "")
                + ("a accepts ★ · r rejects ★ · " if content.proposals else "")
                + "n new incident · p proposes links"
            )
            self._show_buttons(False)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _add_source(self, mention: Mention, snippet: str, active_event: str) -> None:
        given = ", ".join(f"{k} {mention.figures[k]}" for k in FIGURES if k in mention.figures)
        mark = "▸ " if mention.event_id == active_event else ""
        head = f"{mark}{mention.external_id} · {mention.published or 'undated'}" + (
            f" · {given}" if given else ""
        )
        row = QListWidgetItem(f"{head}\n    {snippet}" if snippet else head)
        row.setData(Qt.ItemDataRole.UserRole, ("source", mention.event_id))
        row.setToolTip(f"{mention.title}\n«{mention.trigger}» ({mention.type})")
        self.list.addItem(row)

    def _show_buttons(self, shown: bool) -> None:
        self.edit_button.setVisible(shown)
        self.figures_button.setVisible(shown)

    # ------------------------------------------------------------------ keys

    def focus_list(self) -> None:
        self.list.setFocus()
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)

    def current(self) -> tuple[str, str] | None:
        """("candidate", incident id), ("proposal", proposal id) or ("source", event id) of the current
        row."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_key(self, binding: KeyBinding) -> None:
        if binding.action == "choose_item":
            self._choose()
        elif binding.action == "link_candidate":
            number = int(binding.argument)
            if self.content is not None and 1 <= number <= len(self.content.candidates):
                self.linkRequested.emit(self.content.candidates[number - 1][1].id)
        elif binding.action == "new_incident":
            self.newRequested.emit()
        elif binding.action == "unlink_event":
            self.unlinkRequested.emit()
        elif binding.action == "edit_incident":
            self.edit_incident()
        elif binding.action == "edit_source_figures":
            self.edit_source_figures()
        elif binding.action in ("accept_proposal", "reject_proposal"):
            proposal = self.current_proposal()
            if proposal is not None:
                self.proposalDecided.emit(proposal, binding.action == "accept_proposal")
        elif binding.action == "propose_links":
            self.proposeRequested.emit()

    def current_proposal(self):
        """The proposal of the current row, or the first one shown (None when none is)."""
        if self.content is None or not self.content.proposals:
            return None
        current = self.current()
        if current is not None and current[0] == "proposal":
            found = next((p for p, _i in self.content.proposals if p.id == current[1]), None)
            if found is not None:
                return found
        return self.content.proposals[0][0]

    def edit_incident(self) -> None:
        """Ask to edit the fields of the incident shown (nothing while only candidates are)."""
        if self.content is not None and self.content.incident is not None:
            self.editRequested.emit(self.content.incident)

    def selected_source(self) -> Mention | None:
        """The source of the current row (the first source when no source row is current)."""
        if self.content is None or self.content.incident is None:
            return None
        mentions = self.content.incident.mentions
        current = self.current()
        if current is not None and current[0] == "source":
            return next((m for m in mentions if m.event_id == current[1]), None)
        return mentions[0] if mentions else None

    def edit_source_figures(self) -> None:
        """Ask to edit the figures the selected source gives."""
        mention = self.selected_source()
        if mention is not None:
            self.figuresRequested.emit(mention)

    def _choose(self) -> None:
        current = self.current()
        if current is None or self.content is None:
            return
        kind, key = current
        if kind == "candidate":
            self.linkRequested.emit(key)
        elif kind == "proposal":
            proposal = self.current_proposal()
            if proposal is not None:
                self.proposalDecided.emit(proposal, True)
        elif self.content.incident is not None:
            mention = next((m for m in self.content.incident.mentions if m.event_id == key), None)
            if mention is not None:
                self.sourceOpened.emit(mention)
