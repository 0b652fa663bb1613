"""The workbench reopens with its docks as the person left them (sizes, tabs, places) and at the size it
had, fitted to the screen; a layout from a wider screen never squeezes the text, and a damaged setting is
ignored."""

from PySide6.QtCore import Qt

from annotator.settings import Settings
from tests.ui.test_workbench import workbench  # noqa: F401 (the fixture)


def _reopen(qtbot, project, settings):
    from annotator.ui.main_window import MainWindow

    window = MainWindow(project, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    return window


def test_dock_sizes_and_window_size_come_back(qtbot, workbench):  # noqa: F811
    window = workbench
    window.resize(740, 700)
    window.resizeDocks([window.list_dock], [150], Qt.Orientation.Horizontal)
    window.annotations_dock.raise_()
    qtbot.wait(20)
    narrow = window.list_dock.width()
    assert narrow < 200
    window.close()
    saved = Settings.load()
    assert saved.window_size == [740, 700] and saved.window_state
    again = _reopen(qtbot, window.project, saved)
    assert (again.width(), again.height()) == (740, 700)
    assert abs(again.list_dock.width() - narrow) <= 4
    again.close()


def test_a_layout_that_would_squeeze_the_text_is_not_restored(qtbot, workbench):  # noqa: F811
    window = workbench
    window.resize(1400, 860)
    window.resizeDocks([window.list_dock, window.palette_dock], [600, 600], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    window.close()
    saved = Settings.load()
    again = _reopen(qtbot, window.project, saved)
    assert again.centralWidget().width() >= again.width() // 2
    again.close()


def test_a_damaged_layout_setting_is_ignored(qtbot, workbench):  # noqa: F811
    window = workbench
    window.close()
    damaged = Settings(annotator="asha", window_size=["x", None], window_state="not base64 at all ☃")
    again = _reopen(qtbot, window.project, damaged)
    assert again.isVisible() and again.centralWidget().width() >= again.width() // 2
    again.close()


def test_side_panels_leave_the_text_most_of_a_small_window(qtbot, workbench):  # noqa: F811
    """At 1024 px (the offscreen screen allows 768) the side panels shrink first: the sentiment buttons and
    the status filter no longer hold their columns wide (they held the text to 190 px)."""
    from PySide6.QtWidgets import QDockWidget

    window = workbench
    window.resize(768, 700)
    window._keep_text_wide()
    qtbot.wait(20)
    assert window.centralWidget().width() >= window.width() // 2
    for dock in window.findChildren(QDockWidget):
        assert dock.minimumSizeHint().width() <= 240, dock.objectName()
