"""The main window as an officer meets it: first run, opening chapters, navigation, status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.roster.members import standing_counts
from chapterdesk.ui import settings
from chapterdesk.ui.dialogs import NewChapterDialog
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.pages import page_classes, page_entries
from tests.ui.conftest import Asked, saved, settle


def test_first_run_shows_the_welcome_page_then_opens_the_demo(qtbot: QtBot, asked: Asked) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.welcome
    assert not window.sidebar.isVisible()
    assert not window.find_action.isEnabled()
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=60_000)
    settle(qtbot, window)
    assert window.windowTitle() == "Great Lakes Chapter — ChapterDesk"
    assert window.sidebar.isVisible()
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [page.title for page in page_classes()]
    assert titles == [
        "Dashboard", "Roster", "HQ Sync", "Dues", "Reports", "Officers", "Audit trail", "Settings"
    ]
    assert window.current_page() is window.pages["dashboard"]
    assert "600 current members" in " ".join(
        b.text() for b in window.pages["dashboard"].findChildren(type(window.welcome.demo_button))
    )
    window.tasks.shutdown()
    window.ctx.db.dispose()


def test_start_a_new_chapter_refuses_a_bad_currency_inline(
    qtbot: QtBot, asked: Asked, tmp_path: Path
) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    asked.save_path = tmp_path / "lakes"
    seen: list[str] = []

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewChapterDialog)
        qtbot.keyClicks(dialog.name, "Lakes Chapter")
        dialog.currency.setCurrentText("dollars")
        dialog.create_chapter()
        saved(qtbot, dialog)
        seen.append(dialog.message.text())
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert not (tmp_path / "lakes.sqlite3").exists()
        dialog.currency.setCurrentText("CAD")
        dialog.create_chapter()
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = fill
    qtbot.mouseClick(window.welcome.new_button, Qt.MouseButton.LeftButton)
    assert "'dollars' is not a currency code" in seen[0]
    assert window.windowTitle() == "Lakes Chapter — ChapterDesk"
    assert chapter_info(window.ctx.db).currency == "CAD"
    assert settings.LAST_DATABASE.get() == str(tmp_path / "lakes.sqlite3")
    settle(qtbot, window)
    window.ctx.db.dispose()


def test_opening_a_file_that_is_not_a_database_says_so(
    qtbot: QtBot, asked: Asked, tmp_path: Path
) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("shopping list")
    asked.open_path = junk
    window.open_existing()
    assert "is not a ChapterDesk database" in asked.texts("warn")[0]
    assert window.stack.currentWidget() is window.welcome


def test_pages_open_with_ctrl_and_a_number(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.pages["roster"]
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.pages["hqsync"]
    number = [page.key for page in page_classes()].index("settings") + 1
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.pages["settings"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.pages["roster"]
    assert window.pages["roster"].search.hasFocus()
    assert settings.LAST_PAGE.get() == "roster"


def test_the_sidebar_registry_agrees_with_each_page_class() -> None:
    assert [(e.key, e.title, e.icon_name, e.order) for e in page_entries()] == [
        (c.key, c.title, c.icon_name, c.order) for c in page_classes()
    ]


def test_only_the_page_shown_is_built_until_another_is_opened(
    qtbot: QtBot, asked: Asked, demo_db: Database
) -> None:
    settings.LAST_PAGE.set("roster")
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    assert list(window.pages.built()) == ["roster"]
    assert window.pages["roster"].model.rowCount() == 120
    assert "lapsed:" in window.counts_label.text()  # the status bar's counts, read afterwards
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert window.current_page() is window.pages["dues"]
    assert list(window.pages.built()) == ["roster", "dues"]
    window.tasks.shutdown()


def test_status_bar_shows_location_age_and_counts(window: MainWindow, demo_db: Database) -> None:
    assert str(demo_db.location.path) in window.location_label.text()
    assert "12 days old, current" in window.age_label.text()
    counts = standing_counts(demo_db)
    assert f"lapsed: {counts[next(s for s in counts if s.value == 'lapsed')]}" in (
        window.counts_label.text()
    )


def test_stale_hq_data_is_shown_in_a_warning_colour(
    qtbot: QtBot, asked: Asked, db: Database
) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    settle(qtbot, window)
    assert window.age_label.text() == "No HQ data imported yet"
    assert "color" in window.age_label.styleSheet()


def test_geometry_and_last_page_are_remembered(qtbot: QtBot, window: MainWindow,
                                               demo_db: Database) -> None:
    window.resize(760, 620)
    window.go_to("officers")
    window.close()
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    settle(qtbot, again)
    assert (again.width(), again.height()) == (760, 620)
    assert again.current_page() is again.pages["officers"]


def test_first_run_is_detected_when_no_database_exists_yet(
    asked: Asked, tmp_path: Path, monkeypatch, demo_path: Path  # type: ignore[no-untyped-def]
) -> None:
    from chapterdesk.ui.app import startup_database

    monkeypatch.setenv("CHAPTERDESK_DB", str(tmp_path / "not-yet.sqlite3"))
    assert startup_database(None, False) == (None, None)
    assert not (tmp_path / "not-yet.sqlite3").exists()
    monkeypatch.setenv("CHAPTERDESK_DB", str(demo_path))
    opened, warning = startup_database(None, False)
    assert opened is not None and chapter_info(opened).name == "Great Lakes Chapter"
    assert warning is None
    opened.dispose()


def test_start_up_objects_leave_the_collector_until_the_window_closes(
    qtbot: QtBot, asked: Asked, demo_db: Database
) -> None:
    import gc

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    assert gc.get_freeze_count() > 10_000  # modules, classes, pages: a full collection skips them
    window.close()
    assert gc.get_freeze_count() == 0
