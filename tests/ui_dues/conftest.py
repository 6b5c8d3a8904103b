"""Dues page test fixtures: SQLite only, and the window and ask() recorder of tests/ui."""

from __future__ import annotations

import pytest

from tests.ui.conftest import (  # noqa: F401 - shared fixtures
    asked,
    fresh_settings,
    ui_thread_statements,
    window,
)


@pytest.fixture
def engine_name() -> str:
    """Pin `db` and `demo_db` to SQLite for widget tests."""
    return "sqlite"
