"""The Officers page: a position nobody holds is a row of its own, and actions wait for a choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster import officers
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.pages.officers import VACANT
from tests.ui.conftest import page, settle


def _cells(officers_page, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    table = officers_page.table
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_vacant_positions_are_shown_as_vacant_rows(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    officers_page = page(window, "officers")
    held = {t.position for t in officers.list_officers(demo_db)}
    positions = [name for name, _single in officers.list_positions(demo_db)]
    vacant = [p for p in positions if p not in held]
    assert vacant  # the demo chapter has offices nobody holds
    table = officers_page.table
    shown_vacant = [
        _cells(officers_page, r)[0] for r in range(table.rowCount())
        if _cells(officers_page, r)[1] == VACANT
    ]
    assert shown_vacant == vacant
    # Every position appears, in the positions' order.
    order = [_cells(officers_page, r)[0] for r in range(table.rowCount())]
    assert sorted(set(order), key=order.index) == positions


def test_ending_a_term_is_offered_only_once_a_term_is_selected(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    officers_page = page(window, "officers")
    assert not officers_page.end_button.isEnabled()
    assert officers_page.end_hint.text() == "Select a term in the list to end it."
    vacant_row = next(r for r, (_p, t) in enumerate(officers_page.rows) if t is None)
    officers_page.table.selectRow(vacant_row)
    assert not officers_page.end_button.isEnabled()  # a vacancy has no term to end
    term_row = next(r for r, (_p, t) in enumerate(officers_page.rows) if t is not None)
    term = officers_page.rows[term_row][1]
    officers_page.table.selectRow(term_row)
    assert officers_page.end_button.isEnabled()
    assert officers_page.end_hint.text() == f"{term.name}'s term as {term.position}."
    officers_page.table.clearSelection()
    assert not officers_page.end_button.isEnabled()
    # A re-read after a change keeps nothing selected: the action waits again.
    officers_page.table.selectRow(term_row)
    qtbot.mouseClick(officers_page.end_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not officers_page.reading)
    assert not officers_page.end_button.isEnabled()
