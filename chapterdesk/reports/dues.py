"""The dues report for a year: what the treasurer hands the board.

Page one is the summary a board reads: the key figures (assessed, waived,
paid, outstanding, credit held), the same by membership category, the
payments received during the year by method, and how old the outstanding
dues are. Then one line per member, by last name. Every figure comes from
`services.dues.reports.dues_year_report`, whose totals are the ledger's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from chapterdesk.collector import collector_paused
from chapterdesk.data.engine import Database
from chapterdesk.money import format_money
from chapterdesk.reports.pdfdoc import PageSize, ReportDocument, page_size_of
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.reports.styles import long_date
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.reports import DuesReportLine, DuesYearReport, dues_year_report

__all__ = ["MEMBER_HEADER", "MEMBER_WIDTHS", "member_cells", "write_dues_report"]

MEMBER_HEADER = ["HQ ID", "Name", "Assessed", "Waived", "Paid", "Outstanding", "Credit"]
#: shares of the page's width (Letter or A4); the category is in the summary's table
MEMBER_WIDTHS = [0.11, 0.29, 0.12, 0.11, 0.12, 0.14, 0.11]  # an HQ ID of 8 digits fits whole
AGING_LABELS = (
    ("current", "Under 30 days"),
    ("days_30", "30 to 59 days"),
    ("days_60", "60 to 89 days"),
    ("days_90_plus", "90 days and over"),
)


def _blank_if_zero(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency) if amount else ""


def member_cells(line: DuesReportLine, currency: str) -> list[str]:
    """The cells of one member's row, as printed (the benchmark draws the same ones)."""
    return [
        line.hq_id,
        line.sort_name,
        format_money(line.assessed, currency),
        _blank_if_zero(line.waived, currency),
        format_money(line.paid, currency),
        format_money(line.outstanding, currency),
        _blank_if_zero(line.credit, currency),
    ]


def _summary(document: ReportDocument, report: DuesYearReport) -> None:
    """Key figures, categories, methods and aging: the first page."""
    cur = report.currency
    window = report.year
    totals = report.totals
    document.add_paragraph(
        f"Dues year {window.year}: {long_date(window.starts_on)} to {long_date(window.ends_on)}. "
        f"Figures as posted in the ledger; payments and credits pay a member's oldest open "
        f"dues first, and credit is what a member has paid beyond what they owe."
    )
    document.add_heading("Key figures")
    document.add_table(
        ["", "Amount"],
        [
            ["Dues assessed", format_money(totals.assessed, cur)],
            ["Waived", format_money(totals.waived, cur)],
            ["Paid (payments and credits applied)", format_money(totals.paid, cur)],
            ["Outstanding", format_money(totals.outstanding, cur)],
            ["Credit held by members", format_money(totals.credit, cur)],
        ],
        [0.45, 0.2],
        numeric_cols=(1,),
        totals_row=[f"Members charged for {window.year}", f"{totals.members:,}"],
    )
    document.add_heading("By membership category")
    document.add_table(
        ["Category", "Members", "Assessed", "Waived", "Paid", "Outstanding"],
        [
            [
                group.label,
                f"{group.members:,}",
                format_money(group.assessed, cur),
                format_money(group.waived, cur),
                format_money(group.paid, cur),
                format_money(group.outstanding, cur),
            ]
            for group in report.by_category
        ],
        [0.2, 0.12, 0.17, 0.17, 0.17, 0.17],
        numeric_cols=range(1, 6),
        totals_row=[
            "All categories",
            f"{totals.members:,}",
            format_money(totals.assessed, cur),
            format_money(totals.waived, cur),
            format_money(totals.paid, cur),
            format_money(totals.outstanding, cur),
        ],
    )
    document.add_heading(
        f"Payments received {long_date(window.starts_on)} to {long_date(window.ends_on)}"
    )
    methods = report.by_method
    document.add_table(
        ["Method", "Payments", "Amount"],
        [[m.label, f"{m.payments:,}", format_money(m.amount, cur)] for m in methods],
        [0.3, 0.15, 0.2],
        numeric_cols=(1, 2),
        totals_row=[
            "All methods",
            f"{sum(m.payments for m in methods):,}",
            format_money(sum((m.amount for m in methods), Decimal("0.00")), cur),
        ],
    )
    document.add_paragraph(
        "Reversed payments (a returned check, a payment posted to the wrong member) are not "
        "counted. Purchase orders are not accepted.",
        small=True,
    )
    document.add_heading(f"Aging of outstanding {window.year} dues")
    aging = report.aging
    document.add_table(
        ["Age of the charge", "Outstanding"],
        [[label, format_money(getattr(aging, field), cur)] for field, label in AGING_LABELS],
        [0.3, 0.2],
        numeric_cols=(1,),
        totals_row=["Total outstanding", format_money(totals.outstanding, cur)],
    )


def _member_rows(report: DuesYearReport, watch: Watch) -> Iterator[list[str]]:
    """The members' rows, laid out lazily as the pages are built."""
    cur = report.currency
    for line in watch.over(report.lines, "members", len(report.lines)):
        yield member_cells(line, cur)


@collector_paused()  # many objects built and freed: see chapterdesk/collector.py
def write_dues_report(
    db: Database,
    year: int,
    target: Path,
    *,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> int:
    """Write the dues report for `year` to `target` (atomically); returns the page count.

    Raises:
        BadInputError: an implausible year, or the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    info = chapter_info(db)
    report = dues_year_report(db, year, as_of=as_of)
    document = ReportDocument(
        target,
        chapter_name=info.name,
        title=f"Chapter dues {year}",
        as_of=report.as_of,
        page_size=_page_size(info.page_size),
        printed_on=printed_on,
    )
    _summary(document, report)
    document.page_break()
    document.add_heading(f"Members charged for {year}")
    if report.lines:
        document.add_table(
            MEMBER_HEADER,
            _member_rows(report, watch),
            MEMBER_WIDTHS,
            numeric_cols=range(2, 7),
        )
        document.add_paragraph(
            f"{len(report.lines):,} members. The totals are on the first page.", small=True
        )
    else:
        document.add_paragraph(f"No dues have been assessed for {year} yet.")
    return document.build()


def _page_size(setting: str) -> PageSize:
    """The chapter's paper size setting as the document wants it (`pdfdoc.page_size_of`)."""
    return page_size_of(setting)
