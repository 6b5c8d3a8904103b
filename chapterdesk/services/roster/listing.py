"""The roster as the command line lists it: light lines read by the one roster query.

`members list` writes every current member, 50,000 of them on a big chapter;
it must cost little more than reading them. So the lines are read by the
roster query (`services.roster.sql`) through a `Reader` (on a file, the
standard library's `sqlite3`: no SQLAlchemy is imported), and category and
privileges are derived once per distinct combination of the facts they depend
on, not once per member.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from chapterdesk import names, policy
from chapterdesk.errors import BadInputError
from chapterdesk.policy import Privileges
from chapterdesk.services.chapter_values import Category
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.values import RosterFilter
from chapterdesk.standing import Standing

if TYPE_CHECKING:
    from chapterdesk.data.engine import Database


def roster_filter(
    chapter: roster_reader.Chapter,
    standing: Standing | None = None,
    category: str | None = None,
    search: str | None = None,
) -> RosterFilter:
    """The filter of a listing: a standing, a category by code or name, a search text.

    Raises:
        BadInputError: the category names no category of this chapter.
    """
    category_id = None
    if category is not None:
        wanted = chapter.index.resolve(category)
        if wanted is None:
            names = ", ".join(c.name for c in chapter.categories)
            raise BadInputError(
                f"No category is called {category!r}; the categories are {names}."
            )
        category_id = wanted.id
    return RosterFilter(
        search=search or "",
        standings=frozenset({standing}) if standing is not None else frozenset(),
        category_id=category_id,
    )


class RosterLine(NamedTuple):
    """One current member as a listing shows them: names, facts, standing and (maybe) rights."""

    hq_id: str
    name: str
    sort_name: str
    email: str
    company: str
    member_type: str
    category: str | None
    standing: Standing
    paid_through: dt.date | None
    hq_status: str
    chapter_joined_on: dt.date
    privileges: Privileges | None
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    phone: str


_LINE_COLUMNS = (
    "hq_id", "prefix", "first_name", "middle_name", "last_name", "suffix", "email", "company",
    "member_type", "standing", "paid_through", "hq_status", "chapter_joined_on",
    "employment_ended_on", "phone",
)


def roster_lines(
    db: Database,
    *,
    standing: Standing | None = None,
    category: str | None = None,
    search: str | None = None,
    as_of: dt.date | None = None,
    with_privileges: bool = True,
) -> list[RosterLine]:
    """The roster as `list_members` gives it, as light lines (one query, no ORM objects).

    Standing is judged in SQL; category and privileges are derived once per
    distinct combination of the facts they depend on, not once per member.

    Raises:
        BadInputError: the category names no category of this chapter.
    """
    with roster_reader.reading(db, as_of) as reader:
        chapter = reader.chapter
        wanted = roster_filter(chapter, standing, category, search)
        found = reader.run(roster_reader.statement(reader, _LINE_COLUMNS, wanted))
    decode = roster_sql.decoder(_LINE_COLUMNS)
    standings = {s.value: s for s in Standing}
    categories: dict[str, Category | None] = {}
    rights: dict[tuple[str, Standing, dt.date | None], Privileges] = {}
    day = chapter.day
    lines = []
    for raw in found:
        (hq_id, _prefix, first, middle, last, suffix, email, company, member_type, judged,
         paid_through, hq_status, joined, job_ended, phone) = decode(raw)
        if member_type in categories:
            kind = categories[member_type]
        else:
            kind = categories[member_type] = chapter.index.resolve(member_type)
        status = standings[judged]
        allowed = None
        if with_privileges:
            key = (member_type, status, job_ended)
            allowed = rights.get(key)
            if allowed is None:
                allowed = rights[key] = policy.privileges(
                    policy.MemberFacts(kind, status, job_ended, member_type), day
                )
        lines.append(RosterLine(
            hq_id,
            names.display_name(first, middle, last, suffix),
            names.sort_name(first, middle, last),
            email,
            company,
            member_type,
            kind.name if kind is not None else None,
            status,
            paid_through,
            hq_status,
            joined,
            allowed,
            first,
            middle,
            last,
            suffix,
            phone,
        ))
    return lines


class OfficerLine(NamedTuple):
    """An officer term in force, as the membership directory lists it."""

    position: str
    name: str
    hq_id: str
    starts_on: dt.date
    ends_on: dt.date | None


#: The terms in force on a day, in `officers.list_officers`' order (a test holds them equal).
_OFFICERS_SQL = (
    "SELECT p.name, h.hq_id, h.first_name, h.middle_name, h.last_name, h.suffix,"
    " t.starts_on, t.ends_on"
    " FROM officer_term AS t JOIN officer_position AS p ON p.id = t.position_id"
    " JOIN chapter_membership AS m ON m.id = t.membership_id"
    " JOIN hq_member AS h ON h.hq_id = m.hq_id"
    " WHERE t.starts_on <= {day} AND (t.ends_on IS NULL OR t.ends_on >= {day})"
    " ORDER BY p.sort_order, t.starts_on, lower(h.last_name)"
)


def officer_lines(db: Database, as_of: dt.date | None = None) -> list[OfficerLine]:
    """The officer terms in force on `as_of` (today): who holds which office, since when.

    What `officers.list_officers` lists, without whether each holder may still
    hold office, read with the roster's reader (no SQLAlchemy): for the
    printed directory.
    """
    with roster_reader.reading(db, as_of) as reader:
        day = reader.chapter.day
        place = ":day" if reader.chapter.dialect == roster_sql.SQLITE else "CAST(:day AS DATE)"
        rows = reader.run(
            roster_sql.RosterSql(_OFFICERS_SQL.format(day=place), {"day": day.isoformat()})
        )

    def day_of(value: object) -> dt.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]

    return [
        OfficerLine(
            position,
            names.display_name(first, middle, last, suffix),
            hq_id,
            day_of(starts_on),
            None if ends_on is None else day_of(ends_on),
        )
        for position, hq_id, first, middle, last, suffix, starts_on, ends_on in rows
    ]
