"""Every dues table model passes pytest-qt's model tester with the services' real rows."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from chapterdesk.services import dues
from chapterdesk.services.chapter import list_categories
from chapterdesk.ui.dues.models import CheckableModel, Col, EditableModel, RecordsModel, RowRole
from chapterdesk.ui.dues.rates_tab import RateRow, rate_columns
from chapterdesk.ui.dues.tables import (
    assessment_columns,
    balance_columns,
    ledger_columns,
    ledger_lines,
    line_columns,
    money_in,
    skipped_columns,
)
from chapterdesk.ui.main_window import MainWindow


def test_every_dues_model_passes_the_model_tester(qtmodeltester: ModelTester,
                                                  window: MainWindow) -> None:
    db = window.ctx.db
    money = money_in("USD")
    year = dues.dues_year(db).year
    report = dues.balances(db)
    member = max(report.members, key=lambda m: len(m.charges))
    dues.set_rate(db, year + 1, "Regular", "150")
    preview = dues.assess_dues(db, year + 1, dry_run=True)
    cases = [
        (ledger_columns(money), ledger_lines(dues.member_balance(db, member.hq_id).entries)),
        (balance_columns(money), report.members),
        (line_columns(money), dues.dues_lines(db, year=year)),
        (assessment_columns(money), preview.charged),
        (skipped_columns(), preview.skipped),
    ]
    for columns, rows in cases:
        model = RecordsModel(columns)
        model.set_rows(rows)
        assert model.rowCount() == len(rows) > 0
        qtmodeltester.check(model)
        model.sort(len(columns) - 1, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model)
    rates = {r.category_code: r for r in dues.list_rates(db, year)}
    editable = EditableModel(rate_columns(money), {1, 2, 3}, lambda r, c: str(r.value(c) or ""))
    editable.set_rows([RateRow(c, rates.get(c.code)) for c in list_categories(db) if c.eligible])
    qtmodeltester.check(editable)
    orgs = CheckableModel([Col("Organisation", lambda o: o.name)], lambda o: o.nonprofit)
    orgs.set_rows(dues.list_organisations(db))
    qtmodeltester.check(orgs)


def test_money_is_right_aligned_and_exact(window: MainWindow) -> None:
    model = RecordsModel(balance_columns(money_in("USD")))
    member = next(m for m in dues.balances(window.ctx.db).members if m.outstanding > 0)
    model.set_rows([member])
    outstanding = model.index(0, 5)
    assert outstanding.data() == f"${member.outstanding:,.2f}"
    assert outstanding.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.headerData(5, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 1).data(RowRole) is member
    model.sort(5)
    assert isinstance(model.rows[0].outstanding, Decimal)
