"""The dashboard's dues card: this dues year assessed vs collected, as a chart and as links.

Each bar and each figure opens the list behind it: the year's dues lines on
the Dues page's Balances tab (all, paid, waived, or who hasn't paid), and
the roster filtered to members who owe dues. The figures come from
`services.dues.summary.dues_year_summary`, exact to the cent; only the bar
heights are drawn from floats (QtCharts plots doubles), the labels and links
show the exact amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QHorizontalStackedBarSeries,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor

from chapterdesk.money import format_money
from chapterdesk.services.dues.summary import DuesYearSummary
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.dues.target import DuesTarget

# (label, summary field, status filter on the Balances tab, its colour in `colours.Scheme.dues`)
BARS: tuple[tuple[str, str, str, str], ...] = (
    ("Assessed", "assessed", "all", "assessed"),
    ("Collected", "collected", "paid", "collected"),
    ("Waived", "waived", "waived", "waived"),
    ("Outstanding", "outstanding", "unpaid", "outstanding"),
)


def bar_values(summary: DuesYearSummary) -> list[float]:
    """The bar heights, in the order of BARS (for drawing only; labels stay exact)."""
    return [float(getattr(summary, field)) for _l, field, _s, _c in BARS]


def nice_ceiling(value: float) -> int:
    """The smallest round amount (1, 1.2, 1.5, 2, … 8 times a power of ten) at or above `value`."""
    if value <= 1:
        return 1
    power: int = 10 ** (len(str(int(value))) - 1)
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return int(step * power)
    return 10 * power


def money_axis(top: float, currency: str) -> QCategoryAxis:
    """A value axis from 0 to a round amount above `top`, labelled as money ("$30k")."""
    end = nice_ceiling(top * 1.05)
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(0, end)
    for amount in (0, end // 2, end):
        axis.append(short_money(amount, currency), amount)
    return axis


def short_money(amount: int, currency: str) -> str:
    """A whole amount for an axis, thousands shortened ("$0", "$750", "$30k", "$1,250k")."""
    if amount and amount % 1000 == 0:
        return format_money(Decimal(amount // 1000), currency).removesuffix(".00") + "k"
    return format_money(Decimal(amount), currency).removesuffix(".00")


def dues_card(summary: DuesYearSummary, ctx: AppContext) -> Any:
    """A dashboard card with the year's dues chart and a link per figure."""
    from chapterdesk.ui.pages.dashboard import Card, _chart_view, link

    def go_year(status: str) -> None:
        ctx.navigate.emit("dues", DuesTarget("balances", summary.year, status))

    card = Card(f"Dues {summary.year}: assessed vs collected")
    series = QHorizontalStackedBarSeries()
    values = bar_values(summary)
    last = len(BARS) - 1
    for number, (label, _field, _status, colour) in enumerate(BARS):
        # One set per figure, zero outside its own row; rows run bottom-up, so Assessed is
        # drawn in the top row.
        bar = QBarSet(label)
        bar.append([values[number] if i == last - number else 0.0 for i in range(len(BARS))])
        bar.setColor(QColor(scheme().dues[colour]))
        bar.setBorderColor(QColor(scheme().dues[colour]))
        series.append(bar)
    series.setBarWidth(0.6)
    chart = QChart()
    chart.addSeries(series)
    labels = QBarCategoryAxis()
    labels.append([label for label, *_rest in reversed(BARS)])
    amounts = money_axis(max(values), summary.currency)
    chart.addAxis(labels, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(amounts, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(labels)
    series.attachAxis(amounts)
    chart.legend().setVisible(False)
    view = _chart_view(chart)
    # Room on the right for half the last amount label, which is centred on the axis's end.
    last_label = amounts.categoriesLabels()[-1]
    chart.setMargins(QMargins(0, 0, view.fontMetrics().horizontalAdvance(last_label) // 2, 0))
    view.setMinimumHeight(view.fontMetrics().height() * 9)
    view.setAccessibleName(f"Chart of dues {summary.year}, assessed against collected")
    view.setToolTip("Click a bar to list those dues.")
    series.clicked.connect(lambda index, _bar: go_year(BARS[last - index][2]))
    card.body.addWidget(view, 1)
    card.chart_series = series  # type: ignore[attr-defined]
    card.figure_links = {}  # type: ignore[attr-defined]
    counts = {"assessed": summary.members_charged, "outstanding": summary.members_unpaid}
    for label, field, status, colour in BARS:
        amount = format_money(getattr(summary, field), summary.currency)
        members = f" ({counts[field]:,} members)" if field in counts else ""
        button = link(f"●  {label} {amount}{members}", f"{label} {amount}")
        button.setStyleSheet(button.styleSheet()
                             + f"QPushButton {{ color: {scheme().dues[colour]}; }}")
        button.clicked.connect(lambda _=False, s=status: go_year(s))
        card.body.addWidget(button)
        card.figure_links[field] = button  # type: ignore[attr-defined]
    owing = link("Members who owe dues, in the roster →", "Members who owe dues")
    owing.clicked.connect(lambda: ctx.navigate.emit("roster", RosterFilter(owing=True)))
    card.body.addWidget(owing)
    card.figure_links["roster"] = owing  # type: ignore[attr-defined]
    return card
