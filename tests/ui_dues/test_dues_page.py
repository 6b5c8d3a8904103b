"""The Dues page as a treasurer uses it: rates, an assessment through its preview, payments."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from chapterdesk.errors import RuleRefusedError
from chapterdesk.services import dues
from chapterdesk.ui.dues.dialogs import PaymentDialog, ReasonDialog
from chapterdesk.ui.dues.tables import LEDGER_COLUMNS
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.values import long_date
from tests.ui.conftest import Asked, saved, settle


def open_tab(qtbot: QtBot, window: MainWindow, tab: str, **what: Any) -> Any:
    """Open a tab of the Dues page and wait for what it reads."""
    window.go_to("dues", DuesTarget(tab, **what))
    settle(qtbot, window)
    return window.pages["dues"]


def rate_index(page: Any, category: str, column: int) -> Any:
    model = page.rates.rates
    row = next(n for n, r in enumerate(model.rows) if r.category.name == category)
    return model.index(row, column)


def test_dates_on_the_page_are_written_as_in_the_reports(
    qtbot: QtBot, window: MainWindow
) -> None:
    """"1 January 2027", as every report writes it: no "01 January", whatever the locale."""
    year = dues.dues_year(window.ctx.db).year + 1
    page = open_tab(qtbot, window, "rates", year=year)
    window_year = dues.dues_year(window.ctx.db, year)
    assert page.rates.window_label.text().startswith(
        f"runs {long_date(window_year.starts_on)} to {long_date(window_year.ends_on)};")
    assert " 0" not in page.rates.window_label.text()
    window.go_to("dashboard")
    settle(qtbot, window)
    subtitle = window.pages["dashboard"].heading.findChild(QLabel, "pageSubtitle").text()
    assert subtitle.endswith(long_date(dt.date.today(), weekday=True))


def test_set_a_rate_refuse_a_bad_one_and_undo(qtbot: QtBot, window: MainWindow) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year + 1
    page = open_tab(qtbot, window, "rates", year=year)
    assert page.rates.year.value() == year
    assert rate_index(page, "Regular", 1).data() == "not set"
    assert page.rates.rates.setData(rate_index(page, "Regular", 1), "1,175.50")
    settle(qtbot, window)
    assert [(r.category_name, r.amount) for r in dues.list_rates(db, year)] == [
        ("Regular", Decimal("1175.50"))]
    assert rate_index(page, "Regular", 1).data() == "$1,175.50"
    # A malformed amount is refused with the service's sentence, and nothing is written.
    page.rates.rates.setData(rate_index(page, "Regular", 2), "90.001")
    settle(qtbot, window)
    assert "fraction of a cent" in page.rates.message.text()
    assert dues.list_rates(db, year)[0].nonprofit_amount is None
    assert rate_index(page, "Regular", 2).data() == "not set"
    # Before a full rate exists, another amount is refused at once.
    assert not page.rates.rates.setData(rate_index(page, "Associate", 2), "80")
    assert "Set the full Associate rate" in page.rates.message.text()
    assert page.rates.rates.setData(rate_index(page, "Regular", 2), "$90")
    settle(qtbot, window)
    assert dues.list_rates(db, year)[0].nonprofit_amount == Decimal("90.00")
    # Ctrl+Z takes rate changes back, one at a time, through the services.
    assert window.undo_action.isEnabled()
    window.undo()
    settle(qtbot, window)
    assert dues.list_rates(db, year)[0].nonprofit_amount is None
    window.undo()
    settle(qtbot, window)
    assert dues.list_rates(db, year) == []
    assert rate_index(page, "Regular", 1).data() == "not set"


def test_year_rules_and_nonprofit_toggle(qtbot: QtBot, window: MainWindow) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year + 1
    page = open_tab(qtbot, window, "rates", year=year)
    # Proration is a small table of steps (a day of the year, a percent), not a mini-language.
    steps = page.rates.proration
    assert steps.table.rowCount() == 0
    steps.add_button.click()
    steps.add_button.click()  # two steps on 1 July: refused by the service, in its words
    assert steps.steps() == (dues.ProrationRule(7, 1, 50), dues.ProrationRule(7, 1, 50))
    page.rates.save_rules()
    settle(qtbot, window)
    assert "same day" in page.rates.message.text()
    second = steps.table.cellWidget(1, 0)
    second.month.setCurrentIndex(11)  # December
    steps.table.cellWidget(1, 1).setValue(0)
    assert not steps.remove_button.isEnabled()
    page.rates.enterprise.setValue(4)
    page.rates.promotion.setValue(25)
    assert page.rates.save_rules()
    settle(qtbot, window)
    rules = dues.year_rules(db, year)
    assert (rules.enterprise_full_count, rules.promotion_percent) == (4, 25)
    assert [s.label() for s in rules.proration] == ["07-01=50", "12-01=0"]
    orgs = page.rates.orgs
    row = next(n for n, o in enumerate(orgs.rows) if not o.nonprofit)
    name = orgs.rows[row].name
    from PySide6.QtCore import Qt
    assert orgs.setData(orgs.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    settle(qtbot, window)
    assert next(o for o in dues.list_organisations(db) if o.name == name).nonprofit
    assert next(o for o in orgs.rows if o.name == name).nonprofit  # the box shows it ticked
    window.undo()
    settle(qtbot, window)
    assert not next(o for o in dues.list_organisations(db) if o.name == name).nonprofit


def test_assess_a_year_through_the_preview_off_the_ui_thread(
    qtbot: QtBot, window: MainWindow, asked: Asked, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year + 1
    for category, amount in (("Regular", "160"), ("Associate", "110")):
        dues.set_rate(db, year, category, amount)
    threads: list[bool] = []
    real = dues.assess_dues

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(dues, "assess_dues", spy)
    page = open_tab(qtbot, window, "assess", year=year)
    tab = page.assess
    assert not tab.charge_button.isEnabled()
    tab.preview_button.click()
    settle(qtbot, window)
    expected = real(db, year, dry_run=True)
    assert len(expected.charged) > 0
    assert tab.charged.rowCount() == len(expected.charged)
    assert tab.skipped.rowCount() == len(expected.skipped) > 0
    first = tab.charged.index(0, 4).data()
    assert "rate $160.00" in first or "rate $110.00" in first
    assert tab.summary.text().startswith(  # dates as every report writes them
        f"Dues year {year} runs {long_date(expected.starts_on)} to {long_date(expected.ends_on)}; "
        f"charges dated {long_date(expected.posted_on)}.")
    assert dues.dues_lines(db, year=year) == []  # the preview wrote nothing
    n = len(expected.charged)
    assert tab.charge_button.isEnabled() and tab.charge_button.text() == f"&Charge {n} members"
    asked.confirm_answer = False
    tab.charge_button.click()
    settle(qtbot, window)
    assert dues.dues_lines(db, year=year) == []
    asked.confirm_answer = True
    tab.charge_button.click()
    settle(qtbot, window)
    assert len(dues.dues_lines(db, year=year)) == n
    assert f"Charged {n} members" in tab.message.text()
    assert threads == [False, False]  # the preview and the charge ran on the worker
    tab.preview_button.click()  # a second run charges nobody twice
    settle(qtbot, window)
    assert tab.charged.rowCount() == 0 and f"{n} already charged" in tab.summary.text()
    assert not tab.charge_button.isEnabled()


def test_record_check_and_card_payments_reverse_and_refuse(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year
    # A payment pays the oldest open charge first: take a member who owes only this year's.
    owing = next(
        line
        for line in dues.who_has_not_paid(db, year)
        if dues.member_balance(db, line.hq_id).outstanding == line.open
    )
    page = open_tab(qtbot, window, "payments", hq_id=owing.hq_id)
    ledger = page.payments.ledger
    before = len(ledger.model.rows)
    seen: dict[str, Any] = {}
    # beside "Record a payment…" (anyone), the ledger's button says whose ledger it pays into
    assert page.payments.record_button.text() == "Re&cord a payment…"
    assert ledger.pay_button.text() == f"Record pa&yment from {owing.name}…"

    def pay(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentDialog)
        qtbot.waitUntil(lambda: not dialog.finder.reading)  # looked up on the worker
        assert owing.name in dialog.finder.who.text()
        dialog.amount.setText("10.001")
        assert "fraction of a cent" in dialog.amount_error.text()  # inline, as typed
        dialog.amount.setText("25")
        dialog.method.setCurrentIndex(dialog.method.findText("Check"))
        assert dialog.reference_label.text() == "Check &number (required):"
        dialog.record()
        assert not dialog.record_button.isEnabled()  # locked while the worker records
        saved(qtbot, dialog)
        assert dialog.receipts == [] and dialog.record_button.isEnabled()
        seen["no number"] = dialog.message.text()
        dialog.reference.setText("1042")
        dialog.record()
        saved(qtbot, dialog)
        assert len(dialog.receipts) == 1
        seen["check"] = dialog.message.text()
        dialog.amount.setText("$30.00")
        dialog.method.setCurrentIndex(dialog.method.findText("Visa"))
        assert dialog.reference_label.text() == "Authorisation or last &4 digits:"
        dialog.reference.setText("auth 7731")
        dialog.record()
        saved(qtbot, dialog)
        assert len(dialog.receipts) == 2
        dialog.amount.setText("40")
        dialog.method.setEditText("PO")
        dialog.reference.setText("PO-88")
        dialog.record()
        saved(qtbot, dialog)
        assert len(dialog.receipts) == 2 and dialog.amount.text() == "40"  # nothing lost
        seen["po"] = dialog.message.text()
        return True

    asked.dialog_handler = pay
    ledger.pay_button.click()
    settle(qtbot, window)
    assert "needs the check number" in seen["no number"]
    assert seen["check"].startswith("Receipt ") and f"Paid: {year} dues $25.00" in seen["check"]
    with pytest.raises(RuleRefusedError) as refusal:
        dues.parse_method("PO")
    assert seen["po"] == refusal.value.message
    assert len(ledger.model.rows) == before + 2
    card = ledger.model.rows[-1].entry
    assert (card.kind, card.method, card.amount) == ("payment", "visa", Decimal("30.00"))
    receipt_column = LEDGER_COLUMNS.index("Receipt")
    assert ledger.model.index(len(ledger.model.rows) - 1, receipt_column).data() == str(
        card.receipt_no)

    # Reverse the card payment with a reason; a second reversal is refused with its sentence.
    def select_card() -> None:
        row = next(n for n, line in enumerate(ledger.model.rows) if line.entry.id == card.id)
        ledger.table.selectRow(row)

    def reverse(dialog: QDialog) -> bool:
        assert isinstance(dialog, ReasonDialog)
        dialog.post()  # no reason given
        saved(qtbot, dialog)
        assert "needs a reason" in dialog.message.text() and not dialog.posted
        dialog.reason.setPlainText("card declined by the bank")
        dialog.post()
        saved(qtbot, dialog)
        seen["reverse"] = dialog.posted
        if not seen["reverse"]:
            seen["refused"] = dialog.message.text()
        return bool(seen["reverse"])

    asked.dialog_handler = reverse
    select_card()
    ledger.reverse_button.click()
    settle(qtbot, window)
    assert seen["reverse"]
    entries = dues.member_balance(db, owing.hq_id).entries
    assert next(e for e in entries if e.id == card.id).reversed_by is not None
    select_card()
    assert "Reversed by entry" in ledger.model.index(ledger.table.currentIndex().row(),
                                                        LEDGER_COLUMNS.index("Note")).data()
    ledger.reverse_button.click()
    settle(qtbot, window)
    assert seen["reverse"] is False and "already reversed" in seen["refused"]
    assert "never deleted" in ledger.reverse_button.toolTip()
    assert not window.undo_action.isEnabled()  # postings are not on the undo stack


def test_waive_a_year_with_a_reason(qtbot: QtBot, window: MainWindow, asked: Asked) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year
    owing = dues.who_has_not_paid(db, year)[0]
    page = open_tab(qtbot, window, "payments", hq_id=owing.hq_id)

    def waive(dialog: QDialog) -> bool:
        assert isinstance(dialog, ReasonDialog) and dialog.year.value() <= year
        dialog.year.setValue(year)
        dialog.reason.setPlainText("hardship, board decision")
        dialog.post()
        saved(qtbot, dialog)
        return dialog.posted

    asked.dialog_handler = waive
    page.payments.ledger.waive_button.click()
    settle(qtbot, window)
    assert owing.hq_id not in {d.hq_id for d in dues.who_has_not_paid(db, year)}
    assert page.payments.ledger.model.rows[-1].entry.kind == "waiver"
