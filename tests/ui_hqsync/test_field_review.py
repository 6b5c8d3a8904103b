"""The review's field boxes: leave one field out, settle a conflict field by field."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.conflicts import list_conflicts
from chapterdesk.services.hq.edits import edit_hq_field
from chapterdesk.services.hq.plan import plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.hqsync.page import REVIEW
from chapterdesk.ui.hqsync.review import TABS
from tests.hqimport.exports import hq_records, write_export
from tests.ui_hqsync.flow import changes_tab, click, good_members, settle


def review(qtbot: QtBot, page: HqSyncPage, path: Path) -> None:
    page.start_import(path)
    settle(qtbot, page)
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == REVIEW


def select_member(page: HqSyncPage, kind: str, hq_id: str) -> None:
    model = changes_tab(page, kind)
    tab = next(i for i, (_t, k, _n) in enumerate(TABS) if k.value == kind)
    page.review.tabs.setCurrentIndex(tab)
    row = next(r for r, c in enumerate(model.items) if c.hq_id == hq_id)
    view = page.review.views[model.items[row].kind]
    flags = QItemSelectionModel.SelectionFlag
    view.selectionModel().setCurrentIndex(model.index(row, 1), flags.ClearAndSelect | flags.Rows)


def field_row(page: HqSyncPage, field: str) -> int:
    return next(r for r, row in enumerate(page.review.fields.items) if row[1] == field)


def test_one_field_left_out_in_the_review_is_remembered(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    member = good_members(demo_db)[0]
    records = hq_records(demo_db)
    next(r for r in records if r["hq_id"] == member).update(
        title="Office Manager", phone="(555) 123-4567"
    )
    path = write_export(tmp_path / "month.xlsx", records)
    old_phone = roster.member_detail(demo_db, member).hq.phone
    review(qtbot, page, path)
    select_member(page, "changed", member)
    fields = page.review.fields
    assert [row[1] for row in fields.items] == ["title", "phone"]
    phone = fields.index(field_row(page, "phone"), 0)
    assert phone.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert fields.setData(phone, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert fields.index(phone.row(), 4).data() == "Left out"
    click(qtbot, page.next_button)
    settle(qtbot, page)
    hq = roster.member_detail(demo_db, member).hq
    assert (hq.title, hq.phone) == ("Office Manager", old_phone)
    (again,) = plan_import(demo_db, path).changes
    assert [(f.field, f.left_out) for f in again.fields] == [("phone", True)]
    # The next review shows it as left out last time.
    review(qtbot, page, path)
    select_member(page, "changed", member)
    assert page.review.fields.index(0, 1).data() == "Phone (left out last time)"


def test_a_conflict_is_settled_field_by_field_in_the_review(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, tmp_path: Path
) -> None:
    a, b = good_members(demo_db)[:2]
    records = hq_records(demo_db)
    edit_hq_field(demo_db, a, "email", "a.local@example.org")
    edit_hq_field(demo_db, b, "phone", "(555) 000-1111")
    for record in records:
        if record["hq_id"] == a:
            record["email"] = "a.hq@example.org"
        if record["hq_id"] == b:
            record["phone"] = "(555) 999-2222"
    path = write_export(tmp_path / "month.xlsx", records)
    review(qtbot, page, path)
    # a: keep the chapter's value.
    select_member(page, "conflict", a)
    fields = page.review.fields
    row = field_row(page, "email")
    assert fields.index(row, 4).data() == "Hold for later (Conflicts view)"
    page.review.fields_view.selectRow(row)
    click(qtbot, page.review.keep_local_button)
    assert fields.index(row, 4).data() == "Keep the chapter's value"
    assert page.next_button.text().replace("&", "") == "Apply 1 change"
    # b: take HQ's value by ticking the field.
    select_member(page, "conflict", b)
    row = field_row(page, "phone")
    assert fields.setData(
        fields.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert fields.index(row, 4).data() == "Take HQ's value"
    if os.environ.get("CHAPTERDESK_SHOTS"):
        page.review.grab().save(str(Path(os.environ["CHAPTERDESK_SHOTS"]) / "review-fields.png"))
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert roster.member_detail(demo_db, a).hq.email == "a.local@example.org"
    assert roster.member_detail(demo_db, b).hq.phone == "(555) 999-2222"
    assert list_conflicts(demo_db) == []
    assert plan_import(demo_db, path).changes == ()  # both settled for this HQ value
