"""A receipt for one dues payment, to hand or mail to the member.

Printed on demand from the ledger, so a copy made months later shows what
the payment paid off when it was posted, and says so plainly if the payment
was reversed since (a returned check).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.money import format_money
from chapterdesk.reports.dues import _page_size
from chapterdesk.reports.pdfdoc import Lines, ReportDocument
from chapterdesk.reports.statements import address_lines
from chapterdesk.reports.styles import long_date
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.reports import receipt_copy

__all__ = ["write_receipt"]


def write_receipt(
    db: Database, receipt_no: int, target: Path, *, printed_on: dt.date | None = None
) -> int:
    """Write the receipt for payment `receipt_no` to `target` (atomically); returns the pages.

    Raises:
        NotFoundError: no payment has this receipt number.
        BadInputError: the file cannot be written.
    """
    info = chapter_info(db)
    receipt = receipt_copy(db, receipt_no)
    cur = info.currency
    document = ReportDocument(
        target,
        chapter_name=info.name,
        title=f"Receipt {receipt.receipt_no}",
        as_of=receipt.paid_on,
        page_size=_page_size(info.page_size),
        printed_on=printed_on,
    )
    document.story.append(Lines(address_lines(receipt.hq), document.styles.body))
    document.add_heading(f"Received with thanks: {format_money(receipt.amount, cur)}")
    rows = [
        ["Receipt number", str(receipt.receipt_no)],
        ["Date received", long_date(receipt.paid_on)],
        ["Received from", receipt.hq.address_name],
        ["Member ID", receipt.hq.hq_id],
        ["Amount", format_money(receipt.amount, cur)],
        ["Method", receipt.method_label],
    ]
    if receipt.reference:
        rows.append(["Reference", receipt.reference])
    for year, amount in receipt.applied:
        rows.append([f"Applied to {year} chapter dues", format_money(amount, cur)])
    rows.append(
        ["Still outstanding after this payment", format_money(receipt.outstanding_after, cur)]
    )
    if receipt.credit_after:
        rows.append(
            ["Credit on account after this payment", format_money(receipt.credit_after, cur)]
        )
    document.add_table(["Payment", "Details"], rows, [0.42, 0.45])
    if receipt.reversal is not None:
        document.add_heading("This payment was reversed")
        document.add_paragraph(
            f"On {long_date(receipt.reversal.posted_on)} the chapter reversed this payment: "
            f"{receipt.reversal.reason}. The amount above no longer counts toward your dues."
        )
    document.add_paragraph(
        f"Paid to {info.name}. Chapter dues are separate from international dues and are "
        "not refundable. Keep this receipt for your records.",
        small=True,
    )
    return document.build()
