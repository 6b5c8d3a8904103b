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

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.money import parse_amount
from chapterdesk.services import dues
from chapterdesk.services.dues.ledger import METHOD_LABELS
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.ui.change_dialog import ChangeDialog
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext, LatestRead
from chapterdesk.ui.dues.tables import Money, money_in
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


class MemberFinder(QWidget):
    """Find a member by HQ ID or by name: shows who an ID names, or the names that match.

    `picked(hq_id)` is emitted when the officer chooses a member from the matches.
    """

    picked = Signal(str)
    looked_up = Signal()

    def __init__(self, ctx: AppContext, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.money = money_in(currency)
        self.db = ctx.db
        self._reader: LatestRead[tuple[str, Any]] = LatestRead(ctx, self, "Finding the member")
        self.member = QLineEdit()
        self.member.setAccessibleName("Member: HQ ID or name")
        self.member.setPlaceholderText("HQ ID, or type a name to search")
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setAccessibleName("Member found")
        self.matches = QListWidget()
        self.matches.setAccessibleName("Members matching the name")
        self.matches.setVisible(False)
        self.matches.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.matches.itemActivated.connect(self._pick)
        self.matches.itemClicked.connect(self._pick)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.look_up)
        self.member.textChanged.connect(lambda _t: self._timer.start())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.member)
        layout.addWidget(self.who)
        layout.addWidget(self.matches)

    def text(self) -> str:
        """What is typed (an HQ ID once a member was chosen)."""
        return self.member.text().strip()

    @property
    def reading(self) -> bool:
        """Whether the member typed last is still being looked up."""
        return self._reader.pending

    def look_up(self) -> None:
        """Show the member an HQ ID names, or the current members a name matches.

        Looked up on the database worker; `looked_up` is emitted once it is shown.
        """
        self._timer.stop()
        text = self.text()
        if not text or (not text.isdigit() and len(text) < 2):
            self._reader.cancel()
            self._show(text, ("nothing", None))
            return
        db = self.db

        def work() -> tuple[str, Any]:
            if text.isdigit():
                return "balance", dues.member_balance(db, text)
            ids = sorted(roster_query.matching_ids(db, RosterFilter(search=text)))[:200]
            rows = roster_query.rows_for(db, ids)
            return "rows", sorted(rows, key=lambda r: r.name.casefold())[:12]

        self._reader.start(work, lambda found: self._show(text, found),
                           lambda exc: self._show(text, ("refused", exc.message)))

    def _show(self, text: str, found: tuple[str, Any]) -> None:
        kind, value = found
        self.matches.clear()
        self.matches.setVisible(False)
        self.who.setStyleSheet("")
        if kind == "nothing":
            self.who.setText("")
        elif kind == "refused":
            self.who.setText(value)
            self.who.setStyleSheet(f"color: {scheme().error.text};")
        elif kind == "balance":
            self.who.setText(
                f"{value.name}: outstanding {self.money(value.outstanding)}, "
                f"credit {self.money(value.credit)}"
            )
        else:
            self.who.setText(
                "Choose the member:" if value else f"No current member matches {text!r}."
            )
            for row in value:
                item = QListWidgetItem(f"{row.name} ({row.hq_id})")
                item.setData(Qt.ItemDataRole.UserRole, row.hq_id)
                self.matches.addItem(item)
            self.matches.setVisible(bool(value))
        self.who.setVisible(bool(self.who.text()))
        self.looked_up.emit()

    def _pick(self, item: QListWidgetItem) -> None:
        hq_id = str(item.data(Qt.ItemDataRole.UserRole))
        self.member.setText(hq_id)
        self.look_up()
        self.picked.emit(hq_id)


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
        self.setWindowTitle("Record a payment")
        self.finder = MemberFinder(ctx, currency, self)
        self.finder.member.setText(hq_id)
        self.finder.picked.connect(lambda _id: self.amount.setFocus())
        self.finder.looked_up.connect(self.adjustSize)
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
        layout.addLayout(form)
        layout.addWidget(self.message)
        note = QLabel("Purchase orders are not accepted. Dues are not refundable: an amount "
                      "beyond what is owed stays as credit for the next charge.")
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._method_changed(self.method.currentText())
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        if hq_id:
            self.finder.look_up()
            self.amount.setFocus()

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

        A refusal is shown inline and nothing is written; once recorded, the
        receipt is shown and the dialog is ready for the next payment.
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
        self.save_on_worker(
            "Recording the payment",
            lambda: dues.record_payment(db, hq_id, amount, method, reference, paid_on),
            self._recorded,
        )
        return True

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
        form.addRow("&Reason:", self.reason)
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
