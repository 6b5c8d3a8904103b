"""A roster view's filter and its rows as plain values, free of SQLAlchemy.

`chapterdesk.services.roster.query` reads them with SQL (and re-exports these
names); `services.roster.first_view` reads the window's first screen of them straight
from an SQLite file. Both turn a member's columns into a `RosterRow` through
`roster_row`, so name, category, standing and offices read the same either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from chapterdesk.names import searched_name, sort_name
from chapterdesk.services.chapter_values import CategoryIndex
from chapterdesk.standing import Standing, StandingFacts, international_standing


@dataclass(frozen=True)
class RosterFilter:
    """Which current members a roster view shows.

    Args:
        search: text matched against name, HQ ID, e-mail and employer ("" for all).
        standings: only these standings (empty: every standing).
        category_id: only members whose HQ member type resolves to this category.
        officer: True for officers in office today, False for everyone else, None for all.
        owing: True for members whose dues balance is owed (more charged than paid,
            credited or waived), False for everyone else, None for all.
    """

    search: str = ""
    standings: frozenset[Standing] = field(default_factory=frozenset)
    category_id: int | None = None
    officer: bool | None = None
    owing: bool | None = None

    def __post_init__(self) -> None:
        # initials are searched without their stops ("J. A. Baker"), in every reader alike
        object.__setattr__(self, "search", searched_name(self.search))

    def without_search(self) -> RosterFilter:
        """The same filter with no search text."""
        return replace(self, search="")


@dataclass(frozen=True)
class RosterRow:
    """One line of the roster table."""

    membership_id: int
    hq_id: str
    name: str
    category: str
    standing: Standing
    paid_through: dt.date | None
    chapter_joined_on: dt.date
    email: str
    company: str
    city: str
    offices: tuple[str, ...]


@dataclass(frozen=True)
class RowContext:
    """What turning columns into roster rows needs besides the columns: day, grace, categories."""

    day: dt.date
    grace_days: int
    categories: CategoryIndex


@dataclass(frozen=True)
class MemberColumns:
    """The columns one roster row is made from (one chapter membership joined to its HQ record)."""

    membership_id: int
    chapter_joined_on: dt.date
    hq_id: str
    first_name: str
    middle_name: str
    last_name: str
    member_type: str
    paid_through: dt.date | None
    hq_status: str
    in_latest_export: bool
    email: str
    company: str
    city: str


def roster_row(columns: MemberColumns, context: RowContext, offices: tuple[str, ...]) -> RosterRow:
    """The roster row of one member: display name, category, standing on the day, offices held."""
    c = columns
    category = context.categories.resolve(c.member_type)
    facts = StandingFacts(c.paid_through, c.hq_status, c.in_latest_export)
    return RosterRow(
        membership_id=c.membership_id,
        hq_id=c.hq_id,
        name=sort_name(c.first_name, c.middle_name, c.last_name),
        category=category.name if category else c.member_type,
        standing=international_standing(facts, context.day, context.grace_days),
        paid_through=c.paid_through,
        chapter_joined_on=c.chapter_joined_on,
        email=c.email,
        company=c.company,
        city=c.city,
        offices=offices,
    )
