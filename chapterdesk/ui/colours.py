"""The window's colours beyond the palette: standings, dues figures and messages, light and dark.

Qt follows the system's dark mode on Windows and macOS, so a colour fixed for
a light window (a pale yellow row behind the palette's now-light text) makes a
row unreadable in dark mode. Every colour here comes in a light and a dark
version, chosen from the palette's base at the moment of drawing, and each
text colour keeps WCAG's 4.5:1 contrast against what it is drawn on (a test
computes them all, `contrast_ratio`). Everything else is the palette's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from chapterdesk.standing import Standing


@dataclass(frozen=True)
class Tint:
    """A row or message tint: its text colour on its background."""

    text: str
    background: str


@dataclass(frozen=True)
class Scheme:
    """The colours of one theme (light or dark)."""

    #: A roster row's tint by standing (None: the palette's own rows).
    rows: dict[Standing, Tint | None]
    #: A member's standing as a badge: its text on its tint.
    badges: dict[Standing, Tint]
    #: A standing as text or a chart bar on the palette's base ("lapsed" in red).
    standing: dict[Standing, str]
    #: The dues card's figures: assessed, collected, waived, outstanding.
    dues: dict[str, str]
    #: Inline messages: a refusal and a confirmation.
    error: Tint
    ok: Tint
    #: What is history rather than in force (an undone import), on the base.
    muted: str
    #: Secondary text on the window (a page's subtitle): quieter than the text, still 4.5:1.
    subtle: str


LIGHT = Scheme(
    rows={
        Standing.GOOD: None,
        Standing.GRACE: Tint("#000000", "#fff1c9"),
        Standing.LAPSED: Tint("#000000", "#fbdcda"),
        Standing.NOT_IN_HQ: Tint("#000000", "#e6e6e6"),
    },
    badges={
        Standing.GOOD: Tint("#1b6e3a", "#e7f4ea"),
        Standing.GRACE: Tint("#7a5200", "#fff1c9"),
        Standing.LAPSED: Tint("#a4262c", "#fbdcda"),
        Standing.NOT_IN_HQ: Tint("#444444", "#e6e6e6"),
    },
    standing={
        Standing.GOOD: "#1b6e3a",
        Standing.GRACE: "#7a5200",
        Standing.LAPSED: "#a4262c",
        Standing.NOT_IN_HQ: "#555555",
    },
    dues={"assessed": "#2f5d8a", "collected": "#1b6e3a", "waived": "#5f5f5f",
          "outstanding": "#a4262c"},
    error=Tint("#a4262c", "#fdecea"),
    ok=Tint("#1b6e3a", "#e7f4ea"),
    muted="#666666",
    subtle="#5f5f5f",
)

DARK = Scheme(
    rows={
        Standing.GOOD: None,
        Standing.GRACE: Tint("#f5f5f5", "#4d3d0c"),
        Standing.LAPSED: Tint("#f5f5f5", "#5a2323"),
        Standing.NOT_IN_HQ: Tint("#f5f5f5", "#404040"),
    },
    badges={
        Standing.GOOD: Tint("#a8e0b9", "#1f3a2a"),
        Standing.GRACE: Tint("#f2c14e", "#3d3010"),
        Standing.LAPSED: Tint("#ffb4ab", "#4a1f1f"),
        Standing.NOT_IN_HQ: Tint("#d0d0d0", "#3a3a3a"),
    },
    standing={
        Standing.GOOD: "#7fd49b",
        Standing.GRACE: "#f2c14e",
        Standing.LAPSED: "#ff8a80",
        Standing.NOT_IN_HQ: "#bdbdbd",
    },
    dues={"assessed": "#8fb8e6", "collected": "#7fd49b", "waived": "#bdbdbd",
          "outstanding": "#ff8a80"},
    error=Tint("#ffb4ab", "#4a1f1f"),
    ok=Tint("#a8e0b9", "#1f3a2a"),
    muted="#a0a0a0",
    subtle="#b0b0b0",
)


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette (default: the application's) draws light text on a dark window."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def scheme(palette: QPalette | None = None) -> Scheme:
    """The colours for the palette: `DARK` on a dark window, else `LIGHT`."""
    return DARK if is_dark(palette) else LIGHT


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, as the systems' dark modes colour a window."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a",
        QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff8a80",
        QPalette.ColorRole.Light: "#4a4a4a",
        QPalette.ColorRole.Midlight: "#3d3d3d",
        QPalette.ColorRole.Mid: "#5a5a5a",
        QPalette.ColorRole.Dark: "#181818",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: "#2f6fb3",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8fb8e6",
        QPalette.ColorRole.LinkVisited: "#c3a6e6",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor | str) -> float:
    """WCAG 2 relative luminance of a colour (0 black … 1 white)."""
    c = QColor(colour)
    return 0.2126 * _linear(c.red()) + 0.7152 * _linear(c.green()) + 0.0722 * _linear(c.blue())


def contrast_ratio(one: QColor | str, other: QColor | str) -> float:
    """WCAG 2 contrast ratio of two colours (1 … 21; body text needs 4.5)."""
    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)
