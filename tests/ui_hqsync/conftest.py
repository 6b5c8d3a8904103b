"""HQ Sync page fixtures: SQLite only, fresh settings, every modal dialog recorded, the page open.

The services underneath are tested on both engines; the page's tests drive the
widget on the embedded SQLite file, with the `ask` seam replaced (pytest-qt's
note_dialogs pattern) so a flow runs to its end without a human.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.hqsync import _framework as framework


@pytest.fixture
def engine_name() -> str:
    """Pin `db` and `demo_db` to SQLite for widget tests."""
    return "sqlite"


@pytest.fixture(autouse=True)
def fresh_settings(qapp: QApplication) -> Iterator[None]:
    """Every test starts with no remembered folder."""
    qapp.setOrganizationName("ChapterDesk")
    qapp.setApplicationName("ChapterDesk")
    QSettings().clear()
    yield
    QSettings().clear()


@dataclass
class Asked:
    """What the page asked the officer, and the answers the test gives."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    open_path: Path | None = None
    open_folders: list[str] = field(default_factory=list)
    confirm_answer: bool = True
    questions: list[str] = field(default_factory=list)

    def texts(self, kind: str) -> list[str]:
        """The messages of one kind (warn, inform, error)."""
        return [text for k, text in self.messages if k == kind]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Replace every modal dialog the page can show with a recorder."""
    record = Asked()
    for kind in ("inform", "warn", "error"):
        monkeypatch.setattr(
            framework.ask,
            kind,
            lambda _p, text, _t="", k=kind, **_k: record.messages.append((k, text)),
        )

    def confirm(_parent: object, text: str, _title: str = "") -> bool:
        record.questions.append(text)
        return record.confirm_answer

    def open_file(_parent: object, _caption: str, folder: str, _filters: str) -> Path | None:
        record.open_folders.append(folder)
        return record.open_path

    monkeypatch.setattr(framework.ask, "confirm", confirm)
    monkeypatch.setattr(framework.ask, "open_file", open_file)
    return record


@pytest.fixture
def page(qtbot: QtBot, demo_db: Database, asked: Asked) -> Iterator[HqSyncPage]:
    """The HQ Sync page on a fresh 120-member demo chapter, shown at 1280×800."""
    widget = HqSyncPage(demo_db)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.tasks.shutdown()
