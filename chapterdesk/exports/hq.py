"""The chapter's report back to HQ: one workbook HQ's systems can read back.

Five tabs: the chapter roster in HQ's reference layout (so HQ's importer, and
ChapterDesk's own, map it by its headings) with the chapter join date and
standing; the officers with their terms and whether each sitting officer may
still hold office ("no: international membership is lapsed"); the chapter
members the chapter could not match to HQ's latest data; HQ's members
affiliated with the chapter who are not on its roster; and the current dues
year's year-end figures (income by month and method, credit, reversals,
waivers, processor fees) as `report year-end` prints them.

The roster tab holds the members HQ's latest data knows, with HQ's facts as
HQ gave them, so reading it back changes nothing; a member HQ's data lacks is
on the "Not matched to HQ" tab instead, never presented as if HQ listed them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.exports.roster import ROSTER_COLUMNS, roster_rows
from chapterdesk.exports.sheets import Column, Sheet, write_workbook
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.services.dues.rates import dues_year
from chapterdesk.services.dues.year_end import year_end, year_end_rows
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster.export import corrections_for_export, members_for_export
from chapterdesk.services.roster.members import TermView
from chapterdesk.services.roster.officers import list_officers
from chapterdesk.standing import Standing

__all__ = ["SHEET_NAMES", "write_hq_export"]

SHEET_NAMES = (
    "Chapter roster",
    "Officers",
    "Not matched to HQ",
    "Affiliated, not on roster",
    "Dues year-end",
)
YEAR_END_COLUMNS = [Column("Item", "text", 48), Column("Amount", "money", 14)]
OFFICER_COLUMNS = [
    Column("Member ID", "text", 11),
    Column("Name", "text", 30),
    Column("Position", "text", 18),
    Column("Term Start", "date"),
    Column("Term End", "date"),
    Column("Officer Eligible", "text", 44),
]
UNMATCHED_COLUMNS = [
    Column("Member ID", "text", 11),
    Column("Name", "text", 30),
    Column("Chapter Member Since", "date", 14),
    Column("Last HQ Status", "text", 12),
    Column("Last Paid Through", "date", 14),
    Column("What the chapter asks", "text", 60),
]
UNLISTED_COLUMNS = [
    Column("Member ID", "text", 11),
    Column("Name", "text", 30),
    Column("Status", "text", 12),
    Column("Paid Through", "date"),
    Column("Chapter", "text", 30),
]


def officer_eligible(term: TermView, sitting: dict[int, TermView]) -> str:
    """The "Officer Eligible" cell: "yes", "no: <reason>", or why it is not judged yet."""
    if term.id not in sitting:
        return "term not started"
    return "yes" if term.eligible else f"no: {term.ineligible}"


def write_hq_export(
    db: Database,
    target: Path,
    *,
    as_of: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> int:
    """Write the report to HQ to `target` (.xlsx, atomically); returns the roster tab's rows.

    Raises:
        BadInputError: `target` does not end in .xlsx, or the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    day = as_of or dt.date.today()
    entries = members_for_export(db, as_of=day)
    # Terms in force on the day carry whether their holder may still hold office that day;
    # later terms have not started, so nobody holds them yet.
    sitting = {t.id: t for t in list_officers(db, as_of=day)}
    terms = [
        sitting.get(t.id, t)
        for t in list_officers(db, all_terms=True)
        if t.ends_on is None or t.ends_on >= day
    ]
    found = reconcile(db, day)
    unmatched = [e for e in entries if e.standing is Standing.NOT_IN_HQ]
    matched = [e for e in entries if e.standing is not Standing.NOT_IN_HQ]
    sheets = [
        Sheet(
            SHEET_NAMES[0],
            ROSTER_COLUMNS,
            roster_rows(watch.over(matched, "writing", len(matched)), corrections_for_export(db)),
        ),
        Sheet(
            SHEET_NAMES[1],
            OFFICER_COLUMNS,
            [
                [t.hq_id, t.name, t.position, t.starts_on, t.ends_on, officer_eligible(t, sitting)]
                for t in terms
            ],
        ),
        Sheet(
            SHEET_NAMES[2],
            UNMATCHED_COLUMNS,
            [
                [
                    e.hq_id,
                    e.display_name,
                    e.chapter_joined_on,
                    e.hq_status,
                    e.paid_through,
                    "Missing from HQ's latest export: please confirm this member ID.",
                ]
                for e in unmatched
            ],
        ),
        Sheet(
            SHEET_NAMES[3],
            UNLISTED_COLUMNS,
            [
                [u.hq.hq_id, u.hq.display_name, u.hq.hq_status, u.hq.paid_through, u.hq.chapters]
                for u in found.unlisted
            ],
        ),
        Sheet(
            SHEET_NAMES[4],
            YEAR_END_COLUMNS,
            year_end_rows(year_end(db, dues_year(db, today=day).year)),
        ),
    ]
    write_workbook(Path(target), sheets)
    return len(matched)
