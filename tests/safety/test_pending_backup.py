"""The backup before an import is copied while the import writes, and holds what came before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chapterdesk.backup import PendingBackup, automatic_backups


def _wal_database(path: Path, rows: int) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE member (id INTEGER PRIMARY KEY, name TEXT)")
    con.executemany("INSERT INTO member (name) VALUES (?)", [(f"m{i}",) for i in range(rows)])
    con.commit()
    con.close()


def _count(path: Path) -> int:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM member").fetchone()[0])
    finally:
        con.close()


def test_the_backup_holds_the_database_as_it_was_when_it_started(tmp_path: Path) -> None:
    source = tmp_path / "chapter.sqlite3"
    _wal_database(source, 20_000)
    pending = PendingBackup(source, "before-import")
    writer = sqlite3.connect(source)  # the import writing (and committing) meanwhile
    writer.executemany("INSERT INTO member (name) VALUES (?)", [("new",)] * 5_000)
    writer.execute("DELETE FROM member WHERE id <= 100")
    writer.commit()
    writer.close()
    saved = pending.wait()
    assert saved in automatic_backups(source)
    assert _count(saved) == 20_000  # none of what was written after the start
    assert _count(source) == 24_900
    assert saved.stat().st_mode & 0o777 == 0o600
    assert not list(saved.parent.glob(".*.partial"))
