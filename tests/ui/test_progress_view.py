"""Team → Progress (issue 18), offscreen with pytest-qt, on the hand-built project of
tests/services/test_progress.py: the charts hold the figures, a click on a bar (or the arrow keys and Enter)
lists the documents behind it, Enter there opens one, PNG and SVG exports are valid files, and the menu
entry opens the window from the workbench."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from annotator.settings import Settings
from tests.services.test_progress import TODAY, build


@pytest.fixture
def view(qtbot, sqlite_project):
    from annotator.ui.app import application
    from annotator.ui.progress_view import ProgressWindow

    application()
    ids = build(sqlite_project)
    opened: list[int] = []
    window = ProgressWindow(sqlite_project, opened.append, today=TODAY, min_documents=1)
    qtbot.addWidget(window)
    window.resize(1300, 720)
    window.show()
    qtbot.waitUntil(lambda: window.loaded, timeout=10000)
    window.ids, window.opened = ids, opened
    yield window
    window.close()


def target(chart, **wanted):
    chart.grab()  # lay the chart out as painted
    for shape, pick in chart.targets:
        if all(getattr(pick, k) == v for k, v in wanted.items()):
            return shape
    raise AssertionError(f"no target {wanted}")


def listed(window) -> list[str]:
    return [window.documents.topLevelItem(i).text(0) for i in range(window.documents.topLevelItemCount())]


def test_charts_hold_the_figures(view):
    series = view.done_chart.report.series
    assert series.done_per_day["asha"] == [0, 0, 1, 0, 0, 0, 1, 1]
    assert view.done_chart.names == ["asha", "meera", "ravi"]
    assert [(p.week, p.flagged) for p in view.quality_chart.report.series.quality["asha"]] == [
        (date(2026, 11, 30), False),
        (date(2026, 12, 7), True),
    ]
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    asha = {headers[c]: view.table.item(0, c).text() for c in range(view.table.columnCount())}
    assert asha["annotator"] == "asha" and asha["done"] == "3" and asha["left"] == "2"
    assert asha["finish"] == "2026-12-14" and asha["gold F1"] == "0.750" and asha["min/doc"] == "7.0"
    assert "5 done, 6 left of 12 assigned" in view.status.text()
    # every chart paints something other than its placeholder
    for chart in view.charts:
        chart.grab()
        assert chart.steps, type(chart).__name__


def test_clicking_a_bar_lists_its_documents_and_enter_opens_one(view, qtbot):
    chart = view.done_chart
    view.tabs.setCurrentWidget(chart)
    shape = target(chart, annotator="asha", day=date(2026, 12, 7))
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=shape.center().toPoint())
    assert listed(view) == ["Title 2  (d2)"]
    assert "asha finished on 7 Dec" in view.documents_label.text()
    # ravi's part of the 8 Dec bar
    shape = target(chart, annotator="ravi", day=date(2026, 12, 8))
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=shape.center().toPoint())
    assert listed(view) == ["Title 2  (d2)"] and view.documents.topLevelItem(0).text(1) == "ravi"
    view.documents.setFocus()
    qtbot.keyClick(view.documents, Qt.Key.Key_Return)
    assert view.opened == [view.ids["d2"]]


def test_keys_step_through_a_chart(view, qtbot):
    chart = view.minutes_chart
    view.tabs.setCurrentWidget(chart)
    chart.setFocus()
    chart.grab()
    qtbot.keyClick(chart, Qt.Key.Key_Right)  # the first box: asha's
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert listed(view) == ["Title 2  (d2)", "Title 1  (d1)", "Title 3  (d3)"]  # slowest first
    qtbot.keyClick(chart, Qt.Key.Key_Right)  # ravi's (meera has no recorded time)
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert [view.documents.topLevelItem(i).text(1) for i in range(2)] == ["ravi", "ravi"]


def test_a_quality_point_lists_that_weeks_documents(view, qtbot):
    chart = view.quality_chart
    view.tabs.setCurrentWidget(chart)
    shape = target(chart, annotator="asha", week=date(2026, 12, 7))
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=shape.center().toPoint())
    assert listed(view) == ["Title 2  (d2)", "Title 3  (d3)"]


def test_export_png_and_svg(view, tmp_path):
    for chart in view.charts:
        png, svg = tmp_path / f"{chart.title[:8]}.png", tmp_path / f"{chart.title[:8]}.svg"
        chart.export_png(png)
        chart.export_svg(svg)
        image = QImage(str(png))
        assert not image.isNull() and image.width() >= 1200 and image.height() >= 675
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg")
        texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        assert chart.title.split(",")[0].split(":")[0] in texts


def test_the_svg_has_the_bars(view, tmp_path):
    view.done_chart.export_svg(tmp_path / "done.svg")
    root = ET.parse(tmp_path / "done.svg").getroot()
    texts = [t.text for t in root.iter() if t.tag.endswith("text")]
    assert {"asha", "meera", "ravi"} <= set(texts)  # the legend
    assert "1 Dec" in texts and "7 Dec" in texts  # the days under the bars


def test_period_recomputes(view, qtbot):
    view.period.setCurrentIndex(1)  # the last 7 days: 4-10 Dec
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    assert view.report.since == date(2026, 12, 4)
    assert view.done_chart.report.series.days[0] == date(2026, 12, 7)


def test_menu_opens_the_window(qtbot, tmp_path, sqlite_project):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    build(sqlite_project)
    window = MainWindow(sqlite_project, Settings(annotator="lina"))
    qtbot.addWidget(window)
    window.show()
    team = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Team")
    action = next(a for a in team.actions() if a.text() == "&Progress…")
    action.trigger()
    progress = window._progress_window
    assert progress is not None and progress.isVisible()
    qtbot.waitUntil(lambda: progress.loaded, timeout=10000)
    assert [p.name for p in progress.report.annotators] == ["asha", "meera", "ravi"]
    progress.close()
    window.close()
