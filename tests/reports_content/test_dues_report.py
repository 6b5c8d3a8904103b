"""The dues report: the board's figures, equal to the ledger's, printed on readable pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterSettings
from chapterdesk.reports.dues import write_dues_report
from chapterdesk.reports.progress import ReportCancelled
from chapterdesk.services import dues
from chapterdesk.services.dues.reports import dues_year_report
from tests.reports_content.conftest import EXPECTED, YEAR
from tests.reports_content.pdftext import page_size, pages_text


def test_grand_totals_equal_the_ledgers(ledger_db: Database) -> None:
    report = dues_year_report(ledger_db, YEAR)
    lines = dues.dues_lines(ledger_db, year=YEAR)
    ledger = dues.balances(ledger_db)
    charged = {line.hq_id for line in lines}
    assert report.totals.members == len(charged) == 6
    assert report.totals.assessed == sum(line.charged for line in lines) == EXPECTED["assessed"]
    assert report.totals.waived == sum(line.waived for line in lines) == EXPECTED["waived"]
    assert report.totals.paid == sum(line.paid for line in lines) == EXPECTED["paid"]
    assert report.totals.outstanding == sum(line.open for line in lines) == EXPECTED["outstanding"]
    assert report.totals.credit == ledger.totals.credit == EXPECTED["credit"]
    # one dues year in this ledger, so the year's figures are the whole ledger's
    assert report.totals.assessed == ledger.totals.assessed
    assert report.totals.outstanding == ledger.totals.outstanding
    assert sum(g.outstanding for g in report.by_category) == report.totals.outstanding
    aging = report.aging
    assert aging.current + aging.days_30 + aging.days_60 + aging.days_90_plus == Decimal("235.00")


def test_payments_by_method_leave_out_the_bounced_check(ledger_db: Database) -> None:
    methods = {m.label: m for m in dues_year_report(ledger_db, YEAR).by_method}
    assert (methods["Check"].payments, methods["Check"].amount) == (1, Decimal("150.00"))
    assert methods["Visa"].amount == Decimal("40.00")
    assert methods["American Express"].amount == Decimal("200.00")
    assert methods["MasterCard"].payments == 0
    assert sum(m.amount for m in methods.values()) == EXPECTED["received"]


def test_pdf_prints_the_totals_names_and_footer(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "dues.pdf"
    pages = write_dues_report(ledger_db, YEAR, target, printed_on=dt.date(2026, 12, 1))
    text = pages_text(target)
    assert len(text) == pages == 2
    first, members = text
    for figure in ("$625.00", "$50.00", "$340.00", "$235.00", "$390.00"):
        assert figure in first
    assert "Members charged for" in first and "Aging of outstanding" in first
    for name in ("Żółć, Łukasz", "Nguyễn, Thị Ánh", "Ødegård, Søren", "O'Brien-Müller, Zoë"):
        assert name in members
    assert "Smith" not in members, "a lapsed member was not charged"
    for number, page in enumerate(text, start=1):
        assert f"Page {number} of 2" in page
        assert "Printed 1 December 2026" in page
        assert f"Chapter dues {YEAR}" in page and "Test Chapter" in page
    assert page_size(target) == pytest.approx((612, 792))


def test_a4_chapter_gets_a4_pages(ledger_db: Database, tmp_path: Path) -> None:
    with ledger_db.session() as session:
        settings = session.get(ChapterSettings, 1)
        assert settings is not None
        settings.page_size = "a4"
    target = tmp_path / "dues.pdf"
    write_dues_report(ledger_db, YEAR, target)
    assert page_size(target) == pytest.approx((595.3, 841.9), abs=0.5)


def test_cancel_leaves_the_old_report(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "dues.pdf"
    target.write_bytes(b"last month's report")
    seen: list[tuple[str, int, int | None]] = []
    with pytest.raises(ReportCancelled):
        write_dues_report(
            ledger_db,
            YEAR,
            target,
            progress=lambda phase, done, total: seen.append((phase, done, total)),
            cancel=lambda: any(phase == "members" for phase, _, _ in seen),
        )
    assert target.read_bytes() == b"last month's report"
    assert not list(tmp_path.glob("*.part")), "no partial file is left"


def test_year_with_no_dues_says_so(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "dues.pdf"
    write_dues_report(ledger_db, YEAR + 1, target)
    assert f"No dues have been assessed for {YEAR + 1} yet." in "".join(pages_text(target))
