"""The roster query run through SQLAlchemy: every reader's rows, filtered and sorted in SQL.

The statement itself is defined once in `services.roster.sql`; this module
runs it on a `Database` (SQLite or PostgreSQL) and hands back plain tuples,
never ORM objects. A reader names the columns it needs (`read`), so the
command line, the exports, the reports and the dues assessment all read the
same members in the same order with the same search. A big table asks for
the ordered member keys of its filter (`ordered_ids`, one narrow query),
keeps them, and fetches the rows it paints by key (`rows_for`, 200 at a
time); `count` and `page` serve callers that want LIMIT/OFFSET pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError
from chapterdesk.services.chapter import categories_in, settings_row
from chapterdesk.services.chapter_values import Category, CategoryIndex
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.sql import SORT_KEYS as SORT_KEYS
from chapterdesk.services.roster.sql import RosterSql

# Re-exported: the plain values live in roster.values (importable without SQLAlchemy).
from chapterdesk.services.roster.values import MemberColumns, RowContext, roster_row
from chapterdesk.services.roster.values import RosterFilter as RosterFilter
from chapterdesk.services.roster.values import RosterRow as RosterRow

#: The columns a roster table row is made from, in the order of `MemberColumns`.
ROW_COLUMNS = tuple(MemberColumns.__dataclass_fields__)
#: Above this many keys a `within` set is intersected in Python, not sent as SQL parameters.
_MOST_PARAMETERS = 900


@dataclass(frozen=True)
class Chapter:
    """What every roster read needs from the chapter: the day, grace and categories."""

    dialect: str
    day: dt.date
    grace_days: int
    categories: list[Category]
    index: CategoryIndex

    def row_context(self) -> RowContext:
        """The context `roster_row` turns columns into rows with."""
        return RowContext(self.day, self.grace_days, self.index)


def chapter_of(session: Session, as_of: dt.date | None = None) -> Chapter:
    """The chapter's day, grace and categories, read inside a unit of work."""
    categories = categories_in(session)
    return Chapter(
        session.get_bind().dialect.name,
        as_of or dt.date.today(),
        settings_row(session).grace_days,
        categories,
        CategoryIndex(categories),
    )


def run(session: Session, statement: RosterSql) -> list[Any]:
    """Execute one roster statement; its raw rows (dates as the driver gives them)."""
    connection = session.connection()
    if connection.dialect.name == roster_sql.SQLITE:
        driver = connection.connection.driver_connection
        roster_sql.register_fold(driver)  # type: ignore[arg-type]
    return list(connection.execute(text(statement.sql), statement.params).fetchall())


def _member_types(session: Session, chapter: Chapter, category_id: int) -> list[str]:
    """Every HQ member type in the data that resolves to the category."""
    if not any(c.id == category_id for c in chapter.categories):
        raise BadInputError("That membership category no longer exists; choose another.")
    return [
        t
        for t in session.scalars(select(HqMember.member_type).distinct())
        if (c := chapter.index.resolve(t)) is not None and c.id == category_id
    ]


def _category_rank(session: Session, chapter: Chapter) -> dict[str, int]:
    order = {c.id: n for n, c in enumerate(chapter.categories)}
    rank = {}
    for member_type in session.scalars(select(HqMember.member_type).distinct()):
        category = chapter.index.resolve(member_type)
        if category is not None:
            rank[member_type] = order[category.id]
    return rank


def statement(
    session: Session,
    chapter: Chapter,
    columns: Sequence[str],
    wanted: RosterFilter | None = None,
    *,
    sort: str | None = "name",
    descending: bool = False,
    ids: Sequence[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> RosterSql:
    """The roster statement for a filter (the category and sort resolved against the data).

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    if sort is not None and sort not in SORT_KEYS:
        raise BadInputError(f"The roster cannot be sorted by {sort!r}; use one of {SORT_KEYS}.")
    f = wanted or RosterFilter()
    return roster_sql.roster_select(
        columns,
        dialect=chapter.dialect,
        day=chapter.day,
        grace_days=chapter.grace_days,
        search=f.search,
        standings=sorted(f.standings),
        member_types=(
            _member_types(session, chapter, f.category_id) if f.category_id is not None else None
        ),
        officer=f.officer,
        owing=f.owing,
        ids=ids,
        sort=sort,
        descending=descending,
        category_rank=_category_rank(session, chapter) if sort == "category" else None,
        limit=limit,
        offset=offset,
    )


def read(
    db: Database,
    columns: Sequence[str],
    wanted: RosterFilter | None = None,
    *,
    sort: str = "name",
    descending: bool = False,
    as_of: dt.date | None = None,
) -> list[tuple[Any, ...]]:
    """The named columns of every current member the filter shows, in order, as plain tuples.

    Dates come back as `datetime.date`, booleans as `bool`, `standing` as its
    `Standing` value text.

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    with db.reading() as session:
        chapter = chapter_of(session, as_of)
        found = run(session, statement(session, chapter, columns, wanted, sort=sort,
                                       descending=descending))
    decode = roster_sql.decoder(columns)
    return [decode(r) for r in found]


def ordered_ids(
    db: Database, wanted: RosterFilter, sort: str = "name", descending: bool = False,
    as_of: dt.date | None = None,
) -> list[int]:
    """The membership keys of every member the filter shows, in display order.

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    with db.reading() as session:
        chapter = chapter_of(session, as_of)
        found = run(session, statement(
            session, chapter, ["membership_id"], wanted, sort=sort, descending=descending
        ))
    return [r[0] for r in found]


def matching_ids(
    db: Database, wanted: RosterFilter, as_of: dt.date | None = None,
    within: set[int] | None = None,
) -> set[int]:
    """The membership keys the filter shows, unordered (cheaper than `ordered_ids`).

    Args:
        within: only look among these keys (the matches of the text typed so far,
            when the officer keeps typing: a longer search can only match fewer).
    """
    few = within is not None and len(within) <= _MOST_PARAMETERS
    with db.reading() as session:
        chapter = chapter_of(session, as_of)
        keys = sorted(within) if few and within is not None else None
        found = {r[0] for r in run(session, statement(
            session, chapter, ["membership_id"], wanted, sort=None, ids=keys
        ))}
    return found if within is None or few else found & within


def count(db: Database, wanted: RosterFilter, as_of: dt.date | None = None) -> int:
    """How many current members the filter shows."""
    with db.reading() as session:
        chapter = chapter_of(session, as_of)
        inner = statement(session, chapter, ["membership_id"], wanted, sort=None)
        counted = RosterSql(f"SELECT count(*) FROM ({inner.sql}) AS shown", inner.params)
        return int(run(session, counted)[0][0])


def offices_of(session: Session, chapter: Chapter, keys: Sequence[int]) -> dict[int, list[str]]:
    """The offices each membership holds on the chapter's day, in the positions' order."""
    offices: dict[int, list[str]] = {}
    for start in range(0, len(keys), _MOST_PARAMETERS):
        chunk = keys[start : start + _MOST_PARAMETERS]
        held = roster_sql.offices_select(chunk, chapter.day, chapter.dialect)
        for membership_id, position in run(session, held):
            offices.setdefault(membership_id, []).append(position)
    return offices


def _rows(session: Session, chapter: Chapter, found: list[Any]) -> list[RosterRow]:
    decode = roster_sql.decoder(ROW_COLUMNS)
    columns = [MemberColumns(*decode(r)) for r in found]
    offices = offices_of(session, chapter, [c.membership_id for c in columns])
    context = chapter.row_context()
    return [roster_row(c, context, tuple(offices.get(c.membership_id, ()))) for c in columns]


def rows_for(db: Database, ids: Sequence[int], as_of: dt.date | None = None) -> list[RosterRow]:
    """The roster rows of the given membership keys, in the order given (unknown keys skipped)."""
    by_id: dict[int, RosterRow] = {}
    with db.reading() as session:
        chapter = chapter_of(session, as_of)
        keys = list(ids)
        for start in range(0, len(keys), _MOST_PARAMETERS):
            chunk = keys[start : start + _MOST_PARAMETERS]
            found = run(session, statement(session, chapter, ROW_COLUMNS, sort=None, ids=chunk))
            by_id.update((r.membership_id, r) for r in _rows(session, chapter, found))
    return [by_id[i] for i in ids if i in by_id]


def page(
    db: Database, wanted: RosterFilter, sort: str = "name", offset: int = 0, limit: int = 200,
    *, descending: bool = False, as_of: dt.date | None = None,
) -> list[RosterRow]:
    """One LIMIT/OFFSET page of the filtered, sorted roster (for exports and scripts)."""
    with db.reading() as session:
        chapter = chapter_of(session, as_of)
        found = run(session, statement(
            session, chapter, ROW_COLUMNS, wanted, sort=sort, descending=descending,
            limit=limit, offset=offset,
        ))
        return _rows(session, chapter, found)
