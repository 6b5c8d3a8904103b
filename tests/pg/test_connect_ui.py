"""The connect dialog and the lost-connection banner, driven against real PostgreSQL servers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import DBAPIError

from chapterdesk.credentials import SERVICE, ServerAddress
from chapterdesk.data.engine import is_disconnect
from chapterdesk.data.migrate import open_database
from chapterdesk.services.chapter import chapter_info, init_chapter
from chapterdesk.ui.connect_dialog import ConnectDialog
from chapterdesk.ui.connection_banner import MESSAGE, ConnectionBanner
from tests.pg.conftest import MemoryKeyring
from tests.postgres_server import OFFICER, OFFICER_PASSWORD, PostgresServer

pytestmark = pytest.mark.postgres


def fill(dialog: ConnectDialog, server: Any, database: str, password: str) -> None:
    dialog.host.setText(str(server.root))
    dialog.database.setText(database)
    dialog.user.setText(OFFICER)
    dialog.password.setText(password)


def test_test_connection_says_what_is_wrong_then_what_is_there(
    qtbot: QtBot, pg_server: Any, officer_database: str
) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    fill(dialog, pg_server, officer_database, "not the password")
    with qtbot.waitSignal(dialog.tested, timeout=15_000) as wrong:
        dialog.test_button.click()
    assert wrong.args[0] is False
    assert "refused the password for user 'officer'" in dialog.status.text()

    dialog.database.setText("no_such_chapter")
    dialog.password.setText(OFFICER_PASSWORD)
    with qtbot.waitSignal(dialog.tested, timeout=15_000):
        dialog.test_button.click()
    assert "has no database called 'no_such_chapter'" in dialog.status.text()

    dialog.database.setText(officer_database)
    with qtbot.waitSignal(dialog.tested, timeout=15_000) as right:
        dialog.test_button.click()
    assert right.args[0] is True
    assert dialog.status.text().startswith("Connected to PostgreSQL")
    assert dialog.test_button.isEnabled()


def test_connect_keeps_the_password_in_the_keyring_and_the_url_without_it(
    qtbot: QtBot, memory_keyring: MemoryKeyring, pg_server: Any, officer_database: str
) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    fill(dialog, pg_server, officer_database, OFFICER_PASSWORD)
    dialog.buttons.accepted.emit()
    assert dialog.result() == ConnectDialog.DialogCode.Accepted
    account = f"{OFFICER}@{pg_server.root}/{officer_database}"
    assert memory_keyring.passwords == {(SERVICE, account): OFFICER_PASSWORD}
    assert OFFICER_PASSWORD not in dialog.url()

    db = open_database(dialog.url())  # the password comes from the keyring
    try:
        init_chapter(db, "Shared Chapter")
        assert chapter_info(db).name == "Shared Chapter"
    finally:
        db.dispose()

    again = ConnectDialog(
        initial=ServerAddress(str(pg_server.root), 5432, officer_database, OFFICER)
    )
    qtbot.addWidget(again)
    assert again.password.text() == OFFICER_PASSWORD


def test_without_a_keyring_connect_explains_and_then_uses_the_password_this_session(
    qtbot: QtBot, pg_server: Any, officer_database: str
) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = ConnectDialog()
        qtbot.addWidget(dialog)
        fill(dialog, pg_server, officer_database, OFFICER_PASSWORD)
        dialog.buttons.accepted.emit()
        assert dialog.result() != ConnectDialog.DialogCode.Accepted
        assert "no password store (keyring)" in dialog.status.text()
        assert not dialog.remember.isChecked()
        dialog.buttons.accepted.emit()
        assert dialog.result() == ConnectDialog.DialogCode.Accepted
        assert dialog.session_password == OFFICER_PASSWORD
    finally:
        keyring.set_keyring(before)


def test_required_fields_are_named_before_any_attempt(qtbot: QtBot) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.tested, timeout=1000) as said:
        dialog.test_button.click()
    assert said.args == [False, "Fill in the server, the database and the user name."]


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A second throwaway server this test may stop and start (the session's stays up)."""
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


def test_banner_shows_while_the_server_is_down_and_hides_when_it_is_back(
    qtbot: QtBot, own_server: PostgresServer
) -> None:
    db = open_database(own_server.create_database("chapter"))
    try:
        init_chapter(db, "Resilient Chapter")
        banner = ConnectionBanner(db.ping, first_delay_ms=50, max_delay_ms=200)
        qtbot.addWidget(banner)
        assert banner.isHidden()

        own_server.halt()
        with pytest.raises(DBAPIError) as lost:
            chapter_info(db)
        assert is_disconnect(lost.value)
        banner.connection_lost()
        assert banner.retrying
        assert banner.label.text() == MESSAGE
        with qtbot.waitSignal(banner.attempt_failed, timeout=10_000):
            pass

        own_server.resume()
        with qtbot.waitSignal(banner.restored, timeout=15_000):
            pass
        assert banner.isHidden()
        assert chapter_info(db).name == "Resilient Chapter"
    finally:
        db.dispose()
