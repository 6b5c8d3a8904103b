"""The first steps of the import wizard: choosing the file, and matching its columns.

Choosing shows a drop zone and a "Choose file…" button (the whole page also
takes a dropped file). Matching lists every member field ChapterDesk reads,
each with a combo box of the file's headers, pre-filled from the mapping the
officer confirmed for this layout before, else from the headers' names; it
says in a sentence which required field still has no column.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.hqsync import DISPLAY_NAMES, FIELDS, REQUIRED, Mapping
from chapterdesk.ui.hqsync.widgets import message_label, show_message, step_heading

NOT_IN_FILE = "— not in file —"
NEXT_STEPS = (
    "<b>What happens next</b><ol style='margin-left: -20px'>"
    "<li>ChapterDesk finds the header row and matches HQ's columns to its fields; you "
    "choose any it did not recognise.</li>"
    "<li>Every row is checked: a problem is shown with its row number, and you fix the file "
    "or skip those rows.</li>"
    "<li>You see what would change (new, changed, lapsed, renewed, missing, conflicts) and "
    "accept or reject each change.</li>"
    "<li>The accepted changes are applied in one step and kept as a batch you can undo.</li>"
    "</ol>"
)
EXPORT_FILTERS = "HQ exports (*.xlsx *.xlsb *.ods *.xls *.csv);;All files (*)"
MAPPING_HELP = (
    "<b>How columns are matched</b><br>ChapterDesk recognises HQ's usual headers and their "
    "variants (ID, Member #, Paid Thru Date, Organization, E-mail Address …). A column feeds "
    "one field only; a field HQ does not send is left as it is. The fields in bold are "
    "needed for every member. What you choose here is remembered for the next file with "
    "the same columns."
)


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet letter (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class ChooseFileStep(QWidget):
    """Step 1: a drop zone with a button that opens the file dialog."""

    choose_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        zone = QFrame()
        zone.setObjectName("dropZone")
        zone.setStyleSheet("#dropZone { border: 2px dashed palette(mid); border-radius: 10px; }")
        zone.setMinimumHeight(220)
        prompt = QLabel("Drop HQ's roster export here")
        font = prompt.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        prompt.setFont(font)
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(
            "An .xlsx, .ods, .xls or .csv file as HQ sends it: report titles, extra columns and a "
            "totals row are fine. Nothing is written until you have reviewed every change."
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.setAccessibleName("Choose HQ export file")
        self.choose_button.setDefault(True)
        self.choose_button.clicked.connect(self.choose_requested)
        inner = QVBoxLayout(zone)
        inner.addStretch(1)
        inner.addWidget(prompt)
        inner.addWidget(hint)
        inner.addSpacing(12)
        inner.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addStretch(1)
        self.zone = zone
        self.message = message_label()
        self.last_import = QLabel()
        self.last_import.setWordWrap(True)
        self.last_import.setAccessibleName("Last import")
        steps = QLabel(NEXT_STEPS)
        steps.setWordWrap(True)
        steps.setTextFormat(Qt.TextFormat.RichText)
        steps.setAccessibleName("What happens next")
        layout = QVBoxLayout(self)
        layout.addWidget(step_heading("Choose the export HQ sent"))
        layout.addWidget(zone, 2)
        layout.addWidget(self.message)
        layout.addWidget(self.last_import)
        layout.addSpacing(8)
        layout.addWidget(steps)
        layout.addStretch(1)

    def highlight(self, on: bool) -> None:
        """Show that a file dragged over the page will be taken."""
        colour = "palette(highlight)" if on else "palette(mid)"
        self.zone.setStyleSheet(
            f"#dropZone {{ border: 2px dashed {colour}; border-radius: 10px; }}"
        )

    def show_error(self, text: str) -> None:
        """Say why the chosen file cannot be used (empty text hides the message)."""
        show_message(self.message, text, error=True)


class MappingStep(QWidget):
    """Step 2: which column of the file each member field is read from."""

    #: The mapping changed (and with it, maybe, whether the wizard may go on).
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers: tuple[str, ...] = ()
        self.combos: dict[str, QComboBox] = {}
        self.file_facts = QLabel()
        self.file_facts.setWordWrap(True)
        self.file_facts.setAccessibleName("Header found")
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.table = QTableWidget(len(FIELDS), 2)
        self.table.setAccessibleName("Column mapping")
        self.table.setHorizontalHeaderLabels(("ChapterDesk field", "Column in the file"))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab moves from combo box to combo box
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, name in enumerate(FIELDS):
            label = DISPLAY_NAMES[name] + ("  (required)" if name in REQUIRED else "")
            item = QTableWidgetItem(label)
            if name in REQUIRED:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(row, 0, item)
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {DISPLAY_NAMES[name]}")
            combo.currentIndexChanged.connect(lambda _i, n=name: self._picked(n))
            self.combos[name] = combo
            self.table.setCellWidget(row, 1, combo)
        self.unused = QLabel()
        self.unused.setWordWrap(True)
        self.unused.setAccessibleName("Columns not used")
        self.status = message_label()
        self.message = message_label()
        help_text = QLabel(MAPPING_HELP)
        help_text.setWordWrap(True)
        help_text.setTextFormat(Qt.TextFormat.RichText)
        side = QVBoxLayout()
        side.addWidget(self.file_facts)
        side.addWidget(self.source)
        side.addSpacing(8)
        side.addWidget(help_text)
        side.addSpacing(8)
        side.addWidget(self.unused)
        side.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(self.table, 3)
        columns.addSpacing(12)
        columns.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(step_heading("Match HQ's columns to ChapterDesk's fields"))
        layout.addLayout(columns, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.message)

    def load(self, path: Path, header_row: int, mapping: Mapping, remembered: bool) -> None:
        """Show a file's headers with the mapping to start from."""
        self.headers = mapping.headers
        used = [h for h in self.headers if h.strip()]
        self.file_facts.setText(
            f"<b>{path.name}</b>: the header is on row {header_row}, with {len(used)} columns."
        )
        self.source.setText(
            "The columns you confirmed for this layout on an earlier import are filled in."
            if remembered
            else "Columns were matched by their headers; check them, and choose any that were "
            "not recognised."
        )
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, -1)
            for index, text in enumerate(self.headers):
                if text.strip():
                    combo.addItem(f"{text.strip()}   (column {column_letter(index)})", index)
            chosen = mapping.columns.get(name, -1)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)
        show_message(self.message, "", error=True)
        self._update()

    def columns(self) -> dict[str, int]:
        """Field → column index, as chosen now."""
        chosen = {name: combo.currentData() for name, combo in self.combos.items()}
        return {
            name: int(index) for name, index in chosen.items() if index is not None and index >= 0
        }

    def mapping(self) -> Mapping | None:
        """The mapping as chosen, or None while a required field has no column."""
        columns = self.columns()
        if any(name not in columns for name in REQUIRED):
            return None
        return Mapping(columns=columns, headers=self.headers)

    def problem(self) -> str:
        """Why the wizard cannot go on yet ("" when it can)."""
        columns = self.columns()
        missing = [DISPLAY_NAMES[name] for name in REQUIRED if name not in columns]
        if not missing:
            return ""
        which = " and ".join(missing) if len(missing) < 3 else ", ".join(missing)
        return (
            f"Choose the column that holds {which} before going on: ChapterDesk needs it "
            "for every member."
        )

    def show_error(self, text: str) -> None:
        """Say why checking the file with this mapping failed."""
        show_message(self.message, text, error=True)

    def _picked(self, name: str) -> None:
        index = self.combos[name].currentData()
        if index is not None and index >= 0:
            for other, combo in self.combos.items():  # one column feeds one field
                if other != name and combo.currentData() == index:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        used = set(self.columns().values())
        extra = [h.strip() for i, h in enumerate(self.headers) if h.strip() and i not in used]
        self.unused.setText(
            f"Columns not read: {', '.join(extra)}." if extra else "Every column is read."
        )
        show_message(self.status, self.problem(), error=True)
