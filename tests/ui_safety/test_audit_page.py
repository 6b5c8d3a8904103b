"""The Audit trail page and the member panel's history, after edits made in the window."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster.members import list_members, update_chapter_facts
from chapterdesk.services.safety.audit import audit_ids
from chapterdesk.ui.audit_model import PAGE_SIZE, AuditModel, RecordRole
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked, page, settle


def edit_notes(qtbot: QtBot, window: MainWindow, hq_id: str, notes: str) -> None:
    """Select a member in the roster and save new notes in the detail panel."""
    roster_page = page(window, "roster")
    roster_page.panel.show_member(hq_id)
    settle(qtbot, window)  # the member panel reads on the worker
    roster_page.panel.notes.setPlainText(notes)
    assert roster_page.panel.save_facts()
    settle(qtbot, window)


def rows(window: MainWindow) -> list[list[str]]:
    audit_page = window.pages["audit"]
    model = audit_page.model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_an_edit_in_the_roster_shows_on_the_audit_page_with_old_and_new_values(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    first, second = list_members(demo_db)[:2]
    settings_page = page(window, "settings")
    settings_page.officer_name.setText("Pat Treasurer")
    with qtbot.waitSignal(settings_page.saved, timeout=10_000):
        settings_page.save()
    edit_notes(qtbot, window, first.hq_id, "Prefers mail to e-mail")
    edit_notes(qtbot, window, second.hq_id, "Committee chair")

    audit_page = page(window, "audit")
    newest = rows(window)[0]
    assert newest[2] == second.hq_id
    assert newest[1] == (f"{second.hq.display_name} ({second.hq_id}): notes changed from (empty) "
                         "to “Committee chair” by Pat Treasurer")
    assert audit_page.shown.text() == f"{audit_page.model.rowCount():,} changes"

    audit_page.member.setText(first.hq_id)
    audit_page.filter_button.click()
    settle(qtbot, window)
    shown = rows(window)
    assert shown and {row[2] for row in shown} == {first.hq_id}
    assert any("to “Prefers mail to e-mail” by Pat Treasurer" in row[1] for row in shown)

    audit_page.use_since.setChecked(True)
    audit_page.since.setDate(QDate.currentDate().addDays(1))
    settle(qtbot, window)
    assert audit_page.model.rowCount() == 0 and audit_page.shown.text() == "0 changes"
    audit_page.since.setDate(QDate.currentDate())
    settle(qtbot, window)
    assert {row[2] for row in rows(window)} == {first.hq_id}

    audit_page.member.setText("not-an-id")
    audit_page.filter_button.click()
    settle(qtbot, window)
    assert audit_page.message.isVisible() and "not-an-id" in audit_page.message.text()
    audit_page.clear_button.click()
    settle(qtbot, window)
    assert audit_page.model.rowCount() == len(audit_ids(demo_db))


def test_the_audit_table_cannot_be_edited(qtbot: QtBot, window: MainWindow) -> None:
    audit_page = page(window, "audit")
    model = audit_page.model
    assert model.rowCount() > 0
    index = model.index(0, 4)
    assert not model.flags(index) & model.flags(index).ItemIsEditable
    assert not model.setData(index, "tampered")
    assert not audit_page.table.editTriggers()


def test_export_writes_what_the_page_shows_as_csv(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database, tmp_path: Path
) -> None:
    member = list_members(demo_db)[3]
    edit_notes(qtbot, window, member.hq_id, "Moved to the Toronto office")
    audit_page = page(window, "audit")
    audit_page.member.setText(member.hq_id)
    audit_page.filter_button.click()
    settle(qtbot, window)
    asked.save_path = tmp_path / "trail"
    audit_page.export_button.click()
    written = tmp_path / "trail.csv"
    # The export runs on the worker: wait for what the officer is shown when it is written.
    qtbot.waitUntil(lambda: f"to {written}" in audit_page.message.text(), timeout=15_000)
    with written.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == audit_page.model.rowCount() > 0
    assert {r["hq_id"] for r in records} == {member.hq_id}
    assert '"Moved to the Toronto office"' in records[-1]["new"]  # oldest first
    assert f"to {written}" in audit_page.message.text()


def test_member_panel_lists_that_members_changes_and_links_to_the_trail(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    member, other = list_members(demo_db)[5:7]
    edit_notes(qtbot, window, member.hq_id, "Speaks at the spring meeting")
    edit_notes(qtbot, window, other.hq_id, "Not about the first member")
    roster_page = window.pages["roster"]
    roster_page.panel.show_member(member.hq_id)
    settle(qtbot, window)
    history = roster_page.panel.changes_box
    assert history.isVisibleTo(roster_page.panel)
    text = history.entries.text()
    assert "notes changed from (empty) to “Speaks at the spring meeting”" in text
    assert "joined the chapter on" in text
    assert "Not about the first member" not in text
    history.show_all.click()
    settle(qtbot, window)
    assert window.current_page() is window.pages["audit"]
    assert window.pages["audit"].member.text() == member.hq_id
    assert {row[2] for row in rows(window)} == {member.hq_id}


def test_audit_model_passes_the_model_tester(qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    for round_ in range(2):  # enough changes to span two of the model's pages
        for member in list_members(demo_db):
            update_chapter_facts(demo_db, member.hq_id, notes=f"round {round_}",
                                 chapter_joined_on=member.membership.chapter_joined_on,
                                 employment_ended_on=member.membership.employment_ended_on)
    model = AuditModel(demo_db)
    ids = audit_ids(demo_db)
    assert len(ids) > PAGE_SIZE
    model.set_ids(ids)
    qtmodeltester.check(model)
    last = model.index(model.rowCount() - 1, 0).data(RecordRole)
    assert last.id == ids[-1]
    assert "notes changed from “round 0” to “round 1”" in model.index(0, 1).data()
    assert "notes: round 0 → round 1" in model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    model.set_ids(ids[:3])
    qtmodeltester.check(model)
    assert model.rowCount() == 3


def test_a_later_page_of_the_trail_is_read_on_the_worker_and_then_shown(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    from chapterdesk.ui.audit_model import PAGE_SIZE

    for member in list_members(demo_db)[:3]:  # the demo's own trail plus a few edits
        edit_notes(qtbot, window, member.hq_id, "Checked the trail")
    audit_page = page(window, "audit")
    settle(qtbot, window)
    model = audit_page.model
    assert model.rowCount() > PAGE_SIZE + 1
    assert model.index(0, 1).data()  # the first page came with the ids
    later = model.index(PAGE_SIZE + 1, 1)
    with qtbot.waitSignal(model.dataChanged, timeout=15_000):
        assert later.data() is None  # asked for: read on the worker
    assert later.data()


def _filter_by(qtbot: QtBot, window: MainWindow, audit_page: Any, typed: str, hq_id: str) -> None:
    """Type into the member filter as an officer does, go to the member meant, press Enter."""
    audit_page.member.clear()
    settle(qtbot, window)
    audit_page.member.setFocus()
    audit_page.member.setText(typed)  # as typed (keyClicks takes ASCII only)
    with qtbot.waitSignal(audit_page.picker.looked_up, timeout=10_000):
        audit_page.picker.look_up()
    matches = audit_page.picker.matches
    found = [matches.item(i).data(Qt.ItemDataRole.UserRole) for i in range(matches.count())]
    if found:  # a name: the member meant is among the matches (↓ to it)
        matches.setCurrentRow(found.index(hq_id))
    qtbot.keyClick(audit_page.member, Qt.Key.Key_Return)
    settle(qtbot, window)


def test_the_member_filter_is_the_one_member_picker(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    members = list_members(demo_db)
    member = next(m for m in members if m.hq.middle_name and m.hq.email)
    hq = member.hq
    update_chapter_facts(demo_db, hq.hq_id, notes="Chairs the spring meeting",
                         chapter_joined_on=member.membership.chapter_joined_on,
                         employment_ended_on=member.membership.employment_ended_on)
    audit_page = page(window, "audit")
    assert audit_page.picker.findChild(type(audit_page.member)) is audit_page.member
    for typed in (
        f"{hq.last_name}, {hq.first_name}",  # as the roster lists her
        f"{hq.first_name[0]}. {hq.middle_name[0]}. {hq.last_name}",  # initials
        f"{hq.first_name} {hq.last_name}".upper(),
        hq.email,
        hq.hq_id,
    ):
        _filter_by(qtbot, window, audit_page, typed, hq.hq_id)
        assert audit_page.member.text() == hq.hq_id, typed
        shown = rows(window)
        assert shown and {row[2] for row in shown} == {hq.hq_id}, typed
        assert any("Chairs the spring meeting" in row[1] for row in shown)
        assert hq.display_name in audit_page.picker.who.text()  # who the filter is
    # Clearing the filter shows the whole trail again.
    audit_page.picker.clear()
    settle(qtbot, window)
    assert audit_page.model.rowCount() == len(audit_ids(demo_db))


def test_a_name_matching_several_asks_which_and_filter_waits(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    by_last: dict[str, list[Any]] = {}
    for m in list_members(demo_db):
        by_last.setdefault(m.hq.last_name, []).append(m)
    shared = next(name for name, ms in by_last.items() if len(ms) > 1)
    audit_page = page(window, "audit")
    everything = audit_page.model.rowCount()
    audit_page.member.setText(shared)
    audit_page.filter_button.click()
    settle(qtbot, window)
    assert f"“{shared}” matches" in audit_page.message.text()
    assert audit_page.model.rowCount() == everything  # not filtered by a guess
    assert audit_page.picker.matches.isVisibleTo(audit_page)
    audit_page.picker.matches.setCurrentRow(1)
    chosen = audit_page.picker.matches.item(1).data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(audit_page.picker.matches, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert audit_page.member.text() == chosen
    assert {row[2] for row in rows(window)} <= {chosen}
    assert audit_page.message.text() == ""


def test_the_change_chosen_is_shown_whole_beside_the_count(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    """A narrow window cuts a long sentence in the table; the one chosen is read whole below."""
    first = list_members(demo_db)[0]
    edit_notes(qtbot, window, first.hq_id, "A note long enough " * 12)
    audit_page = page(window, "audit")
    settle(qtbot, window)
    assert audit_page.detail.text() == ""  # nothing chosen yet
    audit_page.table.setCurrentIndex(audit_page.model.index(0, 0))
    record = audit_page.model.index(0, 1).data(RecordRole)
    assert audit_page.detail.text() == record.sentence
    assert ("A note long enough " * 12).strip() in audit_page.detail.text()
    assert audit_page.detail.toolTip().startswith("Recorded values: ")
    audit_page.clear_button.click()  # read again: the choice goes, and so does the sentence
    settle(qtbot, window)
    assert audit_page.detail.text() == ""
