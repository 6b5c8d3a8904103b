"""Where ChapterDesk keeps its files by default (platformdirs), and resources shipped with it."""

from __future__ import annotations

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


def backups_dir() -> Path:
    """Where automatic backups (before upgrades, imports, restores) are kept."""
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def log_dir() -> Path:
    """Where unexpected errors are logged with their traceback."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def resources_dir() -> Path:
    """The `resources/` folder: icons, fonts and report assets.

    Looked up beside the package (a source checkout or an editable install);
    CHAPTERDESK_RESOURCES overrides it for a relocated installation.
    """
    override = os.environ.get("CHAPTERDESK_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """The path of one shipped resource file, e.g. `resource("fonts", "DejaVuSans.ttf")`."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"ChapterDesk resource is missing: {path}")
    return path
