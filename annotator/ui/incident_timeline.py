"""The timeline of Project → Incidents (see :mod:`annotator.ui.incident_view`): incidents per day by type,
painted with QPainter. The counts a day per type come from :func:`annotator.services.incidents.per_day`."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QToolTip, QWidget


class Timeline(QWidget):
    """Incidents per day by type: a stacked bar a day (several days to a bar when they do not fit), the
    types in the schema's colours with a legend, the first and last day and the months under the axis."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.days: dict[str, dict[str, int]] = {}
        self.colors: dict[str, str] = {}
        self.setMinimumHeight(150)
        self.setMouseTracking(True)
        self._bars: list[tuple[QRect, str]] = []  # where each bar was painted, and what it says

    def set_days(self, days: dict[str, dict[str, int]], colors: dict[str, str]) -> None:
        self.days, self.colors = days, colors
        self.update()

    def types(self) -> list[str]:
        totals: dict[str, int] = {}
        for counts in self.days.values():
            for t, n in counts.items():
                totals[t] = totals.get(t, 0) + n
        return sorted(totals, key=lambda t: (-totals[t], t))

    def color(self, etype: str) -> QColor:
        given = self.colors.get(etype)
        if given:
            return QColor(given)
        return QColor.fromHsv((sum(map(ord, etype)) * 47) % 360, 120, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        self._bars = []
        if not self.days:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No dated incident to show.")
            return
        types = self.types()
        first = date.fromisoformat(next(iter(self.days)))
        last = date.fromisoformat(next(reversed(self.days)))
        n_days = (last - first).days + 1
        left, right = 36, self.width() - 8
        per_bar = max(1, -(-n_days // max(1, (right - left) // 2)))  # a bar is 2 px wide at least
        scale = "incidents a day" if per_bar == 1 else f"incidents in {per_bar} days"
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(right - metrics.horizontalAdvance(scale), 6 + metrics.ascent(), scale)
        # the legend: one row, as many types as fit (the rest summed as "other")
        x = 8
        shown: list[str] = []
        for etype in types:
            width = 14 + metrics.horizontalAdvance(etype) + 12
            if x + width > self.width() - 8 - metrics.horizontalAdvance(scale) and shown:
                break
            painter.fillRect(QRect(x, 6 + (line - 10) // 2, 10, 10), self.color(etype))
            painter.setPen(self.palette().text().color())
            painter.drawText(x + 14, 6 + metrics.ascent(), etype)
            shown.append(etype)
            x += width
        top = 6 + line + 6
        bottom = self.height() - line - 8
        if bottom - top < 20 or right - left < 20:
            return
        bars: dict[int, dict[str, int]] = {}
        for day, counts in self.days.items():
            slot = (date.fromisoformat(day) - first).days // per_bar
            into = bars.setdefault(slot, {})
            for etype, n in counts.items():
                into[etype] = into.get(etype, 0) + n
        n_bars = (n_days + per_bar - 1) // per_bar
        highest = max(sum(c.values()) for c in bars.values())
        step = (right - left) / n_bars
        bar_width = max(1, min(28, int(step * 0.8)))  # a few days: narrow bars, centred on their day
        shift = int((step - bar_width) / 2) if bar_width == 28 else 0
        # axis and the highest count
        painter.setPen(self.palette().mid().color())
        painter.drawLine(left, bottom, right, bottom)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRect(0, top - 2, left - 6, line), Qt.AlignmentFlag.AlignRight, str(highest))
        painter.drawText(QRect(0, bottom - line, left - 6, line), Qt.AlignmentFlag.AlignRight, "0")
        height = bottom - top
        for slot, counts in sorted(bars.items()):
            bx = left + int(slot * step) + shift
            y = bottom
            for etype in sorted(counts, key=lambda t: types.index(t)):
                h = max(1, round(counts[etype] / highest * height))
                painter.fillRect(QRect(bx, y - h, bar_width, h), self.color(etype))
                y -= h
            since = first + timedelta(days=slot * per_bar)
            said = since.isoformat() if per_bar == 1 else f"{since.isoformat()} + {per_bar - 1} days"
            said += ": " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items(), key=lambda x: -x[1]))
            self._bars.append((QRect(bx, top, max(bar_width, 3), height), said))
        painter.setPen(self.palette().text().color())
        day_width = metrics.horizontalAdvance("2025-04-22") + 12
        if per_bar == 1 and n_days * day_width <= right - left:  # a few days: each one's date under it
            for n in range(n_days):
                centre = left + int((n + 0.5) * step)
                text = (first + timedelta(days=n)).isoformat()
                painter.drawText(
                    centre - metrics.horizontalAdvance(text) // 2, bottom + 4 + metrics.ascent(), text
                )
            return
        # dates under the axis: first and last day, and month starts where there is room
        months = []
        month = date(first.year, first.month, 1)
        while True:
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            if month > last:
                break
            months.append(month)
        # every month, or every 2, 3, 6 or 12 (at the quarters' and years' starts) as room allows
        room = metrics.horizontalAdvance("Jan 2025") + 12
        every = next((n for n in (1, 2, 3, 6, 12) if len(months) / n * room <= (right - left) * 0.8), 12)
        labels = [(first, left)] + [
            (m, left + int((m - first).days / per_bar * step)) for m in months if (m.month - 1) % every == 0
        ]
        end_text = last.isoformat()
        end_x = right - metrics.horizontalAdvance(end_text)
        taken = end_x
        placed_right = -1
        for when, lx in labels:
            text = (
                when.isoformat()
                if lx == left
                else when.strftime("%b %Y")
                if when.month == 1
                else when.strftime("%b")
            )
            w = metrics.horizontalAdvance(text)
            if lx <= placed_right + 8 or lx + w > taken - 8:
                continue
            painter.drawLine(lx, bottom, lx, bottom + 3)
            painter.drawText(lx, bottom + 4 + metrics.ascent(), text)
            placed_right = lx + w
        painter.drawText(end_x, bottom + 4 + metrics.ascent(), end_text)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = next((said for rect, said in self._bars if rect.contains(event.pos())), "")
            if found:
                QToolTip.showText(event.globalPos(), found, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
