"""The whole chapter roster as plain rows, read in one query for the spreadsheet exports.

`roster.list_members` gives each member as a `RosterEntry` with privileges
derived, built from ORM objects: right for the window and the command line,
but seconds of work at 50,000 members for an export that only writes cells.
This reads the same members (current chapter members, in the same order:
last name, first name, HQ ID, compared as the database lowers them) as plain
columns, and derives each one's standing and category with the same rules
(`standing.international_standing`, `chapter.CategoryIndex`). A test holds
the two to the same members, facts, standings and categories on both engines.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterMembership, HqMember
from chapterdesk.hq_fields import HQ_FIELDS
from chapterdesk.services.chapter import CategoryIndex, categories_in, settings_row
from chapterdesk.services.dues.ledger import person_names
from chapterdesk.standing import Standing, StandingFacts, international_standing

__all__ = ["ExportMember", "members_for_export"]


class ExportMember(NamedTuple):
    """A current chapter member as the exports write them.

    The first 21 fields are HQ's facts in the order of HQ's reference layout
    (DESIGN.md "HQ exports"); then the chapter's own: the chapter join date,
    international standing, and the chapter category HQ's member type names
    ("" when it names none).
    """

    hq_id: str
    prefix: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    company: str
    title: str
    email: str
    phone: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    country: str
    member_type: str
    join_date: dt.date | None
    paid_through: dt.date | None
    hq_status: str
    chapters: str
    chapter_joined_on: dt.date
    standing: Standing
    category: str

    @property
    def display_name(self) -> str:
        """First, middle and last name with any prefix and suffix (as `HqRecord` gives it)."""
        return person_names(
            self.prefix, self.first_name, self.middle_name, self.last_name, self.suffix
        )[0]


#: HQ's facts, in `ExportMember` order (a test checks they match its fields).
HQ_FACT_COLUMNS = (HqMember.hq_id, *(getattr(HqMember, name) for name in HQ_FIELDS))


def members_for_export(db: Database, as_of: dt.date | None = None) -> list[ExportMember]:
    """Every current chapter member, sorted as `roster.list_members` sorts them.

    Args:
        as_of: the date standings are derived for (default today).
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        grace_days = settings_row(session).grace_days
        index = CategoryIndex(categories_in(session))
        query = (
            select(
                *HQ_FACT_COLUMNS,
                ChapterMembership.chapter_joined_on,
                HqMember.in_latest_export,
            )
            .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
            .where(ChapterMembership.left_on.is_(None))
            .order_by(
                func.lower(HqMember.last_name), func.lower(HqMember.first_name), HqMember.hq_id
            )
        )
        category_of: dict[str, str] = {}
        members = []
        for row in session.execute(query):
            *facts, joined, in_latest = row
            member_type, paid_through, hq_status = facts[16], facts[18], facts[19]
            category = category_of.get(member_type)
            if category is None:
                found = index.resolve(member_type)
                category = category_of[member_type] = found.name if found else ""
            standing = international_standing(
                StandingFacts(paid_through, hq_status, in_latest), day, grace_days
            )
            members.append(ExportMember._make((*facts, joined, standing, category)))
    return members
