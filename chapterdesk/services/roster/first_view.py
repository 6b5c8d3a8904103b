"""The window's first screen, read straight from an SQLite file before SQLAlchemy is loaded.

Importing SQLAlchemy and the models takes about a third of a second, longer
than a bare Qt window takes to appear. What the window shows first (the
chapter's name, its categories, how many members there are and the first page
of them by name) is therefore read here with the standard library's `sqlite3`,
in one read transaction; the keys of every member in name order, which only
scrolling needs, are read next (`roster_keys`), and the worker thread then
goes on to load SQLAlchemy for everything after. A shared server is read
through the usual services.

The roster's SQL is not written here: it is the one roster query
(`services.roster.sql`, plain Python) asked for this view (no filter, sorted
by name), the same text `services.roster.query` runs through SQLAlchemy;
rows are made by the same `roster_row`. Only the settings and categories
reads below mirror `services.chapter`, and tests hold both ways to the same
answers.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chapterdesk.data.engine import Database
from chapterdesk.data.revision import BUSY_TIMEOUT_S
from chapterdesk.errors import BadInputError
from chapterdesk.services.chapter_values import (
    NO_CHAPTER_YET,
    Category,
    CategoryIndex,
    ChapterInfo,
    split_hq_types,
)
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.values import MemberColumns, RosterRow, RowContext, roster_row

SETTINGS_SQL = (
    "SELECT name, currency, year_start_month, year_start_day, grace_days, stale_after_days,"
    " page_size, officer_name, quorum_percent FROM chapter_settings WHERE id = 1"
)
CATEGORIES_SQL = (
    "SELECT id, code, name, may_vote, may_hold_office, eligible, description, hq_types"
    " FROM membership_category ORDER BY sort_order, id"
)
# Open memberships, without the join: the foreign key on chapter_membership.hq_id (enforced
# on every connection) means each has its HQ record, and the partial index answers alone.
COUNT_SQL = "SELECT count(*) FROM chapter_membership WHERE left_on IS NULL"
#: The roster as it first opens (no filter, by name), from the one roster query definition.
KEYS_BY_NAME = roster_sql.roster_select(["membership_id"])
ROW_COLUMNS = tuple(MemberColumns.__dataclass_fields__)


@dataclass(frozen=True)
class RosterStart:
    """The roster's first screen: how many current members, and the first of them by name."""

    info: ChapterInfo
    categories: list[Category]
    total: int
    first_page: list[RosterRow]


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
    )
    connection.execute("BEGIN")  # one snapshot for every read below
    return connection


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def _info(connection: sqlite3.Connection) -> ChapterInfo:
    row = connection.execute(SETTINGS_SQL).fetchone()
    if row is None:
        raise BadInputError(NO_CHAPTER_YET)
    return ChapterInfo(*row)


def _categories(connection: sqlite3.Connection) -> list[Category]:
    return [
        Category(
            i, code, name, bool(vote), bool(office), bool(eligible), text, split_hq_types(types)
        )
        for i, code, name, vote, office, eligible, text, types in connection.execute(
            CATEGORIES_SQL
        )
    ]


def _rows(
    connection: sqlite3.Connection, found: list[Any], context: RowContext
) -> list[RosterRow]:
    decode = roster_sql.decoder(ROW_COLUMNS)
    columns = [MemberColumns(*decode(r)) for r in found]
    offices: dict[int, list[str]] = {}
    if columns:
        held = roster_sql.offices_select([c.membership_id for c in columns], context.day)
        for membership_id, position in connection.execute(held.sql, held.params):
            offices.setdefault(membership_id, []).append(position)
    return [roster_row(c, context, tuple(offices.get(c.membership_id, ()))) for c in columns]


def chapter_info(db: Database) -> ChapterInfo:
    """The chapter's settings (as `services.chapter.chapter_info`, without SQLAlchemy on SQLite).

    Raises:
        BadInputError: the database has no chapter yet.
    """
    if db.location.path is None:
        from chapterdesk.services import chapter

        return chapter.chapter_info(db)
    with closing(_connect(db.location.path)) as connection:
        return _info(connection)


def roster_start(db: Database, page_size: int, today: dt.date | None = None) -> RosterStart:
    """The roster as it first opens (no filter, by name): its size and first `page_size` rows.

    Raises:
        BadInputError: the database has no chapter yet.
    """
    day = today or dt.date.today()
    if db.location.path is None:
        return _start_through_the_services(db, page_size, day)
    with closing(_connect(db.location.path)) as connection:
        info = _info(connection)
        categories = _categories(connection)
        total = int(connection.execute(COUNT_SQL).fetchone()[0])
        opening = roster_sql.roster_select(
            ROW_COLUMNS, day=day, grace_days=info.grace_days, limit=page_size
        )
        found = connection.execute(opening.sql, opening.params).fetchall()
        context = RowContext(day, info.grace_days, CategoryIndex(categories))
        first = _rows(connection, found, context)
    return RosterStart(info, categories, total, first)


def roster_keys(db: Database) -> list[int]:
    """Every current member's key, in the order the roster first opens in (by name)."""
    if db.location.path is None:
        from chapterdesk.services.roster import query as roster_query

        return roster_query.ordered_ids(db, roster_query.RosterFilter(), "name")
    with closing(_connect(db.location.path)) as connection:
        found = connection.execute(KEYS_BY_NAME.sql, KEYS_BY_NAME.params).fetchall()
        return [key for (key,) in found]


def _start_through_the_services(db: Database, page_size: int, day: dt.date) -> RosterStart:
    from chapterdesk.services import chapter
    from chapterdesk.services.roster import query as roster_query

    wanted = roster_query.RosterFilter()
    return RosterStart(
        chapter.chapter_info(db),
        chapter.list_categories(db),
        roster_query.count(db, wanted, as_of=day),
        roster_query.page(db, wanted, "name", 0, page_size, as_of=day),
    )
