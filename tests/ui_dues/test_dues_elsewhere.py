"""Dues figures across the window: balances and aging, who hasn't paid, the dashboard chart,
the roster's balance filter and the member panel's ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.money import format_money
from chapterdesk.services import dues
from chapterdesk.services.dues.summary import dues_year_summary
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.ui.dues.dialogs import PaymentDialog
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.pages.dues_card import BARS, short_money
from tests.ui.conftest import Asked, page, saved, settle


def test_balances_and_aging_match_the_service(qtbot: QtBot, window: MainWindow) -> None:
    dues_page = page(window, "dues")
    dues_page.tabs.setCurrentIndex(3)
    settle(qtbot, window)
    tab = dues_page.balances
    report = dues.balances(window.ctx.db)
    t = report.totals
    for field in ("assessed", "paid", "credits", "waived", "outstanding", "credit"):
        assert tab.figures[field].text() == format_money(getattr(t, field)), field
    for bucket in ("current", "days_30", "days_60", "days_90_plus"):
        assert tab.figures[bucket].text() == format_money(getattr(t.aging, bucket)), bucket
    assert t.outstanding > 0 and t.aging.days_90_plus + t.aging.current > 0
    with_balance = [m for m in report.members if m.balance != 0]
    assert tab.model.rowCount() == len(with_balance) > 0
    assert {tab.model.index(r, 0).data() for r in range(tab.model.rowCount())} == {
        m.hq_id for m in with_balance}


def test_who_has_not_paid_and_its_export(qtbot: QtBot, window: MainWindow, asked: Asked,
                                         tmp_path: Path) -> None:
    db = window.ctx.db
    year = dues.dues_year(db).year
    window.go_to("dues", DuesTarget("balances", year, "unpaid"))
    settle(qtbot, window)
    tab = window.pages["dues"].balances
    unpaid = dues.who_has_not_paid(db, year)
    assert tab.current_view()[0] == "Who hasn't paid (year)"
    assert tab.model.rowCount() == len(unpaid) > 0
    assert {tab.model.index(r, 0).data() for r in range(len(unpaid))} == {d.hq_id for d in unpaid}
    assert tab.caption.text().startswith(f"{len(unpaid)} members have not paid for {year}")
    asked.save_path = tmp_path / "unpaid.xlsx"
    tab.export_button.click()
    settle(qtbot, window)
    sheet = openpyxl.load_workbook(asked.save_path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("HQ ID", "Name") and len(rows) == len(unpaid) + 1
    by_id = {d.hq_id: d for d in unpaid}
    first = rows[1]
    assert round(first[7], 2) == float(by_id[first[0]].open)  # a real number, not text


def test_dashboard_chart_has_the_service_figures_and_links(qtbot: QtBot,
                                                           window: MainWindow) -> None:
    dashboard = page(window, "dashboard")
    summary = dues_year_summary(window.ctx.db)
    assert dashboard.dues == summary
    card = next(c for c in dashboard.findChildren(type(dashboard.grid.itemAt(0).widget()))
                if hasattr(c, "chart_series"))
    sets = card.chart_series.barSets()
    assert [s.label() for s in sets] == [label for label, *_ in BARS]
    values = [sum(s.at(i) for i in range(s.count())) for s in sets]
    assert values == [float(summary.assessed), float(summary.collected),
                      float(summary.waived), float(summary.outstanding)]
    assert format_money(summary.outstanding) in card.figure_links["outstanding"].text()
    # The amount axis reads as money from 0 to a round sum above the largest bar.
    (axis,) = card.chart_series.attachedAxes()[1:]
    labels = axis.categoriesLabels()
    assert labels[0] == "$0" and all(text.startswith("$") for text in labels)
    top = axis.endValue(labels[-1])
    assert float(summary.assessed) <= top <= float(summary.assessed) * 1.5
    assert labels[-1] == short_money(int(top), summary.currency)
    assert short_money(60_000, "USD") == "$60k" and short_money(750, "USD") == "$750"
    card.figure_links["outstanding"].click()
    settle(qtbot, window)
    assert window.current_page() is window.pages["dues"]
    tab = window.pages["dues"].balances
    assert tab.current_view()[2] == "unpaid" and tab.year.value() == summary.year
    assert tab.model.rowCount() == summary.members_unpaid
    window.go_to("dashboard")
    settle(qtbot, window)
    card = next(c for c in dashboard.findChildren(type(card)) if hasattr(c, "chart_series"))
    card.chart_series.clicked.emit(3, card.chart_series.barSets()[0])  # the top row: Assessed
    settle(qtbot, window)
    assert tab.current_view()[2] == "all" and tab.model.rowCount() == summary.members_charged


def test_roster_balance_owed_filter(qtbot: QtBot, window: MainWindow) -> None:
    roster_page = page(window, "roster")
    roster_page.balance.setCurrentIndex(roster_page.balance.findText("Owes dues"))
    roster_page.balance.activated.emit(roster_page.balance.currentIndex())
    settle(qtbot, window)
    expected = roster_query.count(window.ctx.db, RosterFilter(owing=True))
    assert 0 < roster_page.model.rowCount() == expected < 120
    assert roster_page.current_filter().owing is True
    dashboard = page(window, "dashboard")
    card = next(c for c in dashboard.findChildren(type(dashboard.grid.itemAt(0).widget()))
                if hasattr(c, "chart_series"))
    roster_page.show_filter(RosterFilter())
    settle(qtbot, window)
    card.figure_links["roster"].click()
    settle(qtbot, window)
    assert roster_page.balance.currentText() == "Owes dues"
    assert roster_page.model.rowCount() == expected


def test_member_panel_shows_the_ledger_and_records_a_payment(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    db = window.ctx.db
    roster_page = page(window, "roster")
    owing = roster_query.rows_for(db, roster_query.ordered_ids(db, RosterFilter(owing=True)))[0]
    roster_page.show_filter(RosterFilter(search=owing.hq_id))
    settle(qtbot, window)
    roster_page.table.selectionModel().setCurrentIndex(
        roster_page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    settle(qtbot, window)  # the member panel reads on the worker
    panel = roster_page.panel
    hq_id = panel.detail.hq.hq_id
    assert hq_id == owing.hq_id
    balance = dues.member_balance(db, hq_id)
    ledger = panel.ledger
    assert ledger.model.rowCount() == len(balance.entries) > 0
    assert f"owes {format_money(balance.outstanding)}" in ledger.summary.text()
    kinds = {ledger.model.index(r, 2).data().split(" ")[0] for r in range(ledger.model.rowCount())}
    assert "Dues" in kinds

    def pay(dialog: QDialog) -> Any:
        assert isinstance(dialog, PaymentDialog) and dialog.finder.text() == hq_id
        dialog.amount.setText(str(balance.outstanding))
        dialog.method.setCurrentIndex(dialog.method.findText("Money order"))
        dialog.record()
        saved(qtbot, dialog)
        return bool(dialog.receipts)

    asked.dialog_handler = pay
    ledger.pay_button.click()
    settle(qtbot, window)
    assert ledger.model.rowCount() == len(balance.entries) + 1
    assert "owes nothing" in ledger.summary.text()
    assert dues.member_balance(db, hq_id).outstanding == 0
