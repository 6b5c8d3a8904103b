"""The import wizard as an officer uses it, end to end, on exports the tests write."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.apply import list_batches
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.hqsync.page import CHECK, DONE, MAP, REVIEW
from tests.hqimport.exports import hq_content, hq_records, write_export
from tests.ui_hqsync.conftest import Asked
from tests.ui_hqsync.flow import (
    changes_tab,
    choose_column,
    click,
    good_members,
    settle,
    tab_titles,
    tick,
)


def test_an_import_from_file_to_undo(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    by_id = {str(r["hq_id"]): r for r in records}
    kept, rejected, person_changed = good_members(demo_db)[:3]
    by_id[kept]["title"] = "Partner"
    by_id[rejected]["title"] = "Partner"
    by_id[person_changed].update(
        first_name="Someone", last_name="Else", email="someone.else@example.org"
    )
    chosen = (kept, rejected, person_changed)
    bad = next(i for i in range(4, len(records)) if records[i]["hq_id"] not in chosen)
    records[bad]["email"] = "x" * 300  # a bad row, below a title, a blank row and the header
    bad_id, bad_row = str(records[bad]["hq_id"]), str(bad + 4)
    records.append(dict(records[0], hq_id="990001", first_name="Amara", last_name="Bello"))
    export = write_export(
        tmp_path / "november.xlsx", records, headers={"paid_through": "Dues Expire"}
    )
    before = hq_content(demo_db)

    page.start_import(export)
    settle(qtbot, page)
    # (b) the renamed column is not recognised: Next waits, and a sentence says why.
    assert page.stack.currentIndex() == MAP
    assert "header is on row 3" in page.mapping.file_facts.text()
    assert not page.next_button.isEnabled()
    assert "Paid Through" in page.mapping.status.text() and page.mapping.status.isVisible()
    choose_column(page, "paid_through", "Dues Expire")
    assert page.next_button.isEnabled() and not page.mapping.status.isVisible()

    click(qtbot, page.next_button)
    settle(qtbot, page)
    # (c) the bad row is listed by row and column; going on needs the skip box.
    assert page.stack.currentIndex() == CHECK
    problems = page.validation.model
    assert [problems.index(0, c).data() for c in range(2)] == [bad_row, "Email"]
    assert not page.next_button.isEnabled()
    page.validation.skip.setChecked(True)
    click(qtbot, page.next_button)

    # (d) the difference, with counts in the tab titles.
    assert page.stack.currentIndex() == REVIEW
    titles = tab_titles(page)
    assert {"New (1)", "Changed (2)", "Conflicts (1)", "Missing (0)"} <= set(titles)
    # The member on the skipped row is still in HQ's export: not missing, not changed.
    assert bad_id not in {c.hq_id for c in changes_tab(page, "missing").items}
    conflicts = changes_tab(page, "conflict")
    assert not conflicts.is_accepted(person_changed)  # held unless ticked
    assert "not transferable" in conflicts.index(0, 6).data()
    changed = changes_tab(page, "changed")
    tick(changed, rejected, accepted=False)
    assert page.next_button.text().replace("&", "") == "Apply 2 changes"

    with qtbot.waitSignal(page.data_changed, timeout=20_000):
        click(qtbot, page.next_button)
    settle(qtbot, page)
    # (f) the summary, and the database as the officer decided.
    assert page.stack.currentIndex() == DONE
    assert page.summary.title.text() == "Imported as batch 2"
    assert page.summary.figures["new"].text() == "1"
    assert rejected in page.summary.held.text() and person_changed in page.summary.held.text()
    assert roster.member_detail(demo_db, kept).hq.title == "Partner"
    assert roster.member_detail(demo_db, rejected).hq.title != "Partner"
    assert roster.member_detail(demo_db, person_changed).hq.last_name != "Else"
    assert "990001" in {str(r["hq_id"]) for r in hq_records(demo_db)}

    # The history lists the batch; undoing it (confirmed) puts HQ data back exactly.
    page.sections.setCurrentIndex(1)
    history = page.history.model
    assert [history.index(0, c).data() for c in (0, 2)] == ["2", "november.xlsx"]
    with qtbot.waitSignal(page.data_changed, timeout=20_000):
        click(qtbot, page.history.undo_button)
    settle(qtbot, page)
    assert "Undo import batch 2 (november.xlsx" in asked.questions[0]
    assert hq_content(demo_db) == before
    assert list_batches(demo_db)[0].undone_at is not None
    assert "Batch 2 (november.xlsx) was undone" in page.history.message.text()
    assert history.index(0, 11).data() != "—"  # the Undone column now has its date
    assert asked.texts("error") == []


def test_a_ticked_conflict_is_applied(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    target = good_members(demo_db)[0]
    next(r for r in records if r["hq_id"] == target).update(
        first_name="Someone", last_name="Else", email="someone.else@example.org"
    )
    page.start_import(write_export(tmp_path / "swap.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == REVIEW  # no bad rows: straight to the difference
    assert page.next_button.text().replace("&", "") == "Apply 0 changes"
    tick(changes_tab(page, "conflict"), target, accepted=True)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert roster.member_detail(demo_db, target).hq.last_name == "Else"
    assert page.summary.held.text() == "Every change was applied."


def test_the_summary_undoes_its_own_batch(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    records[0]["title"] = "Chair"
    before = hq_content(demo_db)
    page.start_import(write_export(tmp_path / "one.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.summary.undo_button.isEnabled()
    asked.confirm_answer = False  # the officer thinks again: nothing happens
    click(qtbot, page.summary.undo_button)
    assert hq_content(demo_db) != before
    asked.confirm_answer = True
    click(qtbot, page.summary.undo_button)
    settle(qtbot, page)
    assert hq_content(demo_db) == before
    assert not page.summary.undo_button.isEnabled()
    assert "was undone" in page.summary.message.text()


def test_the_confirmed_columns_are_remembered_for_the_next_file(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    odd = {"paid_through": "Dues Expire"}
    page.start_import(write_export(tmp_path / "october.csv", records, headers=odd))
    settle(qtbot, page)
    choose_column(page, "paid_through", "Dues Expire")
    click(qtbot, page.next_button)
    settle(qtbot, page)
    click(qtbot, page.next_button)  # record the import (nothing differs)
    settle(qtbot, page)
    assert page.summary.title.text() == "Imported as batch 2"

    records[0]["title"] = "Next month"
    page.start_import(write_export(tmp_path / "november.csv", records, headers=odd))
    settle(qtbot, page)
    assert page.mapping.combos["paid_through"].currentText().startswith("Dues Expire")
    assert "confirmed for this layout" in page.mapping.source.text()
    assert page.next_button.isEnabled()


def test_checking_can_be_cancelled_and_writes_nothing(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    records[0]["title"] = "Chair"
    before = hq_content(demo_db)
    page.start_import(write_export(tmp_path / "month.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    assert page.task is not None
    page.task.cancel()  # what the progress dialog's Cancel button does
    settle(qtbot, page)
    assert page.stack.currentIndex() == MAP
    assert "cancelled; nothing was imported" in page.mapping.message.text()
    assert hq_content(demo_db) == before
    assert page.next_button.isEnabled()  # the officer may check again


def test_the_review_table_sorts_and_accepts_all_in_a_tab(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    for record in records[:3]:
        record["title"] = "Chair"
    page.start_import(write_export(tmp_path / "month.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    changed = changes_tab(page, "changed")
    click(qtbot, page.review.reject_all)
    assert changed.accepted == set() and page.next_button.text().replace("&", "") == (
        "Apply 0 changes"
    )
    click(qtbot, page.review.accept_all)
    assert len(changed.accepted) == 3
    view = page.review.current_view()
    assert view is not None
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    ids = [changed.index(r, 1).data() for r in range(changed.rowCount())]
    assert ids == sorted(ids, reverse=True)
    view.selectRow(0)
    assert page.review.fields.index(0, 1).data() == "Title"  # after the field's apply box
    assert page.review.fields.index(0, 3).data() == "Chair"
    view.setFocus()
    view.setCurrentIndex(changed.index(0, 0))
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Space)  # the keyboard ticks boxes too
    assert not changed.is_accepted(changed.items[0].hq_id)


def test_applying_can_be_cancelled_and_rolls_back(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    records[0]["title"] = "Chair"
    before, batches = hq_content(demo_db), len(list_batches(demo_db))
    page.start_import(write_export(tmp_path / "month.csv", records))
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    click(qtbot, page.next_button)
    assert page.task is not None
    page.task.cancel()  # the progress dialog's Cancel
    settle(qtbot, page)
    assert page.stack.currentIndex() == REVIEW
    assert "cancelled and rolled back" in page.review.message.text()
    assert hq_content(demo_db) == before and len(list_batches(demo_db)) == batches
    click(qtbot, page.next_button)  # the officer changes their mind: it applies now
    settle(qtbot, page)
    assert page.stack.currentIndex() == DONE


def test_a_layout_whose_id_and_name_headers_are_unknown_is_mapped_by_hand(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    odd = {"hq_id": "Cust No", "last_name": "Family", "first_name": "Given"}
    page.start_import(write_export(tmp_path / "ams.xlsx", records, headers=odd))
    settle(qtbot, page)
    # The header is found all the same, and the officer is asked for the columns.
    assert page.stack.currentIndex() == MAP
    assert "header is on row 3" in page.mapping.file_facts.text()
    assert not page.next_button.isEnabled()
    assert "Member ID" in page.mapping.status.text()
    for field, header in odd.items():
        choose_column(page, field, header)
    assert page.next_button.isEnabled()
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == REVIEW
    assert "Changed (0)" in tab_titles(page) and "New (0)" in tab_titles(page)
