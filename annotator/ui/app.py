"""Starting the GUI: fonts, the annotator's name (asked once), the project, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.crashlog import describe
from annotator.services.project import Project, open_project
from annotator.settings import Settings
from annotator.ui.fonts import register_fonts


def application() -> QApplication:
    # instance() is typed as a QCoreApplication; the widgets need the QApplication made here (or by the
    # tests before)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    register_fonts()
    return app


def ask_annotator_name(settings: Settings, parent=None) -> bool:
    """First run: ask the annotator's name once; every label is stored under it."""
    if settings.annotator.strip():
        return True
    name, ok = QInputDialog.getText(
        parent, "Welcome to annotator", "Your name (every label you make is stored under it):"
    )
    if not ok or not name.strip():
        return False
    settings.annotator = name.strip()
    settings.save()
    return True


def choose_project(location: str | None, settings: Settings) -> Project:
    """The given project, else the last one, else the demo project (built on first run)."""
    from annotator.services.demo import ensure_demo_project

    if location:
        return open_project(location)
    last = settings.last_project
    if last and (("://" in last) or Path(last).exists()):
        try:
            return open_project(last)
        except Exception as exc:  # a moved, damaged or foreign last project: say so, open the demo
            QMessageBox.warning(
                None, "annotator", f"{describe(exc, 'opening the last project')}\n\nOpening the demo project."
            )
    return open_project(ensure_demo_project())


def install_error_hook() -> None:
    """An exception that escapes a slot or an event handler is a bug: the person sees one line naming the
    log file that holds its traceback (:mod:`annotator.crashlog`), never a bare traceback; the window
    stays open, and every change made before it is already stored."""

    def hook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        message = describe(exc.with_traceback(tb), "GUI")
        print(f"annotator: {message}", file=sys.stderr)
        if QApplication.instance() is not None:
            QMessageBox.critical(QApplication.activeWindow(), "annotator", message)

    sys.excepthook = hook


def run(location: str | None = None, as_name: str | None = None) -> int:
    from annotator.ui.main_window import MainWindow

    app = application()
    install_error_hook()
    settings = Settings.load()
    if as_name:  # `annotator gui PROJECT --as NAME`: who labels, from now on
        from annotator.services.team import check_name

        settings.annotator = check_name(as_name.strip())
        settings.save()
    if not ask_annotator_name(settings):
        return 1
    try:
        project = choose_project(location, settings)
    except Exception as exc:
        QMessageBox.critical(None, "annotator", describe(exc, "opening a project"))
        return 1
    window = MainWindow(project, settings)
    window.show()
    package = project.package
    if package and package.get("annotator") != settings.annotator:  # said clearly, not in the status bar
        QMessageBox.information(
            window,
            "Work package",
            f"This is {package['annotator']}'s work package ({project.location}): the labels you make are "
            f"stored as {package['annotator']}'s. File → Open project… opens another project.",
        )
    code = app.exec()
    window.project.close()
    return code
