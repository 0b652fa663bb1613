"""Team → Progress: the lead's charts (:mod:`annotator.ui.progress_view`), opened from the workbench.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's project and its
document list)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.ui.window_base import WindowBase

if TYPE_CHECKING:  # imported when the window is first opened
    from annotator.ui.progress_view import ProgressWindow


class ProgressMixin(WindowBase):
    _progress_window: ProgressWindow | None = None

    def show_progress(self) -> ProgressWindow:
        """Open Team → Progress (again: a fresh one, its figures computed in the background); a listed
        document opens in the workbench."""
        from annotator.ui.progress_view import ProgressWindow

        if self._progress_window is not None:
            self._progress_window.close()
        window = ProgressWindow(self.project, self.open_document_id, self)
        window.show()
        self._progress_window = window
        return window
