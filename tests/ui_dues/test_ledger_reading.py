"""A ledger a treasurer reads (issue 19, "The ledger").

Date, what, method and reference, amount, running balance; a long note never
squeezes "What"; totals say the period they cover; a payment that would only
become credit is confirmed first; the payment dialog grows with its messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from chapterdesk.money import format_money
from chapterdesk.services import dues
from chapterdesk.ui import ask
from chapterdesk.ui.dues.dialogs import PaymentDialog
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import saved, settle

LONG_REASON = ("Board decision of 14 March: hardship after the office flood; the member asked "
               "in writing and the treasurer confirmed by phone with the chapter president")


def _payments(qtbot: QtBot, window: MainWindow, hq_id: str) -> Any:
    window.go_to("dues", DuesTarget("payments", hq_id=hq_id))
    settle(qtbot, window)
    ledger = window.pages["dues"].payments.ledger
    qtbot.waitUntil(lambda: not ledger.reading and ledger.balance is not None)
    return ledger


def _headers(ledger: Any) -> list[str]:
    model = ledger.model
    return [model.headerData(c, ledger_orientation()) for c in range(model.columnCount())]


def ledger_orientation() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_the_ledger_has_method_and_a_running_balance(qtbot: QtBot, window: MainWindow) -> None:
    db = window.ctx.db
    paid = next(b for b in (dues.member_balance(db, m.hq_id) for m in dues.balances(db).members)
                if any(e.kind == "payment" for e in b.entries) and len(b.entries) >= 2)
    ledger = _payments(qtbot, window, paid.hq_id)
    headers = _headers(ledger)
    for title in ("Date", "What", "Method and reference", "Amount", "Balance"):
        assert title in headers, title
    model, balance_col = ledger.model, headers.index("Balance")
    what_col, how_col = headers.index("What"), headers.index("Method and reference")
    rows = model.rowCount()
    last = max(range(rows), key=lambda r: (model.rows[r].entry.posted_on, model.rows[r].entry.id))
    owed = paid.outstanding - paid.credit
    expected = (f"{format_money(-owed)} credit" if owed < 0 else format_money(owed))
    assert model.index(last, balance_col).data() == expected
    payment = next(r for r in range(rows) if model.rows[r].entry.kind == "payment")
    assert model.index(payment, how_col).data()  # "Check 1042", "Visa …"
    assert model.index(payment, what_col).data() == "Payment"
    assert model.index(payment, headers.index("Amount")).data().startswith("-")
    # the summary states the balance once, with the period it covers
    assert "all years" in ledger.summary.text()


def test_a_long_note_never_squeezes_what(qtbot: QtBot, window: MainWindow) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year
    owing = next(line for line in dues.who_has_not_paid(db, year))
    dues.waive_dues(db, owing.hq_id, year, LONG_REASON)
    ledger = _payments(qtbot, window, owing.hq_id)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: ledger.model.rowCount() > 0)
    headers = _headers(ledger)
    what_col, note_col = headers.index("What"), headers.index("Note")
    assert note_col == len(headers) - 1  # the note comes last, after every figure
    row = next(r for r in range(ledger.model.rowCount())
               if ledger.model.rows[r].entry.kind == "waiver")
    what = ledger.model.index(row, what_col).data()
    metrics = ledger.table.fontMetrics()
    assert ledger.table.columnWidth(what_col) >= metrics.horizontalAdvance(what)
    from PySide6.QtCore import Qt

    assert ledger.model.index(row, note_col).data(Qt.ItemDataRole.ToolTipRole) == LONG_REASON


def test_totals_say_the_period_they_cover(qtbot: QtBot, window: MainWindow) -> None:
    window.go_to("dues", DuesTarget("balances"))
    settle(qtbot, window)
    tab = window.pages["dues"].balances
    captions = [label.text() for label in tab.findChildren(QLabel)]
    assert "Credits" not in captions and "Credit" not in captions  # not side by side, unexplained
    assert "Outstanding, all years" in captions
    year = dues.dues_year(window.ctx.db).year
    tab.show_year(year, "unpaid")
    settle(qtbot, window)
    assert f"of {year}'s dues still open" in tab.caption.text()


@pytest.mark.parametrize("answer", [False, True])
def test_a_payment_that_would_only_be_credit_is_confirmed(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, answer: bool
) -> None:
    db = window.ctx.db
    clear = next(m for m in dues.balances(db).members if m.outstanding == 0)
    asked: list[str] = []

    def confirm(_parent: Any, text: str, _title: str = "") -> bool:
        asked.append(text)
        return answer

    monkeypatch.setattr(ask, "confirm", confirm)
    before = len(dues.member_balance(db, clear.hq_id).entries)
    dialog = PaymentDialog(window.ctx, "USD", window, clear.hq_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.finder.reading)
    dialog.amount.setText("35")
    dialog.method.setCurrentIndex(dialog.method.findText("Visa"))
    dialog.record()
    saved(qtbot, dialog)
    settle(qtbot, window)
    assert len(asked) == 1 and "credit" in asked[0] and clear.name in asked[0]
    after = dues.member_balance(db, clear.hq_id)
    assert len(after.entries) == before + (1 if answer else 0)
    assert after.credit == clear.credit + (Decimal("35.00") if answer else 0)
    assert dialog.amount.text() == ("" if answer else "35")  # declined: nothing lost


def test_the_payment_dialog_grows_with_its_messages(qtbot: QtBot, window: MainWindow) -> None:
    dialog = PaymentDialog(window.ctx, "USD", window)
    qtbot.addWidget(dialog)
    dialog.resize(dialog.minimumSizeHint())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.finder.set_text("999999999")
    with qtbot.waitSignal(dialog.finder.looked_up, timeout=10_000):
        dialog.finder.look_up()
    dialog.amount.setText("12")
    dialog.record()
    saved(qtbot, dialog)
    assert dialog.message.text()  # refused: no such member
    qtbot.waitUntil(lambda: dialog.height() >= dialog.minimumSizeHint().height())
    for widget in dialog.findChildren(QLineEdit) + dialog.findChildren(QLabel):
        if not widget.isVisible() or isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # a combo box's or date editor's own line, sized by its owner
        wanted = (widget.heightForWidth(widget.width()) if isinstance(widget, QLabel)
                  and widget.wordWrap() else widget.minimumSizeHint().height())
        assert widget.height() >= wanted, (widget.accessibleName() or widget.text())
    member, who = dialog.finder.member, dialog.finder.who
    if who.isVisible():  # the message never overlaps the Member field
        assert who.geometry().top() >= member.geometry().bottom()
