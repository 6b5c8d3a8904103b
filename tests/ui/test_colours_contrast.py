"""Every colour the window adds to the palette keeps WCAG 4.5:1 contrast, light and dark.

Qt follows the system's dark mode on Windows and macOS; a row tint or a figure
colour fixed for a light window becomes unreadable on a dark one. The checks
below compute WCAG 2 contrast for each standing colour (roster rows, badges,
figures, chart labels) and each message colour against what it is drawn on,
in Fusion's light palette and in a dark one, and look at real rows and charts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QRadioButton,
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
)
from pytestqt.qtbot import QtBot

from chapterdesk.standing import Standing
from chapterdesk.ui.colours import DARK, LIGHT, contrast_ratio, dark_palette, scheme
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.style import clear_style, outline_colour
from chapterdesk.ui.widgets import DARK_WARNING, LIGHT_WARNING
from tests.ui.conftest import page

AA = 4.5


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


def _texts_on(palette: QPalette) -> Iterator[tuple[str, str, str]]:
    """(what, text colour, background) for every colour the scheme draws text with."""
    colours = scheme(palette)
    grounds = {
        "base": palette.color(QPalette.ColorRole.Base).name(),
        "window": palette.color(QPalette.ColorRole.Window).name(),
        "alternate row": palette.color(QPalette.ColorRole.AlternateBase).name(),
    }
    for standing in Standing:
        tint = colours.rows[standing]
        if tint is not None:
            yield f"{standing.label} row", tint.text, tint.background
        badge = colours.badges[standing]
        yield f"{standing.label} badge", badge.text, badge.background
        for ground, colour in grounds.items():
            yield f"{standing.label} figure on {ground}", colours.standing[standing], colour
    for figure, colour in colours.dues.items():
        for ground, background in grounds.items():
            yield f"dues {figure} on {ground}", colour, background
    yield "refusal", colours.error.text, colours.error.background
    yield "confirmation", colours.ok.text, colours.ok.background
    for ground, background in grounds.items():
        yield f"muted on {ground}", colours.muted, background
        yield f"subtitle on {ground}", colours.subtle, background
        yield f"error text on {ground}", colours.error.text, background
        yield f"ok text on {ground}", colours.ok.text, background
        yield f"chart labels on {ground}", palette.color(QPalette.ColorRole.Text).name(), background
    warning = DARK_WARNING if colours is DARK else LIGHT_WARNING
    yield "warning", warning.text, warning.background


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_added_colour_keeps_4_5_to_1_contrast(qapp: QApplication, theme: str) -> None:
    palette = light_palette() if theme == "light" else dark_palette()
    assert scheme(palette) is (LIGHT if theme == "light" else DARK)
    poor = [
        f"{what}: {text} on {ground} is {contrast_ratio(text, ground):.2f}:1"
        for what, text, ground in _texts_on(palette)
        if contrast_ratio(text, ground) < AA
    ]
    assert poor == []


def test_the_contrast_formula_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.fixture
def dark_app(qapp: QApplication) -> Iterator[QApplication]:
    """The application in a dark palette for one test (Qt following a dark system theme)."""
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield qapp
    qapp.setPalette(before)


def test_lapsed_and_grace_rows_stay_readable_in_dark_mode(
    qtbot: QtBot, dark_app: QApplication, window: MainWindow
) -> None:
    roster = page(window, "roster")
    model = roster.table.model()
    seen: set[Standing] = set()
    for row in range(min(model.rowCount(), 200)):
        index = model.index(row, 0)
        standing = model.data(index, Qt.ItemDataRole.UserRole + 1).standing
        if standing in (Standing.GRACE, Standing.LAPSED, Standing.NOT_IN_HQ):
            background = model.data(index, Qt.ItemDataRole.BackgroundRole).color().name()
            text = model.data(index, Qt.ItemDataRole.ForegroundRole).color().name()
            assert contrast_ratio(text, background) >= AA, (standing, text, background)
            seen.add(standing)
    assert {Standing.GRACE, Standing.LAPSED} <= seen


def test_chart_labels_are_drawn_in_the_palettes_text_colour_in_dark_mode(
    qtbot: QtBot, dark_app: QApplication, window: MainWindow
) -> None:
    dashboard = page(window, "dashboard")
    qtbot.waitUntil(lambda: bool(dashboard.findChildren(QChartView)), timeout=15_000)
    text = dark_app.palette().color(QPalette.ColorRole.Text)
    base = dark_app.palette().color(QPalette.ColorRole.Base)
    axes = [axis for view in dashboard.findChildren(QChartView) for axis in view.chart().axes()]
    assert axes
    for axis in axes:
        assert axis.labelsBrush().color() == text
        assert contrast_ratio(axis.labelsBrush().color().name(), base.name()) >= AA


EDGE = 3.0  #: WCAG 2's least contrast for what shows a control (its edge)


@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_an_unticked_box_can_be_seen_on_a_dark_palette(
    qtbot: QtBot, dark_app: QApplication, kind: type[QCheckBox] | type[QRadioButton]
) -> None:
    """Fusion outlines a box in the window's colour darkened: on a dark window, invisible."""
    before = dark_app.style()
    style = clear_style("Fusion")
    assert style is not None
    box = kind("Has left their job")
    box.setStyle(style)
    qtbot.addWidget(box)
    box.resize(box.sizeHint())
    option = QStyleOptionButton()
    box.initStyleOption(option)  # type: ignore[attr-defined]
    element = (QStyle.SubElement.SE_CheckBoxIndicator if kind is QCheckBox
               else QStyle.SubElement.SE_RadioButtonIndicator)  # fmt: skip
    indicator = style.subElementRect(element, option, box)
    image = box.grab().toImage()
    base = dark_palette().color(QPalette.ColorRole.Base)
    middle = indicator.center().y()
    edge = max(  # the left edge, crossed at the indicator's middle
        contrast_ratio(image.pixelColor(x, middle), base)
        for x in range(indicator.left(), indicator.left() + 3)
    )
    assert edge >= EDGE, (kind.__name__, edge)
    assert contrast_ratio(outline_colour(dark_palette()), base) >= EDGE
    assert dark_app.style() is before
