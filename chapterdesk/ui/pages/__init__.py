"""The main window's pages, in sidebar order, named without importing them.

The sidebar needs only each page's key, title, icon and order; the page's
module (the Dues page alone pulls in the spreadsheet writer, the Reports page
reportlab) is imported when the officer first opens the page, so start-up pays
only for the page it shows. A page that arrives with a later feature adds one
`PageEntry` here; its `order` puts it in place (Dashboard 10, Roster 20, HQ
Sync 30, Dues 40, Reports 50, Officers 60, Audit 65, Settings 70) and its
position gives it the Ctrl+1…Ctrl+9 shortcut. A test holds each entry equal
to its class's own key, title, icon and order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chapterdesk.ui.pages.base import Page


@dataclass(frozen=True)
class PageEntry:
    """One sidebar entry: what the sidebar shows, and where the page's class lives."""

    key: str
    title: str
    icon_name: str
    order: int
    module: str
    class_name: str

    def page_class(self) -> type[Page]:
        """The page's class (its module is imported now, the first time it is asked for)."""
        cls: type[Page] = getattr(importlib.import_module(self.module), self.class_name)
        return cls


PAGES: list[PageEntry] = [
    PageEntry("dashboard", "Dashboard", "dashboard", 10,
              "chapterdesk.ui.pages.dashboard", "DashboardPage"),
    PageEntry("roster", "Roster", "roster", 20, "chapterdesk.ui.pages.roster", "RosterPage"),
    PageEntry("hqsync", "HQ Sync", "import", 30, "chapterdesk.ui.hqsync", "HqSyncPage"),
    PageEntry("dues", "Dues", "dues", 40, "chapterdesk.ui.pages.dues", "DuesPage"),
    PageEntry("reports", "Reports", "reports", 50, "chapterdesk.ui.pages.reports", "ReportsPage"),
    PageEntry("officers", "Officers", "officers", 60,
              "chapterdesk.ui.pages.officers", "OfficersPage"),
    PageEntry("audit", "Audit trail", "audit", 65, "chapterdesk.ui.pages.audit", "AuditPage"),
    PageEntry("settings", "Settings", "settings", 70,
              "chapterdesk.ui.pages.settings_page", "SettingsPage"),
]


def page_entries() -> list[PageEntry]:
    """Every registered page in sidebar order (no page module is imported)."""
    return sorted(PAGES, key=lambda entry: entry.order)


def page_classes() -> list[type[Page]]:
    """Every registered page class in sidebar order (imports every page module)."""
    return [entry.page_class() for entry in page_entries()]
