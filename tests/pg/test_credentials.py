"""The server password lives in the OS keyring and reaches the server only at connect time."""

from __future__ import annotations

from typing import Any

import keyring
import pytest
from keyring.backends import fail

from chapterdesk.credentials import (
    SERVICE,
    NoKeyringError,
    ServerAddress,
    address_of,
    check_server,
    forget_password,
    store_password,
    stored_password,
)
from chapterdesk.data.engine import resolve_location
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import BadInputError, DatabaseError
from chapterdesk.services.chapter import chapter_info, init_chapter
from tests.pg.conftest import MemoryKeyring
from tests.postgres_server import OFFICER, OFFICER_PASSWORD

pytestmark = pytest.mark.postgres


def officer_address(pg_server: Any, database: str) -> ServerAddress:
    return ServerAddress(str(pg_server.root), 5432, database, OFFICER)


def test_password_is_kept_under_chapterdesk_and_user_at_host_slash_db(
    memory_keyring: MemoryKeyring,
) -> None:
    address = ServerAddress("db.example.org", 5432, "chapter", "treasurer")
    store_password(address, "s3cret")
    assert memory_keyring.passwords == {(SERVICE, "treasurer@db.example.org/chapter"): "s3cret"}
    assert stored_password(address) == "s3cret"
    assert address.url_text() == "postgresql+psycopg://treasurer@db.example.org/chapter"
    assert address_of(address.url_text()) == address
    assert forget_password(address) is True
    assert stored_password(address) is None
    assert forget_password(address) is False


def test_opening_the_server_takes_the_password_from_the_keyring_and_never_shows_it(
    memory_keyring: MemoryKeyring, pg_server: Any, officer_database: str
) -> None:
    address = officer_address(pg_server, officer_database)
    url = address.url_text()

    with pytest.raises(DatabaseError, match="asks for a password"):
        open_database(url)

    store_password(address, OFFICER_PASSWORD)
    location = resolve_location(url)
    db = open_database(location)  # an empty database: ChapterDesk sets it up
    try:
        init_chapter(db, "Shared Chapter")
        assert chapter_info(db).name == "Shared Chapter"
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT current_user").scalar() == OFFICER
        assert OFFICER_PASSWORD not in location.url
        assert OFFICER_PASSWORD not in location.display()
        assert OFFICER_PASSWORD not in repr(db.engine.url)
    finally:
        db.dispose()


def test_without_a_keyring_saving_is_refused_with_what_to_do_and_lookups_find_nothing() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        address = ServerAddress("db.example.org", 5432, "chapter", "treasurer")
        with pytest.raises(NoKeyringError, match=r"install one .* or enter the password each time"):
            store_password(address, "s3cret")
        assert stored_password(address) is None
        assert forget_password(address) is False
    finally:
        keyring.set_keyring(before)


def test_check_server_says_what_is_there_or_what_went_wrong(
    pg_server: Any, officer_database: str
) -> None:
    address = officer_address(pg_server, officer_database)
    said = check_server(address, OFFICER_PASSWORD)
    assert said.startswith("Connected to PostgreSQL")
    assert "it is empty; ChapterDesk sets it up" in said
    db = open_database(address.url(OFFICER_PASSWORD).render_as_string(hide_password=False))
    init_chapter(db, "Shared Chapter")
    db.dispose()
    assert "holds the chapter 'Shared Chapter'" in check_server(address, OFFICER_PASSWORD)

    with pytest.raises(BadInputError, match="refused the password for user 'officer'"):
        check_server(address, "wrong")
    missing = officer_address(pg_server, "no_such_chapter")
    with pytest.raises(BadInputError, match="has no database called 'no_such_chapter'"):
        check_server(missing, OFFICER_PASSWORD)
    nowhere = ServerAddress("127.0.0.1", 1, "chapter", OFFICER)
    with pytest.raises(BadInputError, match="cannot be reached"):
        check_server(nowhere, "x")
