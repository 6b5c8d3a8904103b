"""The Officers page lists names as the roster does, and reads nothing on the UI thread.

A treasurer looks a name up by eye in "Baker, Mary" order on the Roster page:
the Officers table writes its holders the same way (`names.sort_name`), not
"Mary Baker". Listing, looking a member up, appointing and ending a term all
read and write on the database worker.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import page, settle


def test_the_officers_table_writes_names_as_the_roster_does(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    roster_page = page(window, "roster")
    listed = {}
    for row in range(roster_page.model.rowCount()):
        shown = roster_page.model.row_at(row)
        if shown is not None:
            listed[shown.hq_id] = shown.name
    officers_page = page(window, "officers")
    table = officers_page.table
    held = [(table.item(r, 2).text(), table.item(r, 1).text()) for r in range(table.rowCount())
            if table.item(r, 2).text()]
    assert len(held) == len(officers.list_officers(demo_db)) > 0
    for hq_id, name in held:
        hq = roster.member_detail(demo_db, hq_id).hq
        assert name == hq.sort_name == listed.get(hq_id, hq.sort_name), hq_id
        assert name.startswith(f"{hq.last_name}, ")


def test_the_officers_page_reads_and_writes_only_on_the_worker(
    qtbot: QtBot, window: MainWindow, demo_db: Database, ui_thread_statements: list[str]
) -> None:
    in_office = {t.hq_id for t in officers.list_officers(demo_db)}
    able = next(m for m in roster.list_members(demo_db)
                if m.privileges.may_hold_office and m.hq_id not in in_office)
    settle(qtbot, window)
    ui_thread_statements.clear()
    officers_page = page(window, "officers")
    officers_page.all_terms.setChecked(True)
    settle(qtbot, window)
    picker = officers_page.picker
    picker.set_text(f"{able.hq.first_name} {able.hq.last_name}")
    with qtbot.waitSignal(picker.looked_up, timeout=10_000):
        picker.look_up()
    row = next(i for i in range(picker.matches.count())
               if picker.matches.item(i).text().endswith(f"({able.hq_id})"))
    picker.matches.setCurrentRow(row)
    qtbot.keyClick(picker.member, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "may hold office" in officers_page.eligibility.text(), timeout=10_000)
    officers_page.position.setCurrentIndex(officers_page.position.findData("Director"))
    officers_page.appoint_button.click()
    settle(qtbot, window)
    assert "is Director from" in officers_page.message.text()
    row = next(r for r, (_p, term) in enumerate(officers_page.rows)
               if term is not None and term.hq_id == able.hq_id)
    officers_page.table.selectRow(row)
    ends = dt.date.today() + dt.timedelta(days=10)
    officers_page.end_on.setText(ends.isoformat())
    officers_page.end_button.click()
    settle(qtbot, window)
    assert f"ends on {ends.isoformat()}" in officers_page.message.text()
    assert [s for s in ui_thread_statements if s != "BEGIN"] == []
    # (the test's own check, on this thread, after the window's work)
    assert any(t.hq_id == able.hq_id and t.ends_on == ends
               for t in officers.list_officers(demo_db, all_terms=True))
