"""One member's dues ledger with their balance, and the treasurer's actions on it.

Shown in the roster's member panel and on the Dues page's Payments tab:
every entry (kind, date, amount, receipt; reversed entries struck through
with what reversed them), the balance, and "Record payment…", "Reverse…"
and "Waive a year…". Postings are made on the database worker, through the
dialogs, and the view re-reads the ledger when a change to the ledger
concerns the member shown (wherever it was made). Postings never go on the
undo stack: a posted entry is never deleted, so the way to take one back is
"Reverse…", which posts a reversing entry with a reason (the tooltips say so).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from chapterdesk.names import in_sentence
from chapterdesk.services import dues
from chapterdesk.services.chapter import chapter_info
from chapterdesk.ui import ask
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext, LatestRead, touched_member
from chapterdesk.ui.dues.dialogs import NO_POSTING_UNDO, PaymentDialog, ReasonDialog
from chapterdesk.ui.dues.models import RecordsModel
from chapterdesk.ui.dues.tables import (
    LEDGER_COLUMNS,
    LedgerLine,
    ledger_columns,
    ledger_lines,
    money_in,
    table_view,
)

REVERSE_TIP = (
    "Post a reversing entry for the selected entry, with a reason; the original stays in the "
    "ledger. Ledger entries are never deleted, so Ctrl+Z does not apply to them."
)


PAY_NAME_CHARS = 40  #: of a member's name on the payment button; the rest is elided


def _pay_label(name: str | None) -> str:
    """"Record payment from Ana Adams…" (the member shown), or plain when there is none."""
    if not name:
        return "Record pa&yment…"
    if len(name) > PAY_NAME_CHARS:
        name = name[: PAY_NAME_CHARS - 1].rstrip() + "…"
    return f"Record pa&yment from {name.replace('&', '&&')}…"


def _style(line: LedgerLine) -> str:
    return "muted" if line.entry.reversed_by is not None else ""


class LedgerView(QWidget):
    """A member's ledger, balance and dues actions (pay, reverse, waive)."""

    posted = Signal(str)  # what was posted, for the status bar

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, compact: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._compact = compact
        self.hq_id: str | None = None
        self.balance: dues.MemberBalance | None = None
        self._reader: LatestRead[tuple[str, dues.MemberBalance]] = LatestRead(
            ctx, self, "Reading the dues ledger")
        self.currency = "USD"
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Dues balance")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = RecordsModel(ledger_columns(money_in(self.currency)), self)
        self.model.row_style = _style
        self.table = table_view(self.model, "Dues ledger",
                                stretch=LEDGER_COLUMNS.index("What" if compact else "Note"))
        if compact:  # the member panel is narrow: entry, receipt and note are in the tooltip
            for title in ("Entry", "Receipt", "Note"):
                self.table.setColumnHidden(LEDGER_COLUMNS.index(title), True)
        self.pay_button = QPushButton("Record pa&yment…")
        self.pay_button.setAccessibleName("Record payment")
        self.pay_button.setToolTip(NO_POSTING_UNDO)
        self.pay_button.clicked.connect(self.record_payment)
        self.reverse_button = QPushButton("Reverse…")  # r, e, v and s are taken beside it
        self.reverse_button.setAccessibleName("Reverse the selected entry")
        self.reverse_button.setToolTip(REVERSE_TIP)
        self.reverse_button.clicked.connect(self.reverse_selected)
        self.waive_button = QPushButton("&Waive a year…")
        self.waive_button.setAccessibleName("Waive a year's dues")
        self.waive_button.setToolTip(
            "Forgive what is still open of one year's dues, with a reason."
        )
        self.waive_button.clicked.connect(self.waive)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pay_button)
        buttons.addWidget(self.reverse_button)
        buttons.addWidget(self.waive_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.show_member(None)
        ctx.on_changes(self, ("ledger",), self._ledger_changed)

    def _ledger_changed(self, changes: Any) -> None:
        if touched_member(changes, self.hq_id):
            self.reload()

    def _enable(self) -> None:
        balance = self.balance
        self.pay_button.setEnabled(balance is not None)
        if not self._compact:  # beside "Record a payment…" for anyone: say whose it is
            self.pay_button.setText(_pay_label(None if balance is None else balance.name))
        self.waive_button.setEnabled(
            balance is not None and any(c.open > 0 for c in balance.charges)
        )
        self.reverse_button.setEnabled(self.selected_entry() is not None)

    @property
    def reading(self) -> bool:
        """Whether the ledger asked for last is still being read."""
        return self._reader.pending

    def show_member(self, hq_id: str | None) -> None:
        """Show one member's ledger (None: nobody), read on the database worker."""
        self.hq_id = hq_id
        if hq_id is None:
            self._reader.cancel()
            self._show(None, None)
            return
        db = self.ctx.db
        self._reader.start(
            lambda: (chapter_info(db).currency, dues.member_balance(db, hq_id)),
            lambda read: self._show(hq_id, read[1], read[0]),
            lambda exc: self._show(hq_id, None, error=exc.message),
        )

    def _show(
        self,
        hq_id: str | None,
        balance: dues.MemberBalance | None,
        currency: str | None = None,
        error: str = "",
    ) -> None:
        """Fill the table and the balance line with what the worker read."""
        self.balance = balance
        if currency is not None:
            self.currency = currency
        if error:
            self.summary.setText(html.escape(error))
        money = money_in(self.currency)
        self.model.columns = tuple(ledger_columns(money))
        b = self.balance
        self.model.set_rows(ledger_lines(b.entries) if b is not None else ())
        if b is None:
            if hq_id is None:
                self.summary.setText("Choose a member to see their dues ledger.")
        elif not b.entries:
            self.summary.setText("No dues entries yet.")
        else:
            owed = (f"<b style='color:{scheme().error.text}'>owes {money(b.outstanding)}</b>"
                    if b.outstanding > 0 else "owes nothing")
            credit = f" and has {money(b.credit)} in credit" if b.credit > 0 else ""
            self.summary.setText(
                f"{in_sentence(html.escape(b.name))} {owed}{credit} (all years, as of today). "
                f"Since their first entry: assessed {money(b.assessed)}, paid "
                f"{money(b.paid)}, waived {money(b.waived)}."
            )
        self._enable()

    def selected_entry(self) -> dues.EntryView | None:
        """The ledger entry selected in the table."""
        line = self.model.row_at(self.table.currentIndex().row())
        return line.entry if isinstance(line, LedgerLine) else None

    def reload(self) -> None:
        """Re-read the ledger shown."""
        self.show_member(self.hq_id)

    def _posted(self, message: str) -> None:
        """An entry was posted (the ledger has re-read itself on hearing of the change)."""
        self.posted.emit(message)
        self.ctx.changed(message)

    def record_payment(self) -> None:
        """Record a payment from the member shown."""
        if self.hq_id is None:
            return
        dialog = PaymentDialog(self.ctx, self.currency, self, self.hq_id)
        ask.run_dialog(dialog)
        if dialog.receipts:
            numbers = ", ".join(str(r.receipt_no) for r in dialog.receipts)
            self._posted(f"Recorded receipt {numbers}.")

    def reverse_selected(self) -> None:
        """Reverse the selected entry with a reason (a refusal is shown as its sentence)."""
        entry = self.selected_entry()
        if entry is None:
            return
        db = self.ctx.db

        def submit(reason: str, _year: int | None) -> Any:
            return dues.reverse_entry(db, entry.id, reason)

        money = money_in(self.currency)
        dialog = ReasonDialog(
            self.ctx, "Reverse an entry",
            f"Reverse entry {entry.id}: {entry.describe()}, {money(entry.amount)} on "
            f"{entry.posted_on.isoformat()}. The entry stays in the ledger and a reversing "
            "entry cancels it.",
            submit, self, action="&Reverse",
        )
        if ask.run_dialog(dialog) and dialog.posted:
            self._posted(f"Reversed entry {entry.id}.")

    def waive(self) -> None:
        """Waive what is open of one year's dues, with a reason."""
        b = self.balance
        if b is None:
            return
        open_years = [c.dues_year for c in b.charges if c.open > 0]
        db, hq_id = self.ctx.db, b.hq_id

        def submit(reason: str, year: int | None) -> Any:
            return dues.waive_dues(db, hq_id, year or 0, reason)

        dialog = ReasonDialog(
            self.ctx, "Waive dues",
            f"Waive what is still open of {b.name}'s dues for a year (a hardship, a board "
            "decision). The waiver stays in the ledger.",
            submit, self, year=open_years[0] if open_years else None, action="&Waive",
        )
        if ask.run_dialog(dialog) and dialog.posted:
            self._posted(f"Waived {b.name}'s {dialog.year.value()} dues.")
