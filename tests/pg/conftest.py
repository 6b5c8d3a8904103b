"""Fixtures for the shared-server tests: an in-memory keyring that is a real keyring backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from tests.postgres_server import OFFICER


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict, for tests (keyring's own API)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Make an empty in-memory keyring the process's keyring for one test."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def officer_database(pg_server: Any) -> Iterator[str]:
    """An empty database owned by the password-authenticated officer role, as a host sets up."""
    name = "officers_chapter"
    with pg_server.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" OWNER {OFFICER}')
    yield name
    pg_server.drop_database(name)
