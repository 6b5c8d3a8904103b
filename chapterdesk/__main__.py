"""`python -m chapterdesk` and the `chapterdesk` entry point.

This is the one place outside `chapterdesk.ui` that reaches the UI, and only
lazily, when no command is given: the command line runs without Qt loaded.
"""

from __future__ import annotations

import sys

from chapterdesk.file_to_open import WindowRequest


def open_window(request: WindowRequest) -> int:
    """Open the desktop window (Qt is imported only now)."""
    from chapterdesk.ui.app import run_window

    return run_window(request)


def main() -> None:
    """Run the command line (or the window, with no command) and exit with its status."""
    from chapterdesk.cli import main as cli_main

    sys.exit(cli_main(open_window=open_window))


if __name__ == "__main__":
    main()
