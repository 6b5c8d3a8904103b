"""Steps the HQ Sync tests share: waiting for the page, choosing a column, next month's export."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster import members as roster
from chapterdesk.standing import Standing
from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.hqsync.models import ChangesModel
from chapterdesk.ui.hqsync.review import TABS

TODAY = dt.date.today()


def settle(qtbot: QtBot, page: HqSyncPage) -> None:
    """Wait until the page's background job (if any) has finished and its outcome is shown."""
    qtbot.waitUntil(lambda: page.task is None and not page.tasks.busy(), timeout=20_000)


def click(qtbot: QtBot, button: object) -> None:
    """Click a button as the officer would (it must be enabled)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def choose_column(page: HqSyncPage, field: str, header: str) -> None:
    """Pick the file's column headed `header` for a member field in the mapping step."""
    combo = page.mapping.combos[field]
    position = combo.findText(header, Qt.MatchFlag.MatchStartsWith)
    assert position > 0, f"no column headed {header!r} on offer"
    combo.setCurrentIndex(position)


def tab_titles(page: HqSyncPage) -> list[str]:
    """The difference's tab titles as shown (with their counts)."""
    tabs = page.review.tabs
    return [tabs.tabText(i) for i in range(tabs.count())]


def changes_tab(page: HqSyncPage, kind_value: str) -> ChangesModel:
    """The model behind one tab of the difference ("new", "changed", "conflict", …)."""
    kind = next(kind for _title, kind, _note in TABS if kind.value == kind_value)
    return page.review.models[kind]


def tick(model: ChangesModel, hq_id: str, accepted: bool) -> None:
    """Tick or untick one member's accept box, as a click on it does."""
    row = next(r for r, change in enumerate(model.items) if change.hq_id == hq_id)
    state = Qt.CheckState.Checked if accepted else Qt.CheckState.Unchecked
    assert model.setData(model.index(row, 0), state.value, Qt.ItemDataRole.CheckStateRole)


def good_members(db: Database) -> list[str]:
    """HQ IDs of chapter members in good standing, in roster order."""
    return [m.hq_id for m in roster.list_members(db, standing=Standing.GOOD)]
