"""The treasurer's dialogs: record a payment, and give the reason for a reversal or a waiver.

Both hand what was typed to the dues services as typed (amounts are parsed
exactly by `money.parse_amount`, methods by `payments.parse_method`), so the
dialog and the command line refuse the same things with the same sentence,
shown inline where the officer is typing. The posting itself is made on the
database worker (`ChangeDialog`); the dialog waits for it with its buttons
locked. Nothing here is put on the undo stack: a posted entry is never
deleted, so a mistaken payment is corrected with "Reverse…", which posts a
reversing entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.money import parse_amount
from chapterdesk.names import in_sentence
from chapterdesk.services import dues
from chapterdesk.services.dues.ledger import METHOD_LABELS
from chapterdesk.ui import ask
from chapterdesk.ui.change_dialog import ChangeDialog
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext, LatestRead
from chapterdesk.ui.dues.tables import Money, money_in
from chapterdesk.ui.member_picker import MemberPicker
from chapterdesk.ui.widgets import show_message

METHODS = ("visa", "mastercard", "amex", "check", "money-order")
REFERENCE_LABELS = {
    "check": "Check &number (required):",
    "money-order": "Money order &number:",
}
CARD_REFERENCE = "Authorisation or last &4 digits:"
NO_POSTING_UNDO = (
    "Ledger entries are never deleted, so Ctrl+Z does not take back a payment: "
    "to correct one, select it in the ledger and choose Reverse…"
)


def receipt_text(receipt: dues.Receipt, money: Money) -> str:
    """What a recorded payment paid, as the officer reads it after recording it."""
    how = METHOD_LABELS[receipt.method] + (f" {receipt.reference}" if receipt.reference else "")
    paid = ", ".join(f"{year} dues {money(amount)}" for year, amount in receipt.applied)
    return (
        f"Receipt {receipt.receipt_no}: {money(receipt.amount)} by {how} from {receipt.name} "
        f"({receipt.hq_id}) on {receipt.paid_on.isoformat()}. Paid: "
        f"{paid or 'nothing was open, kept as credit'}. Now outstanding "
        f"{money(receipt.outstanding_after)}, credit {money(receipt.credit_after)}."
    )


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMaximumDate(QDate.currentDate())
    edit.setAccessibleName(name)
    return edit


class PaymentDialog(ChangeDialog):
    """Record one or more payments; each shows its receipt and what it paid."""

    amount: QLineEdit  # made after the member finder, whose signal focuses it

    def __init__(
        self, ctx: AppContext, currency: str, parent: QWidget | None = None, hq_id: str = ""
    ) -> None:
        super().__init__(ctx, parent)
        self.db = ctx.db
        self.currency = currency
        self.money = money_in(currency)
        self.receipts: list[dues.Receipt] = []
        self._balance_reader: LatestRead[dues.MemberBalance | None] = LatestRead(
            ctx, self, "Reading the member's balance")
        self.setWindowTitle("Record a payment")
        self.finder = MemberPicker(ctx, currency, self)
        self.finder.member.setText(hq_id)
        self.finder.picked.connect(lambda _id: self.amount.setFocus())
        self.finder.looked_up.connect(self.adjustSize)
        # a refusal is about what was typed: typing another member takes it away
        self.finder.member.textChanged.connect(lambda _t: self._forget_refusal())
        self.amount = QLineEdit()
        self.amount.setAccessibleName("Amount")
        self.amount.setPlaceholderText(f"e.g. 150.00 ({currency})")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_error = QLabel()
        self.amount_error.setStyleSheet(f"color: {scheme().error.text};")
        self.amount_error.setWordWrap(True)
        self.amount_error.setVisible(False)
        self.amount.textChanged.connect(self._check_amount)
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.method.setAccessibleName("Payment method")
        for code in METHODS:
            self.method.addItem(METHOD_LABELS[code], code)
        self.method.setCurrentIndex(METHODS.index("check"))
        self.method.currentTextChanged.connect(self._method_changed)
        self.reference = QLineEdit()
        self.reference.setAccessibleName("Reference")
        self.reference_label = QLabel()
        self.reference_label.setBuddy(self.reference)
        self.paid_on = _date_edit("Date received")
        form = QFormLayout()
        member_label = QLabel("&Member:")
        member_label.setBuddy(self.finder.member)
        form.addRow(member_label, self.finder)
        form.addRow("&Amount:", self.amount)
        form.addRow("", self.amount_error)
        form.addRow("M&ethod:", self.method)
        form.addRow(self.reference_label, self.reference)
        form.addRow("&Date received:", self.paid_on)
        self.record_button = QPushButton("&Record payment")
        self.record_button.setDefault(True)
        self.record_button.setToolTip(NO_POSTING_UNDO)
        self.record_button.clicked.connect(self.record)
        buttons = QDialogButtonBox()
        buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self._finish)
        self.lock_while_saving(self.record_button, self.close_button, self.finder, self.amount,
                               self.method, self.reference, self.paid_on)
        layout = QVBoxLayout(self)
        # the dialog grows with what it says (a refusal, a receipt): nothing is squeezed
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(self.message)
        note = QLabel("Purchase orders are not accepted. Dues are not refundable: an amount "
                      "beyond what is owed stays as credit for the next charge.")
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._method_changed(self.method.currentText())
        # on the field, not the dialog: the dialog's minimum follows its layout (it grows)
        self.finder.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)
        if hq_id:
            self.finder.look_up()
            self.amount.setFocus()

    def _forget_refusal(self) -> None:
        if not self.saving and self.message.isVisible() and not self.receipts:
            show_message(self.message, "", error=False)

    def _finish(self) -> None:
        if self.receipts:
            self.accept()
        else:
            self.reject()

    def method_code(self) -> str | None:
        """The method chosen from the list, or None when something else was typed."""
        text = self.method.currentText()
        index = self.method.findText(text, Qt.MatchFlag.MatchFixedString)
        return METHODS[index] if index >= 0 else None

    def _method_changed(self, _text: str) -> None:
        code = self.method_code()
        self.reference_label.setText(REFERENCE_LABELS.get(code or "", CARD_REFERENCE))
        self.reference.setPlaceholderText(
            "the number printed on the check" if code == "check" else "optional"
        )

    def _check_amount(self, text: str) -> bool:
        error = ""
        if text.strip():
            try:
                parse_amount(text, self.currency, what="payment")
            except ChapterDeskError as exc:
                error = exc.message
        self.amount_error.setText(error)
        self.amount_error.setVisible(bool(error))
        return bool(text.strip()) and not error

    def record(self) -> bool:
        """Record the payment on the worker; True when it was handed over.

        The member's balance is read first (on the worker): a payment from a
        member who owes nothing would only become credit, and the officer is
        asked to confirm that. A refusal is shown inline and nothing is
        written; once recorded, the receipt is shown and the dialog is ready
        for the next payment.
        """
        if self.saving:
            return False
        self.finder.look_up()
        paid_on = self.paid_on.date().toPython()
        assert isinstance(paid_on, dt.date)
        db, hq_id, amount = self.db, self.finder.text(), self.amount.text()
        method = self.method_code() or self.method.currentText()
        reference = self.reference.text()
        show_message(self.message, "", error=False)

        def post(balance: dues.MemberBalance | None) -> None:
            if balance is not None and balance.outstanding <= 0 and not self._credit_ok(balance):
                self._set_saving(False)
                return
            self.save_on_worker(
                "Recording the payment",
                lambda: dues.record_payment(db, hq_id, amount, method, reference, paid_on),
                self._recorded,
            )

        def balance() -> dues.MemberBalance | None:
            if not hq_id.isdigit() or not amount.strip():
                return None  # recording refuses it with its own sentence
            return dues.member_balance(db, hq_id)

        self._set_saving(True)  # locked while the balance is read, as while recording
        self._balance_reader.start(balance, post, lambda _exc: post(None))
        return True

    def _credit_ok(self, balance: dues.MemberBalance) -> bool:
        """Ask whether a payment from a member who owes nothing may be kept as credit."""
        return ask.confirm(
            self,
            f"{in_sentence(balance.name)} owes nothing at the moment, so this payment would all "
            "be kept as credit toward their next dues (dues are not refundable). Record it as "
            "credit?",
            "Payment with nothing owed",
        )

    def _recorded(self, receipt: dues.Receipt) -> None:
        self.receipts.append(receipt)
        show_message(self.message, receipt_text(receipt, self.money), error=False)
        self.amount.clear()
        self.reference.clear()
        self.close_button.setText("&Done")
        self.finder.look_up()
        QTimer.singleShot(0, self.amount.setFocus)  # once unlocked: ready for the next payment


class ReasonDialog(ChangeDialog):
    """Ask for the reason of a reversal or a waiver (and the year of a waiver), and post it.

    `post_entry(reason, year)` posts the entry through the services; it runs on
    the database worker. A refusal is shown here in the service's sentence; the
    dialog closes only when the entry was posted.
    """

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        intro: str,
        post_entry: Callable[[str, int | None], Any],
        parent: QWidget | None = None,
        *,
        year: int | None = None,
        action: str = "&Post",
    ) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle(title)
        self.post_entry = post_entry
        self.posted = False
        self.with_year = year is not None
        text = QLabel(intro)
        text.setWordWrap(True)
        self.year = QSpinBox()
        self.year.setRange(1900, 2999)
        self.year.setAccessibleName("Dues year")
        self.year.setVisible(self.with_year)
        if year is not None:
            self.year.setValue(year)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.reason.setPlaceholderText("Kept in the ledger with the entry")
        form = QFormLayout()
        if year is not None:
            form.addRow("Dues &year:", self.year)
        form.addRow("Rea&son:", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.post_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.post_button.setDefault(True)
        buttons.accepted.connect(self.post)
        buttons.rejected.connect(self.reject)
        self.lock_while_saving(buttons, self.year, self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def post(self) -> bool:
        """Post the entry on the worker; True when it was handed over.

        A refusal stays on screen and the dialog stays open; once posted, it closes.
        """
        if self.saving:
            return False
        reason, year = self.reason.toPlainText(), self.year.value() if self.with_year else None
        post_entry = self.post_entry
        self.save_on_worker(self.windowTitle(), lambda: post_entry(reason, year), self._posted)
        return True

    def _posted(self, _result: Any) -> None:
        self.posted = True
        self.accept()
