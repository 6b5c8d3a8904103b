"""Backing up and restoring the chapter database, as the officer asks for it.

`backup_database` writes a verified snapshot to a file the officer names;
`restore_database` puts such a file back as the chapter database, after an
automatic backup of what it replaces; `start_backup_before_change` is what risky
operations (the HQ import) call first. All of it works on the embedded SQLite
file: a PostgreSQL server is backed up with its own tools (pg_dump).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import NullPool

from chapterdesk.backup import (
    STAMP_FORMAT,
    PendingBackup,
    automatic_backup,
    fsync_path,
    snapshot_sqlite,
    start_automatic_backup,
)
from chapterdesk.data.engine import Database, Location, resolve_location
from chapterdesk.data.lock import WriterLock
from chapterdesk.data.migrate import check_sqlite_file, head_revision, open_database, verify_schema
from chapterdesk.data.revision import read_only_uri
from chapterdesk.errors import BadInputError, DatabaseError
from chapterdesk.file_kinds import kind_of, require_writable_target
from chapterdesk.paths import backups_dir

SIDECARS = ("-wal", "-shm", "-journal")
LOCK_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class ChapterFileFacts:
    """What a database file holds, read without changing it."""

    path: Path
    size_bytes: int
    schema_revision: str | None
    chapter: str | None
    members: int
    table_counts: dict[str, int]


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: from which file, what it replaced, and the schema it ended at."""

    database: Path
    restored_from: Path
    previous_saved_as: Path | None
    schema_from: str | None
    schema_to: str
    chapter: str | None
    members: int


def sqlite_path(location: Location | str | None, action: str) -> Path:
    """The SQLite file behind `location`, or a clear refusal for a PostgreSQL server.

    Raises:
        BadInputError: the database is not an embedded SQLite file.
    """
    where = location if isinstance(location, Location) else resolve_location(location)
    if where.path is None:
        raise BadInputError(
            f"{action} works on the embedded SQLite database; {where.display()} is a server, "
            "so back it up with pg_dump and restore it with pg_restore."
        )
    return where.path


@contextlib.contextmanager
def read_only_connection(path: Path) -> Iterator[Connection]:
    """A SQLAlchemy connection that can only read `path` (never creates or changes it)."""
    uri = read_only_uri(path)
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool
    )
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def chapter_file_facts(path: Path, display: str | None = None) -> ChapterFileFacts:
    """Read a ChapterDesk database file's schema, chapter name, members and row counts.

    Raises:
        DatabaseError: not an SQLite file, not a ChapterDesk database, or a newer schema.
    """
    check_sqlite_file(path)
    try:
        with read_only_connection(path) as connection:
            revision = verify_schema(connection, display or str(path))
            tables = [
                name
                for (name,) in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            counts = {
                name: int(connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one())
                for name in tables
            }
            chapter = members = None
            if "chapter_settings" in tables:
                chapter = connection.exec_driver_sql(
                    "SELECT name FROM chapter_settings WHERE id = 1"
                ).scalar()
            if "chapter_membership" in tables:
                members = connection.exec_driver_sql(
                    "SELECT count(*) FROM chapter_membership WHERE left_on IS NULL"
                ).scalar_one()
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot read {display or path} as a database: {exc}.") from None
    except Exception as exc:  # SQLAlchemy wraps sqlite3 errors
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.Error):
            raise DatabaseError(f"Cannot read {display or path} as a database: {orig}.") from None
        raise
    return ChapterFileFacts(path, path.stat().st_size, revision, chapter, int(members or 0), counts)


def backup_database(location: Location | str | None, target: Path) -> ChapterFileFacts:
    """Write a verified, private snapshot of the chapter database to `target`.

    Works while another ChapterDesk has the database open (the backup API copies a
    consistent state). An existing `target` is replaced only by a good copy.

    Raises:
        BadInputError: a PostgreSQL database, or `target` is the database itself.
        DatabaseError: the database cannot be read, or the copy could not be written.
    """
    source = sqlite_path(location, "backup")
    target = Path(target).expanduser().absolute()
    if not source.exists():
        raise DatabaseError(f"There is no ChapterDesk database at {source} to back up.")
    own = {Path(f"{source.resolve()}{suffix}") for suffix in ("", *SIDECARS, ".lock")}
    if target.resolve() in own:
        raise BadInputError(f"Write the backup to another file than the database {source}.")
    check_sqlite_file(source)
    snapshot_sqlite(source, target)
    return chapter_file_facts(target)


def start_backup_before_change(db: Database, reason: str) -> PendingBackup | None:
    """An automatic, rotated backup of `db` before a risky change (an HQ import, …).

    Copied on a thread while the change begins: `wait()` before commit. The copy
    holds the database as it is when this returns. `reason` is a slug for the
    file name, e.g. `before-import`. None for a PostgreSQL database (backed up
    by its server).
    """
    if db.location.path is None:
        return None
    return start_automatic_backup(db.location.path, reason)


def _set_aside_damaged(target: Path, reason: str) -> Path:
    """Copy a database that cannot be backed up properly (it is damaged) into the backups."""
    stamp = dt.datetime.now().strftime(STAMP_FORMAT)
    aside = backups_dir(target) / f"{target.stem}-damaged-{reason}-{stamp}.sqlite3"
    for suffix in ("", *SIDECARS):
        source = Path(f"{target}{suffix}")
        if source.exists():
            copy = Path(f"{aside}{suffix}")
            shutil.copyfile(source, copy)
            os.chmod(copy, 0o600)
    return aside


def install_database_file(
    candidate: Path, target: Path, *, reason: str, lock_wait: float = LOCK_WAIT_SECONDS
) -> Path | None:
    """Put a verified database file in place of `target`, atomically, under the writer lock.

    What `target` held is first saved as an automatic backup (or, when it is
    damaged, copied aside as it is); its WAL is folded in and stale `-wal`/`-shm`
    sidecars are removed so they cannot be replayed onto the new file.

    Args:
        candidate: a private file in the same folder as `target`, renamed into place.
        reason: slug for the automatic backup, e.g. `before-restore`.
    Returns:
        Where the previous database was saved, or None when there was none.
    Raises:
        DatabaseLockedError: another ChapterDesk has `target` open for writing.
    """
    require_writable_target(target, "the database")
    lock = WriterLock.acquire(target, wait_seconds=lock_wait)
    try:
        previous: Path | None = None
        if target.exists() and target.stat().st_size > 0:
            try:
                previous = automatic_backup(target, reason)
                con = sqlite3.connect(target)
                try:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    con.close()
            except (DatabaseError, sqlite3.Error):
                previous = _set_aside_damaged(target, reason)
        os.replace(candidate, target)
        for suffix in SIDECARS:
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        fsync_path(target.parent)
    finally:
        lock.release()
    return previous


def restore_database(
    location: Location | str | None, backup_file: Path, *, lock_wait: float = LOCK_WAIT_SECONDS
) -> RestoreResult:
    """Make the database at `location` the one saved in `backup_file`.

    The file is checked first (an SQLite file, a ChapterDesk database, not from a
    newer version, passes `integrity_check`); the current database is backed up
    automatically; the swap is one atomic rename; an older backup's schema is
    then upgraded as any older database is on open.

    Raises:
        BadInputError: PostgreSQL, a missing file, or the database itself.
        DatabaseError: the file is not a usable ChapterDesk backup (nothing was changed).
        DatabaseLockedError: another ChapterDesk has the database open for writing.
    """
    target = sqlite_path(location, "restore")
    require_writable_target(target, "the database to restore into")
    source = Path(backup_file).expanduser().absolute()
    if kind_of(source) is not None or not source.exists():
        raise BadInputError(
            f"There is no backup file at {source}"
            + (f" ({kind_of(source)})" if kind_of(source) else "")
            + "; give the path of a file written by `chapterdesk backup`."
        )
    if source.resolve() == target.resolve():
        raise BadInputError(f"{source} is the database itself; choose a backup file to restore.")
    check_sqlite_file(source)
    if source.stat().st_size == 0:
        raise DatabaseError(f"{source} is empty; it is not a ChapterDesk backup.")
    candidate = target.with_name(f".{target.name}.restoring")
    snapshot_sqlite(source, candidate)
    try:
        facts = chapter_file_facts(candidate, display=str(source))
        if facts.schema_revision is None:
            raise DatabaseError(f"{source} is an empty database, not a ChapterDesk backup.")
        previous = install_database_file(
            candidate, target, reason="before-restore", lock_wait=lock_wait
        )
    finally:
        candidate.unlink(missing_ok=True)
    db = open_database(str(target), lock_wait=lock_wait)
    db.dispose()
    return RestoreResult(
        database=target,
        restored_from=source,
        previous_saved_as=previous,
        schema_from=facts.schema_revision,
        schema_to=head_revision(),
        chapter=facts.chapter,
        members=facts.members,
    )
