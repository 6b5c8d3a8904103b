"""Starting the desktop application: QApplication, the database, the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.paths import data_dir


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
    try:
        database = demo_database() if demo else open_database(db)
    except ChapterDeskError as exc:
        QMessageBox.critical(None, "ChapterDesk", exc.message)
        return exc.exit_status
    window = MainWindow(database)
    window.show()
    status = app.exec()
    database.dispose()
    return int(status)
