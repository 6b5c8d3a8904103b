"""`chapterdesk FILE.cdh` (the file manager's Open): the handover dialog opens on that package."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.migrate import open_database
from chapterdesk.file_to_open import window_request
from chapterdesk.services.roster.members import list_members
from chapterdesk.services.safety import handover
from chapterdesk.ui.app import open_given_file
from chapterdesk.ui.handover_dialog import HandoverImportDialog
from tests.ui.conftest import Asked, settle
from tests.ui.test_first_run import PASSPHRASE, first_run


def test_a_handover_package_given_to_open_goes_straight_to_its_dialog(
    qtbot: QtBot, asked: Asked, demo_path: Path, tmp_path: Path
) -> None:
    package = tmp_path / "for-next-year.cdh"
    source = open_database(demo_path)
    try:
        handover.export_handover(source.location, package, PASSPHRASE, log2n=15)
        members = {m.hq_id for m in list_members(source)}
    finally:
        source.dispose()
    new_db = tmp_path / "next-officer" / "chapter.sqlite3"
    shown: list[str] = []

    def unseal(dialog: QDialog) -> bool:
        assert isinstance(dialog, HandoverImportDialog)
        shown.append(dialog.package.text())
        assert dialog.focusWidget() is dialog.passphrase  # what is left to type
        dialog.passphrase.setText(PASSPHRASE)
        dialog.file.setText(str(new_db))
        dialog.buttons.accepted.emit()
        return dialog.result() == QDialog.DialogCode.Accepted

    window = first_run(qtbot)
    asked.open_path = None  # a file chooser would get no file: the package must not be asked for
    asked.dialog_handler = unseal
    request = window_request(None, False, str(package))
    assert request.refused is None
    open_given_file(window, request)
    settle(qtbot, window)
    assert shown == [str(package)]
    assert window.ctx is not None and window.ctx.db.location.path == new_db
    assert {m.hq_id for m in list_members(window.ctx.db)} == members
    assert f"as {new_db}" in asked.texts("inform")[-1]
    window.tasks.shutdown()
    window.ctx.db.dispose()


def test_a_database_given_to_open_needs_no_dialog(
    qtbot: QtBot, asked: Asked, demo_path: Path
) -> None:
    """A database is opened as the window's database at start (as --db), not through a dialog."""
    window = first_run(qtbot)
    request = window_request(None, False, str(demo_path))
    assert request.file is not None and request.file.path == demo_path
    open_given_file(window, request)  # asked.dialog_handler is None: any dialog would fail
    assert window.ctx is None and asked.messages == []
