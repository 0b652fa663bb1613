"""Windows and dialogs open within the screen's free area (a 1366×768 laptop, 200 % scaling)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_to_screen(widget: QWidget, width: int, height: int) -> tuple[int, int]:
    """Resize ``widget`` to ``width`` × ``height``, or less where the screen's free area is smaller (with a
    margin for the frame); returns the size given."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * 0.96))
        height = min(height, int(available.height() * 0.92))
    widget.resize(width, height)
    return width, height


__all__ = ["fit_to_screen"]
