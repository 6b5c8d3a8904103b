"""A document the system hands the running window (macOS's QFileOpenEvent) opens as `FILE` does.

Finder gives the application a double-clicked handover package (the bundle
declares `.cdh` as its document type) or a chapter database as an event, not
as an argument. Here the event is sent to the application the window runs in:
a chapter database is opened in the window, a handover package opens the
handover dialog, and anything else is refused in a message box with nothing
opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.migrate import open_database
from chapterdesk.sealing import MAGIC
from chapterdesk.services.chapter import init_chapter
from chapterdesk.ui.app import DocumentOpener
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked, settle


@pytest.fixture
def opener(qtbot: QtBot, window: MainWindow) -> Iterator[DocumentOpener]:
    """The window's application, listening for documents as `run_window` has it listen."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    listening = DocumentOpener(window, app)
    app.installEventFilter(listening)
    yield listening
    app.removeEventFilter(listening)


def _hand_over(path: Path) -> bool:
    """Send the application the event Finder sends; True when it was taken."""
    app = QApplication.instance()
    assert app is not None
    return bool(QApplication.sendEvent(app, QFileOpenEvent(str(path))))


@pytest.mark.usefixtures("opener")
def test_a_chapter_database_is_opened_in_the_window(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    other = tmp_path / "lakeshore.sqlite3"
    db = open_database(other, create=True)
    init_chapter(db, name="Lakeshore Chapter", currency="USD")
    db.dispose()
    assert _hand_over(other)
    qtbot.waitUntil(
        lambda: window.ctx is not None and window.ctx.db.location.path == other, timeout=15_000
    )
    settle(qtbot, window)
    assert "Lakeshore Chapter" in window.windowTitle()
    assert asked.messages == []


@pytest.mark.usefixtures("opener")
def test_a_handover_package_opens_the_handover_dialog(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    package = tmp_path / "great-lakes.cdh"
    package.write_bytes(MAGIC + bytes(64))  # begins as one: the dialog reads the rest
    shown: list[str] = []

    def cancel(dialog: QDialog) -> bool:
        shown.append(dialog.package.text())  # type: ignore[attr-defined]
        return False

    asked.dialog_handler = cancel
    before = window.ctx.db.location.path if window.ctx else None
    assert _hand_over(package)
    qtbot.waitUntil(lambda: shown != [], timeout=10_000)
    assert shown == [str(package)]
    assert window.ctx is not None and window.ctx.db.location.path == before  # cancelled


@pytest.mark.usefixtures("opener")
def test_anything_else_is_refused_in_one_sentence_and_nothing_opens(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("minutes of the board meeting")
    before = window.ctx.db.location.path if window.ctx else None
    assert _hand_over(notes)
    qtbot.waitUntil(lambda: asked.texts("warn") != [], timeout=10_000)
    assert asked.texts("warn") == [
        "ChapterDesk does not open notes.txt; open a chapter database (.sqlite3, .sqlite, .db) "
        "or a handover package (.cdh)."
    ]
    assert window.ctx is not None and window.ctx.db.location.path == before


def test_every_other_event_goes_on_to_its_widget(window: MainWindow) -> None:
    app = QApplication.instance()
    assert app is not None
    listening = DocumentOpener(window, app)
    assert listening.eventFilter(window, QEvent(QEvent.Type.Show)) is False
