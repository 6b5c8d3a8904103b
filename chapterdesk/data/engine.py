"""Opening a chapter database: location, the `Database` handle, units of work.

The embedded default is one SQLite file (WAL, synchronous=FULL, foreign keys,
a busy timeout), created private (mode 0600; SQLite gives its -wal and -shm
sidecars the same mode). A process writes through exactly one connection:
write units of work queue for it and take SQLite's write lock up front
(`BEGIN IMMEDIATE`), so two writers never deadlock on a lock upgrade. Reads use
their own small pool of read-only connections and see a consistent snapshot
while a long import writes.

Any other SQLAlchemy URL (PostgreSQL in practice, the shared server) gets a
small pool of pre-pinged connections with a connect timeout and TCP
keepalives, the password from the OS keyring when the URL carries none
(`chapterdesk.credentials`), READ COMMITTED for writes (a unit of work may ask
for SERIALIZABLE) and REPEATABLE READ READ ONLY for reads, so a read sees one
snapshot like SQLite's. `retrying` re-runs a unit of work that PostgreSQL
aborted with a serialization failure or a deadlock.

A writable SQLite `Database` also holds the one-writer lock (`data/lock.py`)
until `dispose()`, and every writer session records the changes it flushes in
the audit trail (`data/audit_trail.py`).

This module does not import SQLAlchemy: a `Database` makes its engines
(`data/connections.py`) the first time a unit of work or an engine is asked
for, so the window can open a file and paint the roster while SQLAlchemy (a
third of a second to import) is still to come, loaded by the worker thread.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chapterdesk.data.lock import WriterLock
from chapterdesk.errors import BadInputError, DatabaseError
from chapterdesk.paths import default_db_path

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from chapterdesk.data.connections import Connections

# PostgreSQL's SQLSTATEs for "run the transaction again": serialization failure, deadlock.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
T = TypeVar("T")
log = logging.getLogger(__name__)


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
        from sqlalchemy.engine import make_url

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
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

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
    if url.get_backend_name() != "postgresql":
        raise BadInputError(
            f"ChapterDesk keeps a chapter in an SQLite file (give its path) or on a PostgreSQL "
            f"server (postgresql+psycopg://user@host/chapter); {url.get_backend_name()}:// "
            "databases are not supported."
        )
    if url.drivername == "postgresql":  # SQLAlchemy's default driver is not installed
        return Location(url.set(drivername="postgresql+psycopg").render_as_string(False), None)
    if url.get_driver_name() != "psycopg":
        raise BadInputError(
            f"ChapterDesk talks to PostgreSQL through psycopg, not {url.get_driver_name()}; "
            "write the address as postgresql+psycopg://user@host/chapter."
        )
    return Location(raw, None)


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (0600), with a 0700 folder."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class Database:
    """An open chapter database: the writer engine, the reader engine and units of work.

    Create it with `chapterdesk.data.migrate.open_database`, which also brings the
    schema up to date; this class takes the writer lock of a writable SQLite file
    at once (waiting up to `lock_wait` seconds) and makes its engines on first use.

    Raises:
        DatabaseLockedError: another process holds the file for writing.
    """

    def __init__(
        self, location: Location, *, read_only: bool = False, lock_wait: float = 0.0
    ) -> None:
        self.location = location
        self.read_only = read_only
        self.writer_lock: WriterLock | None = None
        self._connections: Connections | None = None
        self._connecting = threading.Lock()
        #: Called with a `services.door.Changes` after each committed change (on the
        #: thread that made it): how a window learns which pages to refresh.
        self.change_listeners: list[Callable[[Any], None]] = []
        if location.path is not None and not read_only:
            location.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.writer_lock = WriterLock.acquire(location.path, wait_seconds=lock_wait)
            if not location.path.exists():
                create_private_file(location.path)

    def _connected(self) -> Connections:
        """The engines and session factories, made (and SQLAlchemy loaded) on first use."""
        connections = self._connections
        if connections is None:
            with self._connecting:  # the worker and the UI thread may both ask first
                if self._connections is None:
                    from chapterdesk.data.connections import connect

                    self._connections = connect(self.location, read_only=self.read_only)
                connections = self._connections
        return connections

    @property
    def engine(self) -> Engine:
        """The engine that writes (on SQLite: the one writer connection)."""
        return self._connected().engine

    @property
    def read_engine(self) -> Engine:
        """The engine reads use (read-only connections; one snapshot per unit of work)."""
        return self._connected().read_engine

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql` (or whatever the URL names)."""
        if self.location.path is not None:
            return "sqlite"
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, serializable: bool = False) -> Iterator[Session]:
        """A unit of work that writes: commit on success, rollback on any error.

        Args:
            serializable: on PostgreSQL, run at SERIALIZABLE isolation (the server then
                aborts one of two conflicting units of work; run it through `retrying`).
                SQLite's writes are serial already (BEGIN IMMEDIATE), so it changes nothing there.
        """
        if self.read_only:
            from chapterdesk.errors import RuleRefusedError

            raise RuleRefusedError(
                "This database is open read-only (another ChapterDesk holds it); "
                "close the other window to make changes."
            )
        session = self._connected().writer()
        try:
            if serializable and self.dialect == "postgresql":
                session.connection(execution_options={"isolation_level": "SERIALIZABLE"})
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
        session = self._connected().reader()
        try:
            yield session
        finally:
            # close() (not rollback()) ends the transaction without expiring what was read,
            # so values read inside stay readable; the pool rolls the connection back.
            session.close()

    def ping(self) -> None:
        """Reach the database now (a lost-connection banner retries this); raises if it cannot."""
        with self.read_engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        """Close every pooled connection and give up the writer lock (before a restore, or exit)."""
        connections = self._connections
        if connections is not None:
            connections.engine.dispose()
            if connections.read_engine.pool is not connections.engine.pool:
                connections.read_engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()


def is_retryable(exc: BaseException) -> bool:
    """Whether PostgreSQL aborted the transaction so that running it again may succeed."""
    from sqlalchemy.exc import DBAPIError

    return (
        isinstance(exc, DBAPIError)
        and getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    )


def is_disconnect(exc: BaseException) -> bool:
    """Whether an error means the database server went away (show the banner, not a bug report).

    True when SQLAlchemy saw the connection invalidated, when psycopg could not
    connect at all, and for PostgreSQL's connection-exception class (SQLSTATE
    08xxx) and server shutdowns (57P01-57P03).
    """
    if "sqlalchemy" not in sys.modules:  # nothing has used the database: no such error yet
        return False
    from sqlalchemy.exc import DBAPIError, OperationalError

    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    code = str(getattr(exc.orig, "sqlstate", None) or "")
    if not code:  # psycopg could not connect at all (no server answered to give a code)
        return isinstance(exc, OperationalError) and type(exc.orig).__module__.startswith(
            "psycopg"
        )
    return code.startswith("08") or code in {"57P01", "57P02", "57P03"}


def retrying(
    db: Database,
    work: Callable[[], T],
    attempts: int = 5,
    *,
    base_delay: float = 0.05,
) -> T:
    """Run a whole unit of work, again (up to `attempts` times) if the server aborted it.

    `work` must open its own unit of work (`with db.session(...)`) so that each
    attempt starts from a fresh transaction; only serialization failures and
    deadlocks (SQLSTATE 40001, 40P01) are retried, after a jittered, doubling pause.

    Raises:
        DatabaseError: the server aborted every attempt; nothing was saved.
    """
    from sqlalchemy.exc import DBAPIError

    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            if not is_retryable(exc):
                raise
            if attempt == attempts:
                raise DatabaseError(
                    f"The shared database {db.location.display()} kept refusing the change "
                    f"because other officers were changing the same records ({attempts} "
                    "attempts); nothing was saved. Try again."
                ) from exc
            pause = random.uniform(0.5, 1.0) * base_delay * 2 ** (attempt - 1)
            log.info(
                "Transaction aborted by the server (%s); retry %d of %d in %.3f s",
                getattr(exc.orig, "sqlstate", "?"),
                attempt,
                attempts - 1,
                pause,
            )
            time.sleep(pause)
    raise AssertionError("unreachable: the loop returns or raises")
