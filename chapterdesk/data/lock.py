"""One writer per database file: an OS advisory lock beside the SQLite file.

SQLite itself serialises writes, but two ChapterDesk windows on the same file
would each believe they own the chapter (and one would silently overwrite the
other's view). A writable `Database` therefore takes `fcntl.flock` on
`<db>.lock` (mode 0600) and writes who holds it (host, process, since when,
officer) into it as JSON. The kernel drops the lock when the process ends, even
by kill -9, so a stale lock from a crash is recovered without anyone's help:
the JSON is only informative. A second process is told who holds the file and
may open it read-only instead.

Also here: `storage_warning`, which tells an officer that a database kept in
a cloud-sync folder or on a network filesystem risks corruption.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import getpass
import json
import logging
import os
import time
from pathlib import Path

from chapterdesk.errors import DatabaseError, DatabaseLockedError

POLL_SECONDS = 0.1
log = logging.getLogger(__name__)
SYNC_FOLDERS = ("dropbox", "onedrive", "google drive", "googledrive", "icloud", "mobile documents")
NETWORK_FILESYSTEMS = ("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "afs")


def lock_path_for(db_path: Path) -> Path:
    """The lock file that guards `db_path` (`chapter.sqlite3.lock`)."""
    return db_path.with_name(db_path.name + ".lock")


def os_user() -> str:
    """The operating-system account name, or "unknown" when it cannot be told."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class WriterLock:
    """The held writer lock on one database file; `release()` gives it up.

    Create it with `WriterLock.acquire`.
    """

    def __init__(self, db_path: Path, fd: int) -> None:
        self.db_path = db_path
        self.path = lock_path_for(db_path)
        self._fd: int | None = fd

    @classmethod
    def acquire(
        cls, db_path: Path, *, wait_seconds: float = 0.0, officer: str | None = None
    ) -> WriterLock:
        """Take the writer lock on `db_path`, waiting up to `wait_seconds` for another holder.

        Raises:
            DatabaseLockedError: another process still holds it after the wait.
            DatabaseError: the lock file cannot be created (a read-only folder, …).
        """
        path = lock_path_for(db_path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the lock file {path}: {exc.strerror}, so ChapterDesk cannot "
                "make changes there. Open the database read-only (--read-only) to look, or "
                "copy it to a writable folder."
            ) from None
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise _locked_error(db_path, holder) from None
                time.sleep(POLL_SECONDS)
        os.fchmod(fd, 0o600)
        lock = cls(db_path, fd)
        lock.describe(officer)
        return lock

    def describe(self, officer: str | None) -> None:
        """Write who holds the lock (host, pid, since, officer) into the lock file."""
        if self._fd is None:
            return
        holder = {
            "host": os.uname().nodename or "unknown",  # platform.node(), without its import
            "pid": os.getpid(),
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "officer": officer or os_user(),
        }
        data = json.dumps(holder).encode("utf-8")
        try:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, data, 0)
        except OSError as exc:
            # Who holds the lock is only informative (the flock is the lock): a full
            # disk must not stop an officer from reading the chapter.
            log.info("Could not record the lock holder in %s: %s", self.path, exc.strerror)

    @property
    def held(self) -> bool:
        """True until `release()`."""
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up (the file stays, emptied, so no one locks a deleted inode)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError as exc:
            log.info("Could not empty the lock file %s: %s", self.path, exc.strerror)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _read_holder(fd: int) -> dict[str, object]:
    try:
        raw = os.pread(fd, 4096, 0)
        value = json.loads(raw.decode("utf-8")) if raw else {}
    except (OSError, ValueError):
        value = {}
    return value if isinstance(value, dict) else {}


def _since_text(raw: object) -> str:
    try:
        when = dt.datetime.fromisoformat(str(raw)).astimezone()
    except ValueError:
        return "a while ago"
    if when.date() == dt.date.today():
        return when.strftime("%H:%M")
    return when.strftime("%Y-%m-%d %H:%M")


def locked_sentence(
    name: str, error: DatabaseLockedError, read_only_hint: str = "open it read-only"
) -> str:
    """The officer's sentence for a held database, with a hint fitting the UI or the CLI."""
    who = f"process {error.pid}" + (f", {error.officer}" if error.officer else "")
    return (
        f"{name} is open in ChapterDesk on host {error.host} ({who}) since {error.since}; "
        f"{read_only_hint}, or close it there first."
    )


def _locked_error(db_path: Path, holder: dict[str, object]) -> DatabaseLockedError:
    host = str(holder.get("host") or "another computer")
    pid_raw = holder.get("pid")
    pid = pid_raw if isinstance(pid_raw, int) else 0
    officer = str(holder.get("officer") or "")
    since = _since_text(holder.get("since"))
    error = DatabaseLockedError("", host=host, pid=pid, since=since, officer=officer)
    return DatabaseLockedError(
        locked_sentence(db_path.name, error),
        host=host,
        pid=pid,
        since=since,
        officer=officer,
    )


def _unescape_mount(field: str) -> str:
    return (
        field.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
    )


def network_filesystem(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The network filesystem type (nfs, cifs, …) `path` lives on, or None if local/unknown."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape_mount(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    if best_type.lower() in NETWORK_FILESYSTEMS:
        return best_type
    return None


def storage_warning(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """A warning to show when the database sits in a cloud-sync folder or on a network share.

    Sync clients and network filesystems copy or lock the file behind SQLite's
    back, which can corrupt it or fork the chapter into two versions.
    Returns None for an ordinary local disk.
    """
    lowered = [part.lower() for part in path.resolve().parts]
    for part in lowered:
        for folder in SYNC_FOLDERS:
            if folder in part:
                return (
                    f"{path} is in a cloud-sync folder ({part}); syncing a live database can "
                    "corrupt it. Keep it on this computer's own disk and use "
                    "`chapterdesk backup` or `handover export` to share it."
                )
    fstype = network_filesystem(path, mounts)
    if fstype is not None:
        return (
            f"{path} is on a network filesystem ({fstype}); SQLite's locking is not reliable "
            "there and the database may be corrupted. Keep it on this computer's own disk."
        )
    return None
