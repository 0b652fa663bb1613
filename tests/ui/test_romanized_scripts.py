"""The window's romanized reading aid (Ctrl+R) on the demo's Urdu and Bengali articles (issue 20)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.services.demo import ensure_demo_project
from annotator.services.project import open_project
from annotator.settings import Settings
from annotator.store.models import Document


@pytest.fixture
def window(qtbot):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = open_project(ensure_demo_project())
    win = MainWindow(project, Settings(annotator="demo", romanization="readable"))
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    project.close()


def open_external(win, external_id: str) -> None:
    with win.project.engine.connect() as conn:
        win.open_document_id(conn.scalar(select(Document.id).where(Document.external_id == external_id)))


@pytest.mark.parametrize(
    ("external_id", "beginning"),
    [
        ("demo-023", "jnob mghrbi sobe blochstan ke qsbe klg min"),  # Urdu: as written, no short vowels
        ("demo-024", "chhattishagrer sonagar jelay"),  # Bengali (Hindi schwa rules: not quite)
        ("demo-025", "simante chorachalan o anuprabesh"),
    ],
)
def test_the_reading_aid_romanizes_urdu_and_bengali(qtbot, window, external_id, beginning):
    open_external(window, external_id)
    qtbot.keyClick(window.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.romanized.isVisible()
    shown = window.romanized.toPlainText()
    assert shown.startswith(beginning)
    assert not re.search(r"[\u0600-\u06FF\u0980-\u09FF]", shown), "every letter romanized"
    if external_id == "demo-023":  # a selection: only its text, the izafat as -e
        s = window.view.text.index("وزارتِ داخلہ")
        window.view.select_range(s, s + len("وزارتِ داخلہ"))
        window.update_romanized()
        assert window.romanized.toPlainText() == "vzart-e dakhla"
