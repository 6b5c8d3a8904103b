"""Consistent snapshots of the embedded database (SQLite's online backup API), and their rotation.

A snapshot is never a file copy of a live database: the backup API copies a
consistent state even while another connection writes, and the copy is
checked with `PRAGMA integrity_check` (an automatic one with the faster
`quick_check`) before it is called good. It is written
private (0600) under a temporary name, flushed to disk and renamed into place,
so a crash or a full disk never leaves half a backup where a good one was.

Automatic backups (before every schema upgrade, restore and HQ import) go to
the user's backups folder and are rotated: the last 10 are kept, plus the
newest one of each of the 12 most recent calendar months.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import sqlite3
import threading
from pathlib import Path

from chapterdesk.data.revision import read_only_uri
from chapterdesk.errors import DatabaseError
from chapterdesk.file_kinds import require_readable_file, require_writable_target
from chapterdesk.paths import backups_dir

KEEP_LAST = 10
KEEP_MONTHS = 12
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_AUTOMATIC = re.compile(r"-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<tag>[0-9a-f]{8})\.sqlite3$")


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries, after a rename) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_failure(target: Path, exc: BaseException) -> DatabaseError:
    """The officer's sentence for a backup or export that could not be written."""
    text = str(exc)
    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) or (
        isinstance(exc, sqlite3.Error) and "full" in text
    )
    if full:
        reason = "the disk is full; free some space or choose another place"
    elif isinstance(exc, OSError):
        reason = f"{exc.strerror or text}; check the folder and try again"
    else:
        reason = f"{text}; check the folder and try again"
    return DatabaseError(
        f"Could not write {target}: {reason}. Any earlier file there was left as it was."
    )


def snapshot_sqlite(source: Path, target: Path, *, thorough: bool = True) -> Path:
    """Copy the SQLite database at `source` to `target` (mode 0600) and verify the copy.

    The copy is written beside the target under a temporary name and renamed
    into place only once it passes the integrity check and is on the disk.
    `thorough=False` verifies with `quick_check` (every page and record, but not
    each index against its table: the page-for-page copy cannot make them
    disagree), about a third of the time, for the backup taken before each import.

    Raises:
        DatabaseError: the source cannot be read, the copy failed its integrity
            check, or it could not be written (a full disk, …); the target is untouched.
    """
    require_readable_file(source, "a ChapterDesk database")
    require_writable_target(target, "the copy")
    partial = _start_partial(target)
    src = _open_source(source, partial)
    return _write_snapshot(src, source, partial, target, thorough)


def _start_partial(target: Path) -> Path:
    """An empty private file beside `target` for the copy to be written into."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    except OSError as exc:
        raise write_failure(target, exc) from None
    return partial


def _open_source(source: Path, partial: Path, *, pinned: bool = False) -> sqlite3.Connection:
    """A read-only connection to `source`; with `pinned`, already inside a read transaction.

    A pinned connection holds the database as it is now: whatever another
    connection commits afterwards is not in the copy made through it.
    """
    try:
        src = sqlite3.connect(
            read_only_uri(source),
            uri=True,
            isolation_level=None,
            check_same_thread=not pinned,  # a pinned one is copied on the backup thread
        )
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"Cannot read the database {source}: {exc}.") from None
    if pinned:
        try:
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            src.close()
            partial.unlink(missing_ok=True)
            raise DatabaseError(f"Cannot read the database {source}: {exc}.") from None
    return src


def _write_snapshot(
    src: sqlite3.Connection, source: Path, partial: Path, target: Path, thorough: bool
) -> Path:
    """Copy through `src` into `partial`, verify, flush and rename it to `target`; close `src`."""
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            check = "integrity_check" if thorough else "quick_check"
            (result,) = dst.execute(f"PRAGMA {check}").fetchone()
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        if result != "ok":
            raise DatabaseError(f"The backup of {source} failed its integrity check: {result}")
        fsync_path(partial)
        os.replace(partial, target)
        fsync_path(target.parent)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error) and "full" not in str(exc):
            raise DatabaseError(f"Cannot read the database {source}: {exc}.") from None
        raise write_failure(target, exc) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return target


def source_tag(source: Path) -> str:
    """Eight hex digits naming the database a backup came from (its absolute path)."""
    import hashlib  # here, not at the top: opening a database should not wait for it

    return hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:8]


def automatic_backups(source: Path, folder: Path | None = None) -> list[Path]:
    """The automatic backups of `source` in the backups folder, newest first."""
    tag = source_tag(source)
    found: list[tuple[str, Path]] = []
    where = folder or backups_dir(source, create=False)
    if not where.is_dir():
        return []
    for path in where.glob(f"{source.stem}-*-{tag}.sqlite3"):
        match = _AUTOMATIC.search(path.name)
        if match and match["tag"] == tag:
            found.append((match["stamp"], path))
    return [path for _, path in sorted(found, reverse=True)]


def backups_to_keep(stamps: list[str], keep_last: int, keep_months: int) -> set[str]:
    """Which backups (by stamp) rotation keeps: the last `keep_last`, plus each month's newest.

    The months are the `keep_months` most recent calendar months that have a backup.
    """
    ordered = sorted(stamps, reverse=True)
    keep = set(ordered[:keep_last])
    newest_of_month: dict[str, str] = {}
    for stamp in ordered:
        newest_of_month.setdefault(stamp[:6], stamp)
    for month in sorted(newest_of_month, reverse=True)[:keep_months]:
        keep.add(newest_of_month[month])
    return keep


def rotate_backups(
    source: Path,
    *,
    keep_last: int = KEEP_LAST,
    keep_months: int = KEEP_MONTHS,
    folder: Path | None = None,
) -> list[Path]:
    """Delete the automatic backups of `source` that rotation does not keep; return them."""
    backups = automatic_backups(source, folder)
    stamps = {p: _AUTOMATIC.search(p.name)["stamp"] for p in backups}  # type: ignore[index]
    keep = backups_to_keep(list(stamps.values()), keep_last, keep_months)
    removed = [p for p, stamp in stamps.items() if stamp not in keep]
    for path in removed:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return removed


def automatic_backup(source: Path, reason: str) -> Path:
    """Take a verified snapshot into the database's backups folder before a risky change; rotate.

    Args:
        source: the live database file.
        reason: a short slug for the file name, e.g. `before-upgrade-0002` or `before-import`.
    Returns:
        The new backup's path, `<stem>-<reason>-<stamp>-<source tag>.sqlite3`.
    """
    target = _automatic_target(source, reason)
    snapshot_sqlite(source, target, thorough=False)
    rotate_backups(source)
    return target


def _automatic_target(source: Path, reason: str) -> Path:
    stamp = dt.datetime.now().strftime(STAMP_FORMAT)
    return backups_dir(source) / f"{source.stem}-{reason}-{stamp}-{source_tag(source)}.sqlite3"


class PendingBackup:
    """An automatic backup being copied and verified on a thread of its own.

    The database it copies is pinned when it starts (a read transaction), so
    the change that follows may begin writing at once: the copy still holds
    the database as it was before. SQLite copies and checks pages without the
    interpreter's lock, so on a second core this costs the change nothing.
    The change must call `wait()` before it commits.
    """

    def __init__(self, source: Path, reason: str) -> None:
        self.target = _automatic_target(source, reason)
        self._error: BaseException | None = None
        require_readable_file(source, "a ChapterDesk database")
        require_writable_target(self.target, "the copy")
        partial = _start_partial(self.target)
        src = _open_source(source, partial, pinned=True)

        def copy() -> None:
            try:
                _write_snapshot(src, source, partial, self.target, False)
                rotate_backups(source)
            except BaseException as exc:  # handed to whoever waits
                self._error = exc

        self._thread = threading.Thread(target=copy, name="automatic-backup")
        self._thread.start()

    def wait(self) -> Path:
        """The verified backup's path, once it is on the disk.

        Raises:
            DatabaseError: the copy could not be read, verified or written.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.target


def start_automatic_backup(source: Path, reason: str) -> PendingBackup:
    """Start `automatic_backup` of the database as it is now; `wait()` on it before committing.

    Raises:
        DatabaseError: the database cannot be read or the backups folder written.
    """
    return PendingBackup(source, reason)


def latest_automatic_backup(source: Path) -> Path | None:
    """The newest automatic backup of `source`, to offer when the database cannot be opened."""
    backups = automatic_backups(source)
    return backups[0] if backups else None
