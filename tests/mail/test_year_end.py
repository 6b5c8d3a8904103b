"""`report year-end` and the year-end sheet of `export hq`, against the demo's ledger.

The figures are checked against an independent sum over `dues list`/`audit`-free
ledger reads: payments by month and method summed from the ledger rows directly.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from chapterdesk.cli import main
from chapterdesk.data.migrate import open_database
from chapterdesk.money import format_money
from chapterdesk.services.dues.year_end import year_end
from tests.conftest import DEMO_DAY

YEAR = DEMO_DAY.year


def ledger_sums(path: Path) -> tuple[dict[str, Decimal], dict[str, Decimal], int, tuple[int, int]]:
    """Payments per month and per method, reversals and waivers counted, straight from SQL."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT posted_on, method, amount_cents FROM ledger_entry "
            "WHERE kind = 'payment' AND posted_on BETWEEN ? AND ?",
            (f"{YEAR}-01-01", f"{YEAR}-12-31"),
        ).fetchall()
        reversals = con.execute(
            "SELECT COUNT(*) FROM ledger_entry WHERE kind = 'reversal' AND posted_on >= ?",
            (f"{YEAR}-01-01",),
        ).fetchone()[0]
        waivers = con.execute(
            "SELECT COUNT(*), SUM(amount_cents) FROM ledger_entry "
            "WHERE kind = 'waiver' AND posted_on >= ?",
            (f"{YEAR}-01-01",),
        ).fetchone()
    finally:
        con.close()
    months: dict[str, Decimal] = {}
    methods: dict[str, Decimal] = {}
    for posted_on, method, cents in rows:
        months[posted_on[:7]] = months.get(posted_on[:7], Decimal(0)) + Decimal(cents) / 100
        methods[method] = methods.get(method, Decimal(0)) + Decimal(cents) / 100
    return months, methods, reversals, waivers


def test_year_end_figures_match_the_ledger(demo_path: Path) -> None:
    waive = ["dues", "waive", "100074", str(YEAR), "--reason", "hardship"]
    assert main([*waive, "--db", str(demo_path)]) == 0
    months, methods, reversals, (waived, waived_cents) = ledger_sums(demo_path)
    db = open_database(demo_path)
    try:
        found = year_end(db, YEAR)
    finally:
        db.dispose()
    assert {f"{m.month:%Y-%m}": m.total for m in found.months} == months
    assert {k: v for k, v in found.by_method.items() if v} == methods
    assert found.payments_total == sum(methods.values())
    assert sum(count for count, _ in found.reversals.values()) == reversals > 0
    assert found.waivers == (waived, Decimal(waived_cents) / 100) and waived >= 1
    assert found.processor.fees == 0 and "No processor" in found.processor.note


def test_year_end_pdf_and_hq_sheet(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    months, methods, _, _ = ledger_sums(demo_path)
    target = tmp_path / "year-end.pdf"
    assert main(["report", "year-end", str(YEAR), "-o", str(target), "--db", str(demo_path)]) == 0
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert f"Year-end report {YEAR}" in text
    assert format_money(sum(methods.values()), "USD") in text
    assert "Income by month" in text and "No processor or bank imports yet" in text
    book_path = tmp_path / "hq.xlsx"
    assert main(["export", "hq", "-o", str(book_path), "--db", str(demo_path)]) == 0
    sheet = load_workbook(book_path)["Dues year-end"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(values["Income, total"])) == sum(methods.values())
    assert len([k for k in values if str(k).startswith("Income ") and str(YEAR) in str(k)]) == len(
        months
    )
