"""One writer per database: who holds it, read-only access, stale locks, risky folders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chapterdesk.data.lock import lock_path_for, storage_warning
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import DatabaseLockedError, RuleRefusedError
from chapterdesk.services.roster.members import list_members
from tests.conftest import PROJECT
from tests.safety.conftest import mode

HOLD = (
    "import sys, time\n"
    "from chapterdesk.data.migrate import open_database\n"
    "db = open_database(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "db.dispose()\n"
)


def hold(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another ChapterDesk process holding `path` for writing, once it has said so."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def stop(proc: subprocess.Popen[str], *, kill: bool = True) -> None:
    """End a holder (kill -9 unless told to let it finish) and close its pipe."""
    if kill:
        proc.kill()
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_a_second_writer_is_told_who_holds_it_and_may_read(demo_path: Path) -> None:
    holder = hold(demo_path, 30)
    try:
        with pytest.raises(DatabaseLockedError) as refused:
            open_database(demo_path)
        error = refused.value
        assert error.pid == holder.pid and error.host
        assert f"process {holder.pid}" in error.message and "open it read-only" in error.message
        info = json.loads(lock_path_for(demo_path).read_text())
        assert info["pid"] == holder.pid and mode(lock_path_for(demo_path)) == 0o600

        reader = open_database(demo_path, read_only=True)
        try:
            assert len(list_members(reader)) > 0
            with pytest.raises(RuleRefusedError, match="read-only"), reader.session():
                pass
        finally:
            reader.dispose()
    finally:
        stop(holder)


def test_a_lock_left_by_a_killed_process_is_recovered(demo_path: Path) -> None:
    holder = hold(demo_path, 60)
    os.kill(holder.pid, signal.SIGKILL)
    stop(holder, kill=False)
    assert json.loads(lock_path_for(demo_path).read_text())["pid"] == holder.pid  # stale text
    db = open_database(demo_path)
    try:
        assert json.loads(lock_path_for(demo_path).read_text())["pid"] == os.getpid()
    finally:
        db.dispose()
    assert lock_path_for(demo_path).read_text() == ""


def test_commands_wait_briefly_for_the_writer_then_explain(cli, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    holder = hold(demo_path, 1.0)
    started = time.monotonic()
    done = cli("members", "list", "--db", str(demo_path))
    assert done.returncode == 0, done.stderr  # it waited for the short holder
    assert time.monotonic() - started < 5
    stop(holder, kill=False)

    holder = hold(demo_path, 30)
    try:
        refused = cli("members", "list", "--db", str(demo_path))
        assert refused.returncode == 2
        assert f"process {holder.pid}" in refused.stderr and "--read-only" in refused.stderr
        reading = cli("members", "list", "--db", str(demo_path), "--read-only")
        assert reading.returncode == 0 and "members." in reading.stdout
    finally:
        stop(holder)


def test_cloud_sync_folders_and_network_shares_get_a_warning(tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "chapter.sqlite3"
    assert "cloud-sync folder" in (storage_warning(synced) or "")
    mounts = tmp_path / "mounts"
    share = tmp_path / "office share"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        f"//server/chapter {str(share).replace(' ', chr(92) + '040')} cifs rw 0 0\n",
        encoding="utf-8",
    )
    assert "network filesystem (cifs)" in (storage_warning(share / "c.sqlite3", mounts) or "")
    assert storage_warning(tmp_path / "local" / "c.sqlite3", mounts) is None


def test_the_command_line_prints_the_warning_once(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    synced = tmp_path / "OneDrive" / "chapter.sqlite3"
    synced.parent.mkdir()
    demo_path.rename(synced)
    done = cli("members", "list", "--db", str(synced))
    assert done.returncode == 0
    assert done.stderr.count("warning:") == 1 and "cloud-sync" in done.stderr


def test_restore_is_refused_while_another_chapterdesk_writes(
    demo_path: Path, tmp_path: Path
) -> None:
    from chapterdesk.services.safety.backups import backup_database, restore_database
    from tests.safety.conftest import digest

    saved = backup_database(str(demo_path), tmp_path / "saved.sqlite3").path
    holder = hold(demo_path, 30)
    try:
        before = digest(demo_path)
        with pytest.raises(DatabaseLockedError, match=f"process {holder.pid}"):
            restore_database(str(demo_path), saved, lock_wait=0)
        assert digest(demo_path) == before
    finally:
        stop(holder)
