"""The schema revision this ChapterDesk writes, and a database file's, told without Alembic.

Opening a database that is already at the current schema is by far the common
case, and loading Alembic only to learn that costs a tenth of a second of every
start-up. `SCHEMA_HEAD` names the newest migration in `migrations/versions`
(a test holds it equal to Alembic's own head, so a new migration that forgets
to move it fails the suite); `sqlite_revision` reads a file's stored revision
with the standard library's `sqlite3`. Anything other than the head (an older
file to upgrade, a newer one to refuse, a file Alembic never touched) still
takes the full Alembic path in `chapterdesk.data.migrate`.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

# The newest revision in chapterdesk/data/migrations/versions: move it with every new migration.
SCHEMA_HEAD = "0009"
BUSY_TIMEOUT_S = 10.0


def read_only_uri(path: Path) -> str:
    """The `file:` URI that reads `path` without writing anything beside it.

    SQLite reads a WAL database through a `-shm` file it creates beside it; in a
    folder no one can write (a read-only share, a CD, a read-only bind) it cannot,
    and even a read fails. There no writer can change the file either, so when no
    `-shm` exists and no WAL holds unfolded changes it is opened `immutable`.
    """
    resolved = path.resolve()
    uri = resolved.as_uri()
    wal = Path(f"{resolved}-wal")
    if (
        not os.access(resolved.parent, os.W_OK)
        and not Path(f"{resolved}-shm").exists()
        and (not wal.exists() or wal.stat().st_size == 0)
    ):
        return f"{uri}?immutable=1"
    return f"{uri}?mode=ro"


def sqlite_revision(path: Path) -> str | None:
    """The schema revision an SQLite file records, or None when it records none (or several).

    The file is opened for reading only (it is never created) and nothing is
    written to it.

    Raises:
        sqlite3.DatabaseError: the file is not a readable SQLite database.
    """
    uri = read_only_uri(path)
    with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as connection:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if has_table is None:
            return None
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None
