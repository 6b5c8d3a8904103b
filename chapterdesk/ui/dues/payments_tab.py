"""The Payments tab: record payments, and see, reverse or waive on one member's ledger.

"Record a payment…" takes any member (HQ ID or a name search); finding a
member shows their ledger and balance, where a selected entry can be
reversed with a reason and a year's open dues waived. None of these go on
the undo stack: the ledger is append-only, and "Reverse…" is how a posting
is taken back.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from chapterdesk.ui import ask
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.dues.dialogs import NO_POSTING_UNDO, PaymentDialog
from chapterdesk.ui.dues.ledger_view import LedgerView
from chapterdesk.ui.member_picker import MemberPicker


class PaymentsTab(QWidget):
    """Record payments and work on one member's ledger."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_button = QPushButton("Re&cord a payment…")
        self.record_button.setAccessibleName("Record a payment")
        self.record_button.setToolTip(NO_POSTING_UNDO)
        self.record_button.clicked.connect(self.record_payment)
        # the currency is learnt on the worker when the page opens (`set_currency`)
        self.finder = MemberPicker(ctx, "USD", self, show_balance=False)
        self.finder.picked.connect(self.show_member)
        self.show_button = QPushButton("&Show ledger")
        self.show_button.clicked.connect(lambda: self.show_member(self.finder.text()))
        self.ledger = LedgerView(ctx, self)
        find_row = QHBoxLayout()
        label = QLabel("&Member:")
        label.setBuddy(self.finder.member)
        find_row.addWidget(label)
        find_row.addWidget(self.finder, 1)
        find_row.addWidget(self.show_button)
        box = QGroupBox("A member's ledger")
        inner = QVBoxLayout(box)
        inner.addLayout(find_row)
        inner.addWidget(self.ledger, 1)
        top = QHBoxLayout()
        top.addWidget(self.record_button)
        note = QLabel("Posted entries are never edited or deleted: a mistake is corrected by "
                      "reversing the entry, with a reason.")
        note.setWordWrap(True)
        top.addWidget(note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(box, 1)

    def set_currency(self, currency: str) -> None:
        """Show amounts in the chapter's currency (read off the UI thread by the page)."""
        self.finder.set_currency(currency)
        self.ledger.currency = currency

    def show_member(self, hq_id: str) -> None:
        """Show a member's ledger (an HQ ID; a name is searched instead)."""
        text = hq_id.strip()
        if text and not text.isdigit():
            self.finder.look_up()
            return
        if self.finder.text() != text:
            # the ledger below names the member and their balance, read on the worker:
            # no look-up of the typed ID on the UI thread
            self.finder.member.blockSignals(True)
            self.finder.member.setText(text)
            self.finder.member.blockSignals(False)
            self.finder.who.setText("")
            self.finder.who.setVisible(False)
        self.ledger.show_member(text or None)

    def record_payment(self) -> None:
        """Record a payment from any member; afterwards their ledger is shown."""
        dialog = PaymentDialog(self.ctx, self.ledger.currency, self,
                               self.ledger.hq_id or "")
        ask.run_dialog(dialog)
        if dialog.receipts:
            last = dialog.receipts[-1]
            self.show_member(last.hq_id)
            numbers = ", ".join(str(r.receipt_no) for r in dialog.receipts)
            self.ctx.changed(f"Recorded receipt {numbers}.")

    def refresh(self) -> None:
        """Re-read the ledger shown."""
        self.ledger.reload()
