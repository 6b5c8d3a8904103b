"""Opening a chapter database with its schema brought to the current version.

An older schema is upgraded on open, after a verified backup; a database
written by a newer ChapterDesk, or a file that is not a ChapterDesk database,
is refused with a message that says what to do.

On PostgreSQL there is no file to back up: the whole upgrade runs in one
transaction (PostgreSQL's DDL is transactional, so a failed upgrade leaves the
schema exactly as it was), under an advisory lock so that two officers opening
the shared database at once do not both upgrade it. It is logged as such.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError

from chapterdesk.backup import automatic_backup
from chapterdesk.credentials import address_of, connection_problem
from chapterdesk.data.engine import Database, Location, resolve_location
from chapterdesk.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
# pg_advisory_xact_lock key held while the schema is upgraded ("ChapterD" in ASCII).
UPGRADE_LOCK_KEY = 0x4368_6170_7465_7244
log = logging.getLogger(__name__)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config bound to ChapterDesk's migrations (and a connection, to run them)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of ChapterDesk knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration history is empty"
    return head


def known_revisions() -> set[str]:
    """Every revision in this version's history."""
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None when Alembic never touched it."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Run the migrations up to `revision` on `db` in one transaction.

    On PostgreSQL the transaction first takes an advisory lock, so a second
    ChapterDesk opening the same database waits and then finds nothing to do.
    """
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": UPGRADE_LOCK_KEY})
        command.upgrade(alembic_config(connection), revision)


def _check_sqlite_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseError(f"Cannot read the database file {path}: {exc.strerror}.") from None
    if header != SQLITE_MAGIC:
        raise DatabaseError(
            f"{path} is not a ChapterDesk database (it is not an SQLite file). "
            "Choose another file, or restore a backup."
        )


def open_database(
    given: str | Location | None = None,
    *,
    create: bool = False,
    read_only: bool = False,
) -> Database:
    """Open (and when asked, create) a chapter database at the current schema.

    Args:
        given: a path, a URL, a `Location`, or None for CHAPTERDESK_DB / the default file.
        create: make a new empty database when the file does not exist yet.
        read_only: open without the writer (another process holds the database).
    Raises:
        DatabaseError: missing file (without `create`), not a ChapterDesk database,
            a database from a newer version, or a database that cannot be opened.
    """
    location = given if isinstance(given, Location) else resolve_location(given)
    if location.path is not None:
        if not location.path.exists() and not create:
            raise DatabaseError(
                f"There is no ChapterDesk database at {location.path}. "
                "Create one with `chapterdesk init --chapter NAME`, or give --db."
            )
        _check_sqlite_file(location.path)
    db = Database(location, read_only=read_only)
    try:
        _bring_schema_up_to_date(db)
    except (OperationalError, DBAPIError, sqlite3.DatabaseError) as exc:
        db.dispose()
        address = None if location.path is not None else address_of(location.url)
        if address is not None and isinstance(exc, DBAPIError):
            raise DatabaseError(connection_problem(exc, address)) from None
        raise DatabaseError(
            f"Cannot open the database {location.display()}: {getattr(exc, 'orig', exc)}. "
            "Check the path or the server, or restore a backup."
        ) from None
    except BaseException:
        db.dispose()
        raise
    return db


def _bring_schema_up_to_date(db: Database) -> None:
    head = head_revision()
    with db.read_engine.connect() as connection:
        current = current_revision(connection)
        tables = set(inspect(connection).get_table_names())
    if current == head:
        return
    if current is None:
        if tables - {"alembic_version"}:
            raise DatabaseError(
                f"{db.location.display()} is not a ChapterDesk database "
                f"(it holds other tables: {', '.join(sorted(tables)[:5])}). "
                "Choose another file."
            )
    elif current not in known_revisions():
        raise DatabaseError(
            f"{db.location.display()} was written by a newer version of ChapterDesk "
            f"(schema {current}; this version knows up to {head}). "
            "Update ChapterDesk to open it; nothing was changed."
        )
    if db.read_only:
        raise DatabaseError(
            f"{db.location.display()} needs a schema upgrade ({current} → {head}), "
            "which cannot be done read-only. Close the other ChapterDesk and try again."
        )
    if current is not None and db.location.path is not None:
        automatic_backup(db.location.path, f"before-upgrade-{current}-to-{head}")
    elif current is not None:
        log.warning(
            "Upgrading the schema of %s from %s to %s in one transaction; %s has no file "
            "to back up, and a failed upgrade is rolled back whole (its DDL is transactional).",
            db.location.display(),
            current,
            head,
            db.dialect,
        )
    upgrade(db)
