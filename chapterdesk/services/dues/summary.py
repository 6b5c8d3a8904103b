"""One dues year at a glance: assessed, collected, waived and still outstanding.

The dashboard's "dues assessed vs collected" chart and its links read these
figures. They are summed from `services.dues.balances.dues_lines` (the same
derivation every other dues view uses), so for a year
`assessed == collected + waived + outstanding` always holds: "collected" is
what payments and credits paid of that year's charges, oldest charge first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.balances import DuesLine, dues_lines
from chapterdesk.services.dues.ledger import ZERO
from chapterdesk.services.dues.rates import dues_year

#: What each status filter of a year's dues lines keeps (the dashboard's links use these).
STATUS_FILTERS: dict[str, frozenset[str]] = {
    "all": frozenset({"paid", "part-paid", "unpaid", "waived"}),
    "unpaid": frozenset({"part-paid", "unpaid"}),
    "paid": frozenset({"paid", "part-paid"}),
    "waived": frozenset({"waived"}),
}


@dataclass(frozen=True)
class DuesYearSummary:
    """A dues year's totals over its live charges, in the chapter's currency."""

    year: int
    starts_on: dt.date
    ends_on: dt.date
    currency: str
    members_charged: int
    members_paid: int
    members_unpaid: int
    assessed: Decimal
    collected: Decimal
    waived: Decimal
    outstanding: Decimal


def lines_with_status(lines: Sequence[DuesLine], status: str) -> list[DuesLine]:
    """The dues lines a status filter keeps (`all`, `unpaid`, `paid`, `waived`)."""
    keep = STATUS_FILTERS[status]
    return [line for line in lines if line.status in keep]


def summarise(
    year: int, starts_on: dt.date, ends_on: dt.date, currency: str, lines: Sequence[DuesLine]
) -> DuesYearSummary:
    """Sum one year's dues lines (all of them, paid or not) into its summary."""
    return DuesYearSummary(
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        currency=currency,
        members_charged=len({line.hq_id for line in lines}),
        members_paid=len({line.hq_id for line in lines if line.open == 0}),
        members_unpaid=len({line.hq_id for line in lines if line.open > 0}),
        assessed=sum((line.charged for line in lines), ZERO),
        collected=sum((line.paid for line in lines), ZERO),
        waived=sum((line.waived for line in lines), ZERO),
        outstanding=sum((line.open for line in lines), ZERO),
    )


def dues_year_summary(
    db: Database, year: int | None = None, as_of: dt.date | None = None
) -> DuesYearSummary:
    """The totals of a dues year (default: the one `as_of`, or today, falls in)."""
    day = as_of or dt.date.today()
    window = dues_year(db, year, today=day)
    currency = chapter_info(db).currency
    lines = dues_lines(db, year=window.year, as_of=day)
    return summarise(window.year, window.starts_on, window.ends_on, currency, lines)
