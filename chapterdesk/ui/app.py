"""Starting the desktop application: QApplication, the database, the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from chapterdesk.data.engine import Database
from chapterdesk.data.lock import storage_warning
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import BadInputError, ChapterDeskError, DatabaseLockedError
from chapterdesk.file_to_open import FileKind, WindowRequest, file_to_open
from chapterdesk.paths import default_db_path, demo_db_path
from chapterdesk.ui import ask, first_screen, settings
from chapterdesk.ui.icons import icon
from chapterdesk.ui.style import ClearIndicators, clear_style


def ask_read_only(message: str) -> bool:
    """Ask whether to open a database another ChapterDesk holds read-only (the dialog seam)."""
    return ask.confirm(None, f"{message}\n\nOpen it read-only now?")


def open_for_window(
    given: str | Path | None, ask: Callable[[str], bool] | None = None
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
        if not (ask or ask_read_only)(exc.message):
            raise
        db = open_database(given, read_only=True)
    path = db.location.path
    return db, storage_warning(path) if path is not None else None


def demo_database(progress: Callable[[str, int, int], None] | None = None) -> Database:
    """The demo chapter in the user's data directory, built on first use."""
    from chapterdesk.data.models import ChapterSettings
    from chapterdesk.demo import build_demo

    db = open_database(demo_db_path(), create=True)
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
    app.setDesktopFileName("org.chapterdesk.ChapterDesk")  # its .desktop file
    app.setWindowIcon(icon("app"))
    if not isinstance(app.style(), ClearIndicators) and app.style().name().lower() == "fusion":
        style = clear_style("Fusion")  # Fusion's check boxes vanish on a dark palette
        if style is not None:
            app.setStyle(style)
    return app


def startup_database(db: str | None, demo: bool) -> tuple[Database | None, str | None]:
    """The database the window opens on: --db, the demo, the default file, or the last one.

    Returns the database (None on first run: nothing anywhere yet, so the welcome
    page is shown) and a warning to show, such as a database in a cloud-sync folder.
    """
    if demo:
        return demo_database(), None
    if db is not None:
        return open_for_window(db)
    from chapterdesk.data.engine import resolve_location

    location = resolve_location(None)
    if location.path is None or location.path.exists():
        return open_for_window(str(location.path) if location.path else location.url)
    last = settings.LAST_DATABASE.get()
    if last and last != str(default_db_path()) and Path(last).exists():
        return open_for_window(last)
    return None, None


#: Set (to anything) to have the window close itself once it has opened and read what it shows,
#: after printing one line about it: how the installed bundle's test and the start-up
#: benchmark open the real window without a person to close it.
QUIT_WHEN_SHOWN = "CHAPTERDESK_QUIT_WHEN_SHOWN"


def _say(line: str) -> None:
    if sys.stdout is not None:  # a Windows GUI build has no console
        print(line, flush=True)


def _dialog_text(dialog: QWidget) -> str:
    """A dialog as the quit-when-shown line names it: its title (and the package it opens)."""
    package = getattr(dialog, "package", None)
    detail = f" ({package.text()})" if isinstance(package, QLineEdit) else ""
    return f"{dialog.windowTitle()}{detail}"


def quit_when_shown(app: QApplication, window: Any, *, dialog: bool = False) -> None:
    """Quit once the window is on screen and its background reads are done; say what it shows.

    Args:
        dialog: a dialog is about to open over the window (a handover package given
            to open): wait for it and name it too.
    """
    timer = QTimer(app)

    def check() -> None:
        modal = QApplication.activeModalWidget()
        if not window.isVisible() or window.tasks.busy() or (dialog and modal is None):
            return
        timer.stop()
        page = window.current_page()
        shown = type(page).__name__ if page is not None else "WelcomePage"
        over = f" | dialog: {_dialog_text(modal)}" if modal is not None else ""
        _say(f"window shown: {window.windowTitle()} | {shown} | "
             f"{window.location_label.text()}{over}")
        app.quit()  # every event loop ends, a dialog's too

    timer.timeout.connect(check)
    timer.start(20)


def close_messages_when_shown(app: QApplication) -> None:
    """Say and close each message box as it appears (no one is there to press OK)."""
    timer = QTimer(app)

    def check() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            _say(f"message shown: {modal.text()}")
            modal.done(0)

    timer.timeout.connect(check)
    timer.start(20)


def open_given_file(window: Any, request: WindowRequest) -> None:
    """Open a handover package named on the command line in the window's handover flow.

    (A database named is opened as the window's database, as `--db` is.)
    """
    given = request.file
    if given is not None and given.kind is FileKind.HANDOVER:
        window.safety.open_handover_package(given.path)


def open_document(window: Any, given: str) -> None:
    """Open a file the system hands the running window, as `chapterdesk FILE` would.

    A handover package opens the handover dialog; a chapter database is opened in
    the window (after any unsaved edits are asked about); anything else is refused
    in a message box, and nothing is opened.
    """
    try:
        found = file_to_open(given)
    except BadInputError as exc:
        ask.warn(window, exc.message)
        return
    if found.kind is FileKind.HANDOVER:
        window.safety.open_handover_package(found.path)
    elif window.may_close_chapter():
        window.open_path(found.path)


class DocumentOpener(QObject):
    """macOS's Finder hands a document the officer opens (double-clicked, or dropped on the
    Dock icon) to the application as a `QFileOpenEvent`, not as an argument: it is opened
    once the event loop is free, as `chapterdesk FILE` opens one."""

    def __init__(self, window: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Take a file-open event; let every other event through."""
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        given = event.file()
        QTimer.singleShot(0, lambda: open_document(self.window, given))
        return True


def run_window(request: WindowRequest | None = None) -> int:
    """Open the main window as asked (a database, the demo, a file named) and run until it closes.

    A file that cannot be opened (`request.refused`) is refused in a message
    box, and nothing else opens (exit status 2).
    """
    from chapterdesk.logs import start_logging
    from chapterdesk.ui.qt_log import route_qt_messages
    from chapterdesk.ui.tasks import install_excepthook

    request = request or WindowRequest()
    start_logging()
    route_qt_messages()
    app = make_application()
    quitting = bool(os.environ.get(QUIT_WHEN_SHOWN))
    if quitting:
        close_messages_when_shown(app)
    if request.refused is not None:
        ask.warn(None, request.refused)
        return 2
    db = request.db
    if request.file is not None and request.file.kind is FileKind.DATABASE:
        db = str(request.file.path)
    warning = None
    try:
        database, warning = startup_database(db, request.demo)
    except ChapterDeskError as exc:
        ask.warn(None, exc.message)
        return exc.exit_status
    if database is not None and settings.LAST_PAGE.get() == "roster":
        from chapterdesk.ui.roster_model import PAGE_SIZE

        first_screen.start(database, PAGE_SIZE)  # read beside the window's own imports
    from chapterdesk.ui.main_window import MainWindow

    window = MainWindow(None, welcome=database is None)
    install_excepthook(lambda: QApplication.activeWindow() or window)
    if database is not None:
        try:
            window.set_database(database)
        except ChapterDeskError as exc:
            window.show_welcome()
            ask.warn(window, exc.message)
    if warning:
        ask.warn(window, warning)
    app.installEventFilter(DocumentOpener(window, app))
    window.show()
    handover = request.file is not None and request.file.kind is FileKind.HANDOVER
    if handover:  # once the window is up, so the dialog opens over it
        QTimer.singleShot(0, lambda: open_given_file(window, request))
    if quitting:
        quit_when_shown(app, window, dialog=handover)
    status = app.exec()
    window.tasks.shutdown()  # the event loop can end without closing the window
    if window.ctx is not None:
        window.ctx.db.dispose()
    return int(status)
