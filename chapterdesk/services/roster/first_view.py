"""The window's first screen, read straight from an SQLite file before SQLAlchemy is loaded.

Importing SQLAlchemy and the models takes about a third of a second, longer
than a bare Qt window takes to appear. What the window shows first (the
chapter's name, its categories, how many members there are and the first page
of them by name) is therefore read here with the standard library's `sqlite3`,
in one read transaction; the keys of every member in name order, which only
scrolling needs, are read next (`roster_keys`), and the worker thread then
goes on to load SQLAlchemy for everything after. A shared server is read
through the usual services.

No SQL is written here: this is the one roster query (`services.roster.sql`)
asked for this view (no filter, sorted by name) and run by a `Reader`, the
standard library's on a file, the same text `services.roster.query` runs for
every other view; rows are made by the same `roster_row`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chapterdesk.data.engine import Database
from chapterdesk.services.chapter_values import Category, ChapterInfo
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster.reader import ROW_COLUMNS, SqliteReader
from chapterdesk.services.roster.reader import chapter_info as chapter_info
from chapterdesk.services.roster.sql import RosterSql
from chapterdesk.services.roster.values import RosterRow

# Open memberships, without the join: the foreign key on chapter_membership.hq_id (enforced
# on every connection) means each has its HQ record, and the partial index answers alone.
COUNT_SQL = RosterSql("SELECT count(*) FROM chapter_membership WHERE left_on IS NULL")


@dataclass(frozen=True)
class RosterStart:
    """The roster's first screen: how many current members, and the first of them by name."""

    info: ChapterInfo
    categories: list[Category]
    total: int
    first_page: list[RosterRow]


def roster_start(db: Database, page_size: int, today: dt.date | None = None) -> RosterStart:
    """The roster as it first opens (no filter, by name): its size and first `page_size` rows.

    Raises:
        BadInputError: the database has no chapter yet.
    """
    with roster_reader.reading(db, today) as reader:
        chapter = reader.chapter
        if isinstance(reader, SqliteReader):
            total = int(reader.run(COUNT_SQL)[0][0])
        else:
            counted = roster_reader.statement(reader, ["membership_id"], sort=None)
            total = len(reader.run(counted))
        opening = roster_reader.statement(reader, ROW_COLUMNS, limit=page_size)
        first = roster_reader.table_rows(reader, reader.run(opening))
    return RosterStart(chapter.info, chapter.categories, total, first)


def roster_keys(db: Database) -> list[int]:
    """Every current member's key, in the order the roster first opens in (by name)."""
    with roster_reader.reading(db) as reader:
        return [key for (key,) in reader.run(roster_reader.statement(reader, ["membership_id"]))]
