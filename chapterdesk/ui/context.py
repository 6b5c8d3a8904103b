"""What every page shares: the open database, the task runner, the undo stack and navigation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from chapterdesk.data.engine import Database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.ui import ask
from chapterdesk.ui.tasks import TaskRunner

T = TypeVar("T")


class AppContext(QObject):
    """What pages share: the open database, the task runner, the undo stack, navigation."""

    data_changed = Signal()
    navigate = Signal(str, object)  # page key, what to show there (e.g. a RosterFilter)
    status_message = Signal(str)

    def __init__(self, db: Database, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.undo = QUndoStack(self)

    def attempt(self, parent: QWidget | None, action: Callable[[], T]) -> T | None:
        """Run a quick service call; an officer-facing error is shown and None returned."""
        try:
            return action()
        except ChapterDeskError as exc:
            ask.warn(parent, exc.message)
            return None

    def changed(self, message: str = "") -> None:
        """Tell every page and the status bar that the data changed."""
        if message:
            self.status_message.emit(message)
        self.data_changed.emit()
