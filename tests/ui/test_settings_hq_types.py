"""The Settings page's HQ member types and quorum in use (writes off the UI thread)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.services import chapter
from chapterdesk.services.roster import categories as categories
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.main_window import MainWindow
from tests.helpers import add_hq
from tests.ui.conftest import Asked, page, settle

WAIT_MS = 10_000


def table_texts(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_map_an_hq_type_then_remove_the_mapping(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = roster.list_members(demo_db)[0]
    with demo_db.session() as session:  # the next HQ export relabels a chapter member
        session.execute(update(HqMember).where(HqMember.hq_id == member.hq_id)
                        .values(member_type="Full Member"))
    add_hq(demo_db, "990001", member_type="full member",
           paid_through=dt.date.today() + dt.timedelta(days=100))
    add_hq(demo_db, "990002", member_type="Vendor Sponsor")
    threads: list[bool] = []
    real_map = categories.map_hq_type

    def recording_map(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return real_map(*args, **kwargs)

    monkeypatch.setattr(categories, "map_hq_type", recording_map)

    settings_page = page(window, "settings")
    box = settings_page.hq_types
    assert table_texts(box.unmapped_table) == [["Full Member", "1", "2"],
                                               ["Vendor Sponsor", "0", "1"]]
    assert not box.map_button.isEnabled()  # nothing chosen yet
    box.unmapped_table.selectRow(0)
    box.category.setCurrentIndex(box.category.findData("REG"))
    assert box.map_button.isEnabled()
    with qtbot.waitSignal(box.saved, timeout=WAIT_MS):
        qtbot.mouseClick(box.map_button, Qt.MouseButton.LeftButton)
    assert threads == [False]  # the write ran on the worker, not the UI thread
    assert "'Full Member' now counts as Regular" in box.message.text()
    qtbot.waitUntil(lambda: box.unmapped_table.rowCount() == 1, timeout=WAIT_MS)
    assert table_texts(box.mapped_table) == [["Full Member", "Regular"]]
    assert box.selected_unmapped() is None and box.category.currentIndex() == -1
    assert not box.map_button.isEnabled()  # a second click maps nothing by accident
    current = roster.member_detail(demo_db, member.hq_id).current
    assert current is not None and not current.privileges.suspended

    box.unmapped_table.selectRow(0)
    box.category.setCurrentIndex(box.category.findData("BP"))
    with qtbot.waitSignal(box.saved, timeout=WAIT_MS):
        box.map_button.click()
    assert "stay out of the chapter: Business Partner is not eligible" in box.message.text()
    qtbot.waitUntil(lambda: box.all_matched.isVisibleTo(box), timeout=WAIT_MS)
    assert box.unmapped_table.rowCount() == 0

    box.mapped_table.selectRow(0)
    with qtbot.waitSignal(box.saved, timeout=WAIT_MS):
        qtbot.mouseClick(box.unmap_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.unmapped_table.rowCount() == 1, timeout=WAIT_MS)
    assert box.unmapped_table.item(0, 0).text() == "Full Member"
    assert [c.hq_types for c in chapter.list_categories(demo_db) if c.hq_types] == [
        ("Vendor Sponsor",)]
    current = roster.member_detail(demo_db, member.hq_id).current
    assert current is not None and current.privileges.suspended
    assert asked.messages == []
    settle(qtbot, window)


def test_the_quorum_is_saved_and_survives_saving_other_settings(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    settings_page = page(window, "settings")
    assert settings_page.quorum.text() == "Simple majority"
    settings_page.quorum.setValue(40)
    with qtbot.waitSignal(settings_page.saved, timeout=WAIT_MS):
        qtbot.mouseClick(settings_page.save_button, Qt.MouseButton.LeftButton)
    assert chapter.chapter_info(demo_db).quorum_percent == 40
    assert "Settings saved." in settings_page.message.text()

    window.go_to("roster")
    settings_page = page(window, "settings")  # read back from the database
    assert settings_page.quorum.value() == 40
    settings_page.officer_name.setText("Pat Treasurer")
    with qtbot.waitSignal(settings_page.saved, timeout=WAIT_MS):
        settings_page.save()
    info = chapter.chapter_info(demo_db)
    assert (info.officer_name, info.quorum_percent) == ("Pat Treasurer", 40)

    settings_page.quorum.setValue(0)
    assert settings_page.quorum.text() == "Simple majority"
    with qtbot.waitSignal(settings_page.saved, timeout=WAIT_MS):
        settings_page.save()
    assert chapter.chapter_info(demo_db).quorum_percent is None
    settle(qtbot, window)
