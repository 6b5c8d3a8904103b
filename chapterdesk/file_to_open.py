"""`chapterdesk FILE`: the file the desktop hands ChapterDesk to open, told before Qt loads.

The file manager (through the `.desktop` entry's `Exec=chapterdesk %f`) and
an officer at a terminal may name one file: a handover package (`.cdh`) opens
the window's "Open a handover package" flow with it, a chapter database
(`.sqlite3`, `.sqlite`, `.db`) opens the window on it as `--db` does. Anything
else (a missing file, a folder, one that cannot be read, another kind of file,
a `.db` that is not SQLite) is refused with one sentence.

A command name wins over a file of the same name: `chapterdesk members` runs
the `members` command even where a file called `members` lies in the current
folder (write `./members` to open it). A lone word with no suffix and no
folder in it that names no file is left to the command parser, which answers
a mistyped command ("membrs") as it always has.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from chapterdesk.errors import BadInputError
from chapterdesk.file_kinds import require_readable_file

HANDOVER_SUFFIXES = (".cdh",)
DATABASE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
_WHAT = "a chapter database (.sqlite3, .sqlite, .db) or a handover package (.cdh)"


class FileKind(enum.StrEnum):
    """What a file given to open is."""

    HANDOVER = "handover"
    DATABASE = "database"


@dataclass(frozen=True)
class FileToOpen:
    """A file to open in the window, and what it is."""

    path: Path
    kind: FileKind


def names_a_file(token: str, commands: Collection[str]) -> bool:
    """Whether a lone argument is a file to open rather than a command (see the module text)."""
    if not token or token.startswith("-") or token in commands:
        return False
    separators = {os.sep, os.altsep or os.sep, "/"}
    return bool(Path(token).suffix) or any(s in token for s in separators) or os.path.lexists(
        token
    )


def file_to_open(given: str) -> FileToOpen:
    """What `given` is, checked enough to open it or to say in one sentence why not.

    Raises:
        BadInputError: missing, not a regular file, unreadable, or not a kind
            ChapterDesk opens (by its suffix and its first bytes).
    """
    if "://" in given:  # not echoed: an address may carry a password
        raise BadInputError(
            "That is a database server's address, not a file; open a shared database with "
            "`chapterdesk --db URL` (or File → Connect to a shared database…)."
        )
    path = Path(given).expanduser().absolute()
    require_readable_file(path, _WHAT)
    suffix = path.suffix.lower()
    if suffix not in HANDOVER_SUFFIXES + DATABASE_SUFFIXES:
        raise BadInputError(f"ChapterDesk does not open {path.name}; open {_WHAT}.")
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BadInputError(
            f"{path} cannot be read ({exc.strerror or exc}); check that you may read it."
        ) from None
    if suffix in HANDOVER_SUFFIXES:
        from chapterdesk.sealing import MAGIC

        if not head.startswith(MAGIC):
            raise BadInputError(
                f"{path.name} is not a ChapterDesk handover package (it does not begin as one); "
                "ask the previous officer for the .cdh file again."
            )
        return FileToOpen(path, FileKind.HANDOVER)
    if not head:
        raise BadInputError(
            f"{path.name} is empty (0 bytes), so it holds no chapter; open the .sqlite3 file "
            "ChapterDesk keeps, or a backup of it."
        )
    from chapterdesk.data.migrate import check_sqlite_file
    from chapterdesk.errors import DatabaseError

    try:
        check_sqlite_file(path)  # an SQLite file, whole: the window checks its tables
    except DatabaseError as exc:
        raise BadInputError(exc.message) from None
    return FileToOpen(path, FileKind.DATABASE)


def window_can_open(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> bool:
    """Whether a window (and so a message box) can be shown: on X11/Wayland only with a display.

    Windows and macOS always have a screen for a desktop session; elsewhere Qt
    needs `DISPLAY` or `WAYLAND_DISPLAY`, or a platform named in `QT_QPA_PLATFORM`
    (`offscreen` in the tests). Without one Qt would abort, so a refusal is
    printed instead, with exit status 2.
    """
    env = os.environ if environ is None else environ
    if platform.startswith(("win", "darwin")):
        return True
    return any(env.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))


@dataclass(frozen=True)
class WindowRequest:
    """What the window is asked to open: `--db`, the demo, a file named, or why not that file.

    `refused` is the sentence saying why the file named cannot be opened; the
    window shows it in a message box and opens nothing.
    """

    db: str | None = None
    demo: bool = False
    file: FileToOpen | None = None
    refused: str | None = None


def window_request(db: str | None, demo: bool, given: str | None) -> WindowRequest:
    """The request for `chapterdesk [--db X] [--demo] [FILE]`: a file is checked, never opened."""
    if given is None:
        return WindowRequest(db, demo)
    if db is not None or demo:
        other = "--demo" if demo else "--db"
        return WindowRequest(
            refused=f"Give a file to open or {other}, not both (both {given} and {other} were "
            "given)."
        )
    try:
        return WindowRequest(file=file_to_open(given))
    except BadInputError as exc:
        return WindowRequest(refused=exc.message)
