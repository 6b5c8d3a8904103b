"""Opening databases: migrations, upgrades with a backup, refusals, file modes, pragmas."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.data.migrate import head_revision, open_database, upgrade
from chapterdesk.errors import BadInputError, DatabaseError
from chapterdesk.paths import backups_dir
from chapterdesk.services.chapter import chapter_info, init_chapter


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_reaches_head_with_every_table(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3", create=True)
    try:
        with db.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert {"chapter_settings", "hq_member", "chapter_membership", "officer_term"} <= tables
        assert version == head_revision()
    finally:
        db.dispose()


def test_database_and_sidecars_are_private(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    db = open_database(path, create=True)
    try:
        init_chapter(db, "Private Chapter")
        with db.engine.connect() as connection:  # keep the WAL open while we look
            connection.execute(text("SELECT 1"))
            sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(p.exists() for p in sidecars)
            assert [mode(p) for p in (path, *sidecars)] == [0o600, 0o600, 0o600]
    finally:
        db.dispose()


def test_sqlite_pragmas_are_set_on_every_connection(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.engine.connect() as connection:
            values = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        assert values == {
            "journal_mode": "wal",
            "synchronous": 2,
            "foreign_keys": 1,
            "busy_timeout": 10000,
        }
        with db.read_engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 1
    finally:
        db.dispose()


def test_database_at_first_revision_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    raw = Database(resolve_location(path))
    upgrade(raw, "0001")
    with raw.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO chapter_settings (id, name, currency, year_start_month, year_start_day,"
            " grace_days, stale_after_days, created_at)"
            " VALUES (1, 'Old Chapter', 'CAD', 7, 1, 60, 45, '2020-01-01 00:00:00')"
        )
    raw.dispose()
    before = set(backups_dir(path).glob("old-before-upgrade-0001-*"))
    db = open_database(path)
    try:
        info = chapter_info(db)
        assert (info.name, info.currency, info.year_start_month, info.page_size) == (
            "Old Chapter",
            "CAD",
            7,
            "letter",
        )
    finally:
        db.dispose()
    (backup,) = set(backups_dir(path).glob("old-before-upgrade-0001-*")) - before
    assert mode(backup) == 0o600
    con = sqlite3.connect(backup)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    con.close()


def test_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match=r"newer version of ChapterDesk.*nothing was changed"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_a_refused_file_gets_no_lock_file_and_keeps_one_it_had(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.sqlite"
    with closing(sqlite3.connect(foreign)) as connection, connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(DatabaseError, match="not a ChapterDesk database"):
        open_database(foreign)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]
    lock = tmp_path / "notes.sqlite.lock"
    lock.write_bytes(b"")  # one made by an earlier ChapterDesk: not this open's to remove
    with pytest.raises(DatabaseError, match="not a ChapterDesk database"):
        open_database(foreign)
    assert lock.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.7 not a database" * 10, "not an SQLite file"),
        (os.urandom(4096), "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x00" * 50, "Cannot open the database"),
    ],
)
def test_files_that_are_not_chapter_databases_are_refused(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "odd.sqlite3"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=reason):
        open_database(path)
    assert path.read_bytes() == content


def test_someone_elses_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER)")
    con.close()
    with pytest.raises(DatabaseError, match=r"not a ChapterDesk database.*recipes"):
        open_database(path)


def test_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match=r"no ChapterDesk database.*chapterdesk init"):
        open_database(tmp_path / "nowhere.sqlite3")
    assert not (tmp_path / "nowhere.sqlite3").exists()


def test_locations_from_paths_urls_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_location(tmp_path / "a.db").path == tmp_path / "a.db"
    assert resolve_location(f"sqlite:///{tmp_path}/b.db").path == tmp_path / "b.db"
    pg = resolve_location("postgresql+psycopg://officer:secret@db.example/chapter")
    assert pg.path is None and "secret" not in pg.display()
    monkeypatch.setenv("CHAPTERDESK_DB", str(tmp_path / "env.db"))
    assert resolve_location(None).path == tmp_path / "env.db"
    with pytest.raises(BadInputError, match="in-memory"):
        resolve_location("sqlite://")
