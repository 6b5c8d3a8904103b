"""Which column of a bank's CSV export holds the date, the amount, the payer…: chosen, not typed.

A bank CSV whose header ChapterDesk does not recognise is refused by the
reader with the file's first rows (`ColumnsNotRecognised`); this box offers
those rows as the header row and each bank field (`BANK_FIELDS`) as a list of
that row's column headings, guessed where a heading is known. A bank CSV that
was recognised shows the mapping used, so a wrong guess can be corrected. The
choice becomes the same `FIELD=HEADER` pairs as the command line's `--map`,
and the mapping is remembered for the layout once its payments are posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QWidget

from chapterdesk.services.payments import BANK_FIELDS, guess_bank_mapping

#: What each bank field is called on screen.
FIELD_LABELS: dict[str, str] = {
    "date": "Date",
    "amount": "Amount (money in and out)",
    "credit": "Credit (money in only)",
    "payer": "Payer's name",
    "memo": "Description or memo",
    "check_number": "Check number",
    "reference": "Bank reference",
    "type": "Transaction type",
}
NOT_IN_FILE = "(not in this file)"


def likely_header(rows: Sequence[tuple[str, ...]]) -> int:
    """The row most like a header: the most headings ChapterDesk knows, then the fewest digits."""

    def score(row: tuple[str, ...]) -> tuple[int, int]:
        known = len(guess_bank_mapping(row))
        with_digits = sum(1 for cell in row if any(ch.isdigit() for ch in cell))
        return known, -with_digits

    return max(range(len(rows)), key=lambda i: (score(rows[i]), -i)) if rows else 0


class BankColumns(QGroupBox):
    """The header row and one list of its headings per bank field."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Bank CSV columns", parent)
        self.rows: tuple[tuple[str, ...], ...] = ()
        self.header_row = QComboBox()
        self.header_row.setAccessibleName("Header row")
        self.header_row.currentIndexChanged.connect(self._row_chosen)
        self.fields: dict[str, QComboBox] = {}
        grid = QGridLayout(self)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        grid.addWidget(self.note, 0, 0, 1, 4)
        grid.addWidget(QLabel("Header row:"), 1, 0)
        grid.addWidget(self.header_row, 1, 1, 1, 3)
        for at, name in enumerate(BANK_FIELDS):  # two fields a row: the table keeps its room
            box = QComboBox()
            box.setAccessibleName(FIELD_LABELS[name])
            box.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.fields[name] = box
            row, column = 2 + at // 2, (at % 2) * 2
            grid.addWidget(QLabel(f"{FIELD_LABELS[name]}:"), row, column)
            grid.addWidget(box, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.hide()

    def offer(
        self,
        rows: Sequence[tuple[str, ...]],
        mapping: Mapping[str, str] | None = None,
        note: str = "",
    ) -> None:
        """Show the box for `rows` (candidate header rows), preset with `mapping` or a guess."""
        self.rows = tuple(rows)
        self.note.setText(note)
        self.header_row.blockSignals(True)
        self.header_row.clear()
        for number, row in enumerate(self.rows, start=1):
            shown = ", ".join(cell for cell in row if cell)
            self.header_row.addItem(f"{number}: {shown[:90]}")
        chosen = 0
        if mapping:
            wanted = set(mapping.values())
            chosen = next((i for i, row in enumerate(self.rows) if wanted <= set(row)), 0)
        elif self.rows:
            chosen = likely_header(self.rows)
        self.header_row.setCurrentIndex(chosen)
        self.header_row.setEnabled(len(self.rows) > 1)
        self.header_row.blockSignals(False)
        self._fill(chosen, mapping)
        self.show()

    def withdraw(self) -> None:
        """Hide the box and forget its file (another file was chosen, or it needs no mapping)."""
        self.rows = ()
        self.hide()

    def _row_chosen(self, index: int) -> None:
        self._fill(index, None)
        self.changed.emit()

    def _fill(self, index: int, mapping: Mapping[str, str] | None) -> None:
        headings = [cell for cell in self.rows[index] if cell] if self.rows else []
        preset = dict(mapping) if mapping else guess_bank_mapping(headings)
        for name, box in self.fields.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_IN_FILE, "")
            for heading in headings:
                box.addItem(heading, heading)
            found = box.findData(preset.get(name, ""))
            box.setCurrentIndex(max(found, 0))
            box.blockSignals(False)

    def mapping(self) -> dict[str, str]:
        """The chosen field → heading pairs (fields left "not in this file" are left out)."""
        if not self.rows:
            return {}
        fields = self.fields.items()
        return {name: str(box.currentData()) for name, box in fields if box.currentData()}

    def overrides(self) -> list[str]:
        """The choice as the command line's `--map FIELD=HEADER` pairs."""
        return [f"{name}={heading}" for name, heading in self.mapping().items()]

    def missing(self) -> str:
        """What must still be chosen before the file can be read, as a sentence, or ""."""
        chosen = self.mapping()
        if "date" not in chosen:
            return "Choose the column that holds each payment's date."
        if "amount" not in chosen and "credit" not in chosen:
            return "Choose the column that holds the amount (or the credit column)."
        if len(set(chosen.values())) < len(chosen):
            return "Each column can hold one field only: two fields name the same column."
        return ""
