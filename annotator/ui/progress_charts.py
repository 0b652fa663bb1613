"""The progress window's charts, painted with QPainter (no web view, no plotting library).

:class:`Chart` is the base: title, legend, axes, picking with the mouse or
:data:`annotator.keymap.PROGRESS_KEYS`, PNG and SVG export painted by the same code as the screen. One
subclass a tab of :class:`annotator.ui.progress_view.ProgressWindow`: documents done per day, cumulative
against the assigned total, minutes per document (box plots; the statistics from
:func:`annotator.services.progress.box_plot`), quality per week.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QWidget

from annotator.keymap import PROGRESS_KEYS

if TYPE_CHECKING:
    from annotator.services.progress import ProgressReport

#: twenty colours told apart on white (Tableau 20, darker tone first)
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
    "#dbdb8d", "#9edae5",
)  # fmt: skip
FLAG = QColor("#c00000")
AXIS = QColor("#555555")
GRID = QColor("#e4e4e4")
INK = QColor("#202020")
SELECTED = QColor("#000000")


def colour(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


def day_text(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def nice_ticks(top: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round tick values from 0 to at least ``top`` (``whole``: whole numbers only, for counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def tick_text(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"


@dataclass(frozen=True)
class Pick:
    """What a bar, point or box stands for: the documents done by ``annotator`` (everyone: None) on
    ``day``, in the week starting ``week``, or all of theirs slowest first."""

    what: str  # said above the list
    annotator: str | None = None
    day: date | None = None
    week: date | None = None
    slowest_first: bool = False


Target = tuple[QRectF, Pick]


class Chart(QWidget):
    """A chart that paints itself with :meth:`paint_chart` on the screen, into a PNG and into an SVG.
    Its hit targets are what the last paint laid out; the arrow keys step through :attr:`steps` (one
    target each) and Enter picks the chosen one."""

    picked = Signal(object)  # a Pick
    title = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(480, 300)
        self.report: ProgressReport | None = None
        self.names: list[str] = []
        self.targets: list[Target] = []  # every clickable shape, from the last paint
        self.steps: list[Target] = []  # the keyboard's stops, in order
        self.chosen = -1
        self.min_documents = 3  # the window's: a week's quality on fewer documents is drawn hollow

    # -- data

    def set_report(self, report: ProgressReport) -> None:
        self.report = report
        self.names = [p.name for p in report.annotators]
        self.chosen = -1
        self.update()

    def colour_of(self, name: str) -> QColor:
        return colour(self.names.index(name)) if name in self.names else AXIS

    # -- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.render_on(painter, QRectF(self.rect()), self.font())
        if self.hasFocus() and 0 <= self.chosen < len(self.steps):
            painter.setPen(QPen(SELECTED, 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.steps[self.chosen][0].adjusted(-3, -3, 3, 3))
        painter.end()

    def render_on(self, painter: QPainter, rect: QRectF, font: QFont) -> None:
        painter.fillRect(rect, QColor("white"))
        painter.setFont(font)
        fm = QFontMetricsF(font)
        bold = QFont(font)
        bold.setBold(True)
        bold.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(bold)
        painter.setPen(INK)
        title_h = QFontMetricsF(bold).height()
        painter.drawText(
            QRectF(rect.left() + 12, rect.top() + 8, rect.width() - 24, title_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        painter.setFont(font)
        body = QRectF(
            rect.left() + 12, rect.top() + 16 + title_h, rect.width() - 24, rect.height() - 28 - title_h
        )
        self.targets, self.steps = [], []
        if self.report is None or self.report.series is None:
            painter.setPen(AXIS)
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter, "Computing…")
            return
        message = self.paint_chart(painter, body, fm)
        if message:
            painter.setPen(AXIS)
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, message)

    def paint_chart(self, painter: QPainter, rect: QRectF, fm: QFontMetricsF) -> str | None:
        """Paint into ``rect``; a message instead when there is nothing to draw."""
        raise NotImplementedError

    # -- shared pieces

    def legend(
        self,
        painter: QPainter,
        rect: QRectF,
        fm: QFontMetricsF,
        extra: list[tuple[str, Callable]] | None = None,
    ) -> float:
        """The annotators' colours down the right of ``rect`` (two columns when they do not fit); returns
        the width it took."""
        entries: list[tuple[str, Callable | None]] = [(n, None) for n in self.names] + list(extra or [])
        if not entries:
            return 0.0
        line = fm.height() + 2
        rows = max(1, int(rect.height() // line))
        columns = math.ceil(len(entries) / rows)
        width = max(fm.horizontalAdvance(text) for text, _ in entries) + fm.height() + 10
        left = rect.right() - columns * width
        for i, (text, draw) in enumerate(entries):
            x = left + (i // rows) * width
            y = rect.top() + (i % rows) * line
            swatch = QRectF(x, y + 2, fm.height() - 4, fm.height() - 4)
            if draw is None:
                painter.fillRect(swatch, self.colour_of(text))
            else:
                draw(painter, swatch)
            painter.setPen(INK)
            painter.drawText(QPointF(x + fm.height() + 2, y + fm.ascent()), text)
        return columns * width + 12

    def y_axis(
        self,
        painter: QPainter,
        plot: QRectF,
        fm: QFontMetricsF,
        ticks: list[float],
        label: str,
        fmt=tick_text,
    ) -> None:
        top = ticks[-1] or 1
        for value in ticks:
            y = plot.bottom() - value / top * plot.height()
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            text = fmt(value)
            painter.drawText(
                QPointF(plot.left() - 6 - fm.horizontalAdvance(text), y + fm.ascent() / 2 - 1), text
            )
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.save()
        painter.translate(plot.left() - self.y_label_room(fm, ticks, fmt) + fm.ascent(), plot.center().y())
        painter.rotate(-90)
        painter.drawText(QPointF(-fm.horizontalAdvance(label) / 2, 0), label)
        painter.restore()

    @staticmethod
    def y_label_room(fm: QFontMetricsF, ticks: list[float], fmt=tick_text) -> float:
        return max(fm.horizontalAdvance(fmt(v)) for v in ticks) + fm.height() + 12

    def x_dates(
        self,
        painter: QPainter,
        plot: QRectF,
        fm: QFontMetricsF,
        days: list[date],
        x_of: Callable[[date], float],
    ) -> None:
        """Day labels under the plot, as many as fit without touching."""
        if not days:
            return
        widest = max(fm.horizontalAdvance(day_text(d)) for d in days[:: max(1, len(days) // 20)]) + 14
        span = max(1, (days[-1] - days[0]).days)
        per_day = plot.width() / (span + 1)
        step = max(1, math.ceil(widest / max(per_day, 0.01)))
        painter.setPen(AXIS)
        shown_right = -1e9
        for i in range(0, span + 1, step):
            d = days[0] + timedelta(days=i)
            text = day_text(d)
            x = x_of(d) - fm.horizontalAdvance(text) / 2
            x = min(x, plot.right() - fm.horizontalAdvance(text) + 4)
            if x < shown_right + 6:
                continue
            painter.drawLine(QPointF(x_of(d), plot.bottom()), QPointF(x_of(d), plot.bottom() + 4))
            painter.drawText(QPointF(x, plot.bottom() + 6 + fm.ascent()), text)
            shown_right = x + fm.horizontalAdvance(text)

    # -- picking

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        for i, (shape, _pick) in enumerate(self.steps):
            if shape.adjusted(-2, -2, 2, 2).contains(pos):
                self.chosen = i
                break
        for shape, pick in reversed(self.targets):
            if shape.adjusted(-2, -2, 2, 2).contains(pos):
                self.update()
                self.picked.emit(pick)
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = progress_binding(event)
        if binding is None or not self.steps:
            super().keyPressEvent(event)
            return
        if binding.action == "next_point":
            self.chosen = min(self.chosen + 1, len(self.steps) - 1)
        elif binding.action == "previous_point":
            self.chosen = max(self.chosen - 1, 0) if self.chosen >= 0 else len(self.steps) - 1
        elif binding.action == "list_documents" and 0 <= self.chosen < len(self.steps):
            self.picked.emit(self.steps[self.chosen][1])
        self.update()

    # -- export

    def image(self, size: QSize | None = None) -> QImage:
        size = size or QSize(max(self.width(), 1200), max(self.height(), 675))
        out = QImage(size, QImage.Format.Format_ARGB32)
        out.fill(QColor("white"))
        painter = QPainter(out)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.render_on(painter, QRectF(0, 0, size.width(), size.height()), self.font())
        painter.end()
        return out

    def export_png(self, path: str | Path) -> None:
        from annotator.errors import AnnotatorError

        if not self.image().save(str(path), "PNG"):  # type: ignore[call-overload]  # (the stub wants bytes)
            raise AnnotatorError(f"{path}: could not write the PNG")

    def export_svg(self, path: str | Path) -> None:
        from PySide6.QtSvg import QSvgGenerator

        size = QSize(max(self.width(), 1200), max(self.height(), 675))
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setResolution(self.logicalDpiX())  # the text as big as on the screen and in the PNG
        generator.setTitle(self.title)
        generator.setDescription("annotator: Team → Progress")
        painter = QPainter(generator)
        self.render_on(painter, QRectF(0, 0, size.width(), size.height()), self.font())
        painter.end()
        self.update()  # the export laid out its own targets: the next paint lays out the screen's


class DonePerDayChart(Chart):
    title = "Documents done per day, by annotator"

    def paint_chart(self, painter: QPainter, rect: QRectF, fm: QFontMetricsF) -> str | None:
        assert self.report is not None and self.report.series is not None
        series = self.report.series
        if not series.days:
            return "No document is done yet (in this period)."
        totals = [sum(counts[i] for counts in series.done_per_day.values()) for i in range(len(series.days))]
        ticks = nice_ticks(max(totals), whole=True)
        legend_w = self.legend(painter, rect, fm)
        plot = QRectF(
            rect.left() + self.y_label_room(fm, ticks),
            rect.top() + 4,
            rect.width() - self.y_label_room(fm, ticks) - legend_w,
            rect.height() - 2 * fm.height() - 12,
        )
        self.y_axis(painter, plot, fm, ticks, "documents done")
        slot = plot.width() / len(series.days)
        top = ticks[-1]

        def x_of(d: date) -> float:
            return plot.left() + ((d - series.days[0]).days + 0.5) * slot

        for i, day in enumerate(series.days):
            y = plot.bottom()
            x = plot.left() + i * slot + slot * 0.12
            width = max(slot * 0.76, 1.0)
            column_top = y
            for name in reversed(self.names):  # the legend's first name on top
                n = series.done_per_day.get(name, [0] * len(series.days))[i]
                if not n:
                    continue
                h = n / top * plot.height()
                shape = QRectF(x, y - h, width, h)
                painter.fillRect(shape, self.colour_of(name))
                self.targets.append((shape, Pick(f"documents {name} finished on {day_text(day)}", name, day)))
                y -= h
                column_top = y
            column = QRectF(x, column_top, width, plot.bottom() - column_top)
            if totals[i]:
                self.steps.append(
                    (column, Pick(f"documents finished on {day_text(day)} (everyone)", None, day))
                )
        self.x_dates(painter, plot, fm, series.days, x_of)
        return None


class CumulativeChart(Chart):
    title = "Cumulative documents done against the assigned total"

    def paint_chart(self, painter: QPainter, rect: QRectF, fm: QFontMetricsF) -> str | None:
        assert self.report is not None and self.report.series is not None
        series, project = self.report.series, self.report.project
        if not series.days:
            return "No document is done yet (in this period)."
        running, points = series.done_before, []
        for i, day in enumerate(series.days):
            running += sum(counts[i] for counts in series.done_per_day.values())
            points.append((day, running))
        goal = running + project.remaining
        finish = project.finish_estimate
        last_day = max(series.days[-1], finish or series.days[-1])
        ticks = nice_ticks(max(goal, series.assigned_total, running) * 1.05, whole=True)
        extra = [
            (
                "done",
                lambda p, r: p.fillRect(
                    r.adjusted(0, r.height() / 2 - 1.5, 0, -r.height() / 2 + 1.5), colour(0)
                ),
            ),
            ("projected", lambda p, r: _dash(p, r, colour(0))),
            ("to do in total", lambda p, r: _dash(p, r, AXIS)),
        ]
        names, self.names = self.names, []
        legend_w = self.legend(painter, rect, fm, extra)
        self.names = names
        room = self.y_label_room(fm, ticks)
        plot = QRectF(
            rect.left() + room,
            rect.top() + 4,
            rect.width() - room - legend_w,
            rect.height() - 2 * fm.height() - 12,
        )
        self.y_axis(painter, plot, fm, ticks, "documents done (cumulative)")
        span = max(1, (last_day - series.days[0]).days)

        def x_of(d: date) -> float:
            return plot.left() + (d - series.days[0]).days / span * plot.width()

        def y_of(v: float) -> float:
            return plot.bottom() - v / ticks[-1] * plot.height()

        painter.setPen(QPen(AXIS, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), y_of(goal)), QPointF(plot.right(), y_of(goal)))
        painter.setPen(AXIS)
        label = f"to do in total: {goal:,}"
        painter.drawText(QPointF(plot.left() + 6, y_of(goal) - 4), label)
        path = QPainterPath(QPointF(x_of(points[0][0]), y_of(points[0][1])))
        for day, value in points[1:]:
            path.lineTo(x_of(day), y_of(value))
        painter.setPen(QPen(colour(0), 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        for day, value in points:
            dot = QRectF(x_of(day) - 4, y_of(value) - 4, 8, 8)
            painter.setBrush(colour(0))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(dot.adjusted(1, 1, -1, -1))
            target = (dot, Pick(f"documents finished on {day_text(day)} (everyone)", None, day))
            self.targets.append(target)
            self.steps.append(target)
        end_day, end_value = points[-1]
        if finish is not None:
            painter.setPen(QPen(colour(0), 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x_of(end_day), y_of(end_value)), QPointF(x_of(finish), y_of(goal)))
            text = f"projected finish {day_text(finish)} {finish.year}"
            painter.setPen(INK)
            x = min(x_of(finish) - fm.horizontalAdvance(text) / 2, plot.right() - fm.horizontalAdvance(text))
            painter.drawText(QPointF(max(x, plot.left() + 4), y_of(goal) + fm.height() + 2), text)
        elif project.remaining:
            who = ", ".join(project.without_throughput[:4]) + (
                "…" if len(project.without_throughput) > 4 else ""
            )
            painter.setPen(INK)
            painter.drawText(
                QPointF(plot.left() + 6, y_of(goal) + fm.height() + 2),
                f"no projected finish: nothing done yet by {who}",
            )
        days = [series.days[0] + timedelta(days=i) for i in range(span + 1)]
        self.x_dates(painter, plot, fm, days, x_of)
        return None


def _dash(painter: QPainter, rect: QRectF, color: QColor) -> None:
    painter.setPen(QPen(color, 2, Qt.PenStyle.DashLine))
    y = rect.center().y()
    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right() + 4, y))


class MinutesChart(Chart):
    title = (
        "Minutes per document, by annotator (box: middle half, line: median, dots: outliers, or all when few)"
    )
    MAX_DOTS = 60  # outliers drawn per annotator (evenly chosen): the SVG stays small
    STRIP = 30  # up to this many documents, each is drawn as a dot over the box

    def paint_chart(self, painter: QPainter, rect: QRectF, fm: QFontMetricsF) -> str | None:
        assert self.report is not None and self.report.series is not None
        minutes = self.report.series.minutes
        rows = [name for name in self.names if minutes.get(name)]
        if not rows:
            return "No recorded time on a finished document yet (the workbench records it)."
        from annotator.services.progress import box_plot

        stats = {name: box_plot(minutes[name]) for name in rows}
        cap = max(max(s[4] for s in stats.values()) * 1.3, 1.0)
        ticks = nice_ticks(cap)
        name_w = max(fm.horizontalAdvance(n) for n in rows) + 12
        plot = QRectF(
            rect.left() + name_w,
            rect.top() + 4,
            rect.width() - name_w - 16,
            rect.height() - 2 * fm.height() - 16,
        )
        top = ticks[-1]

        def x_of(v: float) -> float:
            return plot.left() + min(v, top) / top * plot.width()

        for value in ticks:
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(x_of(value), plot.top()), QPointF(x_of(value), plot.bottom()))
            painter.setPen(AXIS)
            text = tick_text(value)
            painter.drawText(
                QPointF(x_of(value) - fm.horizontalAdvance(text) / 2, plot.bottom() + 4 + fm.ascent()), text
            )
        axis_label = "active minutes per document (beyond the axis: drawn at its end)"
        painter.drawText(
            QPointF(
                plot.center().x() - fm.horizontalAdvance(axis_label) / 2,
                plot.bottom() + 8 + fm.height() + fm.ascent(),
            ),
            axis_label,
        )
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        row_h = plot.height() / len(rows)
        box_h = min(row_h * 0.6, 28)
        for i, name in enumerate(rows):
            q1, med, q3, lo, hi, outliers = stats[name]
            cy = plot.top() + (i + 0.5) * row_h
            painter.setPen(INK)
            painter.drawText(
                QPointF(rect.left() + name_w - 8 - fm.horizontalAdvance(name), cy + fm.ascent() / 2 - 1), name
            )
            c = self.colour_of(name)
            painter.setPen(QPen(AXIS, 1))
            painter.drawLine(QPointF(x_of(lo), cy), QPointF(x_of(q1), cy))
            painter.drawLine(QPointF(x_of(q3), cy), QPointF(x_of(hi), cy))
            for end in (lo, hi):
                painter.drawLine(QPointF(x_of(end), cy - box_h / 4), QPointF(x_of(end), cy + box_h / 4))
            box = QRectF(x_of(q1), cy - box_h / 2, max(x_of(q3) - x_of(q1), 2), box_h)
            fill = QColor(c)
            fill.setAlpha(170)
            painter.fillRect(box, fill)
            painter.setPen(QPen(c.darker(150), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box)
            painter.setPen(QPen(INK, 2.5))
            painter.drawLine(QPointF(x_of(med), cy - box_h / 2), QPointF(x_of(med), cy + box_h / 2))
            if len(minutes[name]) <= self.STRIP:  # few documents: every one drawn, a strip over the box
                painter.setPen(QPen(INK, 1))
                painter.setBrush(QColor("white"))
                for k, v in enumerate(minutes[name]):
                    painter.drawEllipse(QPointF(x_of(v), cy + (k % 3 - 1) * box_h / 5), 3, 3)
            elif outliers:
                step = max(1, len(outliers) // self.MAX_DOTS)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(c.darker(130))
                for v in outliers[::step]:
                    painter.drawEllipse(QPointF(x_of(v), cy), 2.2, 2.2)
            row = QRectF(rect.left(), cy - row_h / 2, rect.width(), row_h)
            target = (
                row,
                Pick(
                    f"documents {name} finished, slowest first (median {med:.1f} min)",
                    name,
                    slowest_first=True,
                ),
            )
            self.targets.append(target)
            self.steps.append(target)
        return None


class QualityChart(Chart):
    title = "Quality per week: F1 against gold (else pairwise entity F1); ▼ a fall past the margin"

    def paint_chart(self, painter: QPainter, rect: QRectF, fm: QFontMetricsF) -> str | None:
        assert self.report is not None and self.report.series is not None
        series, margin = self.report.series, self.report.margin
        weeks = sorted({p.week for points in series.quality.values() for p in points if p.value is not None})
        if not weeks:
            return "No quality figure yet: no finished document has gold or a second annotator."
        thin = self.min_documents
        extra = [(f"fell by more than {margin:.2f}", lambda p, r: _flag(p, r.center(), r.height() / 2 + 1))]
        if thin > 1:
            extra.append(
                (f"hollow: under {thin} documents", lambda p, r: _hollow(p, r.center(), r.height() / 3))
            )
        legend_w = self.legend(painter, rect, fm, extra)
        ticks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]

        def fmt(value: float) -> str:
            return f"{value:.1f}"

        room = self.y_label_room(fm, ticks, fmt)
        plot = QRectF(
            rect.left() + room,
            rect.top() + 4,
            rect.width() - room - legend_w,
            rect.height() - 2 * fm.height() - 12,
        )
        gold = sum(1 for m in series.quality_measure.values() if m == "gold F1")
        measure = (
            "F1 against gold"
            if gold == len(series.quality_measure)
            else "F1 (gold, else agreement)"
            if gold
            else "pairwise entity F1"
        )
        self.y_axis(painter, plot, fm, ticks, measure, fmt)
        first, last = weeks[0], weeks[-1]
        span = max(1, (last - first).days)
        pad = plot.width() * 0.04

        def x_of(d: date) -> float:
            if first == last:
                return plot.center().x()
            return plot.left() + pad + (d - first).days / span * (plot.width() - 2 * pad)

        def y_of(v: float) -> float:
            return plot.bottom() - v * plot.height()

        flagged: list[tuple[QPointF, str]] = []
        for name in self.names:
            points = [p for p in series.quality.get(name, []) if p.value is not None]
            if not points:
                continue
            c = self.colour_of(name)
            if c.lightness() > 150:  # the palette's light half: darker, to stand out as a line
                c = c.darker(135)
            path = QPainterPath(QPointF(x_of(points[0].week), y_of(points[0].value or 0)))
            for p in points[1:]:
                path.lineTo(x_of(p.week), y_of(p.value or 0))
            painter.setPen(QPen(c, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            for p in points:
                at = QPointF(x_of(p.week), y_of(p.value or 0))
                if p.units >= thin:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(c)
                else:  # too few documents to be compared: hollow
                    painter.setPen(QPen(c, 1.5))
                    painter.setBrush(QColor("white"))
                painter.drawEllipse(at, 3.5, 3.5)
                what = (
                    f"documents {name} finished in the week of {day_text(p.week)} "
                    f"({p.value:.2f} over {p.units})"
                )
                target = (QRectF(at.x() - 5, at.y() - 5, 10, 10), Pick(what, name, week=p.week))
                self.targets.append(target)
                self.steps.append(target)
                if p.flagged:
                    flagged.append((at, name))
        for at, _name in flagged:
            _flag(painter, QPointF(at.x(), at.y() + 12), 6)
            painter.setPen(QPen(FLAG, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(at, 7, 7)
        painter.setPen(AXIS)
        shown_right = -1e9
        for week in weeks:
            text = day_text(week)
            x = x_of(week) - fm.horizontalAdvance(text) / 2
            if x < shown_right + 8:
                continue
            painter.drawText(QPointF(x, plot.bottom() + 6 + fm.ascent()), text)
            shown_right = x + fm.horizontalAdvance(text)
        caption = "week starting"
        painter.drawText(
            QPointF(
                plot.center().x() - fm.horizontalAdvance(caption) / 2,
                plot.bottom() + 8 + fm.height() + fm.ascent(),
            ),
            caption,
        )
        self.steps.sort(key=lambda t: (t[0].center().x(), t[0].center().y()))
        return None


def _hollow(painter: QPainter, at: QPointF, radius: float) -> None:
    painter.setPen(QPen(AXIS, 1.5))
    painter.setBrush(QColor("white"))
    painter.drawEllipse(at, radius, radius)


def _flag(painter: QPainter, at: QPointF, size: float) -> None:
    """The falling marker: a red triangle pointing down."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(FLAG))
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(at.x() - size, at.y() - size * 0.8),
                QPointF(at.x() + size, at.y() - size * 0.8),
                QPointF(at.x(), at.y() + size * 0.8),
            ]
        )
    )


def progress_binding(event: QKeyEvent):
    """The :data:`PROGRESS_KEYS` binding a key press in a chart means, if any."""
    names = {Qt.Key.Key_Left: "Left", Qt.Key.Key_Right: "Right", Qt.Key.Key_Up: "Up", Qt.Key.Key_Down: "Down",
             Qt.Key.Key_Return: "Return", Qt.Key.Key_Enter: "Return"}  # fmt: skip
    name = names.get(Qt.Key(event.key()))
    return next((b for b in PROGRESS_KEYS if b.key == name and b.when == "progress"), None)
