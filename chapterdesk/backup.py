"""Consistent snapshots of the embedded database (SQLite's online backup API).

A snapshot is never a file copy of a live database: the backup API copies a
consistent state even while another connection writes, and the copy is
checked with `PRAGMA integrity_check` before it is called good.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from chapterdesk.errors import DatabaseError
from chapterdesk.paths import backups_dir


def snapshot_sqlite(source: Path, target: Path) -> Path:
    """Copy the SQLite database at `source` to `target` (mode 0600) and verify the copy.

    The copy is written beside the target under a temporary name and renamed
    into place only once it passes the integrity check.

    Raises:
        DatabaseError: the copy failed its integrity check (the target is left untouched).
    """
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.partial")
    if partial.exists():
        partial.unlink()
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"The backup of {source} failed its integrity check: {result}")
    os.replace(partial, target)
    return target


def automatic_backup(source: Path, reason: str) -> Path:
    """Take a verified snapshot into the user's backups folder before a risky change.

    Args:
        source: the live database file.
        reason: a short slug for the file name, e.g. `before-upgrade-0002`.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backups_dir() / f"{source.stem}-{reason}-{stamp}.sqlite3"
    return snapshot_sqlite(source, target)
