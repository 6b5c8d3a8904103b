"""What every subcommand shares: opening the database, printing, JSON, progress, errors."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

from chapterdesk.data.engine import Database, Location
from chapterdesk.data.lock import locked_sentence, storage_warning
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import DatabaseLockedError
from chapterdesk.json_values import write_json
from chapterdesk.values import parse_iso_date

Handler = Callable[[argparse.Namespace], int]
# A command waits this long for another ChapterDesk's writer lock, so scripted
# commands run back to back do not collide.
LOCK_WAIT_SECONDS = 5.0
_warned: set[str] = set()


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """`--db PATH_OR_URL`, defaulting to CHAPTERDESK_DB, else the user's data directory."""
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="the chapter database: a file path or a SQLAlchemy URL "
        "(default: $CHAPTERDESK_DB, else the file in your data directory)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="open without taking the writer's place (when another ChapterDesk has the "
        "database open); changes are refused",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """`--json`: print the result as JSON instead of a table."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def open_db(args: argparse.Namespace, *, create: bool = False) -> Database:
    """Open the database the arguments name (never creating one unless asked).

    Waits a few seconds for another ChapterDesk's writer lock, and warns once on
    stderr when the file is in a cloud-sync folder or on a network share.
    """
    try:
        db = open_database(
            getattr(args, "db", None),
            create=create,
            read_only=getattr(args, "read_only", False),
            lock_wait=LOCK_WAIT_SECONDS,
        )
    except DatabaseLockedError as exc:
        raise cli_locked_error(exc, getattr(args, "db", None)) from None
    warn_about_storage(db.location)
    return db


@contextlib.contextmanager
def opened_db(args: argparse.Namespace, *, create: bool = False) -> Iterator[Database]:
    """`open_db`, let go of when the block ends (however it ends)."""
    db = open_db(args, create=create)
    try:
        yield db
    finally:
        db.dispose()


def cli_locked_error(exc: DatabaseLockedError, given: str | None) -> DatabaseLockedError:
    """The lock refusal reworded for the command line (it names `--read-only`)."""
    from chapterdesk.data.engine import resolve_location

    path = resolve_location(given).path
    name = path.name if path is not None else "The database"
    return DatabaseLockedError(
        locked_sentence(name, exc, "add --read-only to read it"),
        host=exc.host,
        pid=exc.pid,
        since=exc.since,
        officer=exc.officer,
    )


def warn_about_storage(location: Location) -> None:
    """Print the cloud-sync / network-share warning for a database file, once per run."""
    if location.path is None or str(location.path) in _warned:
        return
    _warned.add(str(location.path))
    warning = storage_warning(location.path)
    if warning:
        print(f"chapterdesk: warning: {warning}", file=sys.stderr)


def date_arg(what: str) -> Callable[[str], dt.date]:
    """An argparse `type=` that parses YYYY-MM-DD and names the option in its error."""

    def parse(raw: str) -> dt.date:
        from chapterdesk.errors import BadInputError

        try:
            return parse_iso_date(raw, what)
        except BadInputError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    return parse


def print_json(value: Any, out: TextIO | None = None, *, plain: bool = False) -> None:
    """Print a value as indented JSON, written by the one encoder (`json_values`).

    `plain`: the value is already made of JSON's own types (see `write_json`).
    """
    write_json(value, out or sys.stdout, plain=plain)


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], out: TextIO | None = None
) -> None:
    """Print rows as plain aligned columns, the way a terminal user reads them."""
    cells = [tuple("" if v is None else str(v) for v in row) for row in rows]
    write_text_table(headers, cells, out or sys.stdout)


def write_text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO
) -> None:
    """Text cells in aligned columns, written in one piece (50,000 rows quickly)."""
    widths = [len(h) for h in headers]
    for n in range(len(headers)):
        widths[n] = max([widths[n], *map(len, (row[n] for row in rows))])
    last = len(headers) - 1
    pattern = "  ".join(f"{{{n}:<{w}}}" for n, w in enumerate(widths[:last]))
    pattern = f"{pattern}  {{{last}}}" if last else f"{{{last}}}"
    form = pattern.format
    text = [
        form(*headers).rstrip(),
        "  ".join("-" * w for w in widths),
        *(form(*row).rstrip() for row in rows),
    ]
    out.write("\n".join(text) + "\n")


class TerminalProgress:
    """A one-line progress bar on stderr, shown only on a terminal and only after 0.5 s."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.interrupted = False

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        """Report `done` of `total` in a phase; redraws at most ten times a second."""
        now = time.monotonic()
        if not self.enabled or now - self.started < 0.5 or now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        if total:
            width = 30
            filled = int(width * min(done, total) / total)
            bar = "#" * filled + "-" * (width - filled)
            text = f"\r{phase:<12} [{bar}] {done:,}/{total:,}"
        else:
            text = f"\r{phase:<12} {done:,}"
        self.stream.write(text.ljust(70))
        self.stream.flush()

    def cancelled(self) -> bool:
        """True once Ctrl-C was pressed inside `interrupt_cancels` (long work polls this)."""
        return self.interrupted

    def finish(self) -> None:
        """Clear the progress line."""
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


@contextlib.contextmanager
def interrupt_cancels(progress: TerminalProgress) -> Iterator[None]:
    """Turn the first Ctrl-C into a cancel request that long work polls, not an exception.

    An exception raised at an arbitrary moment can land between creating a
    temporary file and guarding it; a polled cancel stops at a safe point, so the
    partial file is always removed. A second Ctrl-C interrupts at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_interrupt(signum: int, frame: object) -> None:
        if progress.interrupted:
            raise KeyboardInterrupt
        progress.interrupted = True

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
