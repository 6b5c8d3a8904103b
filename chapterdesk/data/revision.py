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

import sqlite3
from contextlib import closing
from pathlib import Path

# The newest revision in chapterdesk/data/migrations/versions: move it with every new migration.
SCHEMA_HEAD = "0006"
BUSY_TIMEOUT_S = 10.0


def sqlite_revision(path: Path) -> str | None:
    """The schema revision an SQLite file records, or None when it records none (or several).

    The file is opened for reading only (it is never created) and nothing is
    written to it.

    Raises:
        sqlite3.DatabaseError: the file is not a readable SQLite database.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as connection:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if has_table is None:
            return None
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None
