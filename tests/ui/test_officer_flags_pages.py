"""The dashboard and the Officers page flag a sitting officer who lapsed, light or dark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.names import in_sentence
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.widgets import DARK_WARNING, LIGHT_WARNING, is_dark
from tests.lapsed_officer import (
    PRESIDENT,
    REASON,
    TODAY,
    TREASURER,
    appoint_officers,
    lapse_president,
)
from tests.ui.conftest import Asked, page, settle


@pytest.fixture
def lapsed_window(
    qtbot: QtBot, db: Database, asked: Asked, tmp_path: Path
) -> Iterator[MainWindow]:
    """The window on a chapter whose President lapsed in HQ's latest export."""
    appoint_officers(db)
    lapse_president(db, tmp_path)
    main = MainWindow(db)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    settle(qtbot, main)
    yield main
    main.tasks.shutdown()


def _row_of(officers_page, hq_id: str) -> int:  # type: ignore[no-untyped-def]
    return next(
        r for r, (_p, t) in enumerate(officers_page.rows) if t is not None and t.hq_id == hq_id
    )


def test_dashboard_warns_and_opens_the_officers_page(
    qtbot: QtBot, lapsed_window: MainWindow
) -> None:
    dashboard = lapsed_window.pages["dashboard"]
    qtbot.waitUntil(lambda: dashboard.officers_link is not None, timeout=15_000)
    lines = [label.text() for label in dashboard.findChildren(QLabel, "ineligibleOfficer")]
    assert len(lines) == 1
    assert "President" in lines[0] and "Ana Presidente" in lines[0] and PRESIDENT in lines[0]
    assert REASON in lines[0]
    assert "Tesorero" not in " ".join(lines)
    titles = [label.text() for label in dashboard.findChildren(QLabel)]
    assert "An officer is no longer eligible" in titles
    flagged = [b for b in dashboard.findChildren(type(dashboard.officers_link))
               if "(not eligible)" in b.text()]
    # the name isolated (`names.in_sentence`): a right-to-left one cannot turn the line
    named = in_sentence("Ana Presidente")
    assert [b.text() for b in flagged] == [f"President: {named} (not eligible)"]
    assert REASON in flagged[0].toolTip()
    assert dashboard.officers_link.isVisible()

    with qtbot.waitSignal(lapsed_window.pages["dashboard"].ctx.navigate, timeout=5_000):
        qtbot.mouseClick(dashboard.officers_link, Qt.MouseButton.LeftButton)
    officers_page = lapsed_window.pages["officers"]
    qtbot.waitUntil(lambda: lapsed_window.current_page() is officers_page)
    qtbot.waitUntil(lambda: not officers_page.reading)  # the terms are read on the worker
    assert officers_page.table.currentRow() == _row_of(officers_page, PRESIDENT)


def test_officers_page_flags_the_row_with_the_reason(
    qtbot: QtBot, lapsed_window: MainWindow
) -> None:
    officers_page = page(lapsed_window, "officers")
    qtbot.waitUntil(lambda: len(officers_page.terms) == 2)
    president, treasurer = _row_of(officers_page, PRESIDENT), _row_of(officers_page, TREASURER)
    colours = DARK_WARNING if is_dark() else LIGHT_WARNING
    flagged = officers_page.table.item(president, 1)
    assert flagged.text() == "Presidente, Ana"  # listed as the roster lists her
    assert REASON in flagged.toolTip() and "end the term" in flagged.toolTip()
    assert flagged.background().color() == QColor(colours.background)
    assert flagged.foreground().color() == QColor(colours.text)
    assert not officers_page.table.item(president, 0).icon().isNull()
    assert REASON in officers_page.table.item(president, 0).data(
        Qt.ItemDataRole.AccessibleTextRole
    )
    assert officers_page.warning.isVisible()
    assert "Ana Presidente" in officers_page.warning.text()
    assert REASON in officers_page.warning.text()
    fine = officers_page.table.item(treasurer, 1)
    assert fine.toolTip() == "" and officers_page.table.item(treasurer, 0).icon().isNull()

    # Ending the President's term takes the flag away, here and on the dashboard.
    officers_page.table.selectRow(president)
    officers_page.end_on.setText((TODAY - dt.timedelta(days=1)).isoformat())
    qtbot.mouseClick(officers_page.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ends on" in officers_page.message.text())  # saved on the worker
    qtbot.waitUntil(lambda: not officers_page.warning.isVisible())
    assert [t.hq_id for t in officers_page.terms] == [TREASURER]
    dashboard = page(lapsed_window, "dashboard")
    qtbot.waitUntil(lambda: dashboard.officers_link is None and dashboard.figures is not None
                    and not dashboard.figures.ineligible_officers, timeout=15_000)
    assert not any(
        label.isVisible() for label in dashboard.findChildren(QLabel, "ineligibleOfficer")
    ), "the warning is gone"
    settle(qtbot, lapsed_window)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def test_flags_stay_readable_when_the_palette_turns_dark(
    qtbot: QtBot, lapsed_window: MainWindow, tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    officers_page = page(lapsed_window, "officers")
    qtbot.waitUntil(lambda: len(officers_page.terms) == 2)
    row = _row_of(officers_page, PRESIDENT)
    light = app.palette()
    try:
        app.setPalette(_dark_palette())
        qtbot.waitUntil(lambda: officers_page.table.item(row, 1).background().color()
                        == QColor(DARK_WARNING.background))
        item = officers_page.table.item(row, 1)
        assert item.foreground().color() == QColor(DARK_WARNING.text)
        assert DARK_WARNING.text in officers_page.warning.styleSheet()
        # the pale text on the dark tint is well above WCAG's 4.5:1 for normal text
        assert _contrast(DARK_WARNING.text, DARK_WARNING.background) > 7
        assert _contrast(LIGHT_WARNING.text, LIGHT_WARNING.background) > 4.5
        officers_page.grab().save(str(tmp_path / "officers-dark.png"))
        dashboard = page(lapsed_window, "dashboard")
        qtbot.waitUntil(lambda: dashboard.officers_link is not None
                        and DARK_WARNING.text in dashboard.officers_link.styleSheet())
    finally:
        app.setPalette(light)
    settle(qtbot, lapsed_window)


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = []
        for value in QColor(colour).getRgbF()[:3]:
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
