"""Choosers for settings typed as codes elsewhere: a currency, a day of the year, proration steps.

The command line takes `--currency CAD`, `--year-start 07-01` and proration as
`07-01=50,12-01=0`; in the window these are a list of ISO 4217 currencies with
their names, a month and a day, and a small table of steps (from which day, what
percent), so nothing has to be typed in a mini-language.
"""

from __future__ import annotations

import calendar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.currencies import currency_choices
from chapterdesk.services.dues.rates import ProrationRule

#: Days in each month of a year that is not a leap year (the dues year starts on a day every
#: year has).
DAYS = {month: calendar.monthrange(2001, month)[1] for month in range(1, 13)}


class CurrencyBox(QComboBox):
    """The ISO 4217 currencies, "CAD — Canadian Dollar", searchable by typing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code, name in currency_choices():
            self.addItem(f"{code} — {name}", code)
        self.setAccessibleName("Currency")
        self.setMaxVisibleItems(15)

    def code(self) -> str:
        """The chosen currency's code."""
        return str(self.currentData() or "")

    def set_code(self, code: str) -> None:
        """Choose a currency by code (one not in the list is added, so nothing is lost)."""
        index = self.findData(code.upper())
        if index < 0:
            self.addItem(code.upper(), code.upper())
            index = self.count() - 1
        self.setCurrentIndex(index)


class MonthDayEdit(QWidget):
    """A day of the year as a month list and a day number (29 February is not offered)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = QComboBox()
        for number in range(1, 13):
            self.month.addItem(calendar.month_name[number], number)
        self.month.setAccessibleName(f"{name}: month")
        self.day = QSpinBox()
        self.day.setRange(1, 31)
        self.day.setAccessibleName(f"{name}: day")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.day)
        layout.addWidget(self.month, 1)
        self.setFocusProxy(self.day)
        self.month.currentIndexChanged.connect(self._month_changed)
        self.day.valueChanged.connect(lambda _v: self.changed.emit())
        self._month_changed()

    def _month_changed(self) -> None:
        self.day.setMaximum(DAYS[self.value()[0]])  # (clamps the day to the month's last)
        self.changed.emit()

    def value(self) -> tuple[int, int]:
        """The month (1–12) and day chosen."""
        return int(self.month.currentData() or 1), self.day.value()

    def set_value(self, month: int, day: int) -> None:
        """Show a month and day."""
        self.month.setCurrentIndex(max(month - 1, 0))
        self.day.setValue(day)

    def text(self) -> str:
        """The day as the services take it: `MM-DD`."""
        month, day = self.value()
        return f"{month:02d}-{day:02d}"


def _percent_box() -> QSpinBox:
    """A share of the dues, 0–100 %."""
    box = QSpinBox()
    box.setRange(0, 100)
    box.setSuffix(" %")
    return box


class ProrationTable(QWidget):
    """Proration as steps: from a day of the dues year on, a joining member pays a percent."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(("From", "Pays"))
        self.table.setAccessibleName("Proration steps")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        sample = _percent_box()
        sample.setValue(100)
        self.table.setColumnWidth(1, max(sample.sizeHint().width() + 12,
                                         header.sectionSizeFromContents(1).width()))
        self.add_button = QPushButton("A&dd step")
        self.add_button.clicked.connect(lambda: self.add_step(ProrationRule(7, 1, 50)))
        self.remove_button = QPushButton("Remove step")
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QVBoxLayout()  # beside the table: the form stays short at 640 pixels high
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._fit()

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _fit(self) -> None:
        """As tall as its steps (at least two rows), so the form does not scroll inside it."""
        rows = max(self.table.rowCount(), 2)
        row_height = 4 + max(MonthDayEdit("").sizeHint().height(),
                             _percent_box().sizeHint().height())
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + 4
                                  + rows * row_height)

    def add_step(self, step: ProrationRule) -> None:
        """Add a row for a step."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        when = MonthDayEdit(f"Step {row + 1} from")
        when.set_value(step.month, step.day)
        percent = _percent_box()
        percent.setValue(step.percent)
        percent.setAccessibleName(f"Step {row + 1} pays")
        self.table.setCellWidget(row, 0, when)
        self.table.setCellWidget(row, 1, percent)
        self._fit()

    def remove_selected(self) -> None:
        """Take the selected step out."""
        for index in sorted((i.row() for i in self.table.selectionModel().selectedRows()),
                            reverse=True):
            self.table.removeRow(index)
        self._fit()

    def set_steps(self, steps: tuple[ProrationRule, ...]) -> None:
        """Show these steps (none: everyone pays in full)."""
        self.table.setRowCount(0)
        for step in steps:
            self.add_step(step)
        self._fit()

    def steps(self) -> tuple[ProrationRule, ...]:
        """The steps shown, in date order (the services refuse two on one day)."""
        found = []
        for row in range(self.table.rowCount()):
            when = self.table.cellWidget(row, 0)
            percent = self.table.cellWidget(row, 1)
            assert isinstance(when, MonthDayEdit) and isinstance(percent, QSpinBox)
            month, day = when.value()
            found.append(ProrationRule(month, day, percent.value()))
        return tuple(sorted(found, key=lambda s: (s.month, s.day)))
