"""Where ChapterDesk keeps its files by default (platformdirs), and resources shipped with it."""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.resources
import os
from pathlib import Path

import platformdirs

APP_NAME = "ChapterDesk"


def data_dir() -> Path:
    """The user's data directory for ChapterDesk, created private (0700) when missing."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_db_path() -> Path:
    """The embedded database used when neither --db nor CHAPTERDESK_DB names one."""
    return data_dir() / "chapter.sqlite3"


def demo_db_path() -> Path:
    """The demo chapter's database, built in the data directory on first use."""
    return data_dir() / "demo-chapter.sqlite3"


def backups_dir(database: Path | None = None, *, create: bool = True) -> Path:
    """Where automatic backups (before upgrades, imports, restores) of `database` are kept.

    Beside the database, in a folder named after it (`chapter.sqlite3` ->
    `chapter.sqlite3.backups/`), so they travel with it and are found where the
    officer looks; with no file named (a server database), the data directory's
    `backups/`. The folder is created private (0700); when beside the database it
    cannot be made (a read-only folder), the data directory's `backups/` is used.
    With `create=False` (to list backups) nothing is made: the folder beside the
    database is named whether it exists or not.
    """
    if database is not None:
        beside = database.parent / f"{database.name}.backups"
        if not create:
            return beside
        try:
            beside.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            pass
        else:
            return beside
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def log_dir() -> Path:
    """Where unexpected errors are logged with their traceback."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def resources_dir() -> Path:
    """The package's `resources/` folder: fonts, icons and report assets.

    Found with `importlib.resources`, so it is the same in a checkout, an
    installed wheel and a PyInstaller bundle (which ships the folder as data
    files). Everything under it is package data: a new font or asset needs no
    packaging change. CHAPTERDESK_RESOURCES overrides it for a relocated installation.
    """
    override = os.environ.get("CHAPTERDESK_RESOURCES")
    if override:
        return Path(override)
    return _package_resources()


@functools.cache
def _package_resources() -> Path:
    folder = importlib.resources.files("chapterdesk") / "resources"
    if isinstance(folder, Path):
        return folder
    # Imported from a zip (zipapp, zipimport): unpack the folder once for this process,
    # since reportlab and Qt open fonts by file name.
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return stack.enter_context(importlib.resources.as_file(folder))


def resource(*parts: str) -> Path:
    """The path of one shipped resource file, e.g. `resource("fonts", "DejaVuSans.ttf")`."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"ChapterDesk resource is missing: {path}")
    return path
