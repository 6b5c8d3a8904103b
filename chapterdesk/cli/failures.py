"""How the command line says something went wrong: one line, an exit status, JSON when asked.

Exit 2 is bad input or an environment the officer can fix, 3 a rule's
refusal, 1 only a bug (logged with its traceback). Everything here serves
that promise at the edges the commands never see: argparse's own errors
(one line and "see --help", not a usage block), numbers too large for the
database, standard output that cannot encode a member's name, and terminal
escapes hidden in names that came from HQ.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
from collections.abc import Callable
from typing import IO, Any, NoReturn

from chapterdesk.errors import BadInputError

# The largest integer SQLite (and PostgreSQL's BIGINT) can hold.
MAX_ID = 2**63 - 1
# C0 controls but tab, newline and carriage return (the progress bar redraws with it), DEL
# and the C1 controls: a name from HQ carrying ESC or BEL would drive the officer's terminal.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline kept)."""
    return _CONTROLS.sub("", text)


def wants_json(argv: list[str]) -> bool:
    """Whether the command line asked for JSON (before `--`, as argparse reads it)."""
    for arg in argv:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


def report(message: str, status: int, *, as_json: bool) -> int:
    """Say what went wrong on stderr (and as JSON on stdout when asked).

    A sentence is one line; only a list the officer works through (an import's
    problems, row by row) carries on below it.
    """
    line = strip_controls(message).strip()
    if as_json:
        # stdout gone (a closed pipe, a full disk): stderr still says it
        with contextlib.suppress(OSError, BadInputError):
            print(json.dumps({"error": {"code": status, "message": line}}, ensure_ascii=False))
            sys.stdout.flush()
    with contextlib.suppress(OSError):
        print(f"chapterdesk: {line}", file=sys.stderr)
    return status


class ParserError(Exception):
    """argparse refused the command line (the message is already one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line ending in "see --help", never a usage block."""

    #: The arguments being parsed (set by `main`): an error the top parser reports for
    #: a subcommand (unrecognized arguments) still names that subcommand's help.
    given: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        """Raise the refusal for `main` to report (exit 2, JSON when asked)."""
        message = message.rstrip(". ")  # "… e.g. 2026-07-01." then "; see …"
        hint = _negative_amount_hint(message)
        prog = self._command_prog()
        command = prog.removeprefix("chapterdesk").strip()
        where = f"{command}: " if command else ""
        raise ParserError(f"{where}{message}{hint}; see `{prog} --help`.")

    def _command_prog(self) -> str:
        """The deepest command the given arguments name (`chapterdesk report dues`)."""
        parser: argparse.ArgumentParser = self
        for token in self.given:
            subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
            if not subcommands:
                break
            if token in subcommands[0].choices:
                parser = subcommands[0].choices[token]
        return parser.prog


def _negative_amount_hint(message: str) -> str:
    """A word for `dues pay 1 -$5`: argparse reads the amount as an unknown option."""
    if re.search(r"(^|\s)-[$€£]?\d", message) or "required: AMOUNT" in message:
        return (
            " (an amount is never negative: record money back with `dues reverse ENTRY_ID` "
            "or `dues credit`)"
        )
    return ""


def bounded_int(what: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse `type=` for a whole number between `low` and `high`, named in its error."""

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip().replace(",", "").replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"give a whole number, not {raw[:40]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"give a whole number from {low:,} to {high:,}, not {raw[:40]}"
            )
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def entry_number(what: str) -> Callable[[str], int]:
    """A positive identifier (entry, receipt, batch) the database can hold."""
    return bounded_int(what, 1, MAX_ID)


def year_number(what: str = "the year") -> Callable[[str], int]:
    """A calendar or dues year ChapterDesk can store (1900 to 2999)."""
    return bounded_int(what, 1900, 2999)


class _CleanText(io.TextIOBase):
    """A text stream that drops control characters and never fails to encode.

    Characters the underlying encoding lacks (a CJK name on a cp1252 console)
    become `?`, as Python's `errors="replace"` does.
    """

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        try:
            self._inner.write(strip_controls(text) if _CONTROLS.search(text) else text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise output_failure(exc, self._inner) from None
        return len(text)

    def flush(self) -> None:
        try:
            self._inner.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise output_failure(exc, self._inner) from None

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it read-only
        return str(getattr(self._inner, "encoding", "utf-8"))

    def writable(self) -> bool:
        return True


def output_failure(exc: OSError, stream: Any) -> BadInputError:
    """The sentence for output that could not be written (`> roster.txt` on a full disk)."""
    from chapterdesk.environment_errors import explain

    place = None
    with contextlib.suppress(OSError, ValueError, AttributeError):
        place = os.readlink(f"/proc/self/fd/{stream.fileno()}")  # Linux: where it goes
    if place and place.startswith("/") and not exc.filename:
        exc = OSError(exc.errno, exc.strerror, place)
    problem = explain(exc)
    # The command itself may have made its change: only the printing failed.
    reason = problem.message.replace("; nothing was changed.", ".") if problem else exc.strerror
    return BadInputError(f"Could not write the command's output: {reason}")


def prepare_output(stream_name: str) -> Callable[[], None]:
    """Make `sys.stdout` or `sys.stderr` safe to print any member's name to; returns an undo.

    Redirected to a file or a pipe, output is UTF-8 (as `python -X utf8` writes)
    unless PYTHONIOENCODING chose an encoding; on a console, characters the
    console cannot show are replaced. Control characters are dropped either way.
    """
    original: Any = getattr(sys, stream_name)
    reconfigure = getattr(original, "reconfigure", None)
    if reconfigure is not None:
        redirected = not _isatty(original)
        if redirected and not os.environ.get("PYTHONIOENCODING"):
            reconfigure(encoding="utf-8", errors="replace")
        else:
            reconfigure(errors="replace")
    setattr(sys, stream_name, _CleanText(original))

    def undo() -> None:
        setattr(sys, stream_name, original)

    return undo


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (ValueError, OSError):
        return False
