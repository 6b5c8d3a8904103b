"""The log: one private, rotated file in the log folder, with no member data in it.

`start_logging()` is called once by the command line and the window. It sends
ChapterDesk's warnings and errors (and the tracebacks of bugs) to
`chapterdesk.log`, rotated at 1 MB with five old files kept; turns on
`faulthandler` into `faults.log` beside it, so a hard crash (a segfault in Qt)
still leaves a trace; logs exceptions escaping a thread; and keeps SQLAlchemy's
statement logging off, since its parameters would carry names and e-mails. Every
file is created 0600 in a 0700 folder: a laptop's other accounts cannot read it.
"""

from __future__ import annotations

import atexit
import faulthandler
import logging
import logging.handlers
import os
import threading
from pathlib import Path
from typing import IO, Any

from chapterdesk.paths import log_dir

LOG_NAME = "chapterdesk.log"
FAULTS_NAME = "faults.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_state: dict[str, Any] = {}


def log_file() -> Path:
    """The log file's path (in the log folder, which is created when missing)."""
    return log_dir() / LOG_NAME


def _private_open(path: Path, mode: str = "a") -> IO[str]:
    """Open a log file for appending, created 0600 (and made 0600 if it was not)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return open(fd, mode, encoding="utf-8")


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose every file (the first and each after a rollover) is 0600."""

    def _open(self) -> IO[str]:  # type: ignore[override]
        return _private_open(Path(self.baseFilename), self.mode)


def start_logging() -> Path:
    """Route ChapterDesk's log into the private rotated file; idempotent. Returns the file."""
    if "handler" in _state:
        return Path(_state["handler"].baseFilename)
    path = log_file()
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("chapterdesk")
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    # SQLAlchemy logs statements with their parameters (members' names, e-mails) at INFO:
    # never let a configuration turn that on into this file.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    _state["handler"] = handler
    _start_faulthandler(path.parent / FAULTS_NAME)
    _state["thread_hook"] = threading.excepthook
    threading.excepthook = _log_thread_exception
    return path


def _start_faulthandler(path: Path) -> None:
    """Dump every thread's stack into `faults.log` on a fatal signal (a crash inside Qt)."""
    try:
        stream = _private_open(path)
    except OSError:
        return  # the log folder cannot be written: the crash still reaches stderr
    _state["faults"] = stream  # kept open for the process's life, as faulthandler requires
    faulthandler.enable(file=stream, all_threads=True)
    atexit.register(_stop_faulthandler, stream)  # closed at exit, not left to the collector


def _stop_faulthandler(stream: IO[str]) -> None:
    """At the process's end: stop dumping into `faults.log`, then close it."""
    faulthandler.disable()
    stream.close()


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """Log an exception that ended a thread, then let the previous hook report it too."""
    if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
        name = args.thread.name if args.thread is not None else "a thread"
        logging.getLogger("chapterdesk.crash").error(
            "Unexpected error in %s",
            name,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
    _state["thread_hook"](args)


def log_exception(exc: BaseException, what: str = "Unexpected error") -> str:
    """Write a bug with its traceback to the log file; return the file's path."""
    path = start_logging()
    logging.getLogger("chapterdesk.crash").error(
        what, exc_info=(type(exc), exc, exc.__traceback__)
    )
    _state["handler"].flush()
    return str(path)
