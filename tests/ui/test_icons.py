"""The drawn icons: sharp at any size and ratio, greyed when disabled, tinted when selected."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from chapterdesk.ui.icons import DRAWINGS, icon


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_each_icon_is_drawn_at_the_size_and_ratio_asked(qapp: QApplication, name: str) -> None:
    drawn = icon(name)
    small, sharp = drawn.pixmap(QSize(28, 28)), drawn.pixmap(QSize(28, 28), 2.0)
    assert small.size() == QSize(28, 28) and not small.toImage().allGray()
    assert sharp.size() == QSize(56, 56) and sharp.devicePixelRatio() == 2.0
    normal = small.toImage()
    for mode in (QIcon.Mode.Disabled, QIcon.Mode.Selected):
        assert drawn.pixmap(QSize(28, 28), mode).toImage() != normal
    assert drawn.pixmap(QSize(28, 28), QIcon.Mode.Disabled).toImage().allGray()


def test_an_unknown_icon_is_a_mistake_not_a_blank(qapp: QApplication) -> None:
    with pytest.raises(KeyError, match="no icon"):
        icon("no-such-icon")


def test_the_shipped_svg_app_icon_is_the_drawn_one(qapp: QApplication) -> None:
    """The desktop's icon (the SVG the .deb's PNGs are drawn from) matches the window's."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from chapterdesk.paths import resource

    size = 64
    renderer = QSvgRenderer(str(resource("icons", "chapterdesk.svg")))
    assert renderer.isValid()
    svg = QImage(size, size, QImage.Format.Format_ARGB32)
    svg.fill(Qt.GlobalColor.transparent)
    painter = QPainter(svg)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    drawn = icon("app").pixmap(QSize(size, size)).toImage().convertToFormat(svg.format())
    differing = sum(
        1
        for x in range(size)
        for y in range(size)
        if max(abs(a - b) for a, b in zip(svg.pixelColor(x, y).getRgb(),
                                           drawn.pixelColor(x, y).getRgb(), strict=True)) > 40
    )
    assert differing < size * size // 100, differing  # antialiasing at the edges only
