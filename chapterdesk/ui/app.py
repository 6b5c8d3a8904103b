"""Starting the desktop application: QApplication, the database, the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMessageBox

from chapterdesk.data.engine import Database
from chapterdesk.data.lock import storage_warning
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import ChapterDeskError, DatabaseLockedError
from chapterdesk.paths import data_dir


def ask_read_only(message: str) -> bool:
    """Ask whether to open a database another ChapterDesk holds read-only (the dialog seam)."""
    answer = QMessageBox.question(None, "ChapterDesk", f"{message}\n\nOpen it read-only now?")
    return answer == QMessageBox.StandardButton.Yes


def open_for_window(
    given: str | None, ask: Callable[[str], bool] = ask_read_only
) -> tuple[Database, str | None]:
    """Open the database for the window, offering read-only access when another process holds it.

    Returns:
        The database and a warning to show (cloud-sync folder or network share), if any.
    Raises:
        DatabaseLockedError: the database is held and the officer declined read-only access.
    """
    try:
        db = open_database(given)
    except DatabaseLockedError as exc:
        if not ask(exc.message):
            raise
        db = open_database(given, read_only=True)
    path = db.location.path
    return db, storage_warning(path) if path is not None else None


def demo_database() -> Database:
    """The demo chapter in the user's data directory, built on first use."""
    from chapterdesk.data.models import ChapterSettings
    from chapterdesk.demo import build_demo

    db = open_database(data_dir() / "demo-chapter.sqlite3", create=True)
    with db.reading() as session:
        ready = session.get(ChapterSettings, 1) is not None
    if not ready:
        build_demo(db)
    return db


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with ChapterDesk's names (QSettings uses them)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ChapterDesk")
    app.setOrganizationName("ChapterDesk")
    app.setApplicationDisplayName("ChapterDesk")
    return app


def run_window(db: str | None = None, demo: bool = False) -> int:
    """Open the main window on the given (or demo) database and run until it closes."""
    from chapterdesk.ui.main_window import MainWindow

    app = make_application()
    warning = None
    try:
        if demo:
            database = demo_database()
        else:
            database, warning = open_for_window(db)
    except ChapterDeskError as exc:
        QMessageBox.critical(None, "ChapterDesk", exc.message)
        return exc.exit_status
    if warning:
        QMessageBox.warning(None, "ChapterDesk", warning)
    window = MainWindow(database)
    window.show()
    status = app.exec()
    database.dispose()
    return int(status)
