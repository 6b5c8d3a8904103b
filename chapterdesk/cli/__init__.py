"""The `chapterdesk` command line: a first-class, scriptable interface to the services.

Exit status: 0 success, 1 a bug (logged with its traceback), 2 bad input or an
environment the officer can fix (a full disk, a read-only folder; nothing written),
3 refused by a domain rule. Every failure is one line on stderr, and JSON
(`{"error": {"code": N, "message": ...}}`) on stdout for a command given `--json`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from chapterdesk import __version__
from chapterdesk.cli.failures import CommandParser, ParserError, prepare_output, report, wants_json
from chapterdesk.errors import ChapterDeskError
from chapterdesk.file_to_open import WindowRequest, names_a_file, window_can_open, window_request

# Each module has `register(subparsers)`; a new command group adds its module here.
COMMAND_MODULES = (
    "chapterdesk.cli.setup",
    "chapterdesk.cli.members",
    "chapterdesk.cli.officers",
    "chapterdesk.cli.categories",
    "chapterdesk.cli.imports",
    "chapterdesk.cli.conflicts",
    "chapterdesk.cli.database",
    "chapterdesk.cli.safety",
    "chapterdesk.cli.dues",
    "chapterdesk.cli.reports",
    "chapterdesk.cli.payments",
    "chapterdesk.cli.mail",
)

#: The module that registers each top-level command, so that running one command imports
#: only its own module (the rest import reportlab, the demo generator, ...: about half a
#: second a whole HQ import waited for). `tests/test_cli_parser.py` holds it to the modules.
COMMAND_MODULE: dict[str, str] = {
    "init": "chapterdesk.cli.setup",
    "demo": "chapterdesk.cli.setup",
    "members": "chapterdesk.cli.members",
    "officers": "chapterdesk.cli.officers",
    "categories": "chapterdesk.cli.categories",
    "import": "chapterdesk.cli.imports",
    "imports": "chapterdesk.cli.imports",
    "conflicts": "chapterdesk.cli.conflicts",
    "db": "chapterdesk.cli.database",
    "backup": "chapterdesk.cli.safety",
    "restore": "chapterdesk.cli.safety",
    "handover": "chapterdesk.cli.safety",
    "audit": "chapterdesk.cli.safety",
    "dues": "chapterdesk.cli.dues",
    "report": "chapterdesk.cli.reports",
    "export": "chapterdesk.cli.reports",
    "payments": "chapterdesk.cli.payments",
    "mail": "chapterdesk.cli.mail",
}

def command_named(argv: Sequence[str]) -> str | None:
    """The command the arguments name (`members` in `--db x members list`), if any."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--db":
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def build_parser(command: str | None = None) -> CommandParser:
    """The argument parser: every command group, or only the one that registers `command`.

    Args:
        command: the command about to run (the first argument), when it is one
            of `COMMAND_MODULE`'s; anything else (none, `--help`, a typo) gets
            the whole parser, which answers it as it always has.
    """
    parser = CommandParser(
        prog="chapterdesk",
        description="Run a chapter: the roster, HQ sync, dues and reports. "
        "With no command, opens the window.",
        epilog="`chapterdesk FILE` opens a chapter database (.sqlite3, .sqlite, .db) in the "
        "window, or a handover package (.cdh) in its Open a handover package dialog. A command "
        "wins over a file of the same name: write ./members to open a file called members.",
    )
    parser.add_argument("--version", action="version", version=f"ChapterDesk {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the window on a demo chapter")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="the database to open in the window")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    only = COMMAND_MODULE.get(command or "")
    for name in (only,) if only else COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def window_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """`--db`, `--demo` and a FILE when they are all the arguments (the window opens), else None.

    Opening the window does not build the whole parser: that imports every
    command module and with them SQLAlchemy, which the window's first screen
    does without. Anything else (a command, --help, --version, a malformed
    argument) is left to the full parser, which answers it as it always has. A
    lone word is a command when it names one, even if a file of that name
    exists (`file_to_open.names_a_file`).
    """
    parser = argparse.ArgumentParser(prog="chapterdesk", add_help=False, exit_on_error=False)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--db")
    parser.add_argument("file", nargs="?")
    try:
        found, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest or (found.file is not None and not names_a_file(found.file, COMMAND_MODULE)):
        return None
    return found


NO_DISPLAY = (
    "There is no display to open {file} on (DISPLAY and WAYLAND_DISPLAY are not set); open it "
    "from the desktop, or work on a database with a command such as `chapterdesk members list "
    "--db FILE`."
)


def log_unexpected(exc: BaseException) -> str:
    """Write an unexpected error with its traceback to the log file; return the file's path."""
    from chapterdesk.logs import log_exception

    return log_exception(exc)


def main(
    argv: Sequence[str] | None = None,
    open_window: Callable[[WindowRequest], int] | None = None,
) -> int:
    """Run the command line; return the exit status.

    Args:
        argv: the arguments (default: the process's).
        open_window: what to do with no command: open the window on `--db`, the
            demo or the FILE named. The entry point supplies it, so this package
            never imports Qt.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    window = window_arguments(arguments)
    if window is not None and open_window is not None:
        request = window_request(window.db, window.demo, window.file)
        if request.refused is not None:
            # Said on stderr in any case; in a message box too when a window can be shown
            # (the file manager has no terminal to read it in).
            status = report(request.refused, 2, as_json=False)
            if not window_can_open():
                return status
        elif request.file is not None and not window_can_open():
            return report(NO_DISPLAY.format(file=request.file.path), 2, as_json=False)
        return open_window(request)
    undo = [prepare_output("stdout"), prepare_output("stderr")]
    try:
        status = _run(arguments, open_window)
        return _flushed(status)
    finally:
        for step in undo:
            step()


def _flushed(status: int) -> int:
    """`status`, once what was printed reached its file (`> roster.txt` on a full disk).

    A failed final flush would otherwise surface after `main` returns, as
    Python's "Exception ignored" and exit 120.
    """
    import os

    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left: nothing is wrong, nothing more to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return status
    except OSError as exc:
        from chapterdesk.environment_errors import explain

        with contextlib.suppress(OSError):  # nothing more may be written there
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        problem = explain(exc)
        message = problem.message if problem else f"Could not write the output: {exc.strerror}."
        # Not as JSON: standard output is where it could not be written.
        return report(message, 2, as_json=False) if status == 0 else status
    return status


def _run(arguments: list[str], open_window: Callable[[WindowRequest], int] | None) -> int:
    """Parse and run one command, turning every failure into one line and an exit status."""
    as_json = wants_json(arguments)
    parser = build_parser(command_named(arguments))
    try:
        parser.given = tuple(arguments)
        args = parser.parse_args(arguments)
    except ParserError as exc:
        return report(exc.message, 2, as_json=as_json)
    if args.command is None:
        if open_window is None:
            parser.print_help()
            return 0
        return open_window(WindowRequest(args.db, args.demo))
    as_json = bool(getattr(args, "json", False))
    try:
        status: int = args.handler(args)
        return status
    except ChapterDeskError as exc:
        return report(exc.message, exc.exit_status, as_json=as_json)
    except BrokenPipeError:
        # The reader went away (`chapterdesk members list | head`): nothing is wrong.
        # Point stdout at /dev/null so the interpreter's final flush does not complain.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("chapterdesk: cancelled; nothing more was written.", file=sys.stderr)
        return 130
    except Exception as exc:  # the environment's doing (a full disk, …), or a bug
        from chapterdesk.environment_errors import explain

        problem = explain(exc, _database_file(args))
        if problem is not None:
            return report(problem.message, problem.exit_status, as_json=as_json)
        try:
            where = f"The details were written to {log_unexpected(exc)}"
        except OSError as log_error:
            where = f"The details could not be logged either ({log_error.strerror})"
        summary = (str(exc).strip().splitlines() or [""])[0][:200]  # not SQLAlchemy's SQL dump
        return report(
            f"unexpected error ({type(exc).__name__}: {summary}). {where}; please report it.",
            1,
            as_json=as_json,
        )


def _database_file(args: argparse.Namespace) -> Path | None:
    """The SQLite file a command worked on, for advice about it (None for a server, or unknown)."""
    from chapterdesk.data.engine import resolve_location

    given = getattr(args, "db", None) or getattr(args, "source", None)
    try:
        return resolve_location(given).path
    except Exception:  # only the advice depends on it; the error itself is reported anyway
        return None
