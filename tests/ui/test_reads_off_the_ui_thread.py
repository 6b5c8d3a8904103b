"""The window reads the database on its worker, never on the UI thread.

A listener on both engines (the writer's and the readers') records every
statement executed on the main thread while an officer goes through members in
the roster: the member panel, its dues ledger and its audit trail read on the
worker, so choosing a member never freezes the window behind a slow disk or a
busy shared server.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import page, settle


def test_choosing_members_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, ui_thread_statements: list[str]
) -> None:
    roster_page = page(window, "roster")
    settle(qtbot, window)
    ui_thread_statements.clear()
    selection = roster_page.table.selectionModel()
    flag = QItemSelectionModel.SelectionFlag
    flags = flag.ClearAndSelect | flag.Rows
    shown = []
    for row in (0, 7, 3):
        selection.setCurrentIndex(roster_page.model.index(row, 0), flags)
        settle(qtbot, window)
        panel = roster_page.panel
        assert not panel.reading and panel.detail is not None
        assert panel.detail.hq.hq_id == roster_page.model.row_at(row).hq_id
        assert panel.ledger.hq_id == panel.detail.hq.hq_id
        shown.append(panel.title.text())
    assert len(set(shown)) == 3
    assert ui_thread_statements == []


def test_only_the_newest_member_asked_for_is_shown(qtbot: QtBot, window: MainWindow) -> None:
    """Going down the roster fast queues a read per member: the last one chosen is shown."""
    roster_page = page(window, "roster")
    settle(qtbot, window)
    selection = roster_page.table.selectionModel()
    flag = QItemSelectionModel.SelectionFlag
    flags = flag.ClearAndSelect | flag.Rows
    for row in range(10):
        selection.setCurrentIndex(roster_page.model.index(row, 0), flags)
    settle(qtbot, window)
    last = roster_page.model.row_at(9).hq_id
    assert roster_page.panel.detail is not None and roster_page.panel.detail.hq.hq_id == last
    assert roster_page.panel.changes_box.hq_id == last


def test_visiting_every_page_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, ui_thread_statements: list[str]
) -> None:
    settle(qtbot, window)
    ui_thread_statements.clear()
    seen: dict[str, list[str]] = {}
    for key in list(window.pages):
        page(window, key)
        settle(qtbot, window)
        seen[key] = [s for s in ui_thread_statements if s != "BEGIN"]
        ui_thread_statements.clear()
    assert {k: v for k, v in seen.items() if v} == {}
