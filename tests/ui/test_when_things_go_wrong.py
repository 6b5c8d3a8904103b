"""When things go wrong in the window: the crash dialog, a thread's exception, Qt's messages, the
data left whole (the door's transaction rolled back), and the log kept private.
"""

from __future__ import annotations

import stat
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, qWarning
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.logs import log_file, start_logging
from chapterdesk.services.roster.members import list_members
from chapterdesk.ui import ask
from chapterdesk.ui.qt_log import qt_message
from chapterdesk.ui.tasks import install_excepthook, report_unexpected
from tests.ui.conftest import Asked


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put back the interpreter's and the threads' excepthooks after the test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def test_the_crash_dialog_says_what_offers_copy_details_and_names_the_log(
    qtbot: QtBot,
) -> None:
    seen: dict[str, str] = {}

    def press_copy_then_ok() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        copy = next(b for b in box.findChildren(QPushButton) if b.text() == "Copy details")
        copy.click()
        seen["still open"] = str(box.isVisible())
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(0, press_copy_then_ok)
    try:
        raise ZeroDivisionError("a bug in the sums")
    except ZeroDivisionError as exc:
        where = report_unexpected(None, exc)
    assert where == str(log_file())
    assert "ZeroDivisionError: a bug in the sums" in seen["text"] and where in seen["text"]
    assert seen["text"].count(". ") == 0  # one sentence
    assert seen["still open"] == "True"  # copying does not close the dialog
    copied = QApplication.clipboard().text()
    assert copied.startswith("Traceback") and "a bug in the sums" in copied


def test_an_exception_ending_a_thread_is_logged_and_shown_on_the_ui_thread(
    qtbot: QtBot, asked: Asked, hooks: None
) -> None:
    install_excepthook(lambda: None)
    shown_on: list[bool] = []
    recorded = ask.error

    def record(*args: object, **kwargs: object) -> None:
        shown_on.append(threading.current_thread() is threading.main_thread())
        recorded(*args, **kwargs)  # type: ignore[arg-type]

    ask.error = record  # type: ignore[assignment]
    try:
        def fail() -> None:
            raise LookupError("a thread lost its way")

        thread = threading.Thread(target=fail, name="stray")
        thread.start()
        thread.join(timeout=10)
        qtbot.waitUntil(lambda: len(asked.texts("error")) == 1, timeout=5_000)
    finally:
        ask.error = recorded  # type: ignore[assignment]
    (text,) = asked.texts("error")
    assert "LookupError: a thread lost its way" in text and str(log_file()) in text
    assert shown_on == [True]
    assert "a thread lost its way" in log_file().read_text(encoding="utf-8")


def test_qt_messages_go_into_the_log(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import qInstallMessageHandler

    start_logging()
    previous = qInstallMessageHandler(qt_message)
    try:
        qWarning("QFont::setPointSizeF: Point size <= 0 (0.000000), must be greater than 0")
    finally:
        qInstallMessageHandler(previous)
    logged = log_file().read_text(encoding="utf-8")
    assert "WARNING chapterdesk.qt: QFont::setPointSizeF: Point size <= 0" in logged


def test_a_bug_in_the_middle_of_a_change_leaves_the_data_as_it_was(
    asked: Asked, demo_db: Database, hooks: None
) -> None:
    from sqlalchemy import select

    from chapterdesk.data.models import ChapterMembership
    from chapterdesk.services.door import change

    before = list_members(demo_db)
    install_excepthook(lambda: None)
    try:
        with change(demo_db, "a change with a bug in it") as unit:
            for row in unit.session.scalars(select(ChapterMembership)):
                row.left_on = row.chapter_joined_on  # everyone leaves...
            unit.session.flush()  # ...written to the database, not yet committed
            raise AssertionError("a bug half-way through")
    except AssertionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert "a bug half-way through" in asked.texts("error")[0]
    assert list_members(demo_db) == before


def test_the_log_is_private(tmp_path: Path) -> None:
    start_logging()
    mode = stat.S_IMODE(log_file().stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(log_file().parent.stat().st_mode) == 0o700
