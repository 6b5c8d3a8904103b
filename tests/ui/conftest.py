"""UI tests drive the window on the embedded SQLite file only (the services are tested on both)."""

from __future__ import annotations

import pytest


@pytest.fixture
def engine_name() -> str:
    """Pin `db` and `demo_db` to SQLite for widget tests."""
    return "sqlite"
