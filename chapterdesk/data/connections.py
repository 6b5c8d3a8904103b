"""The SQLAlchemy engines and session factories behind a `Database`, made on its first use.

Kept apart from `chapterdesk.data.engine` so that opening a database (the
writer lock, the schema check) does not load SQLAlchemy: the window shows the
roster before SQLAlchemy has finished importing, and the engines are made on
the worker thread by the first unit of work that needs them.

SQLite: one writer connection (WAL, synchronous=FULL, foreign keys, a busy
timeout, `BEGIN IMMEDIATE`) and a small pool of read-only connections.
A server (PostgreSQL): a small pool of pre-pinged connections with a connect
timeout and TCP keepalives, the password from the OS keyring when the URL has
none, REPEATABLE READ READ ONLY for reads.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from chapterdesk.data.audit_trail import install_audit_trail
from chapterdesk.data.revision import read_only_uri

if TYPE_CHECKING:
    from chapterdesk.data.engine import Location

BUSY_TIMEOUT_MS = 10_000
SERVER_CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Connections:
    """A database's engines (writer, reader) and the session factories on them."""

    engine: Engine
    read_engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]


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
    url = location.url
    if read_only and location.path is not None:
        uri = read_only_uri(location.path)
        if "immutable=1" in uri:  # a folder no one can write: see `read_only_uri`
            url = f"sqlite:///{uri}&uri=true"
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=1 if not read_only else 4,
        max_overflow=0,
        pool_timeout=BUSY_TIMEOUT_MS / 1000 * 6,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,  # no member data in an error message or the log
    )
    event.listen(engine, "connect", _sqlite_pragmas(read_only=read_only))

    def begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    event.listen(engine, "begin", begin)
    return engine


def _server_engine(location: Location) -> Engine:
    from chapterdesk.credentials import url_with_stored_password

    return create_engine(
        url_with_stored_password(location.url),
        pool_pre_ping=True,  # a connection the server dropped is replaced, not handed out
        hide_parameters=True,  # no member data in an error message or the log
        pool_size=4,
        max_overflow=4,
        pool_recycle=1800,
        pool_timeout=60,
        connect_args={
            "connect_timeout": SERVER_CONNECT_TIMEOUT_S,
            "application_name": "ChapterDesk",
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        },
    )


def connect(location: Location, *, read_only: bool) -> Connections:
    """Make the engines and session factories for a database (no connection is opened yet)."""
    if location.path is not None:
        engine = _sqlite_engine(location, read_only=read_only)
        read_engine = _sqlite_engine(location, read_only=True)
    else:
        engine = _server_engine(location)
        # One snapshot per read, as on SQLite; the server refuses writes in it.
        read_engine = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    writer = sessionmaker(engine, expire_on_commit=False)
    reader = sessionmaker(read_engine, expire_on_commit=False)
    install_audit_trail(writer)
    return Connections(engine, read_engine, writer, reader)
