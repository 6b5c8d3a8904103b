"""UI test fixtures: SQLite only, fresh settings per test, the ask() seam recorded, the window.

UI tests drive the window on the embedded SQLite file only (the services are tested on both).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from chapterdesk.data.engine import Database
from chapterdesk.ui import ask
from chapterdesk.ui.app import make_application
from chapterdesk.ui.main_window import MainWindow


@pytest.fixture
def engine_name() -> str:
    """Pin `db` and `demo_db` to SQLite for widget tests."""
    return "sqlite"


@pytest.fixture(autouse=True)
def fresh_settings(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every UI test starts with no remembered preferences, and never meets a real question.

    The window asks the officer's name before a first change (`ask.text`); a test
    that does not answer through `asked` declines it, instead of waiting on a modal.
    """
    make_application()
    monkeypatch.setattr(ask, "text", lambda *_a, **_k: None)
    QSettings().clear()
    yield
    QSettings().clear()


@dataclass
class Asked:
    """What the code under test asked the officer, and the answers the test gives."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    save_path: Path | None = None
    open_path: Path | None = None
    confirm_answer: bool = True
    save_answer: str = "discard"  # unsaved edits: "save", "discard" or "cancel"
    dialog_handler: Callable[[QDialog], bool] | None = None
    #: The answer to a one-line question (`ask.text`): None is Cancel.
    text_answer: str | None = None
    questions: list[str] = field(default_factory=list)

    def texts(self, kind: str) -> list[str]:
        """The messages of one kind (warn, inform, error)."""
        return [text for k, text in self.messages if k == kind]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Replace every modal dialog with a recorder (pytest-qt's note_dialogs pattern)."""
    record = Asked()
    for kind in ("inform", "warn", "error"):
        monkeypatch.setattr(
            ask, kind, lambda _p, text, _t="", k=kind, **_k: record.messages.append((k, text))
        )
    monkeypatch.setattr(ask, "confirm", lambda *_a, **_k: record.confirm_answer)

    def save_changes(_parent: Any, text: str, _title: str = "") -> str:
        record.messages.append(("save_changes", text))
        return record.save_answer

    monkeypatch.setattr(ask, "save_changes", save_changes, raising=False)
    monkeypatch.setattr(ask, "save_file", lambda *_a, **_k: record.save_path)
    monkeypatch.setattr(ask, "open_file", lambda *_a, **_k: record.open_path)

    def text(_parent: Any, label: str, *_a: Any, **_k: Any) -> str | None:
        record.questions.append(label)
        return record.text_answer

    monkeypatch.setattr(ask, "text", text)

    def run_dialog(dialog: QDialog) -> bool:
        assert record.dialog_handler is not None, f"unexpected dialog {dialog.windowTitle()}"
        return record.dialog_handler(dialog)

    monkeypatch.setattr(ask, "run_dialog", run_dialog)
    return record


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the window's background jobs are done."""
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=15_000)


def saved(qtbot: QtBot, dialog: Any) -> None:
    """Wait until a dialog's change has landed on the worker (or been refused)."""
    qtbot.waitUntil(lambda: not dialog.saving, timeout=15_000)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, asked: Asked) -> Iterator[MainWindow]:
    """The main window on a fresh 120-member demo chapter, its first figures loaded."""
    main = MainWindow(demo_db)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    settle(qtbot, main)
    yield main
    main.tasks.shutdown()


def wait_until_idle(window: MainWindow, timeout_ms: int = 15_000) -> None:
    """Run the event loop until the window's worker has nothing left to do (fails after a while).

    Waits on the runner's `idle` signal rather than polling, so it returns as
    soon as the last job's results are shown, and fails loudly instead of
    returning a page that is still reading.
    """
    runner = window.tasks
    if not runner.busy():
        return
    loop = QEventLoop()
    timer = QTimer(singleShot=True, interval=timeout_ms)
    timer.timeout.connect(loop.quit)
    runner.idle.connect(loop.quit)
    try:
        timer.start()
        while runner.busy() and timer.isActive():
            loop.exec()
    finally:
        runner.idle.disconnect(loop.quit)
        timer.stop()
    assert not runner.busy(), f"the window was still busy after {timeout_ms} ms"


def page(window: MainWindow, key: str) -> Any:
    """Open a page by its key and return it once what it reads in the background is shown."""
    window.go_to(key)
    wait_until_idle(window)
    return window.pages[key]


def trace_roster_reads(monkeypatch: pytest.MonkeyPatch, record: Callable[[str], None]) -> None:
    """Pass every statement of the roster's reads with the standard library to `record`.

    On a file the roster is read with `sqlite3` itself (`services.roster.reader`),
    which SQLAlchemy's events never see.
    """
    from chapterdesk.services.roster import reader

    real = reader.connect

    def traced(path: Path) -> sqlite3.Connection:
        connection = real(path)
        connection.set_trace_callback(record)
        return connection

    monkeypatch.setattr(reader, "connect", traced)


@pytest.fixture
def ui_thread_statements(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """Every SQL statement executed on the UI (main) thread: by either engine, or the roster's.

    The window reads and writes only on its worker; a test clears the list,
    drives the window, and expects it empty.
    """
    seen: list[str] = []

    def statement_seen(statement: str) -> None:
        if threading.current_thread() is threading.main_thread():
            seen.append(" ".join(statement.split())[:120])

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statement_seen(statement)

    engines = {id(e): e for e in (demo_db.engine, demo_db.read_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    trace_roster_reads(monkeypatch, statement_seen)
    yield seen
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)
