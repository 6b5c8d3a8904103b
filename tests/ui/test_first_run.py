"""First run: every way into ChapterDesk the welcome page offers, and the databases remembered."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.roster.members import list_members
from chapterdesk.services.safety import handover
from chapterdesk.ui.dialogs import NewChapterDialog
from chapterdesk.ui.handover_dialog import HandoverImportDialog
from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.hqsync.page import MAP
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.recent import recent_databases
from tests.hqimport.exports import hq_records, write_export
from tests.ui.conftest import Asked, saved, settle

PASSPHRASE = "walnut harbour tinsel cobalt"


def first_run(qtbot: QtBot) -> MainWindow:
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.stack.currentWidget() is window.welcome
    return window


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_the_welcome_page_offers_every_way_in_and_no_recent_list_yet(qtbot: QtBot) -> None:
    window = first_run(qtbot)
    welcome = window.welcome
    buttons = [welcome.new_button, welcome.open_button, welcome.handover_button,
               welcome.connect_button, welcome.demo_button]
    assert [b.text().replace("&", "") for b in buttons] == [
        "Start your chapter…", "Open a database…", "Open a handover package…",
        "Connect to a shared database…", "Explore a demo chapter",
    ]
    assert all(b.isVisible() for b in buttons)
    assert not welcome.recent.isVisible()
    window.recent_menu.aboutToShow.emit()
    assert [a.text() for a in window.recent_menu.actions()] == ["No recent databases"]


def test_start_your_chapter_goes_straight_into_the_first_hq_import(
    qtbot: QtBot, asked: Asked, tmp_path: Path, demo_db: Database
) -> None:
    window = first_run(qtbot)
    asked.save_path = tmp_path / "lakes.sqlite3"
    export = write_export(tmp_path / "roster.xlsx", hq_records(demo_db))
    asked.open_path = export

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewChapterDialog)
        qtbot.keyClicks(dialog.name, "Lakes Chapter")
        dialog.currency.setCurrentText("CAD")
        dialog.year_start.setText("07-01")
        dialog.create_chapter()
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = fill
    click(qtbot, window.welcome.new_button)
    settle(qtbot, window)
    info = chapter_info(window.ctx.db)
    assert (info.name, info.currency, info.year_start_month) == ("Lakes Chapter", "CAD", 7)
    page = window.current_page()
    assert isinstance(page, HqSyncPage)
    assert page.stack.currentIndex() == MAP  # the export was read: its columns are on show
    assert asked.messages == []
    window.tasks.shutdown()
    window.ctx.db.dispose()


def test_open_a_database_then_it_is_listed_as_recent(
    qtbot: QtBot, asked: Asked, db_path: Path
) -> None:
    window = first_run(qtbot)
    asked.open_path = db_path
    click(qtbot, window.welcome.open_button)
    settle(qtbot, window)
    assert window.windowTitle() == "Test Chapter — ChapterDesk"
    assert recent_databases() == [db_path]
    window.tasks.shutdown()
    window.ctx.db.dispose()

    again = first_run(qtbot)  # the next start, with no database given
    assert again.welcome.recent.isVisible() and again.welcome.recent.count() == 1
    again.recent_menu.aboutToShow.emit()
    assert [a.text() for a in again.recent_menu.actions()] == [str(db_path)]
    item = again.welcome.recent.item(0)
    assert db_path.name in item.text()
    again.welcome.recent.itemActivated.emit(item)
    settle(qtbot, again)
    assert again.windowTitle() == "Test Chapter — ChapterDesk"
    again.tasks.shutdown()
    again.ctx.db.dispose()


def test_a_recent_database_that_was_moved_away_is_not_offered(
    qtbot: QtBot, asked: Asked, db_path: Path, tmp_path: Path
) -> None:
    window = first_run(qtbot)
    window.open_path(db_path)
    settle(qtbot, window)
    window.tasks.shutdown()
    window.ctx.db.dispose()
    db_path.rename(tmp_path / "elsewhere.sqlite3")
    assert recent_databases() == []
    assert not first_run(qtbot).welcome.recent.isVisible()


def test_open_a_handover_package_from_the_welcome_page(
    qtbot: QtBot, asked: Asked, demo_db: Database, tmp_path: Path
) -> None:
    package = tmp_path / "for-next-year.cdh"
    handover.export_handover(demo_db.location, package, PASSPHRASE, log2n=15)
    new_db = tmp_path / "next-officer" / "chapter.sqlite3"

    def unseal(dialog: QDialog) -> bool:
        assert isinstance(dialog, HandoverImportDialog)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.file.setText(str(new_db))
        dialog.buttons.accepted.emit()
        return dialog.result() == QDialog.DialogCode.Accepted

    window = first_run(qtbot)
    asked.open_path = package
    asked.dialog_handler = unseal
    click(qtbot, window.welcome.handover_button)
    settle(qtbot, window)
    assert window.ctx.db.location.path == new_db
    assert len(list_members(window.ctx.db)) == len(list_members(demo_db))
    assert f"as {new_db}" in asked.texts("inform")[-1]
    window.tasks.shutdown()
    window.ctx.db.dispose()
