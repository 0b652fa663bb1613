"""The workbench's size and docks: opening within the screen, the first-start layout, the text kept wide,
the layout remembered.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import QTabBar

from annotator.ui.window_base import WindowBase


class LayoutMixin(WindowBase):
    """Where the window opens and how its docks share the width."""

    def _fit_to_screen(self) -> None:
        """Open within the screen's free area (a 1366×768 laptop, 200 % scaling) and give the text the
        larger part: the side panels take at most about a fifth of the width each."""
        from annotator.ui.geometry import fit_to_screen

        size = self.settings.window_size
        wanted = (
            (int(size[0]), int(size[1]))
            if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 200 for v in size)
            else (1400, 860)
        )
        width, _height = fit_to_screen(self, *wanted)
        self._default_docks(width)
        state = self.settings.window_state
        if isinstance(state, str) and state:  # the docks as the person left them
            self.restoreState(QByteArray.fromBase64(state.encode("ascii", "replace")))

    def _default_docks(self, width: int) -> None:
        left, right = min(340, int(width * 0.2)), min(330, int(width * 0.22))
        tabs = self._left_tabs_width()
        if width - tabs - right - 20 >= width // 2:  # the left tabs unshortened, when the text keeps half
            left = max(left, tabs)
        self.resizeDocks([self.list_dock, self.palette_dock], [left, right], Qt.Orientation.Horizontal)

    def _left_tabs_width(self) -> int:
        """The width the left column's tabs (Documents, Search, Incident) take unshortened."""
        bar = QTabBar()
        for dock in (self.list_dock, self.search_dock, self.incident_dock):
            bar.addTab(dock.windowTitle())
        return sum(bar.tabSizeHint(i).width() for i in range(bar.count())) + 8

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._keep_text_wide)

    def _keep_text_wide(self) -> None:
        """Docks restored from a wider screen must not squeeze the text: it keeps half the width at least."""
        center = self.centralWidget()
        if center is not None and center.width() < self.width() // 2:
            self._default_docks(self.width())

    def _remember_layout(self) -> None:
        self.settings.window_size = [self.width(), self.height()]
        self.settings.window_state = bytes(self.saveState().toBase64().data()).decode("ascii")
