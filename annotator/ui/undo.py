"""One QUndoCommand adapter over the core's reversible commands (annotator.services.annotate)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.services.annotate import Change, Command, Editor


class CoreCommand(QUndoCommand):
    """redo() applies, undo() reverts; each reports the Change to ``on_change`` so views refresh."""

    def __init__(self, command: Command, editor: Editor, on_change: Callable[[Change], None]):
        super().__init__(command.text)
        self.command = command
        self.editor = editor
        self.on_change = on_change

    def redo(self) -> None:
        self.on_change(self.command.apply(self.editor))

    def undo(self) -> None:
        self.on_change(self.command.revert(self.editor))
