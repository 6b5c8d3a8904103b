"""The Dashboard: the chapter at a glance, each figure a link to the roster behind it.

Above the figures, a warning card names every sitting officer who is no longer
eligible (lapsed, say) with the reason, and opens the Officers page.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.names import in_sentence
from chapterdesk.services.dashboard import DashboardFigures, dashboard_figures
from chapterdesk.services.dues.summary import DuesYearSummary, dues_year_summary
from chapterdesk.services.roster.members import TermView
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.standing import Standing
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.icons import icon
from chapterdesk.ui.pages.base import AppContext, Page, heading
from chapterdesk.ui.pages.dues_card import dues_card
from chapterdesk.ui.widgets import warning_colours
from chapterdesk.values import long_date

PIE_COLOURS = ("#2f5d8a", "#5b8fc7", "#8fb3d9", "#b9cfe6", "#d98f4e", "#a7a7a7", "#6f9f6f")


#: The page width from which the dues card sits beside the other cards (else below them).
WIDE_DASHBOARD = 1080


class Card(QFrame):
    """A titled panel on the dashboard; a warning card is tinted and its title marked."""

    def __init__(self, title: str, *, warning: bool = False) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        if warning:
            colours = warning_colours()
            self.setStyleSheet(
                f"QFrame#card {{ background: {colours.background}; "
                f"border: 1px solid {colours.border}; border-radius: 6px; }}"
            )
        else:
            self.setStyleSheet(
                "QFrame#card { background: palette(base); border: 1px solid palette(mid); "
                "border-radius: 6px; }"
            )
        self.body = QVBoxLayout(self)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        if not warning:
            self.body.addWidget(self.title)
            return
        self.title.setStyleSheet(f"color: {warning_colours().text};")
        row = QHBoxLayout()
        mark = QLabel()
        side = self.title.fontMetrics().height()
        mark.setPixmap(icon("warning").pixmap(side, side))
        mark.setAccessibleName("Warning")
        row.addWidget(mark)
        row.addWidget(self.title, 1)
        self.body.addLayout(row)


def colour_dot(colour: str, size: int) -> QIcon:
    """A round swatch of a chart colour, shown beside the figure it stands for."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    inset = size // 5
    painter.drawEllipse(inset, inset, size - 2 * inset, size - 2 * inset)
    painter.end()
    return QIcon(pixmap)


def link(text: str, accessible: str) -> QPushButton:
    """A flat button that reads like a link and opens the roster filtered."""
    button = QPushButton(text)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setAccessibleName(accessible)
    button.setStyleSheet(
        "QPushButton { text-align: left; padding: 2px 4px; color: palette(link); }"
        "QPushButton:hover, QPushButton:focus { text-decoration: underline; }"
    )
    return button


def big_number(value: int, caption: str) -> QLabel:
    """A large figure with a caption under it."""
    label = QLabel(f"<span style='font-size:xx-large; font-weight:600'>{value:,}</span><br>"
                   f"{html.escape(caption)}")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _chart_view(chart: QChart) -> QChartView:
    """A chart drawn in the palette's colours: its labels readable on light and dark alike."""
    palette = QApplication.palette()
    chart.setBackgroundBrush(palette.base())
    for axis in chart.axes():
        axis.setLabelsBrush(palette.text())
        axis.setTitleBrush(palette.text())
        axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))
        axis.setGridLineColor(palette.color(QPalette.ColorRole.Midlight))
    chart.legend().setLabelBrush(palette.text())
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(0, 0, 0, 0))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    view = QChartView(chart)
    view.setStyleSheet("QChartView { background: transparent; border: none; }")
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(view.fontMetrics().height() * 9)  # the second row fits 1024×640
    return view


class DashboardPage(Page):
    """Members by standing and category, compliance problems, last HQ import, officers."""

    key = "dashboard"
    title = "Dashboard"
    icon_name = "dashboard"
    order = 10

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.figures: DashboardFigures | None = None
        self.dues: DuesYearSummary | None = None
        self.loading = False
        self._stale = True
        self.officers_link: QPushButton | None = None
        self.dues_widget: QWidget | None = None
        self._dues_beside: bool | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        self.layout_ = QVBoxLayout(body)
        self.heading = heading("Dashboard", "Loading the chapter's figures…")
        self.layout_.addWidget(self.heading)
        # Warnings that need an officer's action (an officer no longer eligible) sit above
        # the figures, across the page's width.
        self.alerts = QVBoxLayout()
        self.layout_.addLayout(self.alerts)
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.layout_.addLayout(self.grid, 1)
        self.grid.setRowStretch(0, 3)
        self.grid.setRowStretch(1, 2)
        ctx.on_changes(self, (), lambda _c: self._data_changed())  # it counts everything

    def changeEvent(self, event: QEvent) -> None:
        """Redraw the cards in the new colours when the palette changes (dark mode on/off)."""
        super().changeEvent(event)
        figures = getattr(self, "figures", None)  # None until counted; unset while building
        if event.type() == QEvent.Type.PaletteChange and figures is not None:
            self.show_figures(figures)

    def _data_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def activate(self, target: Any = None) -> None:
        if self._stale or self.figures is None:
            self.refresh()

    def refresh(self) -> None:
        """Count the figures off the UI thread, then redraw the cards."""
        if self.loading:
            return
        self.loading = True
        self._stale = False
        db = self.db

        def done(result: tuple[DashboardFigures, DuesYearSummary]) -> None:
            self.loading = False
            self.dues = result[1]
            self.show_figures(result[0])
            if self._stale and self.isVisible():  # a change landed while counting
                self.refresh()

        def failed(exc: Any) -> None:
            self.loading = False
            self._subtitle().setText(exc.message)

        self.ctx.tasks.run(
            lambda _p, _c: (dashboard_figures(db), dues_year_summary(db)),
            title="Counting the chapter",
            on_done=done, on_error=failed, parent=self, show_progress=False,
        )

    def _go(self, wanted: RosterFilter) -> None:
        self.ctx.navigate.emit("roster", wanted)

    def _clear(self) -> None:
        for layout in (self.alerts, self.grid):
            while layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()  # gone at once, not when the deferred delete runs
                    widget.deleteLater()

    def _subtitle(self) -> QLabel:
        """The heading's second line (made by `heading()`)."""
        subtitle = self.heading.findChild(QLabel, "pageSubtitle")
        assert subtitle is not None
        return subtitle

    def show_figures(self, f: DashboardFigures) -> None:
        """Lay out the cards for a set of figures."""
        self.figures = f
        self._subtitle().setText(f"{f.chapter_name} · as of {long_date(f.as_of, weekday=True)}")
        self._clear()
        self.officers_link = None
        if f.ineligible_officers:
            self.alerts.addWidget(self._ineligible_card(f.ineligible_officers))
        self.grid.addWidget(self._members_card(f), 0, 0)
        self.grid.addWidget(self._standing_chart(f), 0, 1)
        self.grid.addWidget(self._category_card(f), 0, 2)
        self.grid.addWidget(self._problems_card(f), 1, 0)
        self.grid.addWidget(self._import_card(f), 1, 1)
        self.grid.addWidget(self._officers_card(f), 1, 2)
        self.dues_widget = dues_card(self.dues, self.ctx) if self.dues is not None else None
        self._dues_beside = None
        self._place_dues()

    def _place_dues(self) -> None:
        """The dues card beside the others on a wide window, below them on a narrow one.

        At 1024×640 four columns do not fit: the dues card would be cut off at the
        right edge (behind a sideways scroll bar), so it moves to a row of its own.
        """
        card = self.dues_widget
        beside = self.width() >= WIDE_DASHBOARD
        if card is None or beside == self._dues_beside:
            return
        self._dues_beside = beside
        self.grid.removeWidget(card)
        if beside:
            self.grid.addWidget(card, 0, 3, 2, 1)
        else:
            self.grid.addWidget(card, 2, 0, 1, 3)
        self.grid.setRowStretch(2, 0 if beside else 3)
        self.grid.setColumnStretch(3, 1 if beside else 0)
        for column in range(3):
            self.grid.setColumnStretch(column, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the dues card out anew when the window crosses the wide/narrow width."""
        super().resizeEvent(event)
        if getattr(self, "dues_widget", None) is not None:
            self._place_dues()

    def _members_card(self, f: DashboardFigures) -> Card:
        card = Card("Members")
        total = link(f"{f.total:,} current members", "All current members")
        font = total.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        total.setFont(font)
        total.clicked.connect(lambda: self._go(RosterFilter()))
        card.body.addWidget(total)
        for standing in Standing:
            count = f.by_standing[standing]
            button = link(f"●  {count:,}  {standing.label}", f"{count} members {standing.label}")
            button.setStyleSheet(button.styleSheet() + f"QPushButton {{ color: "
                                 f"{scheme().standing[standing]}; }}")
            button.clicked.connect(
                lambda _=False, s=standing: self._go(RosterFilter(standings=frozenset({s})))
            )
            card.body.addWidget(button)
        card.body.addStretch(1)
        return card

    def _standing_chart(self, f: DashboardFigures) -> Card:
        card = Card("By standing")
        series = QStackedBarSeries()
        standings = list(Standing)
        for number, standing in enumerate(standings):
            # One set per standing, zero outside its own column: one coloured bar each.
            bar = QBarSet(standing.label)
            bar.append([f.by_standing[standing] if i == number else 0 for i in range(4)])
            bar.setColor(QColor(scheme().standing[standing]))
            bar.setBorderColor(QColor(scheme().standing[standing]))
            series.append(bar)
        series.setBarWidth(0.6)
        chart = QChart()
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        short = {Standing.GOOD: "good", Standing.NOT_IN_HQ: "not in HQ"}
        axis_x.append([short.get(s, s.label) for s in standings])
        # The bars are too narrow for their words (Qt cuts them to "g…"); the Members card
        # beside this one names each colour, so the axis shows none.
        axis_x.setLabelsVisible(False)
        axis_y = QValueAxis()
        axis_y.setRange(0, max(max(f.by_standing.values(), default=0) * 1.1, 1))
        axis_y.setLabelFormat("%d")
        axis_y.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(False)
        view = _chart_view(chart)
        view.setAccessibleName("Chart of members by standing")
        view.setToolTip("Click a bar to list those members.")
        series.clicked.connect(
            lambda index, _bar: self._go(RosterFilter(standings=frozenset({standings[index]})))
        )
        card.body.addWidget(view, 1)
        return card

    def _category_card(self, f: DashboardFigures) -> Card:
        card = Card("By category")
        series = QPieSeries()
        colours = {}
        for number, item in enumerate(f.by_category):
            colour = PIE_COLOURS[number % len(PIE_COLOURS)]
            colours[item.name] = colour
            piece = series.append(f"{item.name} ({item.count:,})", item.count)
            piece.setColor(QColor(colour))
            piece.setBorderColor(QApplication.palette().color(QPalette.ColorRole.Base))
        series.setHoleSize(0.45)
        chart = QChart()
        chart.addSeries(series)
        view = _chart_view(chart)
        chart.legend().setVisible(False)  # the links below name each colour, never elided
        view.setAccessibleName("Chart of members by category")
        card.body.addWidget(view, 1)
        for item in f.by_category:
            if item.category_id is None:
                continue
            button = link(f"{item.count:,}  {item.name}", f"{item.count} {item.name} members")
            button.setIcon(colour_dot(colours[item.name], button.fontMetrics().height()))
            button.clicked.connect(
                lambda _=False, cid=item.category_id: self._go(RosterFilter(category_id=cid))
            )
            card.body.addWidget(button)
        return card

    def _problems_card(self, f: DashboardFigures) -> Card:
        card = Card("Compliance")
        card.body.addWidget(big_number(f.compliance_problems, "members need attention"))
        button = link("Show members not in good standing →", "Members not in good standing")
        button.clicked.connect(lambda: self._go(RosterFilter(standings=frozenset(
            {Standing.GRACE, Standing.LAPSED, Standing.NOT_IN_HQ}))))
        card.body.addWidget(button)
        note = QLabel("Lapsed and missing members are suspended from chapter privileges until "
                      "HQ shows them current again.")
        note.setWordWrap(True)
        card.body.addWidget(note)
        card.body.addStretch(1)
        return card

    def _import_card(self, f: DashboardFigures) -> Card:
        card = Card("Last HQ import")
        latest = f.latest_import
        if latest is None:
            card.body.addWidget(QLabel("No HQ export has been imported yet."))
        else:
            counts = ", ".join(f"{v:,} {k}" for k, v in latest.counts.items()) or "no counts"
            text = QLabel(
                f"<b>{html.escape(latest.file_name)}</b><br>"
                f"Imported {latest.imported_at:%Y-%m-%d %H:%M} UTC<br>"
                f"HQ data as of {latest.data_as_of.isoformat()}<br>"
                f"{latest.row_count:,} rows: {html.escape(counts)}"
            )
            text.setWordWrap(True)
            card.body.addWidget(text)
        age = QLabel(f.hq_age.describe())
        age.setWordWrap(True)
        if f.hq_age.stale:
            age.setStyleSheet(f"color: {warning_colours().text}; font-weight: bold;")
        card.body.addWidget(age)
        card.body.addStretch(1)
        return card

    def _officers_card(self, f: DashboardFigures) -> Card:
        card = Card("Officers in office")
        if not f.officers:
            card.body.addWidget(QLabel("No officer is in office today."))
        for term in f.officers:
            if term.eligible:
                button = link(
                    f"{term.position}: {in_sentence(term.name)}", f"{term.position}, {term.name}"
                )
            else:
                button = link(
                    f"{term.position}: {in_sentence(term.name)} (not eligible)",
                    f"{term.position}, {term.name}, not eligible: {term.ineligible}",
                )
                button.setIcon(icon("warning"))
                button.setStyleSheet(button.styleSheet() + f"QPushButton {{ color: "
                                     f"{warning_colours().text}; }}")
                button.setToolTip(f"No longer eligible: {term.ineligible}.")
            button.clicked.connect(
                lambda _=False, hq_id=term.hq_id: self._go(RosterFilter(search=hq_id))
            )
            card.body.addWidget(button)
        more = link("Show all officers in the roster →", "Officers in the roster")
        more.clicked.connect(lambda: self._go(RosterFilter(officer=True)))
        card.body.addWidget(more)
        card.body.addStretch(1)
        return card

    def _ineligible_card(self, terms: tuple[TermView, ...]) -> Card:
        """The warning naming each sitting officer no longer eligible, why, and what to do."""
        many = len(terms) > 1
        card = Card(
            f"{len(terms)} officers are no longer eligible" if many
            else "An officer is no longer eligible",
            warning=True,
        )
        card.setAccessibleName("Officers no longer eligible")
        for term in terms:
            line = QLabel(
                f"<b>{html.escape(term.position)}</b>: {html.escape(term.name)} "
                f"({html.escape(term.hq_id)}) — {html.escape(term.ineligible or '')}."
            )
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setWordWrap(True)
            line.setObjectName("ineligibleOfficer")
            card.body.addWidget(line)
        advice = QLabel(
            "An officer must be a voting member in good standing. Ask "
            + ("them" if many else "the officer")
            + " to renew with HQ, then import HQ's newer export; or end the term on the "
            "Officers page."
        )
        advice.setWordWrap(True)
        button = link("Open the Officers page →", "Open the Officers page")
        button.setStyleSheet(button.styleSheet() + f"QPushButton {{ color: "
                             f"{warning_colours().text}; }}")
        button.clicked.connect(lambda: self.ctx.navigate.emit("officers", terms[0].hq_id))
        row = QHBoxLayout()
        row.addWidget(advice, 1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        card.body.addLayout(row)
        self.officers_link = button
        return card
