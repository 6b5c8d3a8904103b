"""Fixtures for the data-safety parts of the window: the UI tests' window and ask() seam, reused.

The window runs on the embedded SQLite file (`engine_name` pinned as in
tests/ui); the shared-database tests override `engine_name` in their module
and reuse tests/pg's keyring and server fixtures.
"""

from __future__ import annotations

from tests.pg.conftest import memory_keyring, officer_database  # noqa: F401 - fixtures
from tests.ui.conftest import asked, engine_name, fresh_settings, window  # noqa: F401 - fixtures
