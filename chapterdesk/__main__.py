"""`python -m chapterdesk` and the `chapterdesk` entry point.

This is the one place outside `chapterdesk.ui` that reaches the UI, and only
lazily, when no command is given: the command line runs without Qt loaded.

A command that has finished leaves without the interpreter's teardown. By
the time `_leave` runs (registered first, it is the last exit step; when
something registered one before it, such as coverage, nothing is skipped) the
command has closed its database (its write-ahead log checkpointed into the
file), every other thread has been joined and every other exit step has run
(logging, temporary folders); what is left is freeing each module's objects,
0.1-0.2 s of a command's time that nobody sees the result of. The window
exits the ordinary way (Qt writes its settings as it is taken down).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys


class _Exit:
    """How this process is to end."""

    status: int | None = None  #: set once a command (not the window) has run to its end
    window = False  #: the window was opened: it exits the ordinary way
    alone = False  #: no exit step was registered before `_leave` (which runs last)


def _leave() -> None:
    """Exit with the command's status now, once everything else has been done."""
    if _Exit.status is None or _Exit.window or not _Exit.alone:
        return  # the window, an interruption, an uncaught error, a wrapper: the ordinary way
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # the command said whatever went wrong already
            stream.flush()
    os._exit(_Exit.status)


# Only when nothing registered an exit step before this module (a wrapper such as
# coverage, a profiler, a test's memory probe): those would run after `_leave`, so never.
_Exit.alone = getattr(atexit, "_ncallbacks", lambda: 1)() == 0
atexit.register(_leave)  # first of all, so it runs after every other exit step

from chapterdesk.file_to_open import WindowRequest  # noqa: E402 -- after `_leave` is registered


def open_window(request: WindowRequest) -> int:
    """Open the desktop window (Qt is imported only now)."""
    from chapterdesk.ui.app import run_window

    _Exit.window = True
    return run_window(request)


def main() -> None:
    """Run the command line (or the window, with no command) and exit with its status."""
    from chapterdesk.cli import main as cli_main

    status = cli_main(open_window=open_window)
    _Exit.status = status
    sys.exit(status)


if __name__ == "__main__":
    main()
