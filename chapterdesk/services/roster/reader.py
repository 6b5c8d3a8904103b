"""Running the roster query: on an SQLite file through `sqlite3`, elsewhere through SQLAlchemy.

A read of the roster needs the chapter's grace period and categories and then
one statement of the roster query (`services.roster.sql`). On an SQLite file
that is a few milliseconds of work for the standard library's `sqlite3`,
while importing SQLAlchemy and the models costs a third of a second or more:
so a `Reader` on a file opens it read-only, in one snapshot, with nothing but
the standard library (the window's first screen and the command line's
listings start no slower than their data). A shared server, or a read inside
a unit of work, is read through its SQLAlchemy session instead
(`services.roster.query.SessionReader`); both run the same statement text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from chapterdesk.data.revision import BUSY_TIMEOUT_S, read_only_uri
from chapterdesk.errors import BadInputError
from chapterdesk.services.chapter_values import (
    NO_CHAPTER_YET,
    Category,
    CategoryIndex,
    ChapterInfo,
    split_hq_types,
)
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.sql import SORT_KEYS, RosterSql
from chapterdesk.services.roster.values import (
    MemberColumns,
    RosterFilter,
    RosterRow,
    RowContext,
    roster_row,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chapterdesk.data.engine import Database

SETTINGS_SQL = (
    "SELECT name, currency, year_start_month, year_start_day, grace_days, stale_after_days,"
    " page_size, officer_name, quorum_percent FROM chapter_settings WHERE id = 1"
)
CATEGORIES_SQL = (
    "SELECT id, code, name, may_vote, may_hold_office, eligible, description, hq_types"
    " FROM membership_category ORDER BY sort_order, id"
)
#: The columns a roster table row is made from, in the order of `MemberColumns`.
ROW_COLUMNS = tuple(MemberColumns.__dataclass_fields__)
MEMBER_TYPES_SQL = RosterSql("SELECT DISTINCT member_type FROM hq_member")
#: Above this many keys, statements are run in chunks (SQLite's parameter limit is far above).
MOST_PARAMETERS = 900


@dataclass(frozen=True)
class Chapter:
    """What every roster read needs from the chapter: the engine, day, grace and categories."""

    dialect: str
    day: dt.date
    info: ChapterInfo
    categories: list[Category]
    index: CategoryIndex

    @property
    def grace_days(self) -> int:
        """Days after the paid-through date that still count as grace."""
        return self.info.grace_days

    def row_context(self) -> RowContext:
        """The context `roster_row` turns columns into rows with."""
        return RowContext(self.day, self.info.grace_days, self.index)


def chapter_from(dialect: str, day: dt.date, settings: Any, categories: list[Category]) -> Chapter:
    """A `Chapter` from a settings row (as `SETTINGS_SQL` reads it) and the categories."""
    if settings is None:
        raise BadInputError(NO_CHAPTER_YET)
    return Chapter(dialect, day, ChapterInfo(*settings), categories, CategoryIndex(categories))


def categories_from(rows: Sequence[Sequence[Any]]) -> list[Category]:
    """Categories from rows as `CATEGORIES_SQL` reads them."""
    return [
        Category(
            i, code, name, bool(vote), bool(office), bool(eligible), text, split_hq_types(types)
        )
        for i, code, name, vote, office, eligible, text, types in rows
    ]


@runtime_checkable
class Runs(Protocol):
    """Something that runs a statement of the query layer and gives its raw rows."""

    def run(self, statement: RosterSql) -> list[Any]:
        """The raw rows of one statement (dates as the driver gives them)."""
        ...


class Reader(Runs, Protocol):
    """One consistent read of the roster: the chapter, and statements run in its snapshot."""

    chapter: Chapter


def runner(source: Runs | Session) -> Runs:
    """What runs statements for `source`: a reader as it is, a session through SQLAlchemy.

    The dues readers take either, so a read inside a unit of work and a read of
    a file with the standard library run the very same statement text.
    """
    if isinstance(source, Runs):
        return source
    from chapterdesk.services.roster.query import SessionRunner

    return SessionRunner(source)


class SqliteReader:
    """A roster read of an SQLite file through the standard library, in one snapshot."""

    def __init__(self, connection: sqlite3.Connection, day: dt.date) -> None:
        self.connection = connection
        settings = connection.execute(SETTINGS_SQL).fetchone()
        categories = categories_from(connection.execute(CATEGORIES_SQL).fetchall())
        self.chapter = chapter_from(roster_sql.SQLITE, day, settings, categories)

    def run(self, statement: RosterSql) -> list[Any]:
        """The raw rows of one roster statement."""
        return self.connection.execute(statement.sql, statement.params).fetchall()


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to an SQLite file, inside one read transaction (one snapshot).

    Opened as the database's own read engine opens it (`read_only_uri`): nothing
    is written beside the file, so a folder no one can write is read too.
    """
    connection = sqlite3.connect(
        read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
    )
    roster_sql.register_fold(connection)
    connection.execute("BEGIN")
    return connection


@contextmanager
def reading(db: Database, as_of: dt.date | None = None) -> Iterator[Reader]:
    """A roster read of the database: the standard library's on a file, else SQLAlchemy's."""
    day = as_of or dt.date.today()
    path = db.location.path
    if path is not None:
        with closing(connect(path)) as connection:
            yield SqliteReader(connection, day)
        return
    from chapterdesk.services.roster.query import SessionReader

    with db.reading() as session:
        yield SessionReader(session, day)


def chapter_info(db: Database) -> ChapterInfo:
    """The chapter's settings (on a file, read with the standard library alone)."""
    with reading(db) as reader:
        return reader.chapter.info


def member_types_of(reader: Reader, category_id: int) -> list[str]:
    """Every HQ member type in the data that resolves to the category.

    Raises:
        BadInputError: no category has that key (any more).
    """
    chapter = reader.chapter
    if not any(c.id == category_id for c in chapter.categories):
        raise BadInputError("That membership category no longer exists; choose another.")
    return [
        t
        for (t,) in reader.run(MEMBER_TYPES_SQL)
        if (c := chapter.index.resolve(t)) is not None and c.id == category_id
    ]


def category_rank(reader: Reader) -> dict[str, int]:
    """Each HQ member type's place among the categories (for sorting by category)."""
    chapter = reader.chapter
    order = {c.id: n for n, c in enumerate(chapter.categories)}
    rank = {}
    for (member_type,) in reader.run(MEMBER_TYPES_SQL):
        category = chapter.index.resolve(member_type)
        if category is not None:
            rank[member_type] = order[category.id]
    return rank


def statement(
    reader: Reader,
    columns: Sequence[str],
    wanted: RosterFilter | None = None,
    *,
    sort: str | None = "name",
    descending: bool = False,
    ids: Sequence[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> RosterSql:
    """The roster statement for a filter, its category and sort resolved against the data.

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    if sort is not None and sort not in SORT_KEYS:
        raise BadInputError(f"The roster cannot be sorted by {sort!r}; use one of {SORT_KEYS}.")
    f = wanted or RosterFilter()
    chapter = reader.chapter
    return roster_sql.roster_select(
        columns,
        dialect=chapter.dialect,
        day=chapter.day,
        grace_days=chapter.grace_days,
        search=f.search,
        standings=sorted(f.standings),
        member_types=member_types_of(reader, f.category_id) if f.category_id is not None else None,
        officer=f.officer,
        owing=f.owing,
        ids=ids,
        sort=sort,
        descending=descending,
        category_rank=category_rank(reader) if sort == "category" else None,
        limit=limit,
        offset=offset,
    )


def rows_by_key(
    reader: Reader, columns: Sequence[str], keys: Sequence[int]
) -> list[Any]:
    """The raw rows of `columns` for the given membership keys (unordered; chunked)."""
    found: list[Any] = []
    for start in range(0, len(keys), MOST_PARAMETERS):
        chunk = keys[start : start + MOST_PARAMETERS]
        found += reader.run(statement(reader, columns, sort=None, ids=chunk))
    return found


def read(
    reader: Reader,
    columns: Sequence[str],
    wanted: RosterFilter | None = None,
    *,
    sort: str | None = "name",
    descending: bool = False,
) -> list[tuple[Any, ...]]:
    """The named columns of every current member the filter shows, in order, as plain tuples.

    Dates come back as `datetime.date`, booleans as `bool`, `standing` as its
    `Standing` value text.

    Raises:
        BadInputError: an unknown sort key or a category that no longer exists.
    """
    found = reader.run(statement(reader, columns, wanted, sort=sort, descending=descending))
    decode = roster_sql.decoder(columns)
    return [decode(r) for r in found]


def offices_of(reader: Reader, keys: Sequence[int]) -> dict[int, list[str]]:
    """The offices each membership holds on the reader's day, in the positions' order."""
    chapter = reader.chapter
    offices: dict[int, list[str]] = {}
    for start in range(0, len(keys), MOST_PARAMETERS):
        held = roster_sql.offices_select(
            keys[start : start + MOST_PARAMETERS], chapter.day, chapter.dialect
        )
        for membership_id, position in reader.run(held):
            offices.setdefault(membership_id, []).append(position)
    return offices


def table_rows(reader: Reader, found: list[Any]) -> list[RosterRow]:
    """Roster table rows from raw rows of `ROW_COLUMNS`, with the offices each member holds."""
    decode = roster_sql.decoder(ROW_COLUMNS)
    columns = [MemberColumns(*decode(r)) for r in found]
    offices = offices_of(reader, [c.membership_id for c in columns])
    context = reader.chapter.row_context()
    return [roster_row(c, context, tuple(offices.get(c.membership_id, ()))) for c in columns]
