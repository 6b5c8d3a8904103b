"""What a path names (a file, a folder, a device, a named pipe), told without opening it.

An officer who types `--db /dev/null`, `-o /tmp` or `import ~/Downloads`
gets a sentence, not a blocked read from a named pipe, a database written
into a device, or a device node replaced by a PDF. Every place that reads or
replaces a file the officer named asks here first: `lstat`/`stat` never block
and never change anything.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from chapterdesk.errors import BadInputError


def kind_of(path: Path) -> str | None:
    """What `path` is when it is not a regular file ("a folder", "a device", …), else None.

    None also for a path that does not exist (or cannot be looked at): the
    caller's own open reports that case with its own sentence.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def is_plain_or_absent(path: Path) -> bool:
    """True for a regular file or a path with nothing there yet: the only safe advice targets."""
    return kind_of(path) is None


def require_readable_file(path: Path, what: str) -> Path:
    """Refuse a path that is missing or is not a regular file, before anything opens it.

    Args:
        path: the file the officer named.
        what: what it should be, for the sentence ("the HQ export", "the backup").
    Raises:
        BadInputError: missing, a folder, a device, a named pipe, …
    """
    kind = kind_of(path)
    if kind is not None:
        raise BadInputError(f"{path} is {kind}, not a file; give the path of {what}.")
    if not path.exists():
        raise BadInputError(f"There is no file at {path}; give the path of {what}.")
    return path


def require_writable_target(path: Path, what: str) -> Path:
    """Refuse to replace something that is not a regular file (a folder, /dev/null, a pipe).

    Raises:
        BadInputError: the target exists and is not a regular file.
    """
    kind = kind_of(path)
    if kind is not None:
        raise BadInputError(
            f"{path} is {kind}, not a file; give a file name for {what} (nothing was written)."
        )
    return path
