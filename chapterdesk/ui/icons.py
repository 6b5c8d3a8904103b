"""ChapterDesk's icons, drawn with QPainter so nothing is downloaded or shipped as binary.

Each icon is a small vector drawing on a 64-unit square, rendered at the
sizes Qt asks for, so it stays sharp on high-DPI screens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

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


_DRAWN: dict[str, QIcon] = {}


def icon(name: str) -> QIcon:
    """The named icon at the sizes menus, lists and title bars use (drawn once per process)."""
    result = _DRAWN.get(name)
    if result is None:
        result = QIcon()
        for size in (16, 24, 32, 48, 64, 128, 256):
            result.addPixmap(pixmap(name, size))
        _DRAWN[name] = result
    return QIcon(result)
