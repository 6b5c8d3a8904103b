"""First run: "Connect to a shared database…" on the welcome page opens the shared chapter."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.ui.connect_dialog import ConnectDialog
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.recent import recent_databases
from tests.pg.conftest import MemoryKeyring
from tests.pg.test_connect_ui import fill
from tests.postgres_server import OFFICER_PASSWORD
from tests.ui.conftest import Asked, settle
from tests.ui_safety.test_shared_database import shared_chapter  # noqa: F401 - a fixture

pytestmark = pytest.mark.postgres


def test_connect_to_a_shared_database_from_the_welcome_page(
    qtbot: QtBot, asked: Asked, pg_server: Any, shared_chapter: str,  # noqa: F811
    memory_keyring: MemoryKeyring,
) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.welcome

    def connect(dialog: QDialog) -> bool:
        assert isinstance(dialog, ConnectDialog)
        fill(dialog, pg_server, shared_chapter, OFFICER_PASSWORD)
        dialog.buttons.accepted.emit()
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = connect
    qtbot.mouseClick(window.welcome.connect_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert asked.messages == []
    assert window.windowTitle() == "Shared Lakes Chapter — ChapterDesk"
    assert window.ctx.db.location.path is None
    assert recent_databases() == []  # a server is remembered as the last server, not a file
    window.tasks.shutdown()
    window.ctx.db.dispose()
