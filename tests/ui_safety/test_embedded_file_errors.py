"""On the embedded SQLite file there is no server to lose: a failed job stays a bug report."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked, settle
from tests.ui_safety.test_shared_database import lost_connection_job


def test_a_sqlite_window_never_shows_the_connection_banner(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    window.tasks.run(lost_connection_job, title="Reading", parent=window, on_done=print)
    settle(qtbot, window)
    assert window.connection_banner.isHidden()
    [report] = asked.texts("error")
    assert "Something went wrong inside ChapterDesk" in report
