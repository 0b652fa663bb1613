"""One QUndoCommand adapter over the core's reversible commands (annotator.services.annotate)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.services.annotate import Change, Command, Editor


class CoreCommand(QUndoCommand):
    """redo() applies, undo() reverts; each reports the Change to ``on_change`` so views refresh. A command
    is applied before it is pushed (``applied``): one that was refused, or that could not reach the server,
    never enters the undo stack."""

    def __init__(
        self,
        command: Command,
        editor: Editor,
        on_change: Callable[[Change], None],
        applied: Change | None = None,
    ):
        super().__init__(command.text)
        self.command = command
        self.editor = editor
        self.on_change = on_change
        self._applied = applied  # applied before the push (QUndoStack.push calls redo once)

    def redo(self) -> None:
        if self._applied is not None:
            change, self._applied = self._applied, None
            self.on_change(change)
            return
        self.on_change(self.command.apply(self.editor))

    def undo(self) -> None:
        self.on_change(self.command.revert(self.editor))
