"""The year-end report: a dues year's income, credit, reversals, waivers and deposits, as a PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.money import format_money
from chapterdesk.reports.dues import _page_size
from chapterdesk.reports.pdfdoc import ReportDocument
from chapterdesk.reports.styles import long_date
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.ledger import METHOD_LABELS, ZERO
from chapterdesk.services.dues.year_end import YearEnd, year_end
from chapterdesk.values import month_year

__all__ = ["write_year_end"]


def write_year_end(
    db: Database, year: int, target: Path, *, printed_on: dt.date | None = None
) -> tuple[YearEnd, int]:
    """Write the year-end report of dues year `year` to `target`; returns its figures and pages.

    Raises:
        BadInputError: an implausible year, or the file cannot be written.
    """
    info = chapter_info(db)
    found = year_end(db, year)
    cur = found.currency
    window = found.year
    document = ReportDocument(
        target,
        chapter_name=info.name,
        title=f"Year-end report {year}",
        as_of=min(window.ends_on, dt.date.today()),
        page_size=_page_size(info.page_size),
        printed_on=printed_on,
    )
    document.add_paragraph(
        f"Dues year {year}: {long_date(window.starts_on)} to {long_date(window.ends_on)}."
    )
    document.add_heading("Income by month")
    # the methods the year's payments used (seven possible methods leave each column too narrow)
    codes = [code for code in METHOD_LABELS if found.by_method.get(code)]
    rows = [
        [month_year(month.month)]
        + [format_money(month.by_method.get(code, ZERO), cur) for code in codes]
        + [format_money(month.total, cur)]
        for month in found.months
    ]
    if not rows:
        rows = [["No payments"] + [""] * (len(codes) + 1)]
    totals = (
        ["Total"]
        + [format_money(found.by_method[code], cur) for code in codes]
        + [format_money(found.payments_total, cur)]
    )
    share = min(0.135, 0.70 / max(len(codes), 1))
    shares = [0.16] + [share] * len(codes) + [0.14]
    document.add_table(
        ["Month", *(METHOD_LABELS[code] for code in codes), "Total"],
        rows,
        shares,
        numeric_cols=range(1, len(codes) + 2),
        totals_row=totals,
    )
    document.add_heading("Credit, reversals and waivers")
    summary = [
        ["Members' credit at the start of the year", format_money(found.opening_credit, cur)],
        ["Members' credit at the end of the year", format_money(found.closing_credit, cur)],
    ]
    for label, (count, amount) in found.reversals.items():
        summary.append([f"Reversals of a {label.lower()} ({count})", format_money(amount, cur)])
    if not found.reversals:
        summary.append(["Reversals", "none"])
    summary.append([f"Waivers ({found.waivers[0]})", format_money(found.waivers[1], cur)])
    document.add_table(["", "Amount"], summary, [0.6, 0.3], numeric_cols=[1])
    document.add_heading("Processor fees and deposits")
    processor = found.processor
    if processor.deposits:
        document.add_table(
            ["Source", "Deposited", "Gross", "Fees", "Net", "Posted"],
            [
                [
                    d.source,
                    long_date(d.deposited_on),
                    format_money(d.gross, cur),
                    format_money(d.fees, cur),
                    format_money(d.net, cur),
                    format_money(d.posted, cur),
                ]
                for d in processor.deposits
            ],
            numeric_cols=range(2, 6),
        )
        document.add_paragraph(f"Processor fees: {format_money(processor.fees, cur)}.")
    else:
        document.add_paragraph(processor.note)
    return found, document.build()
