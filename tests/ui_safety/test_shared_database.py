"""The window on a shared PostgreSQL database: Connect from the File menu, and the lost-connection
banner when the server goes away (a simulated disconnect, then a real server stopped and restarted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from chapterdesk.credentials import SERVICE, ServerAddress
from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.services.chapter import chapter_info, init_chapter
from chapterdesk.ui import settings
from chapterdesk.ui.connect_dialog import ConnectDialog
from chapterdesk.ui.main_window import MainWindow
from tests.pg.conftest import MemoryKeyring
from tests.pg.test_connect_ui import fill, own_server  # noqa: F401 - a fixture
from tests.postgres_server import OFFICER, OFFICER_PASSWORD, PostgresServer
from tests.ui.conftest import Asked, page, settle

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True, scope="module")
def _collect_connections_of_stopped_servers() -> Iterator[None]:
    """Collect, here, the connections these tests strand by stopping a server under them.

    A psycopg connection whose server was killed is dropped by the pool without a
    clean close; left to the garbage collector it would raise its ResourceWarning
    in whatever test happens to run next on this worker.
    """
    yield
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def engine_name() -> str:
    """The window's demo chapter is on the session's PostgreSQL server here."""
    return "postgresql"


def lost_connection_job(_progress: Any, _cancelled: Any) -> None:
    raise OperationalError(
        "SELECT 1", {}, Exception("server closed the connection unexpectedly"),
        connection_invalidated=True,
    )


def test_a_disconnect_shows_the_banner_not_an_error_and_a_good_ping_hides_it(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    banner = window.connection_banner
    banner.first_delay_ms = 50
    assert banner.isHidden()
    settings_page = page(window, "settings")
    settings_page.officer_name.setText("Typed but not saved")
    window.tasks.run(lost_connection_job, title="Reading", parent=window, on_done=print)
    qtbot.waitUntil(lambda: banner.retrying, timeout=5000)
    assert asked.messages == []  # no error dialog, no bug report
    with qtbot.waitSignal(banner.restored, timeout=10_000):
        pass  # the server is up, so the first ping answers
    assert banner.isHidden()
    assert settings_page.officer_name.text() == "Typed but not saved"


def test_the_banner_retries_while_the_server_is_down_and_keeps_what_was_typed(
    qtbot: QtBot, asked: Asked, own_server: PostgresServer  # noqa: F811 - the fixture
) -> None:
    db = open_database(own_server.create_database("chapter"))
    init_chapter(db, "Resilient Chapter")
    main = MainWindow(db)
    qtbot.addWidget(main)
    try:
        main.show()
        settle(qtbot, main)
        banner = main.connection_banner
        banner.first_delay_ms, banner.max_delay_ms = 50, 200
        settings_page = page(main, "settings")
        settings_page.officer_name.setText("Sam Secretary, unsaved")
        own_server.halt()
        main.update_status()
        qtbot.waitUntil(lambda: banner.retrying, timeout=10_000)
        with qtbot.waitSignal(banner.attempt_failed, timeout=10_000):
            pass
        assert banner.retrying and asked.messages == []
        own_server.resume()
        with qtbot.waitSignal(banner.restored, timeout=15_000):
            pass
        settle(qtbot, main)
        assert banner.isHidden() and asked.messages == []
        assert settings_page.officer_name.text() == "Sam Secretary, unsaved"
        assert main.windowTitle() == "Resilient Chapter — ChapterDesk"
        with qtbot.waitSignal(settings_page.saved, timeout=10_000):
            settings_page.save()  # and the officer can now save what they typed
        assert chapter_info(db).officer_name == "Sam Secretary, unsaved"
    finally:
        main.tasks.shutdown()
        db.dispose()


@pytest.fixture
def shared_chapter(pg_server: Any, officer_database: str) -> Iterator[str]:
    """The officers' database with a chapter in it, set up by the officer role itself."""
    address = ServerAddress(str(pg_server.root), 5432, officer_database, OFFICER)
    db: Database = open_database(address.url(OFFICER_PASSWORD).render_as_string(False))
    try:
        init_chapter(db, "Shared Lakes Chapter")
    finally:
        db.dispose()
    yield officer_database


def test_connect_to_shared_database_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, asked: Asked, pg_server: Any,
    shared_chapter: str, memory_keyring: MemoryKeyring,
) -> None:
    def connect(dialog: QDialog) -> bool:
        assert isinstance(dialog, ConnectDialog)
        fill(dialog, pg_server, shared_chapter, OFFICER_PASSWORD)
        dialog.buttons.accepted.emit()
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = connect
    window.safety.connect_action.trigger()
    settle(qtbot, window)
    assert asked.messages == []
    assert window.windowTitle() == "Shared Lakes Chapter — ChapterDesk"
    assert window.ctx.db.location.path is None
    assert OFFICER_PASSWORD not in window.ctx.db.location.url  # it is in the keyring
    assert memory_keyring.passwords == {
        (SERVICE, f"{OFFICER}@{pg_server.root}/{shared_chapter}"): OFFICER_PASSWORD
    }
    remembered = settings.LAST_SERVER.get()
    assert shared_chapter in remembered and OFFICER_PASSWORD not in remembered
    assert OFFICER_PASSWORD not in window.location_label.text()

    def cancel(dialog: QDialog) -> bool:  # the dialog comes back filled in, password included
        assert isinstance(dialog, ConnectDialog)
        assert dialog.database.text() == shared_chapter
        assert dialog.password.text() == OFFICER_PASSWORD
        return False

    asked.dialog_handler = cancel
    window.safety.connect_action.trigger()
    assert chapter_info(window.ctx.db).name == "Shared Lakes Chapter"
