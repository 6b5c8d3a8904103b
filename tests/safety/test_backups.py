"""Backups and restore as an officer uses them: verified, private, atomic, refusing bad files."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert

from chapterdesk.backup import automatic_backups, backups_to_keep, rotate_backups, source_tag
from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.data.migrate import head_revision, open_database, upgrade
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError, DatabaseError
from chapterdesk.services.safety.backups import backup_database, restore_database
from tests.safety.conftest import current_members, digest, mode, query


@pytest.fixture
def engine_name() -> str:
    """Backups and restores work on the embedded SQLite file (PostgreSQL has pg_dump)."""
    return "sqlite"

def files(folder: Path) -> list[str]:
    """The files in a folder, less SQLite's -wal/-shm sidecars and the lock (no partial files)."""
    return sorted(
        p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm", ".lock"))
    )


def test_backup_and_restore_from_the_command_line(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "month-end" / "november.sqlite3"
    done = cli("backup", "-o", str(target), "--db", str(demo_path))
    assert done.returncode == 0, done.stderr
    assert "integrity check passed" in done.stdout
    assert mode(target) == 0o600
    before = current_members(demo_path)
    assert current_members(target) == before
    leaver = sorted(before)[0]
    assert cli("members", "leave", leaver, "--db", str(demo_path)).returncode == 0
    assert leaver not in current_members(demo_path)

    restored = cli("restore", str(target), "--db", str(demo_path))
    assert restored.returncode == 0, restored.stderr
    assert current_members(demo_path) == before
    assert not Path(f"{demo_path}-wal").exists() and not Path(f"{demo_path}-shm").exists()
    saved = Path(restored.stdout.split("saved as ")[1].strip().rstrip("."))
    assert leaver not in current_members(saved)  # what was replaced is kept, with the change
    assert mode(saved) == 0o600 and mode(demo_path) == 0o600


def test_a_backup_taken_during_a_write_holds_all_of_it_or_none(
    db: Database, tmp_path: Path
) -> None:
    rows = [{"hq_id": str(500000 + i), "last_name": f"Row {i}"} for i in range(2000)]
    with db.session() as session:
        session.execute(insert(HqMember), rows)
        session.flush()
        backup_database(db.location, tmp_path / "during.sqlite3")
    backup_database(db.location, tmp_path / "after.sqlite3")
    assert query(tmp_path / "during.sqlite3", "SELECT count(*) FROM hq_member") == [(0,)]
    assert query(tmp_path / "after.sqlite3", "SELECT count(*) FROM hq_member") == [(2000,)]
    for name in ("during", "after"):
        assert query(tmp_path / f"{name}.sqlite3", "PRAGMA integrity_check") == [("ok",)]


def test_disk_full_while_writing_a_backup_keeps_the_old_one(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "backup.sqlite3"
    backup_database(str(db_path), target)
    old = digest(target)

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DatabaseError, match=r"disk is full.*earlier file there was left as it was"):
        backup_database(str(db_path), target)
    monkeypatch.undo()
    assert digest(target) == old
    assert files(tmp_path) == ["backup.sqlite3", "chapter.sqlite3"]


@pytest.mark.parametrize("kind", ["random bytes", "someone else's database", "newer version"])
def test_restore_refuses_what_is_not_a_usable_chapter_backup(
    cli,
    db_path: Path,
    tmp_path: Path,
    kind: str,  # type: ignore[no-untyped-def]
) -> None:
    bad = tmp_path / "bad.sqlite3"
    if kind == "random bytes":
        bad.write_bytes(os.urandom(8192))
        reason = "not an SQLite file"
    elif kind == "someone else's database":
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE recipes (id INTEGER)")
        con.close()
        reason = "not a ChapterDesk database"
    else:
        backup_database(str(db_path), bad)
        con = sqlite3.connect(bad)
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.commit()
        con.close()
        reason = "newer version of ChapterDesk"
    before = digest(db_path)
    done = cli("restore", str(bad), "--db", str(db_path))
    assert done.returncode == 2
    assert reason in done.stderr and "Traceback" not in done.stderr
    assert digest(db_path) == before
    assert files(tmp_path) == ["bad.sqlite3", "chapter.sqlite3"]


def test_restoring_an_older_backup_upgrades_its_schema(tmp_path: Path, db_path: Path) -> None:
    old = tmp_path / "old-backup.sqlite3"
    raw = Database(resolve_location(old))
    upgrade(raw, "0001")
    with raw.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO chapter_settings (id, name, currency, year_start_month, year_start_day,"
            " grace_days, stale_after_days, created_at)"
            " VALUES (1, 'Old Chapter', 'GBP', 4, 6, 60, 45, '2020-01-01 00:00:00')"
        )
    raw.dispose()
    result = restore_database(str(db_path), old)
    assert (result.schema_from, result.schema_to) == ("0001", head_revision())
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert query(db_path, "SELECT name, currency FROM chapter_settings") == [("Old Chapter", "GBP")]
    assert query(old, "SELECT version_num FROM alembic_version") == [("0001",)]  # source untouched


def test_postgresql_backups_are_pointed_to_pg_dump(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = "postgresql+psycopg://officer@localhost/chapter"
    with pytest.raises(BadInputError, match="pg_dump"):
        backup_database(url, tmp_path / "x.sqlite3")
    done = cli("restore", str(tmp_path / "x.sqlite3"), "--db", url)
    assert done.returncode == 2 and "pg_dump" in done.stderr


def test_rotation_keeps_the_last_ten_and_the_newest_of_each_month() -> None:
    stamps = [
        f"2025{month:02d}{day:02d}-120000-000000" for month in range(1, 13) for day in (3, 17)
    ] + [f"202601{day:02d}-090000-000000" for day in range(1, 13)]
    keep = backups_to_keep(stamps, keep_last=10, keep_months=12)
    newest = sorted(stamps, reverse=True)
    assert set(newest[:10]) <= keep
    months_kept = {s[:6] for s in keep}
    assert months_kept == {"202601"} | {f"2025{m:02d}" for m in range(2, 13)}  # 12 months
    assert "20250217-120000-000000" in keep and "20250203-120000-000000" not in keep
    assert len(keep) == 10 + 11


def test_rotate_backups_deletes_only_this_databases_extra_files(tmp_path: Path) -> None:
    source = tmp_path / "chapter.sqlite3"
    other = tmp_path / "other" / "chapter.sqlite3"
    folder = tmp_path / "backups"
    folder.mkdir()
    start = dt.datetime(2026, 11, 1, 8, 0)
    for i in range(15):
        stamp = (start + dt.timedelta(hours=i)).strftime("%Y%m%d-%H%M%S-%f")
        for db in (source, other):
            (folder / f"chapter-before-import-{stamp}-{source_tag(db)}.sqlite3").touch()
    removed = rotate_backups(source, folder=folder)
    assert len(removed) == 5
    assert len(automatic_backups(source, folder)) == 10
    assert len(automatic_backups(other, folder)) == 15


def test_an_automatic_backup_precedes_a_restore_and_is_rotated(
    db_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    backup_database(str(db_path), copy)
    for _ in range(12):
        restore_database(str(db_path), copy)
    assert len(automatic_backups(db_path)) == 10
    db = open_database(db_path)
    db.dispose()


def test_automatic_backups_are_kept_beside_the_database_and_listed_with_where(
    cli, db_path: Path, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    backup_database(str(db_path), copy)
    restore_database(str(db_path), copy)  # takes an automatic backup of what it replaces
    folder = db_path.parent / "chapter.sqlite3.backups"
    (saved,) = automatic_backups(db_path)
    assert saved.parent == folder
    assert mode(folder) == 0o700 and mode(saved) == 0o600
    listed = cli("backup", "--list", "--db", str(db_path))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        str(saved),
        f"1 automatic backup of {db_path}, kept in {folder}.",
    ]
