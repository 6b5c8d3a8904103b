"""Fusion, with check boxes and radio buttons that can be seen on a dark palette.

Fusion (Qt's own style, the one most Linux desktops give a Qt program) outlines
a check box or a radio button in the window's colour darkened. On a dark
palette that outline is as dark as the box it surrounds, so an unticked box
cannot be seen at all: a row of employers in the non-profit list, or "Has left
their job" in the member panel, shows nothing to tick. `ClearIndicators` draws
the outline again, on a dark palette only, in a grey halfway between the text
and the box (over 3:1 against both, as WCAG asks of a control's edge).

It also gives a table's column headings more room at their ends: Fusion keeps
2 pixels, so an amount's heading, set right, ran into the next heading, set
left ("BalanceReceipt" on the ledger).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

_CHECK = QStyle.PrimitiveElement.PE_IndicatorCheckBox
_RADIO = QStyle.PrimitiveElement.PE_IndicatorRadioButton


def outline_colour(palette: QPalette) -> QColor:
    """The grey halfway between the palette's text and its base."""
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() + base.red()) // 2,
        (text.green() + base.green()) // 2,
        (text.blue() + base.blue()) // 2,
    )


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


_HEADER_MARGIN = QStyle.PixelMetric.PM_HeaderMargin
HEADER_MARGIN = 3  #: pixels between a column heading's text and its section's ends


class ClearIndicators(QProxyStyle):
    """Fusion, whose check boxes and radio buttons keep a visible edge on a dark palette,
    and whose column headings keep clear of each other."""

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        """Fusion's, with `HEADER_MARGIN` at each end of a column heading."""
        value = super().pixelMetric(metric, option, widget)
        return max(value, HEADER_MARGIN) if metric == _HEADER_MARGIN else value

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        """Draw as Fusion does, then outline a check box or radio button on a dark palette."""
        super().drawPrimitive(element, option, painter, widget)
        if element not in (_CHECK, _RADIO) or not _dark(option.palette):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(outline_colour(option.palette), 1))
        painter.setBrush(QColor(0, 0, 0, 0))
        box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == _CHECK:
            painter.drawRect(box)
        else:
            painter.drawEllipse(box)
        painter.restore()


def clear_style(name: str) -> QStyle | None:
    """The named style (`ClearIndicators` when it is Fusion); None when there is no such one."""
    style = QStyleFactory.create(name)
    if style is None or style.name().lower() != "fusion":
        return style
    return ClearIndicators(style)
