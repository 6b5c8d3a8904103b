"""The roster reads as they were before the one roster query: the oracle of the equivalence tests.

`tests/test_roster_query_equivalence.py` holds the roster query to these on
the demo and on hypothesis-generated rosters: the command line's and PDFs'
`list_members` (ORM rows, `search_clause`) and the window's paging (SQLAlchemy
expressions), copied from the code as it stood (commit bb1cbbb). They are
kept here only as that oracle; nothing in `chapterdesk/` uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import ChapterMembership, HqMember, OfficerTerm
from chapterdesk.errors import BadInputError
from chapterdesk.services.chapter import Category, categories_in, settings_row
from chapterdesk.services.chapter_values import CategoryIndex
from chapterdesk.services.roster.members import (
    RosterContext,
    RosterEntry,
    hq_record,
    membership_view,
)
from chapterdesk.services.roster.values import RosterFilter
from chapterdesk.standing import ENDED_STATUSES, Standing


def standing_sql(as_of: dt.date, grace_days: int) -> ColumnElement[str]:
    """The same rule as `international_standing`, as a SQL expression over `hq_member`.

    Used to filter and count in the database (a 50,000-member roster is never
    pulled into Python to count it). A test keeps the two in agreement.
    """
    status = func.replace(
        func.replace(func.replace(func.lower(HqMember.hq_status), " ", ""), "-", ""), "_", ""
    )
    grace_cutoff = as_of - dt.timedelta(days=grace_days)
    return case(
        (HqMember.in_latest_export.is_(False), literal(Standing.NOT_IN_HQ.value)),
        (status.in_(sorted(ENDED_STATUSES)), literal(Standing.LAPSED.value)),
        (
            HqMember.paid_through.is_(None),
            case(
                (status == "grace", literal(Standing.GRACE.value)),
                (status.in_(["active", "current", ""]), literal(Standing.GOOD.value)),
                else_=literal(Standing.LAPSED.value),
            ),
        ),
        (HqMember.paid_through >= as_of, literal(Standing.GOOD.value)),
        (HqMember.paid_through >= grace_cutoff, literal(Standing.GRACE.value)),
        else_=literal(Standing.LAPSED.value),
    )


def current_roster_query() -> Select[ChapterMembership, HqMember]:
    """Open memberships joined to their HQ records."""
    return (
        select(ChapterMembership, HqMember)
        .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
        .where(ChapterMembership.left_on.is_(None))
    )


def search_clause(text: str) -> ColumnElement[bool]:
    """Match a search text against name, HQ ID, e-mail and employer (case-insensitive)."""
    needle = f"%{text.strip().lower()}%"
    full_name = func.lower(HqMember.first_name + " " + HqMember.last_name)
    return or_(
        full_name.like(needle),
        func.lower(HqMember.last_name).like(needle),
        HqMember.hq_id.like(f"{text.strip()}%"),
        func.lower(HqMember.email).like(needle),
        func.lower(HqMember.company).like(needle),
    )


def list_members(
    db: Database,
    *,
    standing: Standing | None = None,
    category: str | None = None,
    search: str | None = None,
    as_of: dt.date | None = None,
) -> list[RosterEntry]:
    """The current chapter roster, sorted by last name, optionally filtered.

    Args:
        standing: only members of this standing.
        category: only members whose category has this code or name.
        search: text matched against name, HQ ID, e-mail and employer.
        as_of: the date standings are derived for (default today).
    Raises:
        BadInputError: the category names no category of this chapter.
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        ctx = RosterContext(session, day)
        query = current_roster_query()
        if standing is not None:
            query = query.where(standing_sql(day, ctx.grace_days) == standing.value)
        if search:
            query = query.where(search_clause(search))
        wanted: Category | None = None
        if category is not None:
            wanted = ctx.categories.resolve(category)
            if wanted is None:
                names = ", ".join(c.name for c in categories_in(session))
                raise BadInputError(
                    f"No category is called {category!r}; the categories are {names}."
                )
        query = query.order_by(
            func.lower(HqMember.last_name), func.lower(HqMember.first_name), HqMember.hq_id
        )
        entries = []
        for membership_row, hq_row in session.execute(query):
            entry = ctx.entry(membership_view(membership_row), hq_record(hq_row))
            if wanted is not None and (entry.category is None or entry.category.id != wanted.id):
                continue
            entries.append(entry)
        return entries


SORT_KEYS = (
    "name", "hq_id", "category", "standing", "paid_through", "joined", "email", "company", "city",
)


def _ci(session: Session, column: Any) -> Any:
    """A column compared and sorted without regard to case, the fast way for each database."""
    if session.get_bind().dialect.name == "sqlite":
        return column.collate("NOCASE")
    return func.lower(column)


def _contains(session: Session, column: Any, needle: str) -> Any:
    """Case-insensitive substring match (SQLite's LIKE already ignores ASCII case)."""
    if session.get_bind().dialect.name == "sqlite":
        return column.like(needle, escape="\\")
    return column.ilike(needle, escape="\\")


def _search(session: Session, text: str) -> ColumnElement[bool]:
    words = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{words}%"
    full_name = HqMember.first_name + " " + HqMember.last_name
    return or_(
        _contains(session, full_name, needle),
        HqMember.hq_id.like(f"{words}%", escape="\\"),
        _contains(session, HqMember.email, needle),
        _contains(session, HqMember.company, needle),
    )


def _in_office(day: dt.date) -> ColumnElement[bool]:
    return exists().where(
        OfficerTerm.membership_id == ChapterMembership.id,
        OfficerTerm.starts_on <= day,
        or_(OfficerTerm.ends_on.is_(None), OfficerTerm.ends_on >= day),
    )


def _category_types(session: Session, index: CategoryIndex) -> dict[str, tuple[str, int]]:
    """Every HQ member type in the data, mapped to (category name, display order)."""
    order = {c.id: n for n, c in enumerate(categories_in(session))}
    found: dict[str, tuple[str, int]] = {}
    for member_type in session.scalars(select(HqMember.member_type).distinct()):
        category = index.resolve(member_type)
        if category is not None:
            found[member_type] = (category.name, order[category.id])
    return found


def _filtered(
    session: Session, columns: Sequence[Any], wanted: RosterFilter, day: dt.date
) -> Select[Any]:
    settings = settings_row(session)
    query = (
        select(*columns)
        .select_from(ChapterMembership)
        .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
        .where(ChapterMembership.left_on.is_(None))
    )
    if wanted.search.strip():
        query = query.where(_search(session, wanted.search))
    if wanted.standings:
        expr = standing_sql(day, settings.grace_days)
        query = query.where(expr.in_(sorted(s.value for s in wanted.standings)))
    if wanted.category_id is not None:
        categories = categories_in(session)
        if not any(c.id == wanted.category_id for c in categories):
            raise BadInputError("That membership category no longer exists; choose another.")
        index = CategoryIndex(categories)
        types = [
            t for t in session.scalars(select(HqMember.member_type).distinct())
            if (c := index.resolve(t)) is not None and c.id == wanted.category_id
        ]
        query = query.where(HqMember.member_type.in_(types))
    if wanted.officer is not None:
        query = query.where(_in_office(day) if wanted.officer else ~_in_office(day))
    if wanted.owing is not None:
        owing = ChapterMembership.hq_id.in_(_owing_hq_ids())
        query = query.where(owing if wanted.owing else ~owing)
    return query


def _owing_hq_ids() -> Select[Any]:
    """HQ IDs whose dues balance is owed, summed in SQL as `services.dues.balances` sums it.

    A member's balance is the sum of their live (unreversed) entries: charges
    count up; payments, credits and waivers down; a reversal and the entry it
    reverses cancel, so both are left out. A positive balance is an amount owed
    (outstanding is then positive and there is no credit).
    """
    reversal = aliased(LedgerEntry)
    reversed_already = exists().where(reversal.reverses_id == LedgerEntry.id)
    signed = case(
        (LedgerEntry.kind == "charge", LedgerEntry.amount_cents), else_=-LedgerEntry.amount_cents
    )
    return (
        select(LedgerEntry.hq_id)
        .where(LedgerEntry.kind != "reversal", ~reversed_already)
        .group_by(LedgerEntry.hq_id)
        .having(func.sum(signed) > 0)
    )


def _order(
    session: Session, sort: str, descending: bool, day: dt.date
) -> list[Any]:
    if sort not in SORT_KEYS:
        raise BadInputError(f"The roster cannot be sorted by {sort!r}; use one of {SORT_KEYS}.")
    name = [_ci(session, HqMember.last_name), _ci(session, HqMember.first_name)]
    keys: list[Any]
    if sort == "name":
        keys = list(name)
    elif sort == "hq_id":
        keys = [func.length(HqMember.hq_id), HqMember.hq_id]
    elif sort == "category":
        types = _category_types(session, CategoryIndex(categories_in(session)))
        rank = case(
            *((HqMember.member_type == t, literal(n)) for t, (_c, n) in types.items()),
            else_=literal(len(types) + 1000),
        ) if types else literal(0)
        keys = [rank, *name]
    elif sort == "standing":
        keys = [standing_sql(day, settings_row(session).grace_days), *name]
    elif sort == "paid_through":
        keys = [HqMember.paid_through, *name]
    elif sort == "joined":
        keys = [ChapterMembership.chapter_joined_on, *name]
    else:
        column = {"email": HqMember.email, "company": HqMember.company, "city": HqMember.city}
        keys = [_ci(session, column[sort]), *name]
    ordered = [k.desc() if descending else k.asc() for k in keys]
    tiebreak = ChapterMembership.id.desc() if descending else ChapterMembership.id.asc()
    return [*ordered, tiebreak]


def ordered_ids(
    db: Database, wanted: RosterFilter, sort: str = "name", descending: bool = False,
    as_of: dt.date | None = None,
) -> list[int]:
    """The membership keys of every member the filter shows, in display order.

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        query = _filtered(session, [ChapterMembership.id], wanted, day)
        query = query.order_by(*_order(session, sort, descending, day))
        # fetchall in one go: iterating a result fetches row by row, 4× slower at 50,000.
        return list(session.connection().execute(query).scalars().all())


def matching_ids(
    db: Database, wanted: RosterFilter, as_of: dt.date | None = None,
    within: set[int] | None = None,
) -> set[int]:
    """The membership keys the filter shows, unordered (cheaper than `ordered_ids`).

    A table that already holds the ordered keys of the unsearched filter keeps
    those in its order that match a search typed into it.

    Args:
        within: only look among these keys (the matches of the text typed so far,
            when the officer keeps typing: a longer search can only match fewer).
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        query = _filtered(session, [ChapterMembership.id], wanted, day)
        if within is not None:
            query = query.where(ChapterMembership.id.in_(sorted(within)))
        return set(session.connection().execute(query).scalars().all())
