"""Every page usable at 1024×640 and sensible at 2560×1440.

At 1024×640 (a small laptop) the dashboard's dues card and the member panel
were cut off at the right edge; at 2560 an almost empty Office column stretched
while Employer was cut short. These look at the real widgets at those sizes.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.roster.members import list_members
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.roster_model import COLUMNS
from tests.ui.conftest import page, settle


def _right_edge_shown(widget, area) -> bool:  # type: ignore[no-untyped-def]
    """Whether `widget`'s right edge lies inside the scroll area's visible part."""
    right = widget.mapTo(area.viewport(), QPoint(widget.width(), 0)).x()
    return right <= area.viewport().width()


def test_at_1024_by_640_the_dues_card_and_member_panel_are_not_cut_off(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    window.resize(1024, 640)
    dashboard = page(window, "dashboard")
    qtbot.waitUntil(lambda: dashboard.dues_widget is not None, timeout=15_000)
    settle(qtbot, window)
    from PySide6.QtWidgets import QScrollArea

    area = dashboard.findChild(QScrollArea)
    qtbot.waitUntil(lambda: dashboard.dues_widget.isVisible())
    # (the layout settles after the resize's events)
    qtbot.waitUntil(lambda: _right_edge_shown(dashboard.dues_widget, area))
    assert not area.horizontalScrollBar().isVisible()
    for link in dashboard.dues_widget.figure_links.values():
        assert _right_edge_shown(link, area)

    roster = page(window, "roster")
    roster.panel.show_member(list_members(demo_db)[0].hq_id)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: roster.panel.badge.isVisible())
    panel = roster.panel
    qtbot.waitUntil(
        lambda: panel.viewport().width() >= panel.widget().minimumSizeHint().width()
    )
    assert _right_edge_shown(panel.badge, panel)
    assert not panel.horizontalScrollBar().isVisible()


def test_at_2560_the_columns_fit_their_contents_and_none_stretches(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(2560, 1440)
    roster = page(window, "roster")
    table = roster.table
    header = table.horizontalHeader()
    assert not header.stretchLastSection()
    rows = roster.model.loaded_rows()
    assert rows
    metrics = table.fontMetrics()
    employer = next(n for n, c in enumerate(COLUMNS) if c.key == "company")
    office = next(n for n, c in enumerate(COLUMNS) if c.key == "offices")
    widest = max(metrics.horizontalAdvance(r.company) for r in rows)
    assert table.columnWidth(employer) >= widest + 8  # never elided
    widest_office = max(metrics.horizontalAdvance(", ".join(r.offices)) for r in rows)
    title = header.fontMetrics().horizontalAdvance("Office")
    slack = 16 + 3 * metrics.averageCharWidth()
    assert table.columnWidth(office) <= max(widest_office, title) + slack
    shown = sum(table.columnWidth(n) for n in range(len(COLUMNS)) if not table.isColumnHidden(n))
    assert shown < table.viewport().width()  # the leftover width stays empty, not stretched
