"""Write a file so that it is either wholly new or wholly the old one.

A treasurer who prints the dues report while the laptop's disk fills up, or
whose program is killed halfway through an export, must not be left with a
truncated PDF over last month's good one. Every report and export therefore
writes to a temporary file beside the target (same directory, so the same file
system), flushes it to disk, and only then swaps it into place with
`os.replace`, which is atomic. On any failure the temporary file is removed and
the previous file is left exactly as it was.

Failures the officer can act on (the disk is full, the folder is not writable)
become a `BadInputError` with a sentence saying so; anything else is re-raised
unchanged, because it is a bug.

A process killed mid-write (kill -9, a power cut) cannot remove what it had
begun: its temporary file beside the target, or the working files a library
such as xlsxwriter keeps in a `scratch_folder`. Each writer therefore holds an
advisory lock (`flock`) on what it creates for as long as it lives; the kernel
drops the lock when the process ends, however it ends. The next write of the
same file (or the next scratch folder) removes every leftover no living
process holds, and never one that a writer still uses.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import fcntl
import glob
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

from chapterdesk.errors import BadInputError
from chapterdesk.file_kinds import require_writable_target

__all__ = ["atomic_path", "atomic_write", "scratch_folder"]

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


def _explain(error: OSError, target: Path, existed: bool) -> BadInputError | None:
    """The officer-facing error for an OSError we know how to explain, else None."""
    after = "the previous file is unchanged." if existed else "no file was written."
    if error.errno in _DISK_FULL:
        return BadInputError(
            f"Could not write {target.name}: the disk is full. "
            f"Free some space and try again; {after}"
        )
    if isinstance(error, FileNotFoundError) or error.errno == errno.ENOENT:
        return BadInputError(
            f"Could not write {target.name}: the folder {target.parent} does not exist. "
            "Choose an existing folder."
        )
    if isinstance(error, IsADirectoryError) or error.errno == errno.EISDIR:
        return BadInputError(
            f"Could not write {target.name}: {target} is a folder. Choose a file name; {after}"
        )
    if isinstance(error, PermissionError) or error.errno in _NOT_ALLOWED:
        return BadInputError(
            f"Could not write {target.name}: ChapterDesk may not write in {target.parent}. "
            f"Choose another folder, or close the file if another program has it open; {after}"
        )
    return None


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; a no-op where directories cannot be opened (Windows)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    """Flush a finished temporary file's bytes to the disk before it replaces the target."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[tuple[int, Path, bool]]:
    """Create the temporary file next to `target`, then replace or clean up on exit.

    Yields the open descriptor, the temporary path and whether the target existed.
    The caller owns the descriptor and closes it (directly or through a file
    object) before the block ends; this function then fsyncs, renames and fsyncs
    the directory.
    """
    target = require_writable_target(Path(target), "the file to write")
    existed = target.exists()
    _remove_leftovers(target.parent.glob(f".{glob.escape(target.name)}.*{_PART}"))
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if existed else 0o600
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PART, dir=target.parent)
    except OSError as error:
        friendly = _explain(error, target, existed)
        if friendly is None:
            raise
        raise friendly from error
    temp = Path(name)
    # Held until the file is renamed or removed, whoever closes `fd`: a leftover to no one else.
    try:
        held = os.dup(fd)
    except OSError:
        os.close(fd)
        _discard(temp)
        raise
    with contextlib.suppress(OSError):  # a file system without locks: nothing is swept there
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        yield from _write_and_swap(target, fd, temp, existed, mode)
    finally:
        os.close(held)


def _write_and_swap(
    target: Path, fd: int, temp: Path, existed: bool, mode: int
) -> Iterator[tuple[int, Path, bool]]:
    """Hand the temporary file over, then put it in the target's place (or remove it)."""
    handed_over = False
    try:
        if mode != 0o600:
            os.chmod(temp, mode)
        handed_over = True
        yield fd, temp, existed
    except BaseException as error:
        if not handed_over:
            os.close(fd)
        _discard(temp)
        # only a full disk or a refusal is the officer's to fix; anything else
        # raised inside the block (a missing image, a bug) is shown as it is
        if isinstance(error, OSError) and error.errno not in (errno.ENOENT, errno.EISDIR):
            friendly = _explain(error, target, existed)
            if friendly is not None:
                raise friendly from error
        raise
    try:
        _fsync_file(temp)
        os.replace(temp, target)
    except OSError as error:
        _discard(temp)
        friendly = _explain(error, target, existed)
        if friendly is None:
            raise
        raise friendly from error
    with contextlib.suppress(OSError):  # some network file systems refuse a directory fsync
        _fsync_directory(target.parent)


def _discard(temp: Path) -> None:
    """Remove the temporary file of a write that did not complete."""
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()


LEFTOVER_AGE_S = 60  #: a leftover is at least this old (a write sets its file up in far less)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PART = ".part"  #: the suffix of a temporary file beside its target
_SCRATCH_PREFIX = "chapterdesk-scratch-"
_OWNER = ".owner"  #: in a scratch folder: the file its living writer holds locked


def _remove_leftovers(paths: Iterator[Path], owner: str | None = None) -> None:
    """Remove each of `paths` (a file, or a folder with an `owner` file) no process holds.

    A leftover is older than `LEFTOVER_AGE_S` (so one being set up this moment,
    not locked yet, is never taken for one) and its lock can be taken: whoever
    holds it is alive, and what it holds is kept. On a file system without locks
    nothing can be taken, so nothing is removed there.
    """
    old = time.time() - LEFTOVER_AGE_S
    for path in paths:
        try:
            found = path.lstat()
            if found.st_mtime > old or found.st_uid != os.getuid():
                continue
            if owner is not None and not stat.S_ISDIR(found.st_mode):
                continue
            fd = os.open(path if owner is None else path / owner, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            if owner is not None:  # a folder its writer was killed while setting up
                shutil.rmtree(path, ignore_errors=True)
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if owner is None:
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass  # held by a living writer, or not ours to remove: left as it is
        finally:
            os.close(fd)


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A private folder in the system's temporary directory, removed when the block ends.

    For a library's working files (xlsxwriter's parts of a big workbook). One
    left by a process that was killed is removed by the next one made.
    """
    root = Path(tempfile.gettempdir())
    _remove_leftovers(root.glob(f"{_SCRATCH_PREFIX}*"), owner=_OWNER)
    folder = Path(tempfile.mkdtemp(prefix=_SCRATCH_PREFIX, dir=root))
    try:
        fd = os.open(folder / _OWNER, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        with contextlib.suppress(OSError):  # no locks here: nothing is swept here either
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield folder
    finally:
        os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary file name to hand to a library that opens files itself.

    Use it for xlsxwriter or reportlab, which want a file name: they write the
    temporary path, and when the block ends without error it replaces `target`.

    Raises:
        BadInputError: the disk is full or the folder is not writable; the old
            `target`, if any, is unchanged.
    """
    with _temporary_beside(Path(target)) as (fd, temp, _existed):
        os.close(fd)
        yield temp


@overload
def atomic_write(
    target: Path, mode: Literal["wb"] = "wb", *, encoding: None = None, newline: None = None
) -> contextlib.AbstractContextManager[BinaryIO]: ...


@overload
def atomic_write(
    target: Path, mode: Literal["w"], *, encoding: str = "utf-8", newline: str | None = None
) -> contextlib.AbstractContextManager[TextIO]: ...


def atomic_write(
    target: Path,
    mode: Literal["wb", "w"] = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open a file object whose contents replace `target` only when the block succeeds.

    Args:
        target: the file to create or replace.
        mode: "wb" for bytes, "w" for text.
        encoding: text mode only; UTF-8 unless given.
        newline: text mode only; passed to `open` (use "" for the csv module).

    Raises:
        BadInputError: the disk is full or the folder is not writable; the old
            `target`, if any, is unchanged.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write supports modes 'wb' and 'w', not {mode!r}")
    return _open_atomic(Path(target), mode, encoding, newline)


@contextlib.contextmanager
def _open_atomic(
    target: Path, mode: str, encoding: str | None, newline: str | None
) -> Iterator[IO[Any]]:
    """The generator behind `atomic_write`."""
    if mode == "w":
        encoding = codecs.lookup(encoding or "utf-8").name  # fail before creating anything
    with (
        _temporary_beside(target) as (fd, _temp, _existed),
        open(fd, mode, encoding=encoding, newline=newline) as handle,
    ):
        yield handle
        handle.flush()
