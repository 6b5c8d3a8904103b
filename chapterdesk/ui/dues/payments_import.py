"""The "Import payments…" dialog: a bank or card-processor file, reviewed, then posted once.

Steps, in one dialog: choose the file (a bank CSV whose columns are not
recognised has them chosen from its own headings, `bank_columns.py`: the same
`FIELD=HEADER` pairs as the command line's `--map`); the file
is read and matched on the worker (progress after 600 ms); the review lists
every line with its class; matched lines are ticked, an ambiguous line offers
its candidates, an unmatched one is given a member with the one member picker
below the table (select the line, then find the member by name, e-mail or HQ
ID as everywhere else; choosing ticks the line), and any line can be left
out; Post sends the ticked lines to the worker, where they are posted in one
transaction as one batch (`payments undo` reverses it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.money import format_money
from chapterdesk.names import with_id
from chapterdesk.services.payments import (
    ColumnsNotRecognised,
    PaymentReview,
    PostedImport,
    post_reviewed,
    review_payments,
)
from chapterdesk.ui import ask
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.dues.bank_columns import BankColumns
from chapterdesk.ui.member_picker import MemberPicker

FILTERS = "Payments files (*.csv *.ofx *.qfx *.txt);;All files (*)"
COLUMNS = ("Post", "Line", "Class", "Date", "Amount", "Fee", "Payer", "Member")
CLASS_LABELS = {
    "matched": "Matched",
    "ambiguous": "Ambiguous: choose",
    "unmatched": "Unmatched: choose below",
    "posted": "Already posted",
}
MEMBER_COLUMN = COLUMNS.index("Member")
UNRECOGNISED = (
    "ChapterDesk does not recognise this file's columns. Choose the row that holds the "
    "headings and the column of each field (at least the date and the amount), then "
    "Read with these columns."
)
RECOGNISED = (
    "Read as a bank export with the columns below; if one is wrong, choose the right "
    "column and Read with these columns. They are remembered once the payments are posted."
)


class PaymentsImportDialog(QDialog):
    """Choose a payments file, review each line's member, and post the chosen lines."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import payments")
        self.resize(980, 560)
        self.review: PaymentReview | None = None
        self.outcome: PostedImport | None = None
        self.reading = False
        self.saving = False
        self.path: Path | None = None
        self.file_label = QLabel("No file chosen.")
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.bank = BankColumns(self)
        self.reread_button = QPushButton("&Read again")
        self.reread_button.clicked.connect(self.read_file)
        self.reread_button.setEnabled(False)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a00;")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMNS.index("Payer"), QHeaderView.ResizeMode.Stretch
        )
        self.table.horizontalHeader().setSectionResizeMode(
            MEMBER_COLUMN, QHeaderView.ResizeMode.Stretch
        )
        self.table.currentCellChanged.connect(lambda row, *_rest: self._line_selected(row))
        #: row → the member the officer chose for an unmatched line with the picker
        self.assigned: dict[int, str] = {}
        self.picker_label = QLabel("Select an unmatched line to choose its member.")
        self.picker = MemberPicker(ctx, "USD", self, show_balance=False)
        self.picker.setEnabled(False)
        self.picker.picked.connect(self._assign)
        self.picker.looked_up.connect(self._name_assigned)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.post_button = self.buttons.addButton(
            "&Post ticked payments", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.post_button.setEnabled(False)
        self.post_button.clicked.disconnect()
        self.post_button.clicked.connect(self.post)
        self.buttons.rejected.connect(self.reject)
        file_row = QHBoxLayout()
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.reread_button)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.bank)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        picker_row = QHBoxLayout()
        picker_row.addWidget(self.picker_label, 0, Qt.AlignmentFlag.AlignTop)
        picker_row.addWidget(self.picker, 1)
        layout.addLayout(picker_row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    # --- reading ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for the file and read it."""
        path = ask.open_file(self, "Import payments", "", FILTERS)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: Path) -> None:
        """Read and match `path` on the worker."""
        self.path = path
        self.file_label.setText(str(path))
        self.reread_button.setEnabled(True)
        self.bank.withdraw()  # another file: its columns are its own
        self.read_file()

    def overrides(self) -> list[str]:
        """The chosen bank columns as `FIELD=HEADER` pairs (none until they are offered)."""
        return self.bank.overrides()

    def read_file(self) -> None:
        """(Re)read the chosen file with the typed column mapping, off the UI thread."""
        if self.path is None:
            return
        if self.bank.rows and (missing := self.bank.missing()):
            self.message.setText(missing)
            return
        path, overrides, db = self.path, self.overrides(), self.ctx.db
        self.reading = True
        self.message.setText("")
        self.post_button.setEnabled(False)

        def job(progress: Any, _cancelled: Any) -> PaymentReview:
            return review_payments(db, path, overrides=overrides, progress=progress)

        self.ctx.tasks.run(
            job,
            title="Reading the payments file",
            on_done=self.show_review,
            parent=self,
            on_error=self.refused,
        )

    def refused(self, exc: ChapterDeskError) -> None:
        """Say why the file or the posting was refused, in the dialog."""
        self.reading = self.saving = False
        if isinstance(exc, ColumnsNotRecognised):
            self.bank.offer(exc.rows, note=UNRECOGNISED)
            self.reread_button.setText("&Read with these columns")
            self.message.setText(self.bank.missing())
            return
        self.message.setText(exc.message)

    def show_review(self, review: PaymentReview) -> None:
        """Fill the review table (UI thread)."""
        self.reading = False
        self.review = review
        counts = review.counts
        payments = review.file
        if payments.source == "bank-csv" and payments.mapping:
            rows = self.bank.rows or (payments.headers,)
            self.bank.offer(rows, payments.mapping, note=RECOGNISED)
            self.reread_button.setText("&Read with these columns")
        else:
            self.bank.withdraw()
            self.reread_button.setText("&Read again")
        self.summary.setText(
            f"{payments.file_name}: {payments.label}. {len(payments.lines):,} payment(s) in"
            + (f", {len(payments.skipped):,} other line(s) skipped" if payments.skipped else "")
            + ". "
            + ", ".join(
                f"{CLASS_LABELS[k].split(':')[0].lower()}: {n:,}" for k, n in counts.items()
            )
        )
        self.assigned = {}
        self.picker.set_currency(review.currency)
        self._line_selected(-1)
        table = self.table
        table.setRowCount(0)
        table.setRowCount(len(review.lines))
        money = review.currency
        for row, item in enumerate(review.lines):
            line = item.line
            tick = QTableWidgetItem()
            if item.status == "posted":
                tick.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                tick.setCheckState(
                    Qt.CheckState.Checked if item.status == "matched" else Qt.CheckState.Unchecked
                )
            table.setItem(row, 0, tick)
            cells = (
                str(line.line_no),
                CLASS_LABELS[item.status],
                line.paid_on.isoformat(),
                format_money(line.gross, money),
                format_money(line.fee, money) if line.fee else "",
                " ".join(p for p in (line.payer, line.email, line.memo) if p),
            )
            for column, text in enumerate(cells, start=1):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if column in (4, 5):
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, cell)
            table.setCellWidget(row, MEMBER_COLUMN, self._member_widget(item, row))
        table.resizeColumnsToContents()
        self.post_button.setEnabled(any(m.status != "posted" for m in review.lines))

    def _member_widget(self, item: Any, row: int) -> QWidget:
        if item.status == "ambiguous":
            box = QComboBox()
            box.addItem("(choose the member)", "")
            for candidate in item.candidates:
                box.addItem(with_id(candidate.name, candidate.hq_id), candidate.hq_id)
            box.currentIndexChanged.connect(
                lambda _i, r=row: self._tick(r, bool(box.currentData()))
            )
            return box
        if item.status == "unmatched":
            return QLabel(" (select the line, then choose the member below)")
        rule = f" [{item.rule}]" if item.rule else ""
        return QLabel(f" {with_id(item.name, item.hq_id)}{rule}")

    def _unmatched(self, row: int) -> bool:
        return (
            self.review is not None
            and 0 <= row < len(self.review.lines)
            and self.review.lines[row].status == "unmatched"
        )

    def _line_selected(self, row: int) -> None:
        """The picker serves the unmatched line selected (and only such a line)."""
        if not self._unmatched(row):
            self.picker.setEnabled(False)
            self.picker_label.setText("Select an unmatched line to choose its member.")
            return
        assert self.review is not None
        line = self.review.lines[row].line
        self.picker_label.setText(f"Line {line.line_no} is from:")
        self.picker.setEnabled(True)
        self.picker.set_text(self.assigned.get(row, ""))

    def _assign(self, hq_id: str) -> None:
        """The member chosen in the picker pays the selected unmatched line; it is ticked."""
        row = self.table.currentRow()
        if not self._unmatched(row) or not hq_id:
            return
        self.assigned[row] = hq_id
        cell = self.table.cellWidget(row, MEMBER_COLUMN)
        if isinstance(cell, QLabel):
            cell.setText(f" {hq_id} [chosen]")
        self._tick(row, True)

    def _name_assigned(self) -> None:
        """Once the picker has looked the chosen member up, name them in the line's row."""
        balance = self.picker.balance
        row = self.table.currentRow()
        if balance is None or self.assigned.get(row) != balance.hq_id:
            return
        cell = self.table.cellWidget(row, MEMBER_COLUMN)
        if isinstance(cell, QLabel):
            cell.setText(f" {with_id(balance.name, balance.hq_id)} [chosen]")

    def _tick(self, row: int, on: bool) -> None:
        cell = self.table.item(row, 0)
        if cell is not None:
            cell.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    # --- posting ------------------------------------------------------------------------------

    def choices(self) -> tuple[dict[int, str], set[int]]:
        """The officer's choices: line → HQ ID for chosen/typed members, and the lines left out."""
        assert self.review is not None
        assign: dict[int, str] = {}
        skip: set[int] = set()
        for row, item in enumerate(self.review.lines):
            cell = self.table.item(row, 0)
            ticked = cell is not None and cell.checkState() == Qt.CheckState.Checked
            line_no = item.line.line_no
            widget = self.table.cellWidget(row, MEMBER_COLUMN)
            chosen = ""
            if isinstance(widget, QComboBox):
                chosen = str(widget.currentData() or "")
            elif item.status == "unmatched":
                chosen = self.assigned.get(row, "")
            if item.status == "matched" and not ticked:
                skip.add(line_no)
            elif item.status in ("ambiguous", "unmatched") and ticked and chosen:
                assign[line_no] = chosen
        return assign, skip

    def post(self) -> None:
        """Post the ticked lines as one batch, on the worker."""
        if self.review is None or self.saving:
            return
        review, db = self.review, self.ctx.db
        assign, skip = self.choices()
        self.saving = True
        self.message.setText("")

        def work() -> PostedImport:
            return post_reviewed(db, review, assign=assign, skip=skip)

        self.ctx.change(self, "Posting payments", work, self.posted, self.refused)

    def posted(self, result: PostedImport) -> None:
        """Say what was posted and close."""
        self.saving = False
        self.outcome = result
        if result.batch_id is None:
            self.message.setText("Nothing was posted: no ticked line is still to post.")
            return
        assert self.review is not None
        self.ctx.changed(
            f"Posted {len(result.posted)} payment(s), "
            f"{format_money(result.gross, self.review.currency)}, as batch {result.batch_id}."
        )
        self.accept()
