"""The `Page` base class every page of the main window derives from.

A page is a QWidget with a title, an icon and an order in the sidebar; the
main window calls `activate()` when the officer opens it. A page re-reads
after a change only when the change touched what it shows: it subscribes with
`ctx.on_changes(self, kinds, slot)` (kinds as `services.door.Changes` names
them: roster, officers, ledger, rates, settings, imports). Its own changes go
through `ctx.change`, on the database worker. New pages (HQ Sync, Dues,
Reports) subclass `Page` and add one line to `chapterdesk.ui.pages.PAGES`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from chapterdesk.data.engine import Database
from chapterdesk.ui import unsaved
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.widgets import heading, message_label, rule, show_message

__all__ = ["AppContext", "Page", "heading", "message_label", "rule", "show_message"]


class Page(QWidget):
    """One page of the main window (subclasses set key, title, icon_name and order)."""

    key = ""
    title = ""
    icon_name = ""
    order = 0

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName(f"{self.title} page")

    @property
    def db(self) -> Database:
        """The open database."""
        return self.ctx.db

    def may_leave(self) -> bool:
        """Whether the officer may leave the page (switching page, closing the window).

        A page with unsaved edits (in its `forms`) asks to save or discard them
        first; False when the officer cancels (they stay where they were).
        """
        return unsaved.settle(self, self.forms(), f"on the {self.title} page",
                              f"Unsaved changes: {self.title}")

    def forms(self) -> list[unsaved.UnsavedForm]:
        """The forms on the page the officer types into (none unless a page says so)."""
        return []

    def activate(self, target: Any = None) -> None:
        """The officer opened this page (`target`: what to show, e.g. a roster filter)."""
        self.refresh()

    def refresh(self) -> None:
        """Re-read what the page shows from the services."""
