"""The base every printed report is built on: page, header, footer, story.

A report an officer hands to the board must say whose it is and how current it
is on every sheet, because pages get separated: each page carries the
chapter's name, the report's title and its "as of" date at the top, and the
print date and "Page k of N" at the bottom. N is only known once the last page
is laid out, so pages are kept until then and the footers drawn at the end
(one layout pass, not two).

The file is written through `chapterdesk.atomic`: a crash or a full disk
halfway through a thousand-page roster leaves the previous PDF untouched.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph

from chapterdesk.atomic import atomic_write
from chapterdesk.reports.fontchain import draw_string, drawn_line_by_line, is_rtl, text_width
from chapterdesk.reports.styles import (
    BODY_FONT,
    BOLD_FONT,
    GRID_GREY,
    ReportStyles,
    escape_markup,
    long_date,
    register_fonts,
    report_styles,
)
from chapterdesk.reports.tables import Cell, add_table

__all__ = ["PAGE_SIZES", "Lines", "PageSize", "ReportDocument", "page_size_of"]

PageSize = Literal["letter", "a4"]
PAGE_SIZES: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}


def page_size_of(setting: str) -> PageSize:
    """The chapter's paper size setting as the document wants it."""
    return "a4" if setting.lower() == "a4" else "letter"


_SIDE = 0.6 * inch
_TOP = 0.95 * inch  # room for the two header lines and their rule
_BOTTOM = 0.75 * inch  # room for the footer
_HEADER_FORM = "ChapterDeskHeader"
_FOOTER_FORM = "ChapterDeskFooter"


class Lines(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Lines of plain text (an address, or a paragraph that `Paragraph` would misprint: see
    `fontchain.drawn_line_by_line`), each drawn whole with `fontchain.draw_string`.

    Unlike a `Paragraph`, whose words are drawn as reportlab's own frag words,
    each line goes through the fallback chain as one text: shaped where its
    script needs it, right-to-left lines from the right, and extracted as typed.
    """

    def __init__(self, lines: Sequence[str], style: Any, *, prose: bool = False) -> None:
        """`prose`: a heading or a paragraph, not an address: it takes the style's space
        before and keep-with-next, a paragraph read from the right is set against the right
        edge (as a reader of that script expects), and a word too long for a line is cut."""
        super().__init__()
        self.lines = list(lines)
        self.style = style
        self.font = style.fontName
        self.size = float(style.fontSize)
        self.leading = float(style.leading)
        self.spaceAfter = style.spaceAfter
        self.prose = prose
        #: a paragraph read from the right (its first letter with a direction says so): every
        #: line of it is set against the right edge, a Latin paragraph's every line at the left
        self.from_right = prose and is_rtl(" ".join(self.lines))
        if prose:
            self.spaceBefore = style.spaceBefore
            self.keepWithNext = getattr(style, "keepWithNext", 0)
        self._drawn = self.lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """As wide as the frame, a leading per line (a line too long for it broken at spaces)."""
        self.width = availWidth
        self._drawn = [part for line in self.lines for part in self._broken(line, availWidth)]
        return availWidth, self.leading * len(self._drawn)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """A paragraph (`prose`) taller than the room left: the lines that fit, then the rest.

        An address is never split (it moves to the next page whole).
        """
        if not self.prose:
            return []
        self.wrap(availWidth, availHeight)
        fit = int((availHeight + 1e-6) // self.leading)
        if fit <= 0 or fit >= len(self._drawn):
            return []
        first = Lines(self._drawn[:fit], self.style, prose=True)
        rest = Lines(self._drawn[fit:], self.style, prose=True)
        first.spaceAfter = rest.spaceBefore = 0
        first.from_right = rest.from_right = self.from_right
        first.keepWithNext = 0
        return [first, rest]

    def _broken(self, line: str, room: float) -> list[str]:
        """`line` broken at spaces into pieces that fit `room` (a longer word stays whole)."""
        pieces: list[str] = []
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, self.font, self.size) > room:
                pieces.append(current)
                candidate = word
            current = candidate
        if not self.prose:
            return [*pieces, current]
        return [part for piece in (*pieces, current) for part in self._cut(piece, room)]

    def _cut(self, piece: str, room: float) -> list[str]:
        """A piece of prose too wide for `room` (one very long word) cut between letters.

        Each part is the longest that fits (found by halving), never cut before a
        combining mark, so a vowel sign stays on its letter; an address keeps its words.
        """
        parts: list[str] = []
        while text_width(piece, self.font, self.size) > room and len(piece) > 1:
            low, high = 1, len(piece) - 1  # the longest prefix that fits is piece[:low]
            while low < high:
                middle = (low + high + 1) // 2
                if text_width(piece[:middle], self.font, self.size) <= room:
                    low = middle
                else:
                    high = middle - 1
            cut = low
            while cut > 1 and unicodedata.category(piece[cut])[0] == "M":
                cut -= 1
            parts.append(piece[:cut])
            piece = piece[cut:]
        return [*parts, piece]

    def draw(self) -> None:
        """Each line from the top, its first baseline a font size down."""
        top = self.leading * len(self._drawn) - self.size
        for number, line in enumerate(self._drawn):
            if not self.prose:  # an address: each line in its own direction, from the left
                draw_string(self.canv, 0, top - number * self.leading, line, self.font, self.size)
                continue
            direction = "R" if self.from_right else "L"  # the paragraph's, on every line
            x = 0.0
            if self.from_right:
                x = self.width - text_width(line, self.font, self.size, direction)
            draw_string(
                self.canv, x, top - number * self.leading, line, self.font, self.size, direction
            )


def _prose(text: str, style: Any) -> Flowable:
    """A heading or paragraph of plain text: a `Paragraph`, unless its letters must be
    shaped or read from the right (then `Lines`, which lays out each line whole)."""
    if drawn_line_by_line(text, style.fontName):
        return Lines([text], style, prose=True)
    return Paragraph(escape_markup(text), style)


def _fit_text(text: str, font: str, size: float, room: float) -> str:
    """`text` cut with "…" so that it fits `room` points (headers never overlap).

    Only the page header's chapter name and title are fitted so; they are not
    figures a reader needs, and a name too long for the line must not overlap the date.
    """
    if text_width(text, font, size) <= room:
        return text
    while text and text_width(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that holds its pages back until the end, to print "Page k of N"."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        """Hold the finished page instead of writing it."""
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Write every held page with its footer, now that the page count is known."""
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_footer(self, total: int) -> None:
        """The print date at the left and "Page k of N" at the right, under a rule.

        The rule and the date are the same on every page: drawn once into a PDF
        form that each page shows, as the header is.
        """
        width, _height = self._pagesize
        if not self.hasForm(_FOOTER_FORM):
            self.beginForm(_FOOTER_FORM)
            self.setStrokeColor(GRID_GREY)
            self.setLineWidth(0.5)
            self.line(_SIDE, 0.62 * inch, width - _SIDE, 0.62 * inch)
            self.setFont(BODY_FONT, 8)
            self.drawString(_SIDE, 0.45 * inch, self.footer_left)
            self.endForm()
        self.saveState()
        self.doForm(_FOOTER_FORM)
        self.setFont(BODY_FONT, 8)
        self.drawRightString(width - _SIDE, 0.45 * inch, f"Page {self._pageNumber} of {total}")
        self.restoreState()


class ReportDocument:
    """One PDF report: fill `story` (or use the helpers), then call `build`.

    Args:
        target: the PDF's path (written atomically) or an open binary file.
        chapter_name: printed at the top of every page.
        title: the report's name, printed at the top of every page.
        as_of: the date the figures are true for ("As of 1 July 2026").
        page_size: "letter" (8.5 by 11 inches) or "a4".
        printed_on: the print date in the footer; today when not given.
    """

    def __init__(
        self,
        target: Path | BinaryIO,
        *,
        chapter_name: str,
        title: str,
        as_of: dt.date,
        page_size: PageSize = "letter",
        printed_on: dt.date | None = None,
    ) -> None:
        if page_size not in PAGE_SIZES:
            raise ValueError(f"page_size must be 'letter' or 'a4', not {page_size!r}")
        register_fonts()
        self.target = target
        self.chapter_name = chapter_name
        self.title = title
        self.as_of = as_of
        self.page_size = page_size
        self.printed_on = printed_on or dt.date.today()
        self.styles: ReportStyles = report_styles()
        self.story: list[Flowable] = []
        self.page_count = 0
        self._built = False
        self._header: tuple[str, float, str, str] | None = None

    @property
    def frame_width(self) -> float:
        """The width, in points, that the story's flowables may use."""
        return float(PAGE_SIZES[self.page_size][0] - 2 * _SIDE)

    def add_heading(self, text: str) -> None:
        """A section heading, kept on the same page as what follows it."""
        self.story.append(_prose(text, self.styles.heading))

    def add_paragraph(self, text: str, *, small: bool = False) -> None:
        """A paragraph of plain text (no markup is interpreted)."""
        self.story.append(_prose(text, self.styles.small if small else self.styles.body))

    def add_table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[Cell | None]],
        col_widths: Sequence[float] | None = None,
        *,
        numeric_cols: Iterable[int] = (),
        totals_row: Sequence[Cell | None] | None = None,
    ) -> None:
        """A table of any length, laid out a page at a time (see `tables.add_table`).

        `col_widths` defaults to equal shares of the page's width; widths given
        as fractions (all ≤ 1) are taken as shares of it.
        """
        if col_widths is None:
            col_widths = [1 / len(header)] * len(header)
        if all(w <= 1 for w in col_widths):
            col_widths = [w * self.frame_width for w in col_widths]
        if sum(col_widths) > self.frame_width + 0.5:
            raise ValueError(
                f"columns are {sum(col_widths):.0f} pt wide; the page has {self.frame_width:.0f}"
            )
        add_table(
            self.story, header, rows, col_widths, numeric_cols=numeric_cols, totals_row=totals_row
        )

    def page_break(self) -> None:
        """Start the next flowable on a new page."""
        self.story.append(PageBreak())

    def build(self) -> int:
        """Lay out the story and write the PDF; returns the number of pages.

        Raises:
            BadInputError: the disk is full or the folder is not writable (the
                previous file is unchanged).
        """
        if self._built:
            raise RuntimeError("a ReportDocument is built once: its table rows are consumed")
        self._built = True
        if isinstance(self.target, (str, Path)):
            # The file is opened here, not by reportlab, so it is closed even when a full
            # disk fails reportlab's write (reportlab leaves a file it opened itself open).
            with atomic_write(Path(self.target)) as handle:
                self._build_into(handle)
        else:
            self._build_into(self.target)
        return self.page_count

    def _build_into(self, destination: str | BinaryIO) -> None:
        """Run reportlab's layout into a file name or an open file."""
        width, height = PAGE_SIZES[self.page_size]
        document = BaseDocTemplate(
            destination,
            pagesize=(width, height),
            leftMargin=_SIDE,
            rightMargin=_SIDE,
            topMargin=_TOP,
            bottomMargin=_BOTTOM,
            title=f"{self.title} — {self.chapter_name}",
            author=self.chapter_name,
            creator="ChapterDesk",
            initialFontName=BODY_FONT,
        )
        frame = Frame(
            _SIDE,
            _BOTTOM,
            width - 2 * _SIDE,
            height - _TOP - _BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        document.addPageTemplates([PageTemplate("report", [frame], onPage=self._draw_header)])
        printed = f"Printed {long_date(self.printed_on)}"
        canvas_class = type("_ReportCanvas", (_NumberedCanvas,), {"footer_left": printed})
        story = self.story or [Paragraph("", self.styles.body)]
        document.build(story, canvasmaker=canvas_class)
        self.page_count = int(document.page)

    def _header_texts(self, width: float) -> tuple[str, float, str, str]:
        """The header's strings, fitted once per document: the same on every page.

        Returns the "as of" text, its width, the chapter name and the title.
        """
        if self._header is None:
            room = width - 2 * _SIDE
            as_of = f"As of {long_date(self.as_of)}"
            as_of_width = float(pdfmetrics.stringWidth(as_of, BODY_FONT, 9))
            name = _fit_text(self.chapter_name, BODY_FONT, 9, room - as_of_width - 18)
            self._header = (as_of, as_of_width, name, _fit_text(self.title, BOLD_FONT, 12, room))
        return self._header

    def _draw_header(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        """Chapter name and "as of" date on the first line, the title under them.

        The header is the same on every page, so it is drawn once into a PDF form
        that each page shows, rather than laid out again page after page.
        """
        if not canvas.hasForm(_HEADER_FORM):
            canvas.beginForm(_HEADER_FORM)
            self._draw_header_once(canvas, document)
            canvas.endForm()
        canvas.doForm(_HEADER_FORM)

    def _draw_header_once(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        """The header's strings and rule."""
        width, height = document.pagesize
        as_of, as_of_width, name, title = self._header_texts(width)
        canvas.saveState()
        canvas.setFont(BODY_FONT, 9)
        # drawRightString would measure the same string again on every page
        canvas.drawString(width - _SIDE - as_of_width, height - 0.5 * inch, as_of)
        draw_string(canvas, _SIDE, height - 0.5 * inch, name, BODY_FONT, 9)
        draw_string(canvas, _SIDE, height - 0.5 * inch - 16, title, BOLD_FONT, 12)
        canvas.setStrokeColor(GRID_GREY)
        canvas.setLineWidth(0.5)
        y = height - 0.5 * inch - 23
        canvas.line(_SIDE, y, width - _SIDE, y)
        canvas.restoreState()
