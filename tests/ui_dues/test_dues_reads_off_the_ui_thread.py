"""The Dues page reads the database only on the worker: opening it never freezes the window.

At 50,000 members the chapter's balances take seconds to work out; a read on
the UI thread would freeze the window for as long. A listener on both engines
records every statement executed on the UI (main) thread while an officer
opens the Dues page and goes through its tabs, a member's ledger and the
year's dues; there must be none, and the page must be shown at once, its
figures arriving from the worker. Set CHAPTERDESK_DUES_PAGE_DB to a copy of a
large chapter (e.g. the 50,000-member demo) to time the opening there too.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.services import dues
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import settle


@pytest.fixture
def ui_thread_statements(demo_db: Database) -> Iterator[list[str]]:
    """Every SQL statement either engine executes on the UI (main) thread."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            seen.append(" ".join(statement.split())[:120])

    engines = {id(e): e for e in (demo_db.engine, demo_db.read_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    yield seen
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)


def test_the_dues_page_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, demo_db: Database, ui_thread_statements: list[str]
) -> None:
    owing = dues.who_has_not_paid(demo_db, dues.dues_year(demo_db).year)[0]
    ui_thread_statements.clear()
    window.go_to("dues")
    settle(qtbot, window)
    dues_page = window.pages["dues"]
    assert dues_page.rates.rates.rowCount() > 0, "the rates arrived from the worker"
    for tab in ("assess", "balances"):
        dues_page.tabs.setCurrentIndex(("rates", "assess", "payments", "balances").index(tab))
        settle(qtbot, window)
    assert dues_page.balances.model.rowCount() > 0
    window.go_to("dues", DuesTarget("balances", year=owing.dues_year, status="unpaid"))
    settle(qtbot, window)
    assert owing.hq_id in {row.hq_id for row in dues_page.balances.shown}
    window.go_to("dues", DuesTarget("payments", hq_id=owing.hq_id))
    settle(qtbot, window)
    ledger = dues_page.payments.ledger
    assert ledger.balance is not None and ledger.balance.hq_id == owing.hq_id
    assert "owes" in ledger.summary.text()
    assert ui_thread_statements == []


@pytest.fixture
def large_chapter(tmp_path: Path) -> Iterator[Database]:
    """A copy of the chapter CHAPTERDESK_DUES_PAGE_DB names (skipped when it is not set)."""
    source = os.environ.get("CHAPTERDESK_DUES_PAGE_DB")
    if not source:
        pytest.skip("set CHAPTERDESK_DUES_PAGE_DB to time the Dues page on a large chapter")
    copy = tmp_path / "large.sqlite3"
    shutil.copyfile(source, copy)
    database = open_database(copy)
    yield database
    database.dispose()


@pytest.mark.timeout(600)
def test_the_dues_page_opens_within_100_ms_on_a_large_chapter(
    qtbot: QtBot, large_chapter: Database
) -> None:
    main = MainWindow(large_chapter)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: not main.tasks.busy(), timeout=300_000)
    started = time.perf_counter()
    main.go_to("dues")
    shown = time.perf_counter() - started  # the UI thread is free again: the page is up
    qtbot.waitUntil(lambda: not main.tasks.busy(), timeout=300_000)
    filled = time.perf_counter() - started
    rows = main.pages["dues"].rates.rates.rowCount()
    print(f"Dues page: shown in {shown * 1000:.0f} ms, rates tab filled in {filled * 1000:.0f} ms")
    main.tasks.shutdown()
    assert rows > 0
    assert shown <= 0.100
