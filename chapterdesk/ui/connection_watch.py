"""Puts the lost-connection banner at the top of the main window and feeds it the task errors.

On a shared (PostgreSQL) database, a background job or a slot that fails
because the server went away (`data.engine.is_disconnect`) reaches the task
runner's `lost_connection` hook instead of the bug report: the banner shows,
retries `Database.ping()` with backoff, and hides when the server answers;
then only the status bar is re-read. No page is reset, so whatever the officer
was typing stays where it is. An embedded SQLite file never shows the banner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from chapterdesk.data.engine import is_disconnect
from chapterdesk.ui.connection_banner import ConnectionBanner

if TYPE_CHECKING:
    from chapterdesk.ui.main_window import MainWindow


def watch_connection(
    window: MainWindow, *, first_delay_ms: int = 1000, max_delay_ms: int = 30_000
) -> ConnectionBanner:
    """Add the banner above the window's pages and route lost connections to it."""
    banner = ConnectionBanner(lambda: None, first_delay_ms=first_delay_ms,
                              max_delay_ms=max_delay_ms)
    pages = window.takeCentralWidget()
    assert pages is not None, "the window's pages are built before the banner"
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    layout.addWidget(pages, 1)
    window.setCentralWidget(holder)

    def lost(exc: BaseException) -> bool:
        ctx = window.ctx
        if ctx is None or ctx.db.location.path is not None or not is_disconnect(exc):
            return False
        banner.probe = ctx.db.ping  # the database shown now, even after a switch
        banner.connection_lost()
        return True

    def restored() -> None:
        window.statusBar().showMessage("The shared database answers again.", 8000)
        window.update_status()

    window.tasks.lost_connection = lost
    banner.restored.connect(restored)
    return banner
