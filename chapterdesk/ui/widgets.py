"""Small widgets every page builds with: headings, rules, inline messages, warning colours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDateEdit, QFrame, QLabel, QVBoxLayout, QWidget

from chapterdesk.ui.colours import is_dark, scheme


@dataclass(frozen=True)
class WarningColours:
    """The colours of a warning (text, tinted background, border), readable on the palette."""

    text: str
    background: str
    border: str


LIGHT_WARNING = WarningColours("#a4262c", "#fdecea", "#e6a19b")
DARK_WARNING = WarningColours("#ffb4ab", "#4a1f1f", "#8c3b35")


def warning_colours(palette: QPalette | None = None) -> WarningColours:
    """Warning colours for the palette: dark red on pale red, or pale red on dark red."""
    return DARK_WARNING if is_dark(palette) else LIGHT_WARNING


def heading(text: str, subtitle: str = "") -> QWidget:
    """A page heading: the title in a larger bold font (scaled from the system font)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    title = QLabel(text)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    title.setFont(font)
    title.setObjectName("pageTitle")
    layout.addWidget(title)
    if subtitle:
        sub = QuietLabel(subtitle)
        sub.setObjectName("pageSubtitle")
        sub.setWordWrap(True)
        layout.addWidget(sub)
    return box


def no_match_text(text: str) -> str:
    """The sentence shown when a member search finds nobody (the roster and every picker)."""
    return f"No member matches “{text}”."


class QuietLabel(QLabel):
    """Secondary text (a subtitle, a note) in the scheme's quieter colour, still 4.5:1.

    A disabled label's grey, used for such notes before, was 1.7:1 on Fusion's light window.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._colour()

    def _colour(self) -> None:
        wanted = QColor(scheme(QApplication.palette()).subtle)
        palette = self.palette()
        if palette.color(QPalette.ColorRole.WindowText) != wanted:
            palette.setColor(QPalette.ColorRole.WindowText, wanted)
            self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        """Follow the application's palette (dark mode switched on or off)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._colour()


def rule() -> QFrame:
    """A thin horizontal line between sections."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def message_label() -> QLabel:
    """An inline message line for refusals and confirmations (hidden until used)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setAccessibleName("Message")
    return label


def show_message(label: QLabel, text: str, *, error: bool) -> None:
    """Show an inline message, red for a refusal, green for a confirmation."""
    label.setText(text)
    colours = scheme()
    tint = colours.error if error else colours.ok
    label.setStyleSheet(
        f"QLabel {{ color: {tint.text}; background: {tint.background}; border-radius: 4px; "
        "padding: 6px 8px; }"
    )
    label.setVisible(bool(text))


def past_date_edit(name: str, value: dt.date | None = None) -> QDateEdit:
    """A date editor for a day that has come (a join or leave date): today at the latest.

    The service refuses a future day with its own sentence whatever the editor
    allows; the editor's maximum just keeps the officer from typing one.
    """
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setMaximumDate(QDate.currentDate())
    edit.setDate(qdate(value) if value is not None else QDate.currentDate())
    return edit


def qdate(day: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def edited_date(edit: QDateEdit) -> dt.date:
    """The day a date editor shows."""
    day = edit.date().toPython()
    assert isinstance(day, dt.date)
    return day
