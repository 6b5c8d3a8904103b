"""File → Back up, Restore, Hand over, Open a handover package: driven as an officer would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import chapter_info, update_settings
from chapterdesk.services.roster.members import list_members
from chapterdesk.services.safety import backups as backups
from chapterdesk.ui import ask
from chapterdesk.ui.handover_dialog import HandoverExportDialog, HandoverImportDialog
from chapterdesk.ui.main_window import MainWindow
from tests.safety.conftest import mode
from tests.ui.conftest import Asked, settle

PASSPHRASE = "walnut harbour tinsel cobalt"


def rename_chapter(db: Database, name: str) -> None:
    info = chapter_info(db)
    update_settings(
        db, name=name, currency=info.currency,
        year_start=f"{info.year_start_month:02d}-{info.year_start_day:02d}",
        grace_days=info.grace_days, stale_after_days=info.stale_after_days,
        page_size=info.page_size,
    )


def test_back_up_writes_a_private_verified_copy_and_says_where(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    asked.save_path = tmp_path / "saved" / "lakes-backup"
    (tmp_path / "saved").mkdir()
    window.safety.back_up_action.trigger()
    settle(qtbot, window)
    written = tmp_path / "saved" / "lakes-backup.sqlite3"
    assert written.exists() and mode(written) == 0o600
    con = sqlite3.connect(written)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute(
            "SELECT count(*) FROM chapter_membership WHERE left_on IS NULL"
        ).fetchone() == (120,)
    finally:
        con.close()
    [said] = asked.texts("inform")
    assert str(written) in said and "120 members" in said and "integrity check passed" in said


def test_restore_brings_back_the_backup_in_the_window(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = chapter_info(demo_db).name
    backup = tmp_path / "before.sqlite3"
    backups.backup_database(demo_db.location, backup)
    rename_chapter(window.ctx.db, "Renamed After The Backup")
    window.update_status()
    settle(qtbot, window)
    assert window.windowTitle().startswith("Renamed After The Backup")

    questions: list[str] = []
    asked.open_path = backup
    monkeypatch.setattr(ask, "confirm", lambda _p, text, _t="": questions.append(text) or True)
    window.safety.restore_action.trigger()
    settle(qtbot, window)
    assert str(demo_db.location.path) in questions[0] and str(backup) in questions[0]
    assert "automatic backup" in questions[0]
    assert window.windowTitle() == f"{original} — ChapterDesk"
    assert chapter_info(window.ctx.db).name == original
    assert not window.ctx.db.read_only
    [said] = asked.texts("inform")
    assert f"from {backup}" in said and "was saved as" in said
    saved_as = Path(said.split("was saved as ")[1].rstrip("."))
    assert saved_as.exists()


def test_restore_refuses_a_file_that_is_not_a_chapterdesk_database(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    junk = tmp_path / "holiday-photo.sqlite3"
    junk.write_bytes(b"\x89PNG not a database at all" * 40)
    asked.open_path = junk
    db_before = window.ctx.db
    window.safety.restore_action.trigger()
    settle(qtbot, window)
    [refusal] = asked.texts("warn")
    assert str(junk) in refusal and "ChapterDesk" in refusal
    assert window.ctx.db is db_before  # nothing was closed or replaced
    assert len(list_members(window.ctx.db)) == 120


def fill_export(passphrase: str, again: str, target: Path, seen: list[str]):  # type: ignore[no-untyped-def]
    def handle(dialog: QDialog) -> bool:
        assert isinstance(dialog, HandoverExportDialog)
        dialog.file.setText(str(target))
        dialog.passphrase.setText(passphrase)
        dialog.repeat.setText(again)
        dialog.buttons.accepted.emit()
        seen.append(dialog.message.text())
        return dialog.result() == QDialog.DialogCode.Accepted

    return handle


def test_hand_over_then_open_the_package_as_a_new_database(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database, tmp_path: Path
) -> None:
    window.safety.log2n = 15  # the cheapest cost the format accepts, to keep the test quick
    members = {m.hq_id for m in list_members(demo_db)}
    package = tmp_path / "for-next-year.cdh"
    seen: list[str] = []
    asked.dialog_handler = fill_export("too short", "too short", package, seen)
    window.safety.hand_over_action.trigger()
    assert "use at least 12" in seen[0] and not package.exists()

    asked.dialog_handler = fill_export(PASSPHRASE, PASSPHRASE + "!", package, seen)
    window.safety.hand_over_action.trigger()
    assert "differ" in seen[1] and not package.exists()

    asked.dialog_handler = fill_export(PASSPHRASE, PASSPHRASE, package, seen)
    window.safety.hand_over_action.trigger()
    settle(qtbot, window)
    assert package.exists() and mode(package) == 0o600
    assert PASSPHRASE.encode() not in package.read_bytes()
    assert "Give the passphrase to the next officer separately" in asked.texts("inform")[0]

    new_db = tmp_path / "next-officer" / "chapter.sqlite3"

    def open_with(passphrase: str):  # type: ignore[no-untyped-def]
        def handle(dialog: QDialog) -> bool:
            assert isinstance(dialog, HandoverImportDialog)
            assert dialog.package.text() == str(package)
            dialog.passphrase.setText(passphrase)
            dialog.file.setText(str(new_db))
            dialog.buttons.accepted.emit()
            return dialog.result() == QDialog.DialogCode.Accepted

        return handle

    asked.open_path = package
    asked.dialog_handler = open_with("not the passphrase at all")
    window.safety.open_handover_action.trigger()
    settle(qtbot, window)
    assert "The passphrase does not open for-next-year.cdh" in asked.texts("warn")[0]
    assert not new_db.exists()
    assert window.ctx.db is not None and window.ctx.db.location.path == demo_db.location.path

    asked.dialog_handler = open_with(PASSPHRASE)
    window.safety.open_handover_action.trigger()
    settle(qtbot, window)
    assert window.ctx.db.location.path == new_db
    assert {m.hq_id for m in list_members(window.ctx.db)} == members
    assert window.windowTitle() == f"{chapter_info(demo_db).name} — ChapterDesk"
    assert f"as {new_db}" in asked.texts("inform")[-1]


def test_open_handover_refuses_to_overwrite_an_existing_database(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database, tmp_path: Path
) -> None:
    asked.open_path = tmp_path / "any.cdh"
    messages: list[str] = []

    def handle(dialog: QDialog) -> bool:
        assert isinstance(dialog, HandoverImportDialog)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.file.setText(str(demo_db.location.path))
        dialog.buttons.accepted.emit()
        messages.append(dialog.message.text())
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = handle
    window.safety.open_handover_action.trigger()
    assert "already exists; choose a new file name" in messages[0]
    assert len(list_members(window.ctx.db)) == 120
