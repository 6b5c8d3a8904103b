"""Starting the desktop application: QApplication, the database, the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.paths import data_dir, default_db_path
from chapterdesk.ui import ask, settings
from chapterdesk.ui.icons import icon


def demo_database(progress: Callable[[str, int, int], None] | None = None) -> Database:
    """The demo chapter in the user's data directory, built on first use."""
    from chapterdesk.data.models import ChapterSettings
    from chapterdesk.demo import build_demo

    db = open_database(data_dir() / "demo-chapter.sqlite3", create=True)
    with db.reading() as session:
        ready = session.get(ChapterSettings, 1) is not None
    if not ready:
        build_demo(db, progress=progress)
    return db


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with ChapterDesk's names (QSettings uses them) and icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ChapterDesk")
    app.setOrganizationName("ChapterDesk")
    app.setApplicationDisplayName("ChapterDesk")
    app.setDesktopFileName("chapterdesk")
    app.setWindowIcon(icon("app"))
    return app


def startup_database(db: str | None, demo: bool) -> Database | None:
    """The database the window opens on: --db, the demo, the default file, or the last one.

    None means first run: no database anywhere yet, so the welcome page is shown.
    """
    if demo:
        return demo_database()
    if db is not None:
        return open_database(db)
    from chapterdesk.data.engine import resolve_location

    location = resolve_location(None)
    if location.path is None or location.path.exists():
        return open_database(location)
    last = settings.LAST_DATABASE.get()
    if last and last != str(default_db_path()):
        from pathlib import Path

        if Path(last).exists():
            return open_database(last)
    return None


def run_window(db: str | None = None, demo: bool = False) -> int:
    """Open the main window on the given (or demo, or default) database and run until it closes."""
    from chapterdesk.ui.main_window import MainWindow
    from chapterdesk.ui.tasks import install_excepthook

    app = make_application()
    try:
        database = startup_database(db, demo)
    except ChapterDeskError as exc:
        ask.warn(None, exc.message)
        return exc.exit_status
    window = MainWindow(None)
    install_excepthook(lambda: QApplication.activeWindow() or window)
    if database is not None:
        try:
            window.set_database(database)
        except ChapterDeskError as exc:
            ask.warn(window, exc.message)
    window.show()
    status = app.exec()
    if window.ctx is not None:
        window.ctx.db.dispose()
    return int(status)
