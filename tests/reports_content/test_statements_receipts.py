"""Member statements (one page per member who owes) and receipts, read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import NotFoundError
from chapterdesk.reports.receipt import write_receipt
from chapterdesk.reports.statements import statement_lines, write_statements
from chapterdesk.services import dues
from chapterdesk.services.dues.reports import statements_for
from tests.reports_content.conftest import HOSTILE, OWING, YEAR
from tests.reports_content.pdftext import pages_text


def test_one_page_per_member_who_owes(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "statements.pdf"
    count, pages = write_statements(ledger_db, YEAR, target)
    unpaid = dues.who_has_not_paid(ledger_db, YEAR)
    assert count == pages == len({line.hq_id for line in unpaid}) == len(OWING)
    text = pages_text(target)
    assert len(text) == 3
    # by last name: "=HYPERLINK…" sorts before the letters
    expected = [(HOSTILE, "$150.00"), ("Mary Jones", "$25.00"), ("Thị Ánh Nguyễn", "$60.00")]
    for number, (page, (name, due)) in enumerate(zip(text, expected, strict=True), start=1):
        assert name in page
        assert f"Amount due: {due}" in page
        assert "make checks payable to Test Chapter" in page
        assert "Visa, MasterCard or American Express" in page
        assert "Purchase orders are not accepted" in page
        assert f"Page {number} of 3" in page and f"Dues statement {YEAR}" in page
    for page, hq_id in zip(text, OWING, strict=True):
        # read back (copied, searched, read aloud) a line's words stay on one line
        assert f"Member ID {hq_id}" in page and f"Member ID {hq_id} · {YEAR} chapter dues" in page
    assert "Søren Ødegård, Treasurer" in text[0], "members are told whom to ask"
    assert "Reversal of payment (receipt 4): Check" in text[0]
    assert "returned unpaid (NSF)" in text[0], "a long description wraps, it is not cut"


def test_no_statements_when_nobody_owes(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "statements.pdf"
    count, pages = write_statements(ledger_db, YEAR + 1, target)
    assert (count, pages) == (0, 1)
    assert f"No member owes {YEAR + 1} dues" in pages_text(target)[0]


def test_statements_report_progress(ledger_db: Database, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    write_statements(
        ledger_db, YEAR, tmp_path / "s.pdf", progress=lambda p, d, t: seen.append((p, d, t))
    )
    assert ("statements", 3, 3) in seen


def test_receipt_shows_payment_and_what_it_paid(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "receipt.pdf"
    assert write_receipt(ledger_db, 3, target) == 1
    (text,) = pages_text(target)
    assert "Receipt 3" in text and "Søren Ødegård" in text
    assert "American Express" in text and "$200.00" in text
    assert f"Applied to {YEAR} chapter dues" in text and "$150.00" in text
    assert "Credit on account after this payment" in text and "$50.00" in text
    assert "Page 1 of 1" in text


def test_reversed_payment_receipt_says_so(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "receipt.pdf"
    write_receipt(ledger_db, 4, target)
    (text,) = pages_text(target)
    assert "This payment was reversed" in text and "Check returned unpaid (NSF)" in text


def test_unknown_receipt_is_refused(ledger_db: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no payment with receipt number 99"):
        write_receipt(ledger_db, 99, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_long_account_folds_oldest_entries_into_brought_forward(ledger_db: Database) -> None:
    (statement,) = statements_for(ledger_db, YEAR, ["200009"])
    full = statement_lines(statement, "USD", 50, 400)
    assert [row[4] for row in full if row[4]] == ["$150.00", "$0.00", "$150.00"]
    short = statement_lines(statement, "USD", 2, 400)
    assert len(short) == 2
    assert short[0][1] == "Balance brought forward" and short[0][4] == "$0.00"
    assert short[-1][4] == "$150.00", "the last balance is still what is due"
