"""Blind mode and the model in the window (issue 18): Suggestions → Train the model now trains the window's
annotator's own model, and its suggestions never bring back another annotator's label."""

from sqlalchemy import select

from annotator.services.suggestions import model_info
from annotator.settings import Settings
from annotator.store.models import Annotator, SuggestionModel
from tests.services.test_blind_suggestions import blind_project as blind_project  # the fixture
from tests.services.test_blind_suggestions import d_of


def test_training_from_the_window_makes_the_annotators_own_model(qtbot, blind_project):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    window = MainWindow(blind_project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    window.show()
    task = window.train_model(quiet=True)
    qtbot.waitUntil(lambda: task.finished, timeout=60_000)
    with blind_project.engine.connect() as conn:
        asha = conn.scalar(select(Annotator.id).where(Annotator.name == "asha"))
        assert conn.execute(select(SuggestionModel.annotator_id)).scalars().all() == [asha]
    assert model_info(blind_project, "asha") is not None
    d, where = d_of(blind_project)
    window.open_document_id(d)
    qtbot.waitUntil(lambda: window.suggestion_task is None or window.suggestion_task.finished, timeout=30_000)
    qtbot.waitUntil(lambda: bool(window.suggestions), timeout=30_000)  # shown (Leh, a place, at least)
    assert not [s for s in window.suggestions if (s.start, s.end) == where and s.label == "ARMED_GROUP"]
    window.close()
