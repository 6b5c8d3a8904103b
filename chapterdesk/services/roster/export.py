"""The whole chapter roster as plain rows for the spreadsheet exports, by the roster query.

An export only writes cells, so it asks the one roster query
(`services.roster.sql`) for HQ's facts, the chapter join date and the
standing (judged in SQL by the same rule as `international_standing`) of
every current member, in the roster's order, and names each member's
category once per HQ member type (`chapter.CategoryIndex`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from chapterdesk.names import address_name
from chapterdesk.services.dues.ledger import person_names
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster.sql import HQ_FACTS
from chapterdesk.standing import Standing

if TYPE_CHECKING:
    from chapterdesk.data.engine import Database

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
    def address_name(self) -> str:
        """The name on an envelope or a label, with any prefix (`names.address_name`)."""
        return address_name(
            self.prefix, self.first_name, self.middle_name, self.last_name, self.suffix
        )

    @property
    def display_name(self) -> str:
        """First, middle and last name with any prefix and suffix (as `HqRecord` gives it)."""
        return person_names(
            self.prefix, self.first_name, self.middle_name, self.last_name, self.suffix
        )[0]


#: The roster query's columns, in `ExportMember` order (a test checks they match its fields).
EXPORT_COLUMNS = ("hq_id", *HQ_FACTS, "chapter_joined_on", "standing")


def members_for_export(db: Database, as_of: dt.date | None = None) -> list[ExportMember]:
    """Every current chapter member, in the roster's order (last name, first name, HQ ID).

    Args:
        as_of: the date standings are derived for (default today).
    """
    with roster_reader.reading(db, as_of) as reader:
        return members_in(reader)


def members_in(reader: roster_reader.Reader) -> list[ExportMember]:
    """Every current chapter member as `members_for_export` gives them, read by `reader`."""
    rows = roster_reader.read(reader, EXPORT_COLUMNS)
    index = reader.chapter.index
    standings = {s.value: s for s in Standing}
    category_of: dict[str, str] = {}
    members = []
    make = ExportMember._make
    for row in rows:
        member_type = row[16]
        category = category_of.get(member_type)
        if category is None:
            found = index.resolve(member_type)
            category = category_of[member_type] = found.name if found else ""
        members.append(make((*row[:-1], standings[row[-1]], category)))
    return members
