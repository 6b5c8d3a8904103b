"""The roster export: every chapter member as a spreadsheet HQ's importer can read back.

The columns are HQ's reference layout (DESIGN.md "HQ exports") in its order,
with HQ's facts exactly as the latest HQ data gave them, then the chapter's
own facts (chapter join date, standing, category) under headings HQ's
layout does not use. A field the chapter corrected carries the chapter's value
in HQ's column, and "Corrected by Chapter" names it with HQ's value beside it
(`Email (HQ: jo@old.example)`), so the file is the chapter's roster and says
where it parts from HQ's data. Re-importing the file through the HQ import therefore
maps every column by its heading and finds nothing changed for the members
HQ's data knows. (The file lists the whole roster, so a member missing from
HQ's latest export is in it with HQ's last facts: reading it back as if it
were HQ's export would list them again. `export hq` keeps those members on a
tab of their own.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.exports.sheets import Column, write_table
from chapterdesk.hq_fields import REFERENCE_LAYOUT
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.services.roster.export import (
    ExportMember,
    corrections_for_export,
    members_for_export,
)

__all__ = ["HQ_COLUMNS", "ROSTER_COLUMNS", "roster_row", "write_roster_export"]

#: HQ's reference layout, in its order
HQ_COLUMNS = [
    Column(f.header, "date" if f.kind == "date" else "text", f.width) for f in REFERENCE_LAYOUT
]
#: the chapter's own facts, after HQ's columns
CHAPTER_COLUMNS = [
    Column("Chapter Member Since", "date", 14),
    Column("Chapter Standing", "text", 16),
    Column("Category", "text", 14),
    Column("Corrected by Chapter", "text", 30),
]
ROSTER_COLUMNS = HQ_COLUMNS + CHAPTER_COLUMNS
#: `ExportMember`'s first fields are HQ's facts in `HQ_COLUMNS` order
_HQ_FACTS = len(HQ_COLUMNS)


def roster_row(member: ExportMember, corrected: str = "") -> list[object]:
    """One member's cells in `ROSTER_COLUMNS` order (dates as dates)."""
    return [
        *member[:_HQ_FACTS],
        member.chapter_joined_on,
        member.standing.label,
        member.category,
        corrected,
    ]


def roster_rows(
    members: Iterable[ExportMember], corrections: dict[str, str] | None = None
) -> Iterator[list[object]]:
    """Every member's row, lazily; `corrections` (by HQ ID) fills "Corrected by Chapter"."""
    found = corrections or {}
    for member in members:
        yield roster_row(member, found.get(member.hq_id, ""))


def write_roster_export(
    db: Database,
    target: Path,
    *,
    as_of: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> int:
    """Write every current chapter member to `target` (.xlsx or .csv, atomically); returns rows.

    Raises:
        BadInputError: the suffix is neither .xlsx nor .csv, or the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    members = members_for_export(db, as_of=as_of)
    corrections = corrections_for_export(db)
    rows = roster_rows(watch.over(members, "writing", len(members)), corrections)
    return write_table(Path(target), ROSTER_COLUMNS, rows, sheet_name="Chapter roster")
