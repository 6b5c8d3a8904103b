"""Trouble the machine causes (a full disk, a read-only folder, a device), said in a sentence.

Exit status 1 means a bug. A full disk, a folder the officer may not write, a
USB stick pulled out or a database on a read-only share are not bugs: they
reach ChapterDesk as `OSError`, as SQLite's `OperationalError` ("database or
disk is full", "attempt to write a readonly database") or wrapped in
SQLAlchemy's errors, from whichever layer met them first. `explain` turns
each of those into a `BadInputError` naming the place and what to do, so the
command line exits 2 and the window shows a sentence; anything it does not
recognise stays a bug.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import sys
from pathlib import Path

from chapterdesk.errors import BadInputError
from chapterdesk.file_kinds import kind_of

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS}
_DENIED = {errno.EACCES, errno.EPERM}
_NOT_A_FILE = {errno.EISDIR, errno.ENXIO, errno.ENODEV, errno.ESPIPE}


def _size_text(size: int) -> str:
    """A byte count the way an officer reads it (kB, MB, GB)."""
    for unit, scale in (("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _existing_folder(path: Path) -> Path:
    """`path` itself when it is a folder, else its nearest existing parent."""
    here = path if path.is_dir() else path.parent
    while not here.exists() and here != here.parent:
        here = here.parent
    return here


def disk_full(place: Path | None, database: Path | None) -> BadInputError:
    """The sentence for a full disk (or a file-size limit): where, and how much to free."""
    where = _existing_folder(place or database or Path.cwd())
    free = ""
    with contextlib.suppress(OSError):
        free = f" ({_size_text(shutil.disk_usage(where).free)} free)"
    need = ""
    if database is not None:
        try:
            size = database.stat().st_size
        except OSError:
            size = 0
        if size:
            # A change needs room for its journal; an import first backs the database up.
            need = (
                f" Free at least {_size_text(size + 1_000_000)} (the database is "
                f"{_size_text(size)}, and an import first backs it up)."
            )
    need = need or " Free some space there."
    return BadInputError(
        f"The disk holding {where} is full{free}; nothing was changed.{need} "
        "Then try again, or move the chapter to a disk with room."
    )


def read_only_place(place: Path) -> BadInputError:
    """The sentence for a folder on a read-only disk or share."""
    where = _existing_folder(place)
    return BadInputError(
        f"{where} is on a read-only disk or share, so ChapterDesk cannot write there; "
        "nothing was changed. Copy the chapter to a writable folder and give that with --db, "
        "or add --read-only to only look."
    )


def not_allowed(place: Path) -> BadInputError:
    """The sentence for a permission refusal."""
    return BadInputError(
        f"ChapterDesk may not use {place} (permission denied); nothing was changed. "
        "Check the file's and its folder's permissions, or choose another place."
    )


def _explain_os_error(exc: OSError, database: Path | None) -> BadInputError | None:
    place = Path(exc.filename) if isinstance(exc.filename, str) and exc.filename else None
    code = exc.errno
    if code in _FULL:
        return disk_full(place, database)
    if code in _READ_ONLY:
        return read_only_place(place or database or Path.cwd())
    if code in _DENIED:
        return not_allowed(place or database or Path.cwd())
    if place is not None:
        kind = kind_of(place)
        if code in _NOT_A_FILE or (kind is not None and code in (errno.EINVAL, errno.ENOTDIR)):
            return BadInputError(f"{place} is {kind or 'not a regular file'}; give a file path.")
        if code == errno.ENOTDIR:
            return BadInputError(f"Part of {place} is a file, not a folder; give another path.")
        if code == errno.ENOENT:
            return BadInputError(f"{place} does not exist (or its folder does not); check it.")
        if code == errno.ENAMETOOLONG:
            return BadInputError(f"The path {str(place)[:80]}… is too long; give a shorter one.")
    if code == errno.EIO:
        return BadInputError(
            f"Reading or writing {place or database or 'a file'} failed (input/output error): "
            "the disk may be failing or was removed. Check it, then try again."
        )
    return None


def _sqlite_message(exc: BaseException) -> str | None:
    """SQLite's own message when `exc` is (or wraps) an sqlite3 error, else None."""
    inner: BaseException | None = exc
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            inner = exc.orig
    if isinstance(inner, sqlite3.Error):
        return str(inner).lower()
    return None


def explain(exc: BaseException, database: Path | None = None) -> BadInputError | None:
    """The officer's sentence for an error the environment caused, or None for a bug.

    Args:
        exc: what was raised.
        database: the SQLite file the command worked on, when it has one (named
            in the advice, and sized to say how much room a change needs).
    """
    if isinstance(exc, OSError):
        return _explain_os_error(exc, database)
    message = _sqlite_message(exc)
    if message is None:
        return None
    if "disk is full" in message or "database or disk is full" in message:
        return disk_full(None, database)
    if "readonly database" in message or "read-only" in message:
        if database is not None and not os.access(database.parent, os.W_OK):
            return read_only_place(database.parent)
        return BadInputError(
            f"ChapterDesk may not write {database or 'the database'} (it or its folder is "
            "read-only); nothing was changed. Make it writable, or add --read-only to only look."
        )
    if "unable to open database file" in message:
        where = database.parent if database is not None else Path.cwd()
        return BadInputError(
            f"Cannot open the database in {where}: the folder cannot be written or read; "
            "nothing was changed. Check the folder, or add --read-only to only look."
        )
    if "disk i/o error" in message:
        if database is not None and kind_of(database) is not None:
            return BadInputError(f"{database} is {kind_of(database)}, not a database file.")
        if database is not None:
            try:
                if shutil.disk_usage(_existing_folder(database)).free < 1_000_000:
                    return disk_full(None, database)
            except OSError:
                pass
        return BadInputError(
            f"Reading or writing {database or 'the database'} failed (disk I/O error): the "
            "disk may be full, failing or removed; nothing was changed. Check it and try again."
        )
    if "database is locked" in message:
        return BadInputError(
            f"{database or 'The database'} is busy in another program (database is locked); "
            "nothing was changed. Close the other program and try again."
        )
    return None
