"""A chapter whose President lapses: appointed in good standing, then HQ's next export says lapsed.

Shared by the tests of every place officers are shown (the command line, the
dashboard, the Officers page, the compliance report, the report to HQ). Dates
are relative to today, because the command line and the window judge standing
today.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.apply import apply_import
from chapterdesk.services.hq.plan import plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from tests.helpers import add_hq
from tests.hqimport.exports import hq_records, write_export

TODAY = dt.date.today()
CHAPTER = "Test Chapter"
PRESIDENT = "300001"  # Regular, good standing when appointed; lapses
TREASURER = "300002"  # Regular, stays in good standing
REASON = "international membership is lapsed"
TERM_START = TODAY - dt.timedelta(days=60)


def appoint_officers(db: Database) -> None:
    """Two Regular members in good standing, the first President, the second Treasurer."""
    paid = TODAY + dt.timedelta(days=300)
    add_hq(db, PRESIDENT, first="Ana", last="Presidente", paid_through=paid, chapters=(CHAPTER,))
    add_hq(db, TREASURER, first="Ben", last="Tesorero", paid_through=paid, chapters=(CHAPTER,))
    for hq_id in (PRESIDENT, TREASURER):
        roster.add_member(db, hq_id, chapter_joined_on=TODAY - dt.timedelta(days=400))
    officers.set_officer(db, PRESIDENT, "President", starts_on=TERM_START)
    officers.set_officer(db, TREASURER, "Treasurer", starts_on=TERM_START)
    assert all(t.eligible for t in officers.list_officers(db)), "both may hold office"


def lapsed_export(db: Database, target: Path) -> Path:
    """HQ's next export, the same as what the database holds but with the President lapsed."""
    records = hq_records(db)
    for record in records:
        if record["hq_id"] == PRESIDENT:
            record.update(paid_through=TODAY - dt.timedelta(days=400), hq_status="Lapsed")
    return write_export(target, records)


def lapse_president(db: Database, folder: Path) -> None:
    """Import HQ's next export, in which the sitting President's membership has lapsed."""
    apply_import(db, plan_import(db, lapsed_export(db, folder / "hq-next.xlsx")))
