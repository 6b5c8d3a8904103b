"""A chapter whose voting list is known by heart: seven voters and every way to be left off.

Judged on `VOTE_DAY`. The seven voters include a member in grace (grace keeps
chapter privileges, `policy.vote_refusal`) and one inside the 180-day
allowance after losing their job; the five left off are a lapsed member, a
member missing from HQ's latest export, an Associate, a member past the
allowance and one whose HQ member type matches no category. Around them:
a member who left before the day, one who joined after it, and an HQ member
who never joined the chapter, none of whom is on either list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import ChapterMembership
from tests.helpers import add_hq

VOTE_DAY = dt.date(2026, 11, 25)
PAID = dt.date(2027, 6, 30)
JOB_LOST_LONG_AGO = VOTE_DAY - dt.timedelta(days=200)
JOB_LOST_RECENTLY = VOTE_DAY - dt.timedelta(days=100)

#: (hq_id, first, last, member type, paid through, HQ status, in the latest export)
PEOPLE = (
    ("300001", "Łukasz", "Żółć", "Regular", PAID, "Active", True),
    ("300002", "Søren", "Ødegård", "Regular", PAID, "Active", True),
    ("300003", "Ana", "García", "REG", PAID, "Active", True),
    ("300004", "Zoë", "Adams", "Regular", VOTE_DAY - dt.timedelta(days=20), "Grace", True),
    ("300005", "Mary", "Jones", "Regular", PAID, "Active", True),
    ("300006", "James", "Jones", "Regular", PAID, "Active", True),
    ("300007", "Pat", "Keller", "Regular", PAID, "Active", True),  # lost their job recently
    ("300010", "Lars", "Lapsed", "Regular", VOTE_DAY - dt.timedelta(days=400), "Lapsed", True),
    ("300011", "Mia", "Missing", "Regular", PAID, "Active", False),
    ("300012", "Ada", "Associate", "Associate", PAID, "Active", True),
    ("300013", "Joe", "Jobless", "Regular", PAID, "Active", True),  # lost their job long ago
    ("300014", "Una", "Unmapped", "Paralegal", PAID, "Active", True),
    ("300020", "Leo", "Leftearly", "Regular", PAID, "Active", True),
    ("300021", "Nia", "Newcomer", "Regular", PAID, "Active", True),
    ("300022", "Hal", "Hqonly", "Regular", PAID, "Active", True),
)
#: the voters in list order: last name, then first name, accents folded
VOTERS = ["300004", "300003", "300006", "300005", "300007", "300002", "300001"]
#: who is left off, in list order, with a piece of the reason each is given
EXCLUDED = {
    "300012": "the Associate category may not vote",
    "300013": f"180-day allowance after the last day worked ({JOB_LOST_LONG_AGO.isoformat()})",
    "300010": "international membership is lapsed",
    "300011": "international membership is not in HQ data",
    "300014": "HQ's member type 'Paralegal' matches no chapter category",
}
EXCLUDED_ORDER = ["300012", "300013", "300010", "300011", "300014"]


def build_voting_chapter(db: Database) -> None:
    """Write the HQ records and the chapter memberships above into a chapter database."""
    for hq_id, first, last, member_type, paid, status, latest in PEOPLE:
        add_hq(
            db, hq_id, first=first, last=last, member_type=member_type, paid_through=paid,
            status=status, in_latest=latest,
        )
    joined = dt.date(2020, 1, 15)
    rows = [
        {
            "hq_id": hq_id,
            "chapter_joined_on": joined,
            "left_on": None,
            "leave_reason": "",
            "notes": "",
            "employment_ended_on": {
                "300007": JOB_LOST_RECENTLY, "300013": JOB_LOST_LONG_AGO
            }.get(hq_id),
        }
        for hq_id, *_ in PEOPLE
        if hq_id < "300020"
    ]
    rows.append(
        {
            "hq_id": "300020", "chapter_joined_on": joined, "left_on": dt.date(2026, 9, 30),
            "leave_reason": "moved away", "notes": "", "employment_ended_on": None,
        }
    )
    rows.append(
        {
            "hq_id": "300021", "chapter_joined_on": VOTE_DAY + dt.timedelta(days=1),
            "left_on": None, "leave_reason": "", "notes": "", "employment_ended_on": None,
        }
    )
    with db.session() as session:
        session.execute(insert(ChapterMembership), rows)


@pytest.fixture(name="voting_path")
def voting_path_fixture(db_path: Path) -> Path:
    """A SQLite chapter file holding the voting chapter (import this fixture to use it)."""
    db = open_database(db_path)
    try:
        build_voting_chapter(db)
    finally:
        db.dispose()
    return db_path
