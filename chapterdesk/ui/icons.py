"""ChapterDesk's icons, drawn with QPainter so nothing is downloaded or shipped as binary.

Each icon is a small vector drawing on a 64-unit square, rendered at the
sizes Qt asks for, so it stays sharp on high-DPI screens. A `QIcon` holds a
`DrawnIconEngine` that draws a size the first time it is painted at it (and
keeps it): opening the window draws the sidebar's icons at one size each,
rather than every icon at seven sizes up to 256 pixels before anything shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QStyleOption

ACCENT = QColor("#2f5d8a")
ACCENT_LIGHT = QColor("#8fb3d9")
Drawing = Callable[[QPainter], None]


def _pen(width: float = 5.0, colour: QColor = ACCENT) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _dashboard(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ACCENT_LIGHT)
    p.drawRoundedRect(QRectF(8, 34, 12, 22), 2, 2)
    p.setBrush(ACCENT)
    p.drawRoundedRect(QRectF(26, 18, 12, 38), 2, 2)
    p.setBrush(ACCENT_LIGHT)
    p.drawRoundedRect(QRectF(44, 26, 12, 30), 2, 2)


def _roster(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ACCENT_LIGHT)
    p.drawEllipse(QPointF(44, 22), 9, 9)
    p.drawRoundedRect(QRectF(30, 34, 28, 22), 11, 11)
    p.setBrush(ACCENT)
    p.drawEllipse(QPointF(24, 22), 10, 10)
    p.drawRoundedRect(QRectF(8, 35, 32, 22), 12, 12)


def _officers(p: QPainter) -> None:
    path = QPainterPath()
    import math

    for i in range(10):
        radius = 26 if i % 2 == 0 else 11
        angle = -math.pi / 2 + i * math.pi / 5
        point = QPointF(32 + radius * math.cos(angle), 34 + radius * math.sin(angle))
        path.moveTo(point) if i == 0 else path.lineTo(point)
    path.closeSubpath()
    p.setPen(_pen(3))
    p.setBrush(ACCENT_LIGHT)
    p.drawPath(path)


def _settings(p: QPainter) -> None:
    p.setPen(_pen(7))
    for angle in range(0, 360, 45):
        p.save()
        p.translate(32, 32)
        p.rotate(angle)
        p.drawLine(QPointF(0, -18), QPointF(0, -25))
        p.restore()
    p.setBrush(ACCENT_LIGHT)
    p.setPen(_pen(5))
    p.drawEllipse(QPointF(32, 32), 16, 16)
    p.setBrush(QBrush(QColor("white")))
    p.drawEllipse(QPointF(32, 32), 6, 6)


def _import(p: QPainter) -> None:
    p.setPen(_pen(6))
    p.drawLine(QPointF(32, 8), QPointF(32, 38))
    p.drawLine(QPointF(20, 27), QPointF(32, 39))
    p.drawLine(QPointF(44, 27), QPointF(32, 39))
    p.drawPolyline([QPointF(10, 40), QPointF(10, 54), QPointF(54, 54), QPointF(54, 40)])


def _dues(p: QPainter) -> None:
    p.setPen(_pen(4))
    p.setBrush(ACCENT_LIGHT)
    p.drawEllipse(QPointF(32, 32), 24, 24)
    font = QFont()
    font.setPixelSize(32)
    font.setBold(True)
    p.setFont(font)
    p.setPen(ACCENT)
    p.drawText(QRectF(8, 8, 48, 48), Qt.AlignmentFlag.AlignCenter, "$")


def _reports(p: QPainter) -> None:
    p.setPen(_pen(4))
    p.setBrush(QColor("white"))
    p.drawRoundedRect(QRectF(14, 6, 36, 52), 4, 4)
    p.setPen(_pen(4, ACCENT_LIGHT))
    for y in (20, 30, 40):
        p.drawLine(QPointF(22, y), QPointF(42, y))


def _audit(p: QPainter) -> None:
    """A page of recorded lines with a clock over its corner: the history of changes."""
    p.setPen(_pen(4))
    p.setBrush(QColor("white"))
    p.drawRoundedRect(QRectF(8, 6, 34, 46), 4, 4)
    p.setPen(_pen(4, ACCENT_LIGHT))
    for y in (17, 26, 35):
        p.drawLine(QPointF(15, y), QPointF(34, y))
    p.setPen(_pen(4))
    p.setBrush(ACCENT_LIGHT)
    p.drawEllipse(QPointF(43, 43), 15, 15)
    p.drawLine(QPointF(43, 43), QPointF(43, 34))
    p.drawLine(QPointF(43, 43), QPointF(50, 47))


def _app(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ACCENT)
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 14, 14)
    p.setBrush(QColor("white"))
    p.drawEllipse(QPointF(24, 24), 8, 8)
    p.drawRoundedRect(QRectF(11, 35, 26, 18), 9, 9)
    p.setBrush(ACCENT_LIGHT)
    p.drawEllipse(QPointF(44, 26), 7, 7)
    p.drawRoundedRect(QRectF(34, 36, 21, 16), 8, 8)


def _warning(p: QPainter) -> None:
    """An amber triangle with an exclamation mark: readable on light and dark rows alike."""
    outline = QPen(QColor("#7a5200"), 3)
    outline.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(outline)
    p.setBrush(QColor("#f2b01e"))
    p.drawPolygon([QPointF(32, 6), QPointF(60, 56), QPointF(4, 56)])
    p.setPen(_pen(7, QColor("#2b1d00")))
    p.drawLine(QPointF(32, 22), QPointF(32, 38))
    p.drawPoint(QPointF(32, 48))


DRAWINGS: dict[str, Drawing] = {
    "dashboard": _dashboard,
    "roster": _roster,
    "officers": _officers,
    "settings": _settings,
    "import": _import,
    "dues": _dues,
    "reports": _reports,
    "audit": _audit,
    "app": _app,
    "warning": _warning,
}


def pixmap(name: str, size: int) -> QPixmap:
    """One icon drawn at `size` × `size` device pixels."""
    image = QPixmap(size, size)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 64, size / 64)
    DRAWINGS[name](painter)
    painter.end()
    return image


class DrawnIconEngine(QIconEngine):
    """Draws one of `DRAWINGS` at whatever size and mode Qt asks for, once per size and mode.

    Disabled and selected icons are derived from the drawing as Qt derives them
    for an icon made of pixmaps (the style's `generatedIconPixmap`), so they
    look as they always did.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._drawn: dict[tuple[int, QIcon.Mode], QPixmap] = {}

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        side = max(1, round(min(size.width(), size.height()) * scale))
        drawn = self._drawn.get((side, mode))
        if drawn is None:
            drawn = pixmap(self.name, side)
            if mode in (QIcon.Mode.Disabled, QIcon.Mode.Selected):
                option = QStyleOption()
                option.palette = QGuiApplication.palette()
                style = QApplication.style()
                if style is not None:
                    drawn = style.generatedIconPixmap(mode, drawn, option)
            self._drawn[(side, mode)] = drawn
        result = QPixmap(drawn)
        result.setDevicePixelRatio(scale)
        return result

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def actualSize(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State
    ) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        return DrawnIconEngine(self.name)

    def key(self) -> str:
        return "chapterdesk-drawn"


def icon(name: str) -> QIcon:
    """The named icon, drawn at each size (and mode) the first time it is shown at it."""
    if name not in DRAWINGS:
        raise KeyError(f"no icon is drawn under the name {name!r}")
    return QIcon(DrawnIconEngine(name))
