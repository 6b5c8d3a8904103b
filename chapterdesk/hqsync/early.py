"""Starting to read an HQ export while the rest of the import gets ready for it.

Most of a whole `chapterdesk import` of a workbook is calamine unpacking and
parsing the sheet, which runs without the interpreter's lock. Started first,
on a thread of its own, it runs on one core while the other imports
SQLAlchemy, opens the database and reads the stored records, instead of
after them. The file is checked (`sniff_export`) on that thread before
calamine sees it, exactly as `read_hq_export` would; `read_hq_export` then
takes over the checked facts and the loaded first sheet.

A big workbook goes further (`split`, when this process may fork): a child
process checks it and cuts its sheet into pieces, which are parsed two at a
time while the rows of the first ones are already checked and compared.

Nothing here reports an error: if the early start fails, or the file changed
since, `read_hq_export` checks and reads it again and refuses it in its own
words. A CSV file is only checked early: its parsing is Python's own and
would gain nothing on another thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from chapterdesk.hqsync import split
from chapterdesk.hqsync.reading import SheetRows, open_sheets
from chapterdesk.hqsync.sniff import FileFacts, sniff_export

_WAIT_SLICE = 0.05  #: seconds between checks for cancellation while waiting for the thread

FileKey = tuple[str, int, int]


@dataclass
class _Started:
    """One early read: the file it is for, its thread and what the thread got."""

    key: FileKey
    thread: threading.Thread | None = None
    facts: FileFacts | None = None
    sheets: Generator[SheetRows, None, None] | None = None
    first: SheetRows | None = None
    failed: bool = False
    #: set once the file is checked (or the check failed): calamine's load, which needs no
    #: interpreter lock, is all that is left on the thread
    checked: threading.Event = field(default_factory=threading.Event)
    finished: bool = False  #: the thread is done with it (set under `_LOCK`)
    discarded: bool = False  #: no one will take it over (set under `_LOCK`)
    #: a big workbook checked by a child process and parsed in pieces (`split`) instead
    pieces: split.SplitRead | None = None


_LOCK = threading.Lock()
_STARTED: dict[str, _Started] = {}


def _file_key(path: Path) -> FileKey:
    """The file as it is now: its resolved path, size and modification time."""
    status = path.stat()
    return str(path.resolve()), status.st_size, status.st_mtime_ns


def start_reading(path: Path) -> None:
    """Check `path` and load its first worksheet on a thread, for `read_hq_export` to take over.

    Never raises: a file that cannot be read is left for `read_hq_export` to refuse.
    The thread is not a daemon: should the import stop before taking it over,
    the interpreter waits for the load to finish before it exits.
    """
    path = Path(path)
    try:
        key = _file_key(path)
    except OSError:
        return
    started = _Started(key)
    with _LOCK:
        if key[0] in _STARTED:
            return
        _STARTED[key[0]] = started
    if split.can_split(path):
        try:
            started.pieces = split.SplitRead(path)
        except OSError:
            started.pieces = None  # no process to spare: checked and loaded here instead
        else:
            started.checked.set()  # the check runs in the child, beside the rest
            return
    started.thread = threading.Thread(
        target=_read_ahead, args=(started, path), name="hq-read-ahead"
    )
    started.thread.start()


def _read_ahead(started: _Started, path: Path) -> None:
    try:
        try:
            started.facts = sniff_export(path)
        finally:
            started.checked.set()
        if started.facts.file_format == "csv":
            return
        started.sheets = open_sheets(path, started.facts)
        started.first = next(started.sheets, None)
    except BaseException:  # read_hq_export reads the file again and says what is wrong
        started.failed = True
    with _LOCK:
        started.finished = True
        close = started.failed or started.discarded
    if close and started.sheets is not None:
        started.sheets.close()


def wait_until_checked(path: Path) -> None:
    """Wait until an early read of `path` has checked the file (at once when none was started).

    The check is Python's own work and holds the interpreter's lock; calamine's
    load after it does not. An import that waits here before loading its
    services and reading the database lets the check run alone, so calamine
    starts sooner and that other work runs beside its load instead.
    """
    with _LOCK:
        started = _STARTED.get(str(Path(path).resolve()))
    while started is not None and not started.checked.wait(_WAIT_SLICE):
        if not started.thread or not started.thread.is_alive():
            return


def discard_started(path: Path) -> None:
    """Drop an early read of `path` no one will take over (the import stopped before reading).

    Its thread finishes the load by itself and then lets the workbook go.
    """
    path = Path(path)
    with _LOCK:
        started = _STARTED.pop(str(path.resolve()), None)
        if started is None:
            return
        started.discarded = True
        close = started.finished
    if started.pieces is not None:
        started.pieces.close()
    if close and started.sheets is not None:
        started.sheets.close()


def take_started(
    path: Path, cancelled: Callable[[], bool]
) -> tuple[FileFacts, Generator[SheetRows, None, None]] | None:
    """The checked facts and the sheets of an early read of `path`, if one was started.

    Waits for the thread (polling `cancelled`, which stops the wait). None when
    no early read was started, it failed, or the file changed since it started;
    the caller then reads the file itself.
    """
    path = Path(path)
    try:
        key = _file_key(path)
    except OSError:
        key = None
    with _LOCK:
        started = _STARTED.pop(key[0] if key else str(path.resolve()), None)
    if started is not None and started.pieces is not None:
        return _take_pieces(started.pieces, started.key == key, cancelled)
    if started is None or started.thread is None:
        return None
    while started.thread.is_alive():
        if cancelled():
            return None  # the thread finishes by itself; what it loaded is dropped
        started.thread.join(_WAIT_SLICE)
    if started.failed or started.facts is None or started.key != key:
        if started.sheets is not None:
            started.sheets.close()
        return None
    if started.sheets is None:  # CSV: checked only
        return started.facts, open_sheets(path, started.facts)
    return started.facts, _resume(started.first, started.sheets)


def _take_pieces(
    pieces: split.SplitRead, same_file: bool, cancelled: Callable[[], bool]
) -> tuple[FileFacts, Generator[SheetRows, None, None]] | None:
    """The facts and sheets of a split read once its first piece is in (None to read again)."""
    while not pieces.ready.wait(_WAIT_SLICE) and not cancelled():
        pass
    facts = pieces.facts
    if cancelled() or not same_file or facts is None or pieces.status in ("refused", "failed"):
        pieces.close()  # the caller reads the file itself, and says what is wrong with it
        return None
    return facts, pieces.sheets()


def _resume(
    first: SheetRows | None, rest: Generator[SheetRows, None, None]
) -> Generator[SheetRows, None, None]:
    """The sheet loaded early, then the others; closing it closes the workbook."""
    try:
        if first is not None:
            yield first
        yield from rest
    finally:
        rest.close()
