"""The dues export: each member's dues per year, with real money and date cells.

One row per live dues charge (from `dues.dues_lines`): charged, waived, paid
and still open as numbers with two decimals that a treasurer can sum, the
charge's date as a date, and the status word the ledger gives it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.exports.sheets import Column, write_table
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.services.dues.balances import DuesLine, dues_lines

__all__ = ["DUES_COLUMNS", "dues_row", "write_dues_export"]

DUES_COLUMNS = [
    Column("Member ID", "text", 11),
    Column("Name", "text", 30),
    Column("Dues Year", "int", 10),
    Column("Charged On", "date"),
    Column("Charged", "money"),
    Column("Waived", "money"),
    Column("Paid", "money"),
    Column("Open", "money"),
    Column("Status", "text", 11),
    Column("Days Outstanding", "int", 12),
]


def dues_row(line: DuesLine) -> list[object]:
    """One charge's cells in `DUES_COLUMNS` order."""
    return [
        line.hq_id,
        line.name,
        line.dues_year,
        line.charged_on,
        line.charged,
        line.waived,
        line.paid,
        line.open,
        line.status,
        line.days_outstanding,
    ]


def write_dues_export(
    db: Database,
    target: Path,
    *,
    year: int | None = None,
    as_of: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> int:
    """Write the dues of `year` (every year when None) to `target` (.xlsx or .csv); returns rows.

    Raises:
        BadInputError: an implausible year, a suffix other than .xlsx or .csv, or the file
            cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    lines = dues_lines(db, year=year, as_of=as_of)
    rows = (dues_row(line) for line in watch.over(lines, "writing", len(lines)))
    name = f"Dues {year}" if year is not None else "Dues"
    return write_table(Path(target), DUES_COLUMNS, rows, sheet_name=name)
