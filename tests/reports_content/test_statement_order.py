"""A statement lists entries by date, then entry number, with a running balance (issue 16).

A charge or payment posted later but dated earlier used to be listed in posting
order, so the running balance jumped (120 → 240 → 120 → 245). The statement,
the window's ledger panel (which shows `member_balance`'s entries) and
`chapterdesk members show` all list the same entries in the same order.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from chapterdesk.cli import main
from chapterdesk.data.engine import Database
from chapterdesk.reports.statements import statement_lines
from chapterdesk.services import dues
from chapterdesk.services.dues.reports import statements_for
from tests.reports_content.conftest import TODAY, YEAR


def _late_but_earlier(db: Database) -> int:
    """Jones (owes $25 this year) gets a $10 payment posted now but dated before the charge."""
    (charge,) = [e for e in dues.member_balance(db, "200006").entries if e.kind == "charge"]
    receipt = dues.record_payment(
        db,
        "200006",
        "10",
        "check",
        "3003",
        paid_on=charge.posted_on - dt.timedelta(days=10),
        today=TODAY,
        allow_date=True,
    )
    return receipt.entry_id


def test_statement_lists_by_date_and_the_balance_moves_by_each_line(ledger_db: Database) -> None:
    payment_id = _late_but_earlier(ledger_db)
    (statement,) = statements_for(ledger_db, YEAR, ["200006"])
    entries = statement.entries
    assert entries[0].id == payment_id, "the earlier-dated payment comes first"
    assert [(e.posted_on, e.id) for e in entries] == sorted((e.posted_on, e.id) for e in entries)
    rows = [row for row in statement_lines(statement, "USD", 50, 400) if row[0]]
    assert [row[4] for row in rows] == ["-$10.00", "$15.00"]
    # each balance is the one before it plus that line's amount
    balance = Decimal(0)
    for entry, row in zip(entries, rows, strict=True):
        balance += entry.signed
        assert row[4] == (f"${balance:,.2f}" if balance >= 0 else f"-${-balance:,.2f}")
    assert balance == statement.outstanding - statement.credit


def test_ledger_panel_and_members_show_use_the_same_order(
    ledger_path: Path, ledger_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _late_but_earlier(ledger_db)
    (statement,) = statements_for(ledger_db, YEAR, ["200006"])
    panel = dues.member_balance(ledger_db, "200006").entries  # what the ledger panel shows
    assert [e.id for e in panel] == [e.id for e in statement.entries]
    db = ["--db", str(ledger_path), "--read-only"]
    assert main(["members", "show", "200006", *db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["ledger"]
    assert [line["entry_id"] for line in shown] == [e.id for e in statement.entries]
    assert [line["balance"] for line in shown] == ["-10.00", "15.00"]
    assert main(["members", "show", "200006", *db]) == 0
    text = capsys.readouterr().out
    assert "Dues ledger, by date:" in text
    assert text.index("-$10.00") < text.index("$15.00")
