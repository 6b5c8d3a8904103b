"""Nothing typed is lost (issue 19, "Losing work").

Notes typed in the member panel and not saved are never dropped without a
word: selecting another member, opening another page or closing the window
asks to save, discard or stay. Staying keeps the member and the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked, page, settle


def _select(qtbot: QtBot, window: MainWindow, roster_page: Any, row: int) -> None:
    flags = QItemSelectionModel.SelectionFlag
    roster_page.table.selectionModel().setCurrentIndex(
        roster_page.model.index(row, 0), flags.ClearAndSelect | flags.Rows)
    settle(qtbot, window)


def _editing(qtbot: QtBot, window: MainWindow) -> tuple[Any, str]:
    """The roster with the first member shown and a note typed into the panel, not saved."""
    roster_page = page(window, "roster")
    _select(qtbot, window, roster_page, 0)
    panel = roster_page.panel
    qtbot.waitUntil(lambda: panel.detail is not None)
    hq_id = panel.detail.hq.hq_id
    panel.notes.setFocus()
    qtbot.keyClicks(panel.notes, "Prefers e-mail; call after 5 pm.")
    return roster_page, hq_id


def test_choosing_another_member_asks_and_cancel_keeps_the_note(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database
) -> None:
    roster_page, hq_id = _editing(qtbot, window)
    asked.save_answer = "cancel"
    _select(qtbot, window, roster_page, 1)
    assert [k for k, _t in asked.messages] == ["save_changes"]
    assert "the notes" in asked.texts("save_changes")[0]
    panel = roster_page.panel
    assert panel.detail.hq.hq_id == hq_id
    assert roster_page.model.row_at(roster_page.table.currentIndex().row()).hq_id == hq_id
    assert panel.notes.toPlainText().endswith("Prefers e-mail; call after 5 pm.")


def test_save_on_leaving_saves_the_note(qtbot: QtBot, window: MainWindow, asked: Asked,
                                        demo_db: Database) -> None:
    roster_page, hq_id = _editing(qtbot, window)
    asked.save_answer = "save"
    _select(qtbot, window, roster_page, 1)
    settle(qtbot, window)
    assert asked.texts("save_changes")
    notes = roster.member_detail(demo_db, hq_id).current.membership.notes
    assert notes.endswith("Prefers e-mail; call after 5 pm.")
    assert roster_page.panel.detail.hq.hq_id != hq_id  # and the member chosen is shown


def test_discard_on_leaving_writes_nothing(qtbot: QtBot, window: MainWindow, asked: Asked,
                                           demo_db: Database) -> None:
    roster_page, hq_id = _editing(qtbot, window)
    before = roster.member_detail(demo_db, hq_id).current.membership.notes
    asked.save_answer = "discard"
    _select(qtbot, window, roster_page, 1)
    assert asked.texts("save_changes")
    assert roster.member_detail(demo_db, hq_id).current.membership.notes == before


def test_a_search_keeps_the_member_being_edited_on_screen(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    roster_page, hq_id = _editing(qtbot, window)
    roster_page.search.setText("Zzyzx Nobody")
    roster_page.apply_filter()
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 0
    assert roster_page.panel.detail is not None and roster_page.panel.detail.hq.hq_id == hq_id
    assert roster_page.panel.notes.toPlainText().endswith("call after 5 pm.")
    assert asked.messages == []


def test_another_page_or_closing_the_window_asks_too(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    roster_page, _hq_id = _editing(qtbot, window)
    asked.save_answer = "cancel"
    window.go_to("dues")
    assert window.current_page() is roster_page
    assert window.sidebar.currentRow() == list(window.pages).index("roster")
    window.close()
    assert window.isVisible()
    assert len(asked.texts("save_changes")) == 2
    asked.save_answer = "discard"
    window.go_to("dues")
    settle(qtbot, window)
    assert window.current_page() is window.pages["dues"]


def test_opening_another_database_asks_too(qtbot: QtBot, window: MainWindow,
                                           asked: Asked) -> None:
    roster_page, _hq_id = _editing(qtbot, window)
    asked.save_answer = "cancel"
    asked.open_path = Path("another-chapter.sqlite3")  # what the file dialog would answer
    opened: list[bool] = []
    window.open_path = lambda _p: opened.append(True) or True  # type: ignore[method-assign]
    window.open_existing()
    assert asked.texts("save_changes") and opened == []
    assert window.pages["roster"] is roster_page and roster_page.panel.has_unsaved_edits()
