"""The main window's pages, in sidebar order.

A page that arrives with a later feature (HQ Sync, Dues, Reports) adds one
line here; its `order` puts it in place (Dashboard 10, Roster 20, HQ Sync 30,
Dues 40, Reports 50, Officers 60, Settings 70) and its position gives it the
Ctrl+1…Ctrl+9 shortcut.
"""

from __future__ import annotations

from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.pages.audit import AuditPage
from chapterdesk.ui.pages.base import Page
from chapterdesk.ui.pages.dashboard import DashboardPage
from chapterdesk.ui.pages.dues import DuesPage
from chapterdesk.ui.pages.officers import OfficersPage
from chapterdesk.ui.pages.reports import ReportsPage
from chapterdesk.ui.pages.roster import RosterPage
from chapterdesk.ui.pages.settings_page import SettingsPage

PAGES: list[type[Page]] = [
    DashboardPage,
    RosterPage,
    HqSyncPage,  # type: ignore[list-item]  # a QWidget with the Page interface
    DuesPage,
    ReportsPage,
    OfficersPage,
    AuditPage,
    SettingsPage,
]


def page_classes() -> list[type[Page]]:
    """Every registered page class in sidebar order."""
    return sorted(PAGES, key=lambda page: page.order)
