"""Opening a chapter database with its schema brought to the current version.

An older schema is upgraded on open, after a verified backup; a database
written by a newer ChapterDesk, or a file that is not a ChapterDesk database,
is refused with a message that says what to do.

On PostgreSQL there is no file to back up: the whole upgrade runs in one
transaction (PostgreSQL's DDL is transactional, so a failed upgrade leaves the
schema exactly as it was), under an advisory lock so that two officers opening
the shared database at once do not both upgrade it. It is logged as such.

A database already at the current schema (`revision.SCHEMA_HEAD`) is opened
without loading Alembic at all: an SQLite file's stored revision is read with
the standard library, a server's with one plain query. Alembic is imported
only to upgrade, to refuse, or to answer `head_revision()`; an SQLite file at
the current schema is opened without loading SQLAlchemy either (the
`Database` makes its engines when first used).
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from chapterdesk.backup import automatic_backup, latest_automatic_backup
from chapterdesk.data.engine import Database, Location, resolve_location
from chapterdesk.data.lock import lock_path_for
from chapterdesk.data.revision import BUSY_TIMEOUT_S, SCHEMA_HEAD, sqlite_revision
from chapterdesk.errors import DatabaseError
from chapterdesk.file_kinds import is_plain_or_absent, kind_of

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
# pg_advisory_xact_lock key held while the schema is upgraded ("ChapterD" in ASCII).
UPGRADE_LOCK_KEY = 0x4368_6170_7465_7244
log = logging.getLogger(__name__)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config bound to ChapterDesk's migrations (and a connection, to run them)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of ChapterDesk knows (Alembic's answer)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration history is empty"
    return head


def known_revisions() -> set[str]:
    """Every revision in this version's history."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None when Alembic never touched it."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Run the migrations up to `revision` on `db` in one transaction.

    On PostgreSQL the transaction first takes an advisory lock, so a second
    ChapterDesk opening the same database waits and then finds nothing to do.
    """
    from alembic import command
    from sqlalchemy import text

    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": UPGRADE_LOCK_KEY})
        command.upgrade(alembic_config(connection), revision)


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that cannot be read, is not an SQLite file, or is cut short.

    An empty file passes (it becomes a new database). A file shorter than the
    page count its own header records has lost its end (a failed copy, a full
    disk); SQLite would only notice when it reaches a missing page.

    Raises:
        DatabaseError: the reason, in a sentence for the officer, offering a restore.
    """
    try:
        if not path.exists() or path.stat().st_size == 0:
            return
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):  # the file is fine: a restore would not help
            raise DatabaseError(
                f"ChapterDesk may not read the database file {path} (permission denied); "
                "check its permissions, or ask whoever owns it."
            ) from None
        raise DatabaseError(
            f"Cannot read the database file {path}: {exc.strerror}. " + _restore_hint(path)
        ) from None
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise DatabaseError(
            f"{path} is not a ChapterDesk database (it is not an SQLite file). "
            + _restore_hint(path)
        )
    if len(header) == 100:
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        header_size_valid = header[24:28] == header[92:96]
        if header_size_valid and pages * page_size > size:
            raise DatabaseError(
                f"{path} is cut short ({size:,} of {pages * page_size:,} bytes); "
                "it cannot be used as it is. " + _restore_hint(path)
            )


def _restore_hint(path: Path | None) -> str:
    """Advice to restore a backup, naming `path` only when a restore could safely replace it."""
    if path is None:
        return "Check the server and the URL, or restore a backup."
    if not is_plain_or_absent(path):
        return "Give the path of the chapter's database file with --db."
    if not os.access(_folder_of(path), os.W_OK):
        return (
            f"Its folder {_folder_of(path)} is read-only, so a restore cannot write there: "
            "copy a backup of the chapter to a writable folder and give that with --db."
        )
    latest = latest_automatic_backup(path)
    if latest is None:
        return f"Restore a backup with `chapterdesk restore FILE --db {path}`."
    return (
        f"Restore a backup with `chapterdesk restore FILE --db {path}`; "
        f"the newest automatic one is {latest}."
    )


def _folder_of(path: Path) -> Path:
    """The nearest existing folder holding `path`."""
    here = path.parent
    while not here.exists() and here != here.parent:
        here = here.parent
    return here


def open_database(
    given: str | os.PathLike[str] | Location | None = None,
    *,
    create: bool = False,
    read_only: bool = False,
    lock_wait: float = 0.0,
) -> Database:
    """Open (and when asked, create) a chapter database at the current schema.

    Args:
        given: a path, a URL, a `Location`, or None for CHAPTERDESK_DB / the default file.
        create: make a new empty database when the file does not exist yet.
        read_only: open without the writer (another process holds the database).
        lock_wait: seconds to wait for another process's writer lock on a SQLite file.
    Raises:
        DatabaseLockedError: another ChapterDesk holds the file for writing.
        DatabaseError: missing file (without `create`), not a ChapterDesk database,
            a database from a newer version, or a database that cannot be opened.
    """
    location = given if isinstance(given, Location) else resolve_location(given)
    if location.path is not None:
        kind = kind_of(location.path)
        if kind is not None:
            raise DatabaseError(
                f"{location.path} is {kind}, not a ChapterDesk database file; "
                "give the path of the chapter's database file with --db."
            )
        if not location.path.exists() and not create:
            raise DatabaseError(
                f"There is no ChapterDesk database at {location.path}. "
                "Create one with `chapterdesk init --chapter NAME`, or give --db."
            )
        if not create and location.path.stat().st_size == 0:
            # Refused before the schema (or the lock) touches it: the file stays 0 bytes.
            raise DatabaseError(
                f"{location.path} is empty (0 bytes): it holds no chapter. Start one in it with "
                f"`chapterdesk init --chapter NAME --db {location.path}`, or restore a backup "
                f"into it with `chapterdesk restore FILE --db {location.path}`."
            )
        check_sqlite_file(location.path)
    # A file this open refuses (another program's, a newer version's) is left as it was
    # found: a lock file made for it goes again. One that was there already stays.
    made_lock = location.path is not None and not lock_path_for(location.path).exists()
    db = Database(location, read_only=read_only, lock_wait=lock_wait)
    try:
        _bring_schema_up_to_date(db)
        _name_the_lock_holder(db)
    except BaseException as exc:
        db.dispose()
        if made_lock and location.path is not None:
            lock_path_for(location.path).unlink(missing_ok=True)
        problem = _opening_problem(exc, location)
        if problem is None:
            raise
        raise problem from None
    return db


def _opening_problem(exc: BaseException, location: Location) -> DatabaseError | None:
    """The officer's sentence for a database that cannot be opened (None: not such an error)."""
    dbapi_error: type[BaseException] | None = None
    if "sqlalchemy" in sys.modules:  # otherwise nothing raised one of its errors
        from sqlalchemy.exc import DBAPIError

        dbapi_error = DBAPIError
    is_dbapi = dbapi_error is not None and isinstance(exc, dbapi_error)
    if not is_dbapi and not isinstance(exc, sqlite3.DatabaseError):
        return None
    from chapterdesk.environment_errors import explain

    environment = explain(exc, location.path)  # a full disk, a read-only folder, …
    if environment is not None:
        return DatabaseError(environment.message)
    if location.path is None and is_dbapi:
        from chapterdesk.credentials import address_of, connection_problem

        address = address_of(location.url)
        if address is not None:
            return DatabaseError(connection_problem(exc, address))
    return DatabaseError(
        f"Cannot open the database {location.display()}: {getattr(exc, 'orig', exc)}. "
        + _restore_hint(location.path)
    )


def _name_the_lock_holder(db: Database) -> None:
    """Put the chapter's officer name into the writer lock, for whoever finds it held."""
    if db.writer_lock is None or db.location.path is None:
        return
    uri = f"{db.location.path.as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as connection:
        query = "SELECT officer_name FROM chapter_settings WHERE id = 1"
        row = connection.execute(query).fetchone()
    if row is not None and row[0]:
        db.writer_lock.describe(str(row[0]))


def verify_schema(connection: Connection, display: str) -> str | None:
    """The revision of a ChapterDesk database, refusing a foreign or newer one.

    Returns None for an empty database (no tables yet).

    Raises:
        DatabaseError: the database holds other tables, or was written by a newer version.
    """
    from sqlalchemy import inspect

    current = current_revision(connection)
    tables = set(inspect(connection).get_table_names())
    if current is None:
        if tables - {"alembic_version"}:
            raise DatabaseError(
                f"{display} is not a ChapterDesk database "
                f"(it holds other tables: {', '.join(sorted(tables)[:5])}). "
                "Choose another file."
            )
    elif current not in known_revisions():
        raise DatabaseError(
            f"{display} was written by a newer version of ChapterDesk "
            f"(schema {current}; this version knows up to {head_revision()}). "
            "Update ChapterDesk to open it; nothing was changed."
        )
    return current


def _stored_revision_is_head(db: Database) -> bool:
    """Whether the database records exactly the current head (told without Alembic)."""
    if db.location.path is not None:
        return sqlite_revision(db.location.path) == SCHEMA_HEAD
    from sqlalchemy import inspect, text

    with db.read_engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return [tuple(row) for row in rows] == [(SCHEMA_HEAD,)]


def _bring_schema_up_to_date(db: Database) -> None:
    if _stored_revision_is_head(db):
        return
    head = head_revision()
    with db.read_engine.connect() as connection:
        current = verify_schema(connection, db.location.display())
    if current == head:
        return
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
