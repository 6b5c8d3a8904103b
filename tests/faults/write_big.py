"""Write a large report or export over an existing file, for the kill -9 tests.

Run as `python -m tests.faults.write_big pdf|xlsx|csv TARGET ROWS`: a dues
report of ROWS lines through `ReportDocument`, or a roster of ROWS rows through
`write_table`, the same code paths the reports and exports use.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from chapterdesk.exports.sheets import Column, write_table
from chapterdesk.reports.pdfdoc import ReportDocument


def rows(count: int) -> Iterator[list[object]]:
    """Roster-like rows: ID, name, company, joined, dues owed."""
    for n in range(count):
        yield [
            str(100000 + n),
            f"Member {n:06d} Łukasz Żółć",
            f"Firm {n % 997} LLP",
            dt.date(2015, 1, 1) + dt.timedelta(days=n % 3000),
            Decimal(n % 40000) / 100,
        ]


def main(kind: str, target: Path, count: int) -> None:
    """Write `count` rows to `target` as a PDF report or an .xlsx/.csv export."""
    if kind == "pdf":
        document = ReportDocument(
            target, chapter_name="Great Lakes Chapter", title="Dues", as_of=dt.date(2026, 11, 25)
        )
        document.add_table(
            ["ID", "Name", "Company", "Joined", "Owed"],
            ([r[0], r[1], r[2], r[3].isoformat(), f"{r[4]:,.2f}"] for r in rows(count)),  # type: ignore[attr-defined]
            [0.12, 0.3, 0.3, 0.14, 0.14],
            numeric_cols=[4],
        )
        document.build()
        return
    columns = [
        Column("Member ID"),
        Column("Name"),
        Column("Company"),
        Column("Joined", "date"),
        Column("Owed", "money"),
    ]
    write_table(target, columns, rows(count), sheet_name="Roster")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
