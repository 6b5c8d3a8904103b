"""Opening a chapter database: location, engine factory, units of work.

The embedded default is one SQLite file (WAL, synchronous=FULL, foreign keys,
a busy timeout), created private (mode 0600; SQLite gives its -wal and -shm
sidecars the same mode). A process writes through exactly one connection:
write units of work queue for it and take SQLite's write lock up front
(`BEGIN IMMEDIATE`), so two writers never deadlock on a lock upgrade. Reads use
their own small pool of read-only connections and see a consistent snapshot
while a long import writes.

A writable SQLite `Database` also holds the one-writer lock (`data/lock.py`)
until `dispose()`, and every writer session records the changes it flushes in
the audit trail (`data/audit_trail.py`).

Any other SQLAlchemy URL (PostgreSQL in practice) is used as given.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from chapterdesk.data.audit_trail import install_audit_trail
from chapterdesk.data.lock import WriterLock
from chapterdesk.errors import BadInputError
from chapterdesk.paths import default_db_path

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Location:
    """Where a chapter database lives: a SQLAlchemy URL, and the file path for SQLite."""

    url: str
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite file."""
        return self.path is not None

    def display(self) -> str:
        """A form safe to show: the file path, or the URL with any password hidden."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)


def resolve_location(given: str | os.PathLike[str] | None = None) -> Location:
    """Turn `--db`, else CHAPTERDESK_DB, else the default data file, into a `Location`.

    Args:
        given: a file path or any SQLAlchemy URL; None means "use the default".
    Raises:
        BadInputError: the URL cannot be parsed.
    """
    raw = str(given) if given is not None else os.environ.get("CHAPTERDESK_DB") or ""
    if not raw:
        path = default_db_path()
        return Location(f"sqlite:///{path}", path)
    if "://" not in raw:
        path = Path(raw).expanduser().resolve()
        return Location(f"sqlite:///{path}", path)
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise BadInputError(
            f"The database address {raw!r} is not a valid URL: {exc}. "
            "Give a file path or a URL such as postgresql+psycopg://user@host/chapter."
        ) from None
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:":
            raise BadInputError(
                "An in-memory SQLite database would lose the chapter on exit; give a file path."
            )
        path = Path(database).expanduser().resolve()
        return Location(f"sqlite:///{path}", path)
    return Location(raw, None)


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (0600), with a 0700 folder."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _sqlite_pragmas(*, read_only: bool) -> Any:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is lazy and wrong).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    return on_connect


def _sqlite_engine(location: Location, *, read_only: bool) -> Engine:
    engine = create_engine(
        location.url,
        poolclass=QueuePool,
        pool_size=1 if not read_only else 4,
        max_overflow=0,
        pool_timeout=BUSY_TIMEOUT_MS / 1000 * 6,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _sqlite_pragmas(read_only=read_only))

    def begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    event.listen(engine, "begin", begin)
    return engine


class Database:
    """An open chapter database: the writer engine, the reader engine and units of work.

    Create it with `chapterdesk.data.migrate.open_database`, which also brings the
    schema up to date; this class only wires the engines and, for a writable
    SQLite file, takes the writer lock (waiting up to `lock_wait` seconds).

    Raises:
        DatabaseLockedError: another process holds the file for writing.
    """

    def __init__(
        self, location: Location, *, read_only: bool = False, lock_wait: float = 0.0
    ) -> None:
        self.location = location
        self.read_only = read_only
        self.writer_lock: WriterLock | None = None
        if location.path is not None:
            if not read_only:
                location.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self.writer_lock = WriterLock.acquire(location.path, wait_seconds=lock_wait)
                if not location.path.exists():
                    create_private_file(location.path)
            self.engine = _sqlite_engine(location, read_only=read_only)
            self.read_engine = _sqlite_engine(location, read_only=True)
        else:
            self.engine = create_engine(location.url, pool_pre_ping=True)
            self.read_engine = self.engine
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)
        install_audit_trail(self._writer)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql` (or whatever the URL names)."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work that writes: commit on success, rollback on any error."""
        if self.read_only:
            from chapterdesk.errors import RuleRefusedError

            raise RuleRefusedError(
                "This database is open read-only (another ChapterDesk holds it); "
                "close the other window to make changes."
            )
        session = self._writer()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work on a consistent snapshot; nothing it does is committed."""
        session = self._reader()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection and give up the writer lock (before a restore, or exit)."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()
