"""The Balances tab: the chapter's totals and aging, each member's balance, who hasn't paid.

Everything is read on the worker thread from `services.dues.balances` (the same
figures as `chapterdesk dues balance` and `dues list`). The list shown —
members' balances, or one year's dues filtered by status, "who hasn't paid"
among them — can be exported as .xlsx or .csv through
`exports.sheets.write_table`, with real numbers and dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.exports.sheets import write_table
from chapterdesk.services import dues
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.summary import lines_with_status
from chapterdesk.ui import ask, settings
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.dues.models import RecordsModel
from chapterdesk.ui.dues.tables import (
    balance_columns,
    balance_export,
    line_columns,
    line_export,
    money_in,
    table_view,
)

# (label, view key, status filter of a year's dues lines)
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("Members owing or in credit", "balances", ""),
    ("Everyone with dues entries", "everyone", ""),
    ("Who hasn't paid (year)", "lines", "unpaid"),
    ("The year's dues: all", "lines", "all"),
    ("The year's dues: paid", "lines", "paid"),
    ("The year's dues: waived", "lines", "waived"),
)
# every year's entries to date: what was charged and taken in, and where it stands today
TOTALS = (("Assessed", "assessed"), ("Paid", "paid"), ("Credits granted", "credits"),
          ("Waived", "waived"), ("Outstanding, all years", "outstanding"),
          ("Held as credit", "credit"))
TOTAL_TIPS = {
    "credits": "Credit entries posted (goodwill, corrections), all years.",
    "outstanding": "Every year's dues still owed today. The list below can show one "
                   "year's open dues.",
    "credit": "Paid ahead: payments beyond what was owed, kept for the next charge.",
}
BUCKETS = (("Current", "current"), ("30 days", "days_30"), ("60 days", "days_60"),
           ("90+ days", "days_90_plus"))


def _figure(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setBold(True)
    label.setFont(font)
    return label


class BalancesTab(QWidget):
    """Totals, aging, and a list of balances or of a year's dues."""

    open_member = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.currency = "USD"
        self.report: dues.BalanceReport | None = None
        self.lines: list[dues.DuesLine] = []
        self.shown: list[Any] = []
        self.figures: dict[str, QLabel] = {}
        totals = QGroupBox("Totals, all years, as of today")
        grid = QGridLayout(totals)
        for number, (title, key) in enumerate(TOTALS):
            row, column = 2 * (number // 3), number % 3
            caption = QLabel(title)
            caption.setToolTip(TOTAL_TIPS.get(key, ""))
            grid.addWidget(caption, row, column, Qt.AlignmentFlag.AlignRight)
            self.figures[key] = _figure()
            self.figures[key].setToolTip(TOTAL_TIPS.get(key, ""))
            self.figures[key].setAccessibleName(f"Total {title.lower()}")
            grid.addWidget(self.figures[key], row + 1, column)
        aging = QGroupBox("Aging of what is outstanding")
        aging_grid = QGridLayout(aging)
        for number, (title, key) in enumerate(BUCKETS):
            row, column = 2 * (number // 2), number % 2
            aging_grid.addWidget(QLabel(title), row, column, Qt.AlignmentFlag.AlignRight)
            self.figures[key] = _figure()
            self.figures[key].setAccessibleName(f"Aging {title}")
            aging_grid.addWidget(self.figures[key], row + 1, column)
        self.view = QComboBox()
        self.view.setAccessibleName("What to list")
        for label, _key, _status in VIEWS:
            self.view.addItem(label)
        self.view.activated.connect(lambda _i: self.refresh())
        self.year = QSpinBox()
        self.year.setRange(1900, 2999)
        self.year.setAccessibleName("Dues year listed")
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.export_button = QPushButton("E&xport the list…")
        self.export_button.clicked.connect(self.export)
        self.caption = QLabel()
        self.caption.setAccessibleName("Members listed")
        self.caption.setWordWrap(True)
        self.model = RecordsModel(balance_columns(money_in(self.currency)), self)
        self.table = table_view(self.model, "Dues balances", stretch=1)
        self.table.setToolTip("Double-click a member to open their ledger on the Payments tab.")
        self.table.doubleClicked.connect(self._open)
        top = QHBoxLayout()
        top.addWidget(totals, 3)
        top.addWidget(aging, 2)
        top.addStretch(1)
        pickers = QHBoxLayout()
        show = QLabel("&List:")
        show.setBuddy(self.view)
        pickers.addWidget(show)
        pickers.addWidget(self.view)
        year = QLabel("Dues &year:")
        year.setBuddy(self.year)
        pickers.addWidget(year)
        pickers.addWidget(self.year)
        pickers.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.caption, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(pickers)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def current_view(self) -> tuple[str, str, str]:
        """The (label, view key, status) of the list chosen."""
        return VIEWS[max(self.view.currentIndex(), 0)]

    def show_year(self, year: int | None, status: str) -> None:
        """List one year's dues with a status filter (a dashboard link)."""
        index = next((i for i, v in enumerate(VIEWS) if v[1] == "lines" and v[2] == status), 2)
        self.view.setCurrentIndex(index)
        self.year.blockSignals(True)
        if year is not None:
            self.year.setValue(year)
        self.year.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the totals and the list on the worker thread."""
        db, year = self.ctx.db, self.year.value()
        _label, key, status = self.current_view()
        self.year.setEnabled(key == "lines")

        def job(_p: Any, _c: Any) -> tuple[Any, ...]:
            report = dues.balances(db)
            lines = dues.dues_lines(db, year=year) if key == "lines" else []
            return chapter_info(db).currency, report, lines, (key, status, year)

        self.ctx.tasks.run(job, title="Reading the dues balances", parent=self,
                           on_done=self._show, show_progress=False)

    def _show(self, result: tuple[Any, ...]) -> None:
        currency, report, lines, wanted = result
        key, status, year = wanted
        if wanted != (self.current_view()[1], self.current_view()[2], self.year.value()):
            return  # superseded by a later choice
        self.currency, self.report, self.lines = currency, report, lines
        money = money_in(currency)
        t = report.totals
        for _title, field in TOTALS:
            self.figures[field].setText(money(getattr(t, field)))
        for _title, field in BUCKETS:
            self.figures[field].setText(money(getattr(t.aging, field)))
        owing_red = f"color: {scheme().error.text};" if t.outstanding > 0 else ""
        self.figures["outstanding"].setStyleSheet(owing_red)
        if key == "lines":
            self.shown = lines_with_status(lines, status)
            self.model.columns = tuple(line_columns(money))
            total = sum((d.open for d in self.shown), Decimal("0.00"))
            n = len(self.shown)
            what = (("has" if n == 1 else "have") + " not paid") if status == "unpaid" else "listed"
            self.caption.setText(
                f"{n:,} member{'s' if n != 1 else ''} {what} for {year}; {money(total)} of "
                f"{year}'s dues still open (Outstanding above counts every year)"
            )
        else:
            members = list(report.members)
            self.shown = members if key == "everyone" else [m for m in members if m.balance != 0]
            self.model.columns = tuple(balance_columns(money))
            self.caption.setText(
                f"{len(self.shown):,} members listed; {t.members_owing:,} owe "
                f"{money(t.outstanding)}, {t.members_in_credit:,} in credit {money(t.credit)}"
            )
        self.model.set_rows(self.shown)
        self.export_button.setEnabled(bool(self.shown))

    def _open(self, index: Any) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_member.emit(row.hq_id)

    def export(self) -> None:
        """Write the list shown to .xlsx or .csv, off the UI thread."""
        _label, key, status = self.current_view()
        name = (f"dues-{self.year.value()}-{status}" if key == "lines" else "dues-balances")
        folder = settings.LAST_EXPORT_FOLDER.get() or ""
        path = ask.save_file(self, "Export the list", f"{folder}/{name}.xlsx" if folder
                             else f"{name}.xlsx", "Excel workbook (*.xlsx);;CSV file (*.csv)")
        if path is None:
            return
        settings.LAST_EXPORT_FOLDER.set(str(path.parent))
        columns, rows = (line_export(self.shown) if key == "lines"
                         else balance_export(self.shown))
        sheet = "Who hasn't paid" if status == "unpaid" else "Dues"

        def job(_p: Any, _c: Any) -> int:
            return write_table(path, columns, rows, sheet_name=sheet)

        self.ctx.tasks.run(
            job, title="Exporting the list", parent=self,
            on_done=lambda n: self.ctx.status_message.emit(f"Exported {n:,} rows to {path}."),
        )
