"""The options form of the Reports page: only the chosen report's own options are shown."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from chapterdesk.reports.labels import LABEL_SHEETS
from chapterdesk.ui.reports.catalogue import (
    ALL_YEARS,
    FORMAT,
    RECEIPT,
    SHEET,
    WHO,
    YEAR,
    Choices,
    ReportKind,
)


class ReportOptions(QWidget):
    """Year, receipt number, label stock, who gets a label, file format."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = QSpinBox()
        self.year.setRange(1900, 2999)
        self.year.setValue(year)
        self.year.setAccessibleName("Dues year")
        self.all_years = QCheckBox("E&very year")
        self.all_years.setAccessibleName("Every dues year")
        self.all_years.toggled.connect(lambda on: self.year.setEnabled(not on))
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText("the number printed on the receipt")
        self.receipt.setAccessibleName("Receipt number")
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Label stock")
        for code, sheet in LABEL_SHEETS.items():
            self.sheet.addItem(sheet.name, code)
        self.who = QComboBox()
        self.who.setAccessibleName("Who gets a label")
        self.who.addItem("Members in good standing", False)
        self.who.addItem("Every member on the roster", True)
        self.file_format = QComboBox()
        self.file_format.setAccessibleName("File format")
        self.file_format.addItem("Excel workbook (.xlsx)", ".xlsx")
        self.file_format.addItem("CSV, UTF-8 (.csv)", ".csv")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.rows = {
            YEAR: self.year,
            ALL_YEARS: self.all_years,
            RECEIPT: self.receipt,
            SHEET: self.sheet,
            WHO: self.who,
            FORMAT: self.file_format,
        }
        labels = {
            YEAR: "Dues &year:",
            ALL_YEARS: "",
            RECEIPT: "Receipt &number:",
            SHEET: "Label &stock:",
            WHO: "Labels &for:",
            FORMAT: "&Format:",
        }
        for key, widget in self.rows.items():
            self.form.addRow(labels[key], widget)

    def show_for(self, kind: ReportKind) -> None:
        """Show the rows this report uses and hide the rest."""
        for key, widget in self.rows.items():
            self.form.setRowVisible(widget, key in kind.options)

    def choices(self) -> Choices:
        """What is chosen in the form now."""
        return Choices(
            year=self.year.value(),
            all_years=self.all_years.isChecked(),
            receipt=self.receipt.text(),
            sheet=str(self.sheet.currentData()),
            everyone=bool(self.who.currentData()),
            suffix=str(self.file_format.currentData()),
        )
