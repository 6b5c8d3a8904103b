"""The window: correct a member's e-mail in the panel, hold HQ's old one as a conflict, keep it.

The issue's Done-when as an officer does it in the window, and the panel's
refusal of a value the service would refuse.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.conflicts import list_conflicts
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.correct_dialog import CorrectFieldDialog
from chapterdesk.ui.main_window import MainWindow
from tests.hqimport.exports import hq_records, write_export
from tests.ui.conftest import Asked, page, settle

SHOTS = os.environ.get("CHAPTERDESK_SHOTS")  # a folder to save screenshots in, when set


def shoot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def show_member(qtbot: QtBot, window: MainWindow, row: int) -> object:
    roster_page = page(window, "roster")
    flags = QItemSelectionModel.SelectionFlag
    roster_page.table.selectionModel().setCurrentIndex(
        roster_page.model.index(row, 0), flags.ClearAndSelect | flags.Rows
    )
    settle(qtbot, window)
    qtbot.waitUntil(lambda: roster_page.panel.detail is not None, timeout=15_000)
    return roster_page.panel


def answer_correction(asked: Asked, field: str, value: str, reason: str) -> list[str]:
    seen: list[str] = []

    def handle(dialog: QDialog) -> bool:
        assert isinstance(dialog, CorrectFieldDialog)
        dialog.field_box.setCurrentIndex(dialog.field_box.findData(field))
        seen.append(dialog.hq_says.text())
        dialog.value.setText(value)
        dialog.reason.setText(reason)
        dialog.accept()
        seen.append(dialog.message.text())
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = handle
    return seen


def run_import(qtbot: QtBot, window: MainWindow, path: Path) -> object:
    sync = page(window, "hqsync")
    sync.sections.setCurrentIndex(0)
    sync.start_import(path)
    qtbot.waitUntil(lambda: sync.task is None and not sync.tasks.busy(), timeout=20_000)
    qtbot.mouseClick(sync.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sync.task is None and not sync.tasks.busy(), timeout=20_000)
    return sync


def test_the_panels_rows_show_each_member_in_turn_notes_and_all(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    """HQ's rows are made once and filled in for each member: nothing of one stays for the next."""
    panel = show_member(qtbot, window, 2)
    corrected = panel.detail.hq  # type: ignore[attr-defined]
    answer_correction(asked, "email", "jo.new@example.org", "told us at the AGM")
    qtbot.mouseClick(panel.correct_buttons["E-mail"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not panel.correcting, timeout=15_000)  # type: ignore[attr-defined]
    settle(qtbot, window)
    qtbot.waitUntil(lambda: bool(panel.detail.corrections), timeout=15_000)  # type: ignore[attr-defined]
    rows = dict(panel._hq_values)  # type: ignore[attr-defined]
    email = rows["E-mail"]
    assert "corrected by the chapter" in email.text()
    assert email.textFormat() == Qt.TextFormat.RichText

    other = show_member(qtbot, window, 3).detail.hq  # type: ignore[attr-defined]
    assert other.hq_id != corrected.hq_id
    assert panel._hq_values == rows  # type: ignore[attr-defined]  # the same labels, refilled
    assert email.text() == (other.email or "—") and email.textFormat() == Qt.TextFormat.PlainText
    assert rows["Name"].text() == other.display_name
    assert [panel.hq_form.rowCount(), sorted(panel.correct_buttons)] == [  # type: ignore[attr-defined]
        12, ["Address", "E-mail", "Employer", "Name", "Phone", "Title"]]  # fmt: skip

    show_member(qtbot, window, 2)
    assert "jo.new@example.org" in email.text() and "corrected by the chapter" in email.text()


def test_the_officer_keeps_a_corrected_email_in_the_window(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    panel = show_member(qtbot, window, 2)
    hq_id = panel.detail.hq.hq_id  # type: ignore[attr-defined]
    old = panel.detail.hq.email  # type: ignore[attr-defined]
    seen = answer_correction(asked, "email", "jo.new@example.org", "told us at the AGM")
    qtbot.mouseClick(panel.correct_buttons["E-mail"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert seen[0] == repr(old)
    qtbot.waitUntil(lambda: not panel.correcting, timeout=15_000)  # type: ignore[attr-defined]
    settle(qtbot, window)
    qtbot.waitUntil(
        lambda: panel.detail is not None and bool(panel.detail.corrections),  # type: ignore[attr-defined]
        timeout=15_000,
    )
    assert roster.member_detail(demo_db, hq_id).hq.email == "jo.new@example.org"
    texts = [label.text() for label in panel.hq_box.findChildren(type(panel.title))]  # type: ignore[attr-defined]
    assert any(
        "jo.new@example.org" in t
        and f"corrected by the chapter (HQ: {old}; told us at the AGM)" in t
        for t in texts
    )
    shoot(panel.hq_box, "panel-correction")  # type: ignore[attr-defined]

    # Next month's HQ file still has the old address: one conflict in the review, held.
    month = write_export(tmp_path / "next-month.xlsx", records)
    sync = run_import(qtbot, window, month)
    assert sync.review.tabs.tabText(5) == "Conflicts (1)"
    qtbot.mouseClick(sync.next_button, Qt.MouseButton.LeftButton)  # apply: the conflict is held
    qtbot.waitUntil(lambda: sync.task is None and not sync.tasks.busy(), timeout=20_000)
    assert roster.member_detail(demo_db, hq_id).hq.email == "jo.new@example.org"

    # The Conflicts view shows it; the officer keeps the chapter's value.
    sync.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: sync.conflicts.model.rowCount() == 1, timeout=15_000)
    assert sync.sections.tabText(2) == "Conf&licts (1)"
    model = sync.conflicts.model
    assert [model.index(0, c).data() for c in range(5)] == [
        hq_id, panel.detail.hq.display_name, "Email", "jo.new@example.org", old,  # type: ignore[attr-defined]
    ]  # fmt: skip
    shoot(sync, "conflicts-view")
    sync.conflicts.table.selectRow(0)
    qtbot.mouseClick(sync.conflicts.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sync.conflicts.model.rowCount() == 0, timeout=15_000)
    assert "Settled 1 conflict: the chapter's value kept." in sync.conflicts.message.text()
    assert list_conflicts(demo_db) == []

    # The following import: nothing to settle, the chapter's value is kept.
    following = write_export(tmp_path / "month-after.xlsx", records)
    sync = run_import(qtbot, window, following)
    assert sync.review.tabs.tabText(5) == "Conflicts (0)"
    qtbot.mouseClick(sync.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sync.task is None and not sync.tasks.busy(), timeout=20_000)
    assert roster.member_detail(demo_db, hq_id).hq.email == "jo.new@example.org"
    assert list_conflicts(demo_db) == []
    assert asked.texts("error") == [] and asked.texts("warn") == []


def test_the_correction_dialog_refuses_what_the_service_would(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    panel = show_member(qtbot, window, 4)
    hq_id = panel.detail.hq.hq_id  # type: ignore[attr-defined]
    before = roster.member_detail(demo_db, hq_id).hq
    seen = answer_correction(asked, "email", "not an address", "")
    qtbot.mouseClick(panel.correct_buttons["E-mail"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert seen[1] == "'not an address' is not an e-mail address; give one like name@example.org."
    settle(qtbot, window)
    assert roster.member_detail(demo_db, hq_id).hq == before
    assert not panel.correcting  # type: ignore[attr-defined]
