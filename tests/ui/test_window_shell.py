"""The window opens on a demo chapter and shows its members."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster import list_members
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.roster_model import RosterTableModel


def test_window_shows_the_demo_roster(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    members = list_members(demo_db)
    assert window.model.rowCount() == len(members) == 120
    names = {window.model.index(r, 1).data() for r in range(window.model.rowCount())}
    assert members[0].hq.sort_name in names
    assert "Great Lakes Chapter" in window.windowTitle()
    assert "good standing:" in window.counts_label.text()


def test_search_as_you_type_filters_the_table(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    target = list_members(demo_db)[5]
    qtbot.keyClicks(window.search, target.hq_id)
    assert window.model.rowCount() == 1
    assert window.model.index(0, 0).data() == target.hq_id


def test_roster_model_passes_the_model_tester(qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    model = RosterTableModel(list_members(demo_db))
    qtmodeltester.check(model)
