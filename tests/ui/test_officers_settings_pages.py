"""The Officers and Settings pages as an officer uses them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services import chapter
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.standing import Standing
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.pages.settings_page import CategoryDialog, PositionDialog
from tests.ui.conftest import Asked, page, saved, settle


def test_officer_eligibility_is_shown_and_enforced(qtbot: QtBot, window: MainWindow,
                                                   demo_db: Database) -> None:
    officers_page = page(window, "officers")
    assert len(officers_page.terms) == 7  # (the vacant positions are rows of their own)
    lapsed = roster.list_members(demo_db, standing=Standing.LAPSED)[0]
    qtbot.keyClicks(officers_page.hq_id, lapsed.hq_id)
    qtbot.waitUntil(lambda: "may not hold office" in officers_page.eligibility.text())
    assert "lapsed" in officers_page.eligibility.text()
    officers_page.position.setCurrentIndex(officers_page.position.findData("Director"))
    qtbot.mouseClick(officers_page.appoint_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert f"({lapsed.hq_id}) cannot be Director" in officers_page.message.text()
    assert len(officers_page.terms) == 7  # (the vacant positions are rows of their own)

    in_office = {t.hq_id for t in officers.list_officers(demo_db)}
    able = next(m for m in roster.list_members(demo_db)
                if m.privileges.may_hold_office and m.hq_id not in in_office)
    officers_page.hq_id.clear()
    qtbot.keyClicks(officers_page.hq_id, able.hq_id)
    qtbot.waitUntil(lambda: "may hold office" in officers_page.eligibility.text())
    officers_page.position.setCurrentIndex(officers_page.position.findData("President"))
    qtbot.mouseClick(officers_page.appoint_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "single-holder position" in officers_page.message.text()
    officers_page.position.setCurrentIndex(officers_page.position.findData("Director"))
    qtbot.mouseClick(officers_page.appoint_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert f"is Director from {dt.date.today().isoformat()}" in officers_page.message.text()
    assert len(officers_page.terms) == 8
    assert able.hq_id in {t.hq_id for t in officers.list_officers(demo_db)}

    officers_page.table.selectRow(0)
    officers_page.end_on.setText("1999-01-01")
    qtbot.mouseClick(officers_page.end_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "cannot end" in officers_page.message.text()


def test_settings_are_validated_and_saved(qtbot: QtBot, window: MainWindow,
                                          demo_db: Database) -> None:
    settings_page = page(window, "settings")
    assert settings_page.name.text() == "Great Lakes Chapter"
    # The currency is chosen from the ISO 4217 list, the year start as a month and a day.
    assert settings_page.currency.code() == "USD"
    assert settings_page.currency.currentText() == "USD — US Dollar"
    assert settings_page.currency.findText("CAD — Canadian Dollar") >= 0
    assert settings_page.currency.findData("ADP") < 0  # the peseta is history
    assert settings_page.year_start.value() == (1, 1)
    settings_page.year_start.month.setCurrentIndex(1)  # February: 28 days at most
    settings_page.year_start.day.setValue(31)
    assert settings_page.year_start.value() == (2, 28)
    settings_page.year_start.set_value(7, 1)
    settings_page.currency.setCurrentIndex(settings_page.currency.findData("CAD"))
    settings_page.name.setText("Great Lakes & Ontario Chapter")
    settings_page.stale.setValue(5)
    settings_page.page_size.setCurrentIndex(settings_page.page_size.findData("a4"))
    with qtbot.waitSignal(settings_page.saved, timeout=10_000):
        qtbot.mouseClick(settings_page.save_button, Qt.MouseButton.LeftButton)
    info = chapter.chapter_info(demo_db)
    assert (info.name, info.currency, info.stale_after_days, info.page_size) == (
        "Great Lakes & Ontario Chapter", "CAD", 5, "a4")
    assert (info.year_start_month, info.year_start_day) == (7, 1)
    assert settings_page.currency.code() == "CAD" and settings_page.year_start.value() == (7, 1)
    settle(qtbot, window)
    assert "stale" in window.age_label.text() and "color" in window.age_label.styleSheet()
    assert window.windowTitle() == "Great Lakes & Ontario Chapter — ChapterDesk"


def test_categories_and_positions_are_added_through_their_dialogs(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    settings_page = page(window, "settings")
    messages: list[str] = []

    def category(dialog: QDialog) -> bool:
        assert isinstance(dialog, CategoryDialog)
        qtbot.keyClicks(dialog.code, "REG")
        qtbot.keyClicks(dialog.name, "Life Member")
        dialog.save()
        saved(qtbot, dialog)
        messages.append(dialog.message.text())
        assert dialog.result() != QDialog.DialogCode.Accepted  # still open, nothing lost
        assert dialog.name.text() == "Life Member"
        dialog.code.setText("LIFE")
        dialog.vote.setChecked(True)
        dialog.office.setChecked(True)
        dialog.vote.setChecked(False)
        dialog.save()
        saved(qtbot, dialog)
        assert dialog.result() != QDialog.DialogCode.Accepted  # office without a vote
        messages.append(dialog.message.text())
        dialog.office.setChecked(False)
        dialog.vote.setChecked(True)
        dialog.save()
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = category
    settings_page.edit_category(new=True)
    assert "already uses that code" in messages[0]
    assert "Officers must be voting members" in messages[1]
    life = next(c for c in chapter.list_categories(demo_db) if c.code == "LIFE")
    assert life.may_vote and not life.may_hold_office
    qtbot.waitUntil(lambda: settings_page.category_table.rowCount() == 7, timeout=10_000)

    def position(dialog: QDialog) -> bool:
        assert isinstance(dialog, PositionDialog)
        qtbot.keyClicks(dialog.name, "Programs Chair")
        dialog.save()
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = position
    settings_page.edit_position(new=True)
    assert ("Programs Chair", True) in officers.list_positions(demo_db)
    qtbot.waitUntil(lambda: settings_page.position_table.rowCount() == 8, timeout=10_000)
    assert settings_page.position_table.item(7, 0).text() == "Programs Chair"
    settle(qtbot, window)


def test_a_category_description_is_shown_where_it_fits_and_always_in_the_tooltip(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    settings_page = page(window, "settings")
    table = settings_page.category_table
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=10_000)
    described = {c.code: c.description for c in chapter.list_categories(demo_db)}
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            assert table.item(row, column).toolTip() == described[table.item(row, 0).text()]
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: not table.isColumnHidden(table.DESCRIPTION), timeout=5_000)
    window.resize(1024, 640)  # too narrow to read it: hidden, never scrolled to sideways
    qtbot.waitUntil(lambda: table.isColumnHidden(table.DESCRIPTION), timeout=5_000)
    assert not table.horizontalScrollBar().isVisible()
