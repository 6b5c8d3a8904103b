"""Fonts, paragraph styles and value formatting shared by every printed report.

Members' names come from 30+ countries (Łukasz, Nguyễn, Søren, O'Brien), so
reports print in DejaVu Sans, shipped under `chapterdesk/resources/fonts/`, and never in the
PDF base fonts, which cannot show most of those letters; what DejaVu Sans has
no glyph for (Arabic, Chinese, Thai, ...) prints in a Noto fallback font
(`fontchain`). Dates and money are
formatted once (dates here, money by `chapterdesk.money.format_money`, as the
window and the command line write it) so every report writes them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from chapterdesk.paths import resource
from chapterdesk.reports.fontchain import markup
from chapterdesk.values import long_date

__all__ = [
    "BODY_FONT",
    "BOLD_FONT",
    "ReportStyles",
    "escape_markup",
    "long_date",
    "register_fonts",
    "report_styles",
]

BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"

GRID_GREY = colors.Color(0.55, 0.55, 0.55)
HEADER_FILL = colors.Color(0.86, 0.89, 0.93)
ZEBRA_FILL = colors.Color(0.95, 0.96, 0.97)


def register_fonts() -> None:
    """Register DejaVu Sans and DejaVu Sans Bold with reportlab (idempotent).

    Also declares them one family, so `<b>` inside a Paragraph selects the
    bold face. There is no oblique face shipped: `<i>` falls back to upright.
    """
    registered = pdfmetrics.getRegisteredFontNames()
    if BODY_FONT in registered and BOLD_FONT in registered:
        return
    pdfmetrics.registerFont(TTFont(BODY_FONT, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD_FONT, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(
        BODY_FONT, normal=BODY_FONT, bold=BOLD_FONT, italic=BODY_FONT, boldItalic=BOLD_FONT
    )


@dataclass(frozen=True)
class ReportStyles:
    """The paragraph styles a report is written with."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    table_cell: ParagraphStyle


def report_styles() -> ReportStyles:
    """A fresh set of the house paragraph styles, all in DejaVu Sans."""
    register_fonts()
    body = ParagraphStyle(
        "Body", fontName=BODY_FONT, fontSize=10, leading=13, alignment=TA_LEFT, spaceAfter=6
    )
    return ReportStyles(
        title=ParagraphStyle(
            "Title", parent=body, fontName=BOLD_FONT, fontSize=16, leading=20, spaceAfter=10
        ),
        heading=ParagraphStyle(
            "Heading",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        body=body,
        small=ParagraphStyle("Small", parent=body, fontSize=8, leading=10, spaceAfter=3),
        table_cell=ParagraphStyle("TableCell", parent=body, fontSize=9, leading=11, spaceAfter=0),
    )


def escape_markup(text: str) -> str:
    """Plain text made safe to put in a Paragraph, whose mini-markup reads `<`, `>` and `&`.

    Text in a script DejaVu Sans lacks is tagged with its fallback font, and
    right-to-left text is put in visual order (`fontchain.markup`).
    """
    register_fonts()
    return markup(text, BODY_FONT)


