"""Faults an officer's laptop meets: damaged files, failed upgrades, kill -9, file modes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

import chapterdesk.data.migrate as migrate
from chapterdesk.backup import automatic_backup, automatic_backups
from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.data.migrate import alembic_config, open_database
from chapterdesk.errors import DatabaseError
from chapterdesk.services.chapter import init_chapter
from chapterdesk.services.safety.audit import export_audit_csv
from chapterdesk.services.safety.backups import backup_database
from chapterdesk.services.safety.handover import export_handover
from tests.conftest import PROJECT
from tests.safety.conftest import digest, mode, query


@pytest.mark.parametrize("damage", ["a folder", "cut short", "random bytes"])
def test_a_damaged_database_is_refused_untouched_and_a_restore_offered(
    cli,
    demo_path: Path,
    tmp_path: Path,
    damage: str,  # type: ignore[no-untyped-def]
) -> None:
    saved = automatic_backup(demo_path, "before-import")
    if damage == "a folder":  # unreadable even for root, who ignores chmod 000
        demo_path.unlink()
        demo_path.mkdir()
        reason, fingerprint = "is a folder", None
    elif damage == "cut short":
        with demo_path.open("r+b") as handle:
            handle.truncate(demo_path.stat().st_size // 2)
        reason, fingerprint = "cut short", digest(demo_path)
    else:
        demo_path.write_bytes(os.urandom(64 * 1024))
        reason, fingerprint = "not an SQLite file", digest(demo_path)
    with pytest.raises(DatabaseError, match=reason):
        open_database(demo_path)
    done = cli("members", "list", "--db", str(demo_path))
    assert done.returncode == 2 and reason in done.stderr and "Traceback" not in done.stderr
    if fingerprint is None:
        # A restore would not replace a folder: the advice never names one as its target.
        assert f"--db {demo_path}" not in done.stderr
        assert demo_path.is_dir() and not any(demo_path.iterdir())
        return
    assert "restore" in done.stderr
    assert digest(demo_path) == fingerprint
    assert str(saved) in done.stderr  # the newest automatic backup is offered
    restored = cli("restore", str(saved), "--db", str(demo_path))
    assert restored.returncode == 0, restored.stderr
    assert query(demo_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_schema_upgrade_that_fails_half_way_leaves_the_original_and_its_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    raw = Database(resolve_location(path))
    migrate.upgrade(raw, "0001")
    with raw.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO chapter_settings (id, name, currency, year_start_month, "
                "year_start_day, grace_days, stale_after_days, created_at) VALUES "
                "(1, 'Old Chapter', 'USD', 1, 1, 90, 45, '2020-01-01 00:00:00')"
            )
        )
    raw.dispose()
    before = query(path, "SELECT * FROM chapter_settings")

    def half_way(db: Database, revision: str = "head") -> None:
        with db.engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")  # one step done ...
            raise RuntimeError("the laptop lost power")  # ... and then it died

    monkeypatch.setattr(migrate, "upgrade", half_way)
    with pytest.raises(RuntimeError, match="lost power"):
        open_database(path)
    assert query(path, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert query(path, "SELECT * FROM chapter_settings") == before
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    (backup,) = automatic_backups(path)
    assert query(backup, "SELECT * FROM chapter_settings") == before
    monkeypatch.undo()
    open_database(path).dispose()  # the next try upgrades it
    assert query(path, "SELECT version_num FROM alembic_version") == [(migrate.head_revision(),)]


def test_every_file_holding_members_data_is_private(tmp_path: Path) -> None:
    path = tmp_path / "chapter.sqlite3"
    db = open_database(path, create=True)
    try:
        init_chapter(db, "Private Chapter")
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            made = [
                path,
                Path(f"{path}-wal"),
                Path(f"{path}-shm"),
                Path(f"{path}.lock"),
                backup_database(str(path), tmp_path / "out" / "b.sqlite3").path,
                automatic_backup(path, "before-import"),
                tmp_path / "h.cdh",
                tmp_path / "audit.csv",
            ]
            export_handover(str(path), tmp_path / "h.cdh", "a long enough passphrase", log2n=15)
            export_audit_csv(db, tmp_path / "audit.csv")
        assert {str(p): oct(mode(p)) for p in made} == {str(p): oct(0o600) for p in made}
    finally:
        db.dispose()


def big_database(tmp_path: Path, template: Path, megabytes: int) -> Path:
    """A ChapterDesk database padded with random bytes, so a backup takes a moment."""
    path = tmp_path / "big.sqlite3"
    backup_database(str(template), path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE padding (blob BLOB)")
    con.executemany(
        "INSERT INTO padding VALUES (?)", ((os.urandom(1 << 20),) for _ in range(megabytes))
    )
    con.commit()
    con.close()
    return path


def kill_backups_mid_way(tmp_path: Path, source: Path, rounds: int) -> None:
    target = tmp_path / "backups" / "month-end.sqlite3"
    partial = target.with_name(f".{target.name}.partial")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    rng = random.Random(7)
    padding = query(source, "SELECT count(*) FROM padding")
    killed = 0
    for _ in range(rounds):
        before = digest(target) if target.exists() else None
        partial.unlink(missing_ok=True)  # left by the last kill; watch for this run's own
        proc = subprocess.Popen(
            [sys.executable, "-m", "chapterdesk", "backup", "-o", str(target), "--db", str(source)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if partial.exists() and partial.stat().st_size > 0:
                time.sleep(rng.uniform(0, 0.1))
                break
            time.sleep(0.001)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        if target.exists():  # the old backup, or a complete new one: never half a file
            assert query(target, "PRAGMA integrity_check") == [("ok",)]
            assert query(target, "SELECT count(*) FROM padding") == padding
        else:
            assert before is None
    assert killed > 0
    done = subprocess.run(
        [sys.executable, "-m", "chapterdesk", "backup", "-o", str(target), "--db", str(source)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not partial.exists()


def test_kill_9_while_taking_a_backup_leaves_no_half_file(tmp_path: Path, db_path: Path) -> None:
    kill_backups_mid_way(tmp_path, big_database(tmp_path, db_path, 24), rounds=2)


@pytest.mark.slow
def test_kill_9_while_taking_a_backup_twenty_times(tmp_path: Path, db_path: Path) -> None:
    kill_backups_mid_way(tmp_path, big_database(tmp_path, db_path, 48), rounds=20)
