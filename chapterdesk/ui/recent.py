"""The databases opened lately, newest first, remembered in QSettings for the welcome page and
File → Open Recent.

Kept as one newline-separated text (a path may hold a comma but not a newline
in any folder an officer picks); a file that has gone is dropped when listed.
"""

from __future__ import annotations

from pathlib import Path

from chapterdesk.ui.settings import Setting

KEEP = 8
RECENT_DATABASES = Setting("files/recent_databases", "", str)


def recent_databases() -> list[Path]:
    """The remembered database files that still exist, newest first."""
    paths = [Path(line) for line in str(RECENT_DATABASES.get()).splitlines() if line]
    return [path for path in paths if path.is_file()]


def remember_database(path: Path) -> None:
    """Put `path` first in the list (once), keeping the newest `KEEP`."""
    kept = [p for p in recent_databases() if p != path]
    RECENT_DATABASES.set("\n".join(str(p) for p in [path, *kept][:KEEP]))
