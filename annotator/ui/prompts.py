"""Small input dialogs that the keyboard can finish: Ctrl+Enter saves a text of several lines (Enter still
starts a new line), Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class MultilineDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, label: str, text: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label))
        self.editor = QPlainTextEdit(text)
        layout.addWidget(self.editor)
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok | cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(QLabel("Ctrl+Enter saves · Esc cancels"))
        layout.addWidget(buttons)
        self.editor.installEventFilter(self)  # Ctrl+Enter in the text saves (shortcuts need focus)
        self.editor.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.editor.toPlainText()


def ask_multiline(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """(the text, whether it was saved): Ctrl+Enter or OK saves, Esc or Cancel does not."""
    dialog = MultilineDialog(parent, title, label, text)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.text(), ok


__all__ = ["MultilineDialog", "ask_multiline"]
