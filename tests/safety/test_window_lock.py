"""The window offers read-only access to a database another ChapterDesk holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from chapterdesk.errors import DatabaseLockedError
from chapterdesk.services.roster.members import list_members
from chapterdesk.ui.app import open_for_window
from tests.safety.test_lock import hold, stop


def test_the_window_asks_and_opens_read_only(demo_path: Path, tmp_path: Path) -> None:
    holder = hold(demo_path, 30)
    asked: list[str] = []
    try:
        with pytest.raises(DatabaseLockedError):
            open_for_window(str(demo_path), ask=lambda message: asked.append(message) or False)
        db, warning = open_for_window(str(demo_path), ask=lambda message: True)
        try:
            assert db.read_only and warning is None
            assert len(list_members(db)) == 120
        finally:
            db.dispose()
    finally:
        stop(holder)
    assert f"process {holder.pid}" in asked[0] and "open it read-only" in asked[0]
