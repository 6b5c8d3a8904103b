"""What an officer sees when something is wrong, how a file arrives, and the UI thread kept free."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.paths import log_dir
from chapterdesk.services.hq.apply import apply_import
from chapterdesk.services.hq.plan import plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.hqsync import HqSyncPage, jobs
from chapterdesk.ui.hqsync._framework import TaskRunner
from chapterdesk.ui.hqsync.page import CHOOSE, MAP, REVIEW
from tests.hqimport.exports import hq_content, hq_records, write_export
from tests.ui_hqsync.conftest import Asked
from tests.ui_hqsync.flow import click, settle


def test_a_pdf_named_xlsx_is_refused_with_its_sentence(
    qtbot: QtBot, page: HqSyncPage, asked: Asked, tmp_path: Path
) -> None:
    bogus = tmp_path / "roster.xlsx"
    bogus.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"\x00" * 512)
    page.start_import(bogus)
    settle(qtbot, page)
    assert page.stack.currentIndex() == CHOOSE
    message = page.choose.message
    assert message.isVisible()
    assert message.text().startswith("roster.xlsx is not a spreadsheet")
    assert "PDF" in message.text() and "Traceback" not in message.text()
    assert asked.messages == []  # a mistake is a sentence on the page, not a crash dialog


def test_an_empty_file_is_refused_too(
    qtbot: QtBot, page: HqSyncPage, asked: Asked, tmp_path: Path
) -> None:
    empty = tmp_path / "export.csv"
    empty.write_bytes(b"")
    page.start_import(empty)
    settle(qtbot, page)
    assert "empty" in page.choose.message.text()
    assert asked.messages == []


def test_the_file_dialog_opens_in_the_folder_used_last(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    folder = tmp_path / "from HQ"
    folder.mkdir()
    asked.open_path = write_export(folder / "roster.csv", hq_records(demo_db))
    click(qtbot, page.choose.choose_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == MAP
    page.restart()
    asked.open_path = None  # the officer cancels the dialog this time: nothing changes
    click(qtbot, page.choose.choose_button)
    assert asked.open_folders[-1] == str(folder)
    assert page.stack.currentIndex() == CHOOSE and page.task is None
    fresh = HqSyncPage(page.db)  # a new window remembers it as well (QSettings)
    qtbot.addWidget(fresh)
    fresh.start_import()
    assert asked.open_folders[-1] == str(folder)
    fresh.activate(folder / "roster.csv")  # how the welcome page hands over a file
    settle(qtbot, fresh)
    assert fresh.stack.currentIndex() == MAP


def test_a_file_dropped_on_the_page_is_opened(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "dropped.csv", hq_records(demo_db))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    assert HqSyncPage.dropped_file(mime) == export
    where = (QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
             Qt.KeyboardModifier.NoModifier)  # fmt: skip
    enter = QDragEnterEvent(*where)
    enter.setAccepted(False)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()  # the page shows it will take the file
    # Qt delivers a drop only during a real drag, which offscreen tests cannot start.
    page.dropEvent(QDropEvent(*where))
    settle(qtbot, page)
    assert page.stack.currentIndex() == MAP
    assert "dropped.csv" in page.mapping.file_facts.text()
    two = QMimeData()
    two.setUrls([QUrl.fromLocalFile(str(export)), QUrl.fromLocalFile(str(export))])
    assert HqSyncPage.dropped_file(two) is None  # one file at a time


def test_the_event_loop_turns_while_the_file_is_checked(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = hq_records(demo_db)
    records[0]["title"] = "Chair"
    page.start_import(write_export(tmp_path / "month.xlsx", records))
    settle(qtbot, page)
    # The check on the worker waits until the UI thread has served its timer three times:
    # it can finish only if the click left the event loop free while the file is checked.
    ticks: list[int] = []
    turned = threading.Event()

    def tick() -> None:
        ticks.append(1)
        if len(ticks) >= 3:
            turned.set()

    real_plan = jobs.plan_import

    def plan_once_the_ui_turned(*args: Any, **kwargs: Any) -> Any:
        assert turned.wait(15), "the UI thread stood still while the file was checked"
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(jobs, "plan_import", plan_once_the_ui_turned)
    timer = QTimer(page)
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    click(qtbot, page.next_button)
    assert page.task is not None  # the click returned while the plan runs on the worker
    settle(qtbot, page)
    timer.stop()
    assert turned.is_set()
    assert page.stack.currentIndex() == REVIEW


def test_a_stale_preview_is_refused_with_its_sentence(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    records[0]["title"] = "One"
    page.start_import(write_export(tmp_path / "a.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    records[0]["title"] = "Two"  # meanwhile another officer imports a newer file
    apply_import(demo_db, plan_import(demo_db, write_export(tmp_path / "b.csv", records)))
    before = hq_content(demo_db)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == REVIEW
    assert "preview the file again" in page.review.message.text()
    assert hq_content(demo_db) == before


def test_an_undo_refusal_is_shown_as_its_sentence(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    paid = dt.date.today() + dt.timedelta(days=300)
    records.append(dict(records[0], hq_id="555555", paid_through=paid, hq_status="Active"))
    apply_import(demo_db, plan_import(demo_db, write_export(tmp_path / "1.csv", records)))
    roster.add_member(demo_db, "555555")  # the new HQ member joined the chapter since
    page.refresh()
    settle(qtbot, page)  # the history is read on the worker
    before = hq_content(demo_db)
    click(qtbot, page.history.undo_button)
    settle(qtbot, page)
    (refusal,) = asked.texts("warn")
    assert "has since been added to the chapter" in refusal
    assert hq_content(demo_db) == before


def test_an_unexpected_error_is_logged_and_the_dialog_says_where(
    qtbot: QtBot,
    page: HqSyncPage,
    demo_db: Database,
    asked: Asked,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page.start_import(write_export(tmp_path / "month.csv", hq_records(demo_db)))
    settle(qtbot, page)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in the comparison")  # no real input reaches a bug on purpose

    monkeypatch.setattr(jobs, "plan_import", broken)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    (dialog,) = asked.texts("error")
    log = log_dir() / "chapterdesk.log"
    assert str(log) in dialog and "RuntimeError" in dialog
    assert "a bug in the comparison" in log.read_text(encoding="utf-8")
    assert page.stack.currentIndex() == MAP and page.next_button.isEnabled()


class WindowContext:
    """What the main window's AppContext offers a page: the database, the task runner, changed(),
    and before_change() (the officer's name to save first; here one is set: nothing to do)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.tasks = TaskRunner()
        self.messages: list[str] = []

    def changed(self, message: str = "") -> None:
        self.messages.append(message)

    def before_change(self, _parent: object) -> None:
        return None


def test_the_page_slots_into_the_main_windows_context(
    qtbot: QtBot, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    ctx = WindowContext(demo_db)
    page = HqSyncPage(ctx)
    qtbot.addWidget(page)
    assert (page.key, page.title, page.order) == ("hqsync", "HQ Sync", 30)
    assert page.db is demo_db and page.tasks is ctx.tasks  # one worker for the whole window
    records = hq_records(demo_db)
    records[0]["title"] = "Chair"
    page.activate(write_export(tmp_path / "month.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert ctx.messages == ["HQ data updated."]  # the window refreshes its counts
    ctx.tasks.shutdown()
