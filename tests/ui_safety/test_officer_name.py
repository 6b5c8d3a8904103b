"""The officer's name: asked on the first change to a database that has none, then remembered.

The audit trail records who made each change. A database with no officer name
asks for one (once) when the window is about to make its first change, saves
it with that change, and never records the computer's account ("root").
"""

from __future__ import annotations

import getpass

from pytestqt.qtbot import QtBot

from chapterdesk.data.audit_trail import OFFICER_NOT_NAMED
from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.roster.members import list_members
from chapterdesk.services.safety.audit import audit_log
from chapterdesk.ui.context import OFFICER_QUESTION
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked
from tests.ui_safety.test_audit_page import edit_notes


def test_the_first_change_asks_the_officers_name_and_records_it(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    assert chapter_info(demo_db).officer_name is None
    first, second = list_members(demo_db)[:2]
    asked.text_answer = "  Pat   Lee "
    edit_notes(qtbot, window, first.hq_id, "Prefers mail to e-mail")
    assert asked.questions == [OFFICER_QUESTION]
    assert chapter_info(demo_db).officer_name == "Pat Lee"  # remembered in the database
    newest = audit_log(demo_db, limit=1)[0]
    assert newest.officer == "Pat Lee" and newest.hq_id == first.hq_id
    assert newest.sentence.endswith(" by Pat Lee")

    edit_notes(qtbot, window, second.hq_id, "Committee chair")
    assert asked.questions == [OFFICER_QUESTION]  # asked once, not at every change
    assert audit_log(demo_db, limit=1)[0].officer == "Pat Lee"


def test_a_declined_name_is_recorded_as_not_named_and_not_asked_again(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    first, second = list_members(demo_db)[:2]
    asked.text_answer = None  # Cancel
    edit_notes(qtbot, window, first.hq_id, "One")
    edit_notes(qtbot, window, second.hq_id, "Two")
    assert asked.questions == [OFFICER_QUESTION]
    recorded = {r.officer for r in audit_log(demo_db, limit=2)}
    assert recorded == {OFFICER_NOT_NAMED} and getpass.getuser() not in recorded
    assert chapter_info(demo_db).officer_name is None


def test_an_hq_import_undone_from_the_window_asks_the_name_first(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    from tests.ui.conftest import page, settle

    hqsync = page(window, "hqsync")
    asked.text_answer = "Sam Secretary"
    asked.confirm_answer = True
    hqsync.undo_batch(1)  # the demo chapter's import
    settle(qtbot, window)
    assert asked.questions == [OFFICER_QUESTION]
    assert chapter_info(demo_db).officer_name == "Sam Secretary"
    undone = [r for r in audit_log(demo_db, limit=50) if r.table == "import_batch"]
    assert undone and undone[0].officer == "Sam Secretary"
    assert undone[0].sentence == "HQ import of “demo-hq-export.xlsx” undone by Sam Secretary"
