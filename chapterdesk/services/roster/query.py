"""The roster as a big table and its callers read it: filtered and sorted in SQL, by page.

The statement is defined once (`services.roster.sql`) and run by a `Reader`
(`services.roster.reader`): on an SQLite file through the standard library,
on a server, or inside a unit of work, through SQLAlchemy (`SessionReader`,
here). A table asks for the ordered member keys of its filter
(`ordered_ids`, one narrow query), keeps them, and fetches the rows it paints
by key (`rows_for`, 200 at a time); `count` and `page` serve callers that
want LIMIT/OFFSET pages instead. Plain tuples and values come back, never
ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import categories_in, settings_row
from chapterdesk.services.chapter_values import CategoryIndex, ChapterInfo
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.reader import MOST_PARAMETERS, ROW_COLUMNS, Chapter, statement
from chapterdesk.services.roster.reader import table_rows as table_rows
from chapterdesk.services.roster.sql import SORT_KEYS as SORT_KEYS
from chapterdesk.services.roster.sql import RosterSql

# Re-exported: the plain values live in roster.values (importable without SQLAlchemy).
from chapterdesk.services.roster.values import RosterFilter as RosterFilter
from chapterdesk.services.roster.values import RosterRow as RosterRow

__all__ = [
    "ROW_COLUMNS", "SORT_KEYS", "RosterFilter", "RosterRow", "SessionReader", "count",
    "matching_ids", "ordered_ids", "page", "read", "rows_for", "table_rows",
]


class SessionRunner:
    """Statements of the query layer run through an SQLAlchemy session, in its transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def run(self, statement: RosterSql) -> list[Any]:
        """The raw rows of one statement, run in the session's transaction."""
        connection = self.session.connection()
        if connection.dialect.name == roster_sql.SQLITE:
            driver = connection.connection.driver_connection
            roster_sql.register_fold(driver)  # type: ignore[arg-type]
        return list(connection.execute(text(statement.sql), statement.params).fetchall())


class SessionReader(SessionRunner):
    """A roster read through an SQLAlchemy session (a server, or inside a unit of work)."""

    def __init__(self, session: Session, day: dt.date | None = None) -> None:
        super().__init__(session)
        row = settings_row(session)
        categories = categories_in(session)
        info = ChapterInfo(
            row.name, row.currency, row.year_start_month, row.year_start_day, row.grace_days,
            row.stale_after_days, row.page_size, row.officer_name, row.quorum_percent,
        )
        self.chapter = Chapter(
            session.get_bind().dialect.name,
            day or dt.date.today(),
            info,
            categories,
            CategoryIndex(categories),
        )


def read(
    db: Database,
    columns: Sequence[str],
    wanted: RosterFilter | None = None,
    *,
    sort: str | None = "name",
    descending: bool = False,
    as_of: dt.date | None = None,
) -> list[tuple[Any, ...]]:
    """The named columns of every current member the filter shows, in order (`reader.read`).

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    with roster_reader.reading(db, as_of) as reader:
        return roster_reader.read(reader, columns, wanted, sort=sort, descending=descending)


def ordered_ids(
    db: Database, wanted: RosterFilter, sort: str = "name", descending: bool = False,
    as_of: dt.date | None = None,
) -> list[int]:
    """The membership keys of every member the filter shows, in display order.

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    with roster_reader.reading(db, as_of) as reader:
        found = reader.run(
            statement(reader, ["membership_id"], wanted, sort=sort, descending=descending)
        )
    return [r[0] for r in found]


def matching_ids(
    db: Database, wanted: RosterFilter, as_of: dt.date | None = None,
    within: set[int] | None = None,
) -> set[int]:
    """The membership keys the filter shows, unordered (cheaper than `ordered_ids`).

    Args:
        within: only look among these keys (the matches of the text typed so far,
            when the officer keeps typing and `sql.narrows` says the longer search
            can only match fewer).
    """
    few = within is not None and len(within) <= MOST_PARAMETERS
    keys = sorted(within) if few and within is not None else None
    with roster_reader.reading(db, as_of) as reader:
        found = reader.run(statement(reader, ["membership_id"], wanted, sort=None, ids=keys))
    matched = {r[0] for r in found}
    return matched if within is None or few else matched & within


def count(db: Database, wanted: RosterFilter, as_of: dt.date | None = None) -> int:
    """How many current members the filter shows."""
    with roster_reader.reading(db, as_of) as reader:
        inner = statement(reader, ["membership_id"], wanted, sort=None)
        counted = RosterSql(f"SELECT count(*) FROM ({inner.sql}) AS shown", inner.params)
        return int(reader.run(counted)[0][0])


def rows_for(db: Database, ids: Sequence[int], as_of: dt.date | None = None) -> list[RosterRow]:
    """The roster rows of the given membership keys, in the order given (unknown keys skipped)."""
    with roster_reader.reading(db, as_of) as reader:
        found = roster_reader.rows_by_key(reader, ROW_COLUMNS, list(ids))
        by_id = {r.membership_id: r for r in table_rows(reader, found)}
    return [by_id[i] for i in ids if i in by_id]


def page(
    db: Database, wanted: RosterFilter, sort: str = "name", offset: int = 0, limit: int = 200,
    *, descending: bool = False, as_of: dt.date | None = None,
) -> list[RosterRow]:
    """One LIMIT/OFFSET page of the filtered, sorted roster (for exports and scripts)."""
    with roster_reader.reading(db, as_of) as reader:
        found = reader.run(statement(
            reader, ROW_COLUMNS, wanted, sort=sort, descending=descending,
            limit=limit, offset=offset,
        ))
        return table_rows(reader, found)
