"""Helpers for the data-safety tests: reading a database file as it is on disk."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path


def mode(path: Path) -> int:
    """A file's permission bits (0o600 for a private file)."""
    return stat.S_IMODE(path.stat().st_mode)


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, to prove it was left untouched."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows from a database file, read with a plain read-only sqlite3 connection."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def current_members(path: Path) -> set[str]:
    """The HQ IDs of the chapter's current members in a database file."""
    return {
        str(r[0]) for r in query(path, "SELECT hq_id FROM chapter_membership WHERE left_on IS NULL")
    }


def table_counts(path: Path) -> dict[str, int]:
    """Row counts of every table in a database file."""
    names = [
        str(r[0])
        for r in query(
            path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: int(query(path, f'SELECT count(*) FROM "{name}"')[0][0]) for name in names}
